#ifndef GSD_CLIBUDEV_SHIM_H
#define GSD_CLIBUDEV_SHIM_H
#include <libudev.h>
#endif

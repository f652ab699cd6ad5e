#ifndef GSD_CLIBUSB_SHIM_H
#define GSD_CLIBUSB_SHIM_H
#include <libusb.h>
#endif

#ifndef GSD_CLIBPNG_SHIM_H
#define GSD_CLIBPNG_SHIM_H
#include <png.h>
#endif

// libusb_dev_mem_alloc maps the usbfs device node; the testbed's node is a plain empty file, and touching
// such a mapping dies with SIGBUS. While an emulator runs in this process, this definition (which wins
// over libusb's, being in the preloaded library or the executable) answers "no device memory", and
// callers such as librtlsdr fall back to ordinary buffers. Otherwise it forwards to libusb.
#define _GNU_SOURCE
#include <dlfcn.h>
#include <stddef.h>

struct gsd_rtlsdr_emulator;
extern struct gsd_rtlsdr_emulator *gsd_rtlsdr_emulator_active;

unsigned char *libusb_dev_mem_alloc(void *handle, size_t length);

unsigned char *libusb_dev_mem_alloc(void *handle, size_t length) {
    if (gsd_rtlsdr_emulator_active) return NULL;
    unsigned char *(*real)(void *, size_t) = (unsigned char *(*)(void *, size_t))dlsym(RTLD_NEXT, "libusb_dev_mem_alloc");
    return real ? real(handle, length) : NULL;
}

#ifndef GSD_CUMOCKDEV_SHIM_H
#define GSD_CUMOCKDEV_SHIM_H
// umockdev's testbed (sysfs, udev and device-node emulation) and the usbdevfs ioctl ABI the
// emulated USB device answers. Macros that Swift cannot import are re-exported as functions here.
#include <umockdev.h>
#include <linux/usbdevice_fs.h>
#include <sys/ioctl.h>

static inline unsigned long gsd_usbdevfs_submiturb(void) { return USBDEVFS_SUBMITURB; }
static inline unsigned long gsd_usbdevfs_reapurb(void) { return USBDEVFS_REAPURB; }
static inline unsigned long gsd_usbdevfs_reapurbndelay(void) { return USBDEVFS_REAPURBNDELAY; }
static inline unsigned long gsd_usbdevfs_discardurb(void) { return USBDEVFS_DISCARDURB; }
static inline unsigned long gsd_usbdevfs_claiminterface(void) { return USBDEVFS_CLAIMINTERFACE; }
static inline unsigned long gsd_usbdevfs_releaseinterface(void) { return USBDEVFS_RELEASEINTERFACE; }
static inline unsigned long gsd_usbdevfs_get_capabilities(void) { return USBDEVFS_GET_CAPABILITIES; }
static inline unsigned long gsd_usbdevfs_control(void) { return USBDEVFS_CONTROL; }
static inline unsigned long gsd_usbdevfs_setinterface(void) { return USBDEVFS_SETINTERFACE; }
static inline unsigned long gsd_usbdevfs_clear_halt(void) { return USBDEVFS_CLEAR_HALT; }
static inline unsigned long gsd_usbdevfs_reset(void) { return USBDEVFS_RESET; }
static inline unsigned long gsd_usbdevfs_connectinfo(void) { return USBDEVFS_CONNECTINFO; }
static inline unsigned long gsd_usbdevfs_ioctl(void) { return USBDEVFS_IOCTL; }
static inline unsigned long gsd_usbdevfs_disconnect_claim(void) { return USBDEVFS_DISCONNECT_CLAIM; }
static inline unsigned long gsd_usbdevfs_alloc_streams(void) { return USBDEVFS_ALLOC_STREAMS; }

// g_signal_connect is a macro.
static inline gulong gsd_g_signal_connect(gpointer instance, const gchar *signal, GCallback handler, gpointer data) {
    return g_signal_connect_data(instance, signal, handler, data, NULL, (GConnectFlags)0);
}
#endif

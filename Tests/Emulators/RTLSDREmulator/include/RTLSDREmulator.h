#ifndef GSD_RTLSDR_EMULATOR_H
#define GSD_RTLSDR_EMULATOR_H
// An emulated RTL2832U + R820T/R828D dongle (0bda:2838) on a umockdev testbed, for tests and benchmarks
// without hardware. The process must run under umockdev's preload (umockdev-wrapper, or LD_PRELOAD with
// libumockdev-preload.so.0), and the emulator must be started before libusb_init.
//
// A register model answers the control transfers (demodulator, USB and SYS blocks, I2C to the tuner,
// standard string descriptors); bulk IN URBs on endpoint 0x81 are filled when reaped with a counter
// pattern: stream byte k belongs to the little-endian uint32 word k/4, whose value is k/4. Faults can be
// injected (stalls, timeouts, unplug). Another process (rtl_sdr, rtl_tcp, SoapySDR) gets the same
// dongle by preloading this library too with GSD_RTLSDR_EMULATOR=1 in its environment (see
// README.md next to this header).
#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

typedef struct gsd_rtlsdr_emulator gsd_rtlsdr_emulator;

enum gsd_rtlsdr_emulator_tuner {
    GSD_RTLSDR_EMULATOR_R820T = 0,  // I2C 0x34
    GSD_RTLSDR_EMULATOR_R828D = 1,  // I2C 0x74, 16 MHz crystal
    GSD_RTLSDR_EMULATOR_BLOG_V4 = 2,  // RTL-SDR Blog V4: R828D with a 28.8 MHz crystal, "RTLSDRBlog" / "Blog V4"
};

typedef struct {
    const char *serial;        // iSerial string; NULL: "00000001"
    int tuner;                 // enum gsd_rtlsdr_emulator_tuner
    int paced;                 // nonzero: bulk data no faster than the programmed sample rate (2 bytes/sample)
    uint32_t rtl_xtal_hz;      // 0: 28.8 MHz (used to decode the programmed sample rate)
} gsd_rtlsdr_emulator_options;

// Creates the testbed and the device (bus 1, device 2, sysfs 1-1). NULL on failure with a message in
// `error`. One emulator per process at a time.
gsd_rtlsdr_emulator *gsd_rtlsdr_emulator_start(const gsd_rtlsdr_emulator_options *options, char *error, size_t error_size);
// Removes the device and the testbed (its temporary folder too).
void gsd_rtlsdr_emulator_stop(gsd_rtlsdr_emulator *emulator);
// The emulator started by the preload constructor (GSD_RTLSDR_EMULATOR=1), or NULL.
gsd_rtlsdr_emulator *gsd_rtlsdr_emulator_shared(void);
// 1 when this process runs under umockdev's preload (LD_PRELOAD names libumockdev-preload).
int gsd_rtlsdr_emulator_preload_active(void);

// Unplug: queued bulk URBs complete with -ESHUTDOWN, then every ioctl fails with ENODEV; the device is
// removed from sysfs with a "remove" uevent. Replug adds it again (same serial, new device number).
void gsd_rtlsdr_emulator_unplug(gsd_rtlsdr_emulator *emulator);
void gsd_rtlsdr_emulator_replug(gsd_rtlsdr_emulator *emulator);
// The next `count` control transfers fail with a stall (-EPIPE).
void gsd_rtlsdr_emulator_stall_control(gsd_rtlsdr_emulator *emulator, int count);
// The next `count` control transfers never complete (the host times out and discards them).
void gsd_rtlsdr_emulator_hold_control(gsd_rtlsdr_emulator *emulator, int count);
// The next `count` bulk URBs complete with a stall (-EPIPE) and no data.
void gsd_rtlsdr_emulator_stall_bulk(gsd_rtlsdr_emulator *emulator, int count);
// The next `count` bulk URBs complete successfully with only `length` bytes (a short transfer).
void gsd_rtlsdr_emulator_short_bulk(gsd_rtlsdr_emulator *emulator, int count, int length);

// Observations for assertions.
typedef struct {
    uint64_t control_transfers;   // control URBs answered (incl. stalled)
    uint64_t bulk_urbs;           // bulk URBs completed with data
    uint64_t bulk_bytes;          // bytes of pattern delivered
    uint64_t discarded_urbs;      // URBs cancelled by the host
    uint32_t devnum;              // current device number
    int plugged;
    int claimed;                  // interface 0 claimed
    uint8_t tuner_i2c_address;
    uint32_t resampler_ratio;     // demod page 1 0x9f..0xa2
    double sample_rate_hz;        // xtal * 2^22 / ratio (0 when unset)
    double tuner_lo_hz;           // R82xx PLL decoded from registers 0x10, 0x14-0x16 (the tuner's crystal)
    int32_t if_frequency_word;    // demod page 1 0x19..0x1b (22-bit signed)
    int demod_agc;                // page 0 0x19 bit 5
    int test_mode;                // page 0 0x19 low bits == 0x03
    int direct_sampling;          // 0 off, 1 I, 2 Q (from page 1 0xb1 / page 0 0x08, 0x06)
    int bias_tee;                 // GPIO 0 output high and enabled
    int lna_auto;                 // R82xx reg 0x05 bit 4 clear
    int mixer_auto;               // R82xx reg 0x07 bit 4 set
    uint8_t lna_index;            // R82xx reg 0x05 & 0x0f
    uint8_t mixer_index;          // R82xx reg 0x07 & 0x0f
    uint8_t vga;                  // R82xx reg 0x0c & 0x0f
    int16_t ppm_word;             // demod page 1 0x3e..0x3f (14-bit signed)
    int streaming;                // USB_EPA_CTL (0x2148) == 0 after init
    uint8_t filter_code;          // R82xx status register 4 bits 3-0: 0 before calibration, 15 failed
} gsd_rtlsdr_emulator_state;

void gsd_rtlsdr_emulator_get_state(gsd_rtlsdr_emulator *emulator, gsd_rtlsdr_emulator_state *state);
// Raw registers: block 0 demod (page in high byte of `address`: (page << 8) | reg), 1 USB, 2 SYS;
// block 6 the tuner (register 0-31). Returns -1 for an unknown block.
int gsd_rtlsdr_emulator_register(gsd_rtlsdr_emulator *emulator, int block, uint32_t address);
// The sysfs-style device node path, e.g. "/dev/bus/usb/001/002".
const char *gsd_rtlsdr_emulator_device_node(gsd_rtlsdr_emulator *emulator);

#ifdef __cplusplus
}
#endif
#endif

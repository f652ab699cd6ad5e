#ifndef GSD_RTLSDR_REGISTER_MODEL_H
#define GSD_RTLSDR_REGISTER_MODEL_H
// Register model of an RTL2832U with an R82xx tuner behind its I2C repeater: what the chip does with
// vendor control transfers (bmRequestType 0x40 write / 0xC0 read, bRequest 0, wValue = address,
// wIndex = block << 8 | 0x10 for writes; demodulator: wValue = reg << 8 | 0x20, wIndex = page | 0x10).
#include <stdint.h>

typedef struct {
    uint8_t demod[16][256];
    uint8_t usb[0x10000];
    uint8_t sys[0x10000];
    uint8_t tuner[32];         // R82xx: 0-4 read-only status, 5-31 written by the host
    uint8_t tuner_address;     // 0x34 R820T, 0x74 R828D
    uint32_t tuner_xtal_hz;    // 28.8 MHz (R820T, RTL-SDR Blog V4's R828D) or 16 MHz (other R828D boards)
    uint8_t vco_fine_tune;     // the VCO fine-tune state the status reports: the chip's reference (2 R820T, 1 R828D)
    uint8_t filter_code;       // what a filter calibration at 56 MHz yields
    uint32_t xtal_hz;
    const char *strings[4];    // 0 unused, 1 manufacturer, 2 product, 3 serial
} rtl_register_model;

void rtl_model_init(rtl_register_model *m, uint8_t tuner_address, uint32_t xtal_hz, const char *serial);
// Handles one control transfer. `data` holds wLength bytes (OUT: what the host sent; IN: filled).
// Returns the bytes transferred (IN), wLength (OUT), or -EPIPE for a stall (unknown request, I2C NAK).
int rtl_model_control(rtl_register_model *m, uint8_t request_type, uint8_t request, uint16_t value,
                      uint16_t index, uint8_t *data, uint16_t length);
double rtl_model_sample_rate(const rtl_register_model *m);
uint32_t rtl_model_resampler_ratio(const rtl_register_model *m);
double rtl_model_tuner_lo(const rtl_register_model *m);
// The filter calibration code in status register 4 (0 until a calibration ran, 15 when it failed).
uint8_t rtl_model_filter_code(const rtl_register_model *m);
#endif

#include "RegisterModel.h"
#include <errno.h>
#include <string.h>

enum { BLOCK_DEMOD = 0, BLOCK_USB = 1, BLOCK_SYS = 2, BLOCK_TUN = 3, BLOCK_ROM = 4, BLOCK_IR = 5, BLOCK_IIC = 6 };

static uint8_t bitrev(uint8_t b) {
    uint8_t r = 0;
    for (int i = 0; i < 8; i++) if (b & (1 << i)) r |= (uint8_t)(0x80 >> i);
    return r;
}

// Status register 4 as the host reads it (after bit reversal): bits 5-4 the VCO fine-tune state,
// bits 3-0 the filter calibration code. The chip shifts status out bit-reversed.
static void set_status4(rtl_register_model *m, uint8_t code) {
    m->tuner[4] = bitrev((uint8_t)((m->vco_fine_tune << 4) | (code & 0x0f)));
}

uint8_t rtl_model_filter_code(const rtl_register_model *m) { return bitrev(m->tuner[4]) & 0x0f; }

void rtl_model_init(rtl_register_model *m, uint8_t tuner_address, uint32_t xtal_hz, const char *serial) {
    memset(m, 0, sizeof *m);
    m->tuner_address = tuner_address;
    m->tuner_xtal_hz = tuner_address == 0x74 ? 16000000u : 28800000u;
    m->vco_fine_tune = tuner_address == 0x74 ? 1 : 2;
    m->filter_code = 6;
    m->xtal_hz = xtal_hz;
    // R82xx read-only status (reversed by the host): chip id 0x69 in register 0, PLL locked (bit 6) in
    // register 2, and in register 4 the VCO fine-tune at the chip's reference state (the divider the
    // host chose is right) and no filter calibration yet.
    m->tuner[0] = 0x69;
    m->tuner[2] = 0x02;
    set_status4(m, 0);
    m->strings[1] = "Realtek";
    m->strings[2] = "RTL2838UHIDIR";
    m->strings[3] = serial;
}

static int string_descriptor(rtl_register_model *m, uint8_t index, uint8_t *data, uint16_t length) {
    uint8_t d[256];
    int n;
    if (index == 0) {
        d[0] = 4; d[1] = 3; d[2] = 0x09; d[3] = 0x04;  // LANGID en-US
        n = 4;
    } else if (index < 4 && m->strings[index]) {
        const char *s = m->strings[index];
        size_t len = strlen(s);
        if (len > 126) len = 126;
        d[0] = (uint8_t)(2 + 2 * len);
        d[1] = 3;
        for (size_t i = 0; i < len; i++) { d[2 + 2 * i] = (uint8_t)s[i]; d[3 + 2 * i] = 0; }
        n = d[0];
    } else {
        return -EPIPE;
    }
    if (n > length) n = length;
    memcpy(data, d, (size_t)n);
    return n;
}

// I2C through the RTL's IIC block: a write carries the register pointer then values; a read of an
// R82xx always starts at register 0.
static int i2c(rtl_register_model *m, int write, uint8_t address, uint8_t *data, uint16_t length) {
    int repeater = (m->demod[1][0x01] & 0x08) != 0;
    if (address != m->tuner_address || !repeater) return -EPIPE;  // nobody acknowledges
    if (write) {
        if (length < 1) return -EPIPE;
        uint8_t reg = data[0];
        int trigger = 0;
        for (uint16_t i = 1; i < length; i++) {
            uint8_t r = (uint8_t)(reg + i - 1);
            if (r >= 5 && r < 32) m->tuner[r] = data[i];
            if (r == 0x0b && (data[i] & 0x10)) trigger = 1;
        }
        // Filter calibration: triggered (0x0b bit 4) with the calibration clock on (0x0f bit 2), it
        // measures against the PLL, which must run at 56 MHz; anything else fails with code 15.
        if (trigger && (m->tuner[0x0f] & 0x04)) {
            double lo = rtl_model_tuner_lo(m);
            set_status4(m, lo > 55.5e6 && lo < 56.5e6 ? m->filter_code : 0x0f);
        }
        return length;
    }
    for (uint16_t i = 0; i < length; i++) data[i] = i < 32 ? m->tuner[i] : 0;
    return length;
}

int rtl_model_control(rtl_register_model *m, uint8_t request_type, uint8_t request, uint16_t value,
                      uint16_t index, uint8_t *data, uint16_t length) {
    if (request_type == 0x80 && request == 6) {  // GET_DESCRIPTOR
        if ((value >> 8) == 3) return string_descriptor(m, (uint8_t)(value & 0xff), data, length);
        return -EPIPE;
    }
    if ((request_type != 0x40 && request_type != 0xC0) || request != 0) return -EPIPE;
    int write = request_type == 0x40;
    if (write != ((index & 0x10) != 0)) return -EPIPE;
    int block = index >> 8;
    if (block == BLOCK_DEMOD) {
        if ((value & 0xff) != 0x20) return -EPIPE;
        int page = index & 0x0f;
        int reg = value >> 8;
        for (uint16_t i = 0; i < length; i++) {
            int r = (reg + i) & 0xff;
            if (write) m->demod[page][r] = data[i];
            else data[i] = m->demod[page][r];
        }
        return length;
    }
    uint8_t *space = block == BLOCK_USB ? m->usb : block == BLOCK_SYS ? m->sys : NULL;
    if (space) {
        for (uint16_t i = 0; i < length; i++) {
            uint16_t a = (uint16_t)(value + i);
            if (write) space[a] = data[i];
            else data[i] = space[a];
        }
        return length;
    }
    if (block == BLOCK_IIC) return i2c(m, write, (uint8_t)value, data, length);
    if (block == BLOCK_ROM && !write) {  // EEPROM absent: reads as erased
        memset(data, 0xff, length);
        return length;
    }
    return -EPIPE;
}

uint32_t rtl_model_resampler_ratio(const rtl_register_model *m) {
    const uint8_t *p = m->demod[1];
    return (uint32_t)p[0x9f] << 24 | (uint32_t)p[0xa0] << 16 | (uint32_t)p[0xa1] << 8 | p[0xa2];
}

double rtl_model_sample_rate(const rtl_register_model *m) {
    // The register holds 28 bits; the resampler repeats bit 27 as bit 28, which is how the low rates
    // (225-300 kHz, ratios above 2^28) fit.
    uint32_t ratio = rtl_model_resampler_ratio(m) & 0x0fffffffu;
    if (ratio & 0x08000000u) ratio |= 0x10000000u;
    if (ratio == 0) return 0;
    return (double)m->xtal_hz * 4194304.0 / (double)ratio;
}

double rtl_model_tuner_lo(const rtl_register_model *m) {
    const uint8_t *t = m->tuner;
    double ref = (double)m->tuner_xtal_hz;
    if (t[0x10] & 0x10) ref /= 2;  // reference divider
    int div_num = (t[0x10] >> 5) & 0x07;
    double mix_div = (double)(2 << div_num);
    int ni = t[0x14] & 0x3f, si = t[0x14] >> 6;
    int nint = 4 * ni + si + 13;
    int sdm_off = (t[0x12] & 0x08) != 0;
    double sdm = sdm_off ? 0 : (double)((uint32_t)t[0x16] << 8 | t[0x15]);
    double vco = 2.0 * ref * ((double)nint + sdm / 65536.0);
    return vco / mix_div;
}

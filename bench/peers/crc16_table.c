/* Peer for `gsd bench crc16-x25`: a classic byte-table CRC-16/X-25 in C, same 64 KiB buffers.
 * Build: gcc -O2 bench/peers/crc16_table.c -o /tmp/crc16_table && /tmp/crc16_table */
#include <stdint.h>
#include <stdio.h>
#include <time.h>

static uint16_t table[256];

static void make_table(void) {
    for (int i = 0; i < 256; i++) {
        uint16_t c = (uint16_t)i;
        for (int k = 0; k < 8; k++) c = (c & 1) ? (c >> 1) ^ 0x8408 : c >> 1;
        table[i] = c;
    }
}

static uint16_t crc_x25(const uint8_t *p, size_t n) {
    uint16_t crc = 0xFFFF;
    while (n--) crc = (crc >> 8) ^ table[(crc ^ *p++) & 0xFF];
    return crc ^ 0xFFFF;
}

int main(void) {
    static uint8_t buf[65536];
    uint64_t s = 1;
    for (size_t i = 0; i < sizeof buf; i++) { s = s * 6364136223846793005ULL + 1442695040888963407ULL; buf[i] = (uint8_t)(s >> 56); }
    make_table();
    if (crc_x25((const uint8_t *)"123456789", 9) != 0x906E) { fprintf(stderr, "check value wrong\n"); return 1; }
    struct timespec a, b;
    volatile uint16_t sink = 0;
    long iters = 0;
    double secs = 0;
    clock_gettime(CLOCK_MONOTONIC, &a);
    do {
        for (int k = 0; k < 64; k++) sink ^= crc_x25(buf, sizeof buf);
        iters += 64;
        clock_gettime(CLOCK_MONOTONIC, &b);
        secs = (b.tv_sec - a.tv_sec) + (b.tv_nsec - a.tv_nsec) * 1e-9;
    } while (secs < 1.0);
    printf("{\"benchmark\": \"crc16-x25-c-table\", \"value\": %.3f, \"unit\": \"MB/s\"}\n", iters * (double)sizeof buf / secs / 1e6);
    return 0;
}

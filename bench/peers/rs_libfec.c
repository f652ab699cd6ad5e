/* Peer benchmark for `gsd bench rs-decode`: libfec's decode_rs_ccsds (CCSDS RS(255,223), dual basis, I = 1)
 * on the same workload: 256 random codewords with 8 random symbol errors each, decoding fresh copies in a
 * loop for at least one second. Prints one JSON object like gsd bench --json.
 *
 * Build and run:  gcc -O2 bench/peers/rs_libfec.c -lfec -o /tmp/rs_libfec && /tmp/rs_libfec
 */
#include <fec.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#define COUNT 256

static uint64_t state = 255223;
static uint64_t splitmix64(void) {
    uint64_t z = (state += 0x9E3779B97F4A7C15ull);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    return z ^ (z >> 31);
}

static double now(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec + ts.tv_nsec * 1e-9;
}

static unsigned char corrupted[COUNT][255];

int main(void) {
    for (int c = 0; c < COUNT; c++) {
        for (int i = 0; i < 223; i++) corrupted[c][i] = (unsigned char)splitmix64();
        encode_rs_ccsds(corrupted[c], corrupted[c] + 223, 0);
        int pos[8], n = 0;
        while (n < 8) {
            int p = (int)(splitmix64() % 255), dup = 0;
            for (int k = 0; k < n; k++) dup |= pos[k] == p;
            if (!dup) pos[n++] = p;
        }
        for (int k = 0; k < 8; k++) corrupted[c][pos[k]] ^= (unsigned char)(1 + splitmix64() % 255);
    }
    unsigned char work[255];
    long corrected = 0, failures = 0, iterations = 0;
    /* warm-up */
    for (int c = 0; c < COUNT; c++) { memcpy(work, corrupted[c], 255); decode_rs_ccsds(work, NULL, 0, 0); }
    double start = now(), elapsed;
    do {
        for (int c = 0; c < COUNT; c++) {
            memcpy(work, corrupted[c], 255);
            int r = decode_rs_ccsds(work, NULL, 0, 0);
            if (r < 0) failures++; else corrected += r;
        }
        iterations++;
        elapsed = now() - start;
    } while (elapsed < 1.0);
    if (failures) fprintf(stderr, "unexpected failures: %ld\n", failures);
    printf("{\"benchmark\": \"rs-decode-libfec\", \"value\": %.3f, \"unit\": \"codewords/s\", \"corrected\": %ld}\n",
           iterations * COUNT / elapsed, corrected);
    return failures != 0;
}

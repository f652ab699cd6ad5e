/*
 * Peer benchmark for `gsd bench viterbi-k7`: libfec's viterbi27 on the same workload.
 *
 * Workload: 2048 random information bits + 6 zero tail bits per block, CCSDS K=7 r=1/2 code
 * (G1 = 0171 first, G2 = 0133 inverted), BPSK + AWGN at Eb/N0 = 4 dB, soft bytes 128 +- 64 nominal
 * (0 = strong 0, 255 = strong 1); decoded information bits per second, block mode (init, update over
 * all 2054 steps, chainback from state 0). The noise comes from Box-Muller on SplitMix64 like gsd's, so
 * the two see statistically identical (not bit-identical) input.
 *
 * libfec's default viterbi27 polynomial order is V27POLYA = 0x6d (0133) first; for the CCSDS
 * convention fec.h says "V27POLYB, then V27POLYA inverted", set with a negative polynomial:
 * set_viterbi27_polynomial({V27POLYB, -V27POLYA}). The kernel Debian builds is the portable one
 * (libfec0 exports only the *_port variants besides the dispatchers).
 *
 * Build and run (Debian: apt-get install libfec-dev):
 *   gcc -O2 -o /tmp/viterbi_libfec bench/peers/viterbi_libfec.c -lfec -lm && /tmp/viterbi_libfec
 */
#include <fec.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#define INFO_BITS 2048
#define STEPS (INFO_BITS + 6)

static uint64_t sm_state = 1;
static uint64_t splitmix64(void) {
    uint64_t z = (sm_state += 0x9E3779B97F4A7C15ULL);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
    return z ^ (z >> 31);
}


static double clock_seconds(clockid_t id) {
    struct timespec ts;
    clock_gettime(id, &ts);
    return ts.tv_sec + ts.tv_nsec * 1e-9;
}
static double now(void) { return clock_seconds(CLOCK_MONOTONIC); }

int main(void) {
    static uint8_t bits[STEPS], soft[2 * STEPS], out[INFO_BITS / 8 + 1];
    for (int i = 0; i < INFO_BITS; i++) bits[i] = (uint8_t)(splitmix64() >> 63);
    /* Encode: register bit 0 = newest bit; G1 taps 0x4f, G2 taps 0x6d (0171 / 0133 bit-reversed). */
    unsigned reg = 0;
    double sigma = sqrt(1.0 / (2.0 * 0.5 * pow(10, 4.0 / 10)));
    for (int i = 0; i < STEPS; i++) {
        reg = ((reg << 1) | bits[i]) & 0x7f;
        int c[2] = {parity((int)(reg & 0x4f)), parity((int)(reg & 0x6d)) ^ 1};
        for (int k = 0; k < 2; k++) {
            double u1 = ((double)(splitmix64() >> 11) + 1) / 9007199254740992.0;
            double u2 = (double)(splitmix64() >> 11) / 9007199254740992.0;
            double x = (c[k] ? 1.0 : -1.0) + sigma * sqrt(-2 * log(u1)) * cos(2 * M_PI * u2);
            double v = round(128 + 64 * x);
            soft[2 * i + k] = (uint8_t)(v < 0 ? 0 : v > 255 ? 255 : v);
        }
    }
    int polys[2] = {V27POLYB, -V27POLYA};
    set_viterbi27_polynomial(polys);
    void *vp = create_viterbi27(STEPS);
    if (!vp) { fprintf(stderr, "create_viterbi27 failed\n"); return 1; }

    long blocks = 0;
    int errors = 0;
    double start = now(), elapsed, cpu_start = clock_seconds(CLOCK_PROCESS_CPUTIME_ID);
    do {
        for (int b = 0; b < 64; b++) {
            init_viterbi27(vp, 0);
            update_viterbi27_blk(vp, soft, STEPS);
            chainback_viterbi27(vp, out, INFO_BITS, 0);
        }
        blocks += 64;
        elapsed = now() - start;
    } while (elapsed < 2.0);
    double cpu = clock_seconds(CLOCK_PROCESS_CPUTIME_ID) - cpu_start;
    for (int i = 0; i < INFO_BITS; i++) errors += ((out[i >> 3] >> (7 - (i & 7))) & 1) != bits[i];
    delete_viterbi27(vp);
    /* value: wall clock, like gsd bench; cpu_value: per CPU second (useful on a loaded machine). */
    printf("{\"name\": \"viterbi-k7-libfec\", \"unit\": \"Mbit/s\", \"value\": %.2f, \"cpu_value\": %.2f, "
           "\"blocks\": %ld, \"bit_errors\": %d}\n",
           blocks * (double)INFO_BITS / elapsed / 1e6, blocks * (double)INFO_BITS / cpu / 1e6, blocks, errors);
    return 0;
}

// The entry point of every fuzz target: hands the command line to libFuzzer's driver with the target's
// LLVMFuzzerTestOneInput. libFuzzer is linked (and GSD_FUZZ defined) only when scripts/fuzz builds;
// otherwise the targets say so and exit.
#ifndef CFUZZERDRIVER_H
#define CFUZZERDRIVER_H

int gsd_fuzz_main(int argc, char **argv);

#endif

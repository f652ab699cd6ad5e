#include "CFuzzerDriver.h"

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#ifdef GSD_FUZZ
// libFuzzer's public driver (libclang_rt.fuzzer_no_main) and the target's callback (a Swift @_cdecl).
int LLVMFuzzerRunDriver(int *argc, char ***argv, int (*callback)(const uint8_t *data, size_t size));
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int gsd_fuzz_main(int argc, char **argv) {
    return LLVMFuzzerRunDriver(&argc, &argv, LLVMFuzzerTestOneInput);
}
#else
int gsd_fuzz_main(int argc, char **argv) {
    (void)argc;
    fprintf(stderr, "%s: built without libFuzzer; build and run it with scripts/fuzz (Fuzz/README.md)\n", argv[0]);
    return 2;
}
#endif

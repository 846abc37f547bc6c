#include <stddef.h>
#include <stdint.h>
#include "cfuzzmain.h"

/*
 * SwiftPM links an executable with main defined as `<module>_main` (the entry point it renames for testability);
 * with -parse-as-library the Swift module has none, and libFuzzer's own main is not the one the linker takes.
 * So the entry point is defined here and hands control to libFuzzer's driver (LLVMFuzzerRunDriver, libFuzzer's
 * documented entry point for programs with their own main), with the Swift target's LLVMFuzzerTestOneInput.
 */
int LLVMFuzzerRunDriver(int *argc, char ***argv, int (*callback)(const uint8_t *data, size_t size));
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int SAMLFuzz_main(int argc, char **argv) {
    return LLVMFuzzerRunDriver(&argc, &argv, LLVMFuzzerTestOneInput);
}

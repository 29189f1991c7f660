#include <stddef.h>
#include <stdint.h>

// libFuzzer's entry for programs that have their own main (LLVM >= 11).
// SwiftPM links every executable with its own main, so each fuzz target's
// main calls this. Resolved only in builds with -sanitize=fuzzer.
int LLVMFuzzerRunDriver(int *argc, char ***argv, int (*callback)(const uint8_t *data, size_t size));

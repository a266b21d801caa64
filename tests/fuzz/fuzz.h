/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The libFuzzer harness framework (tests/fuzz/README.md). A harness is one file,
 * tests/fuzz/fuzz_NAME.c, that defines LLVMFuzzerTestOneInput and optionally the
 * weak hooks below; the Makefile builds every fuzz_*.c against a sanitized
 * libxdpload.a and tests/fuzz/run runs each for a bounded time.
 */
#ifndef XDPL_FUZZ_H
#define XDPL_FUZZ_H

#include <stddef.h>
#include <stdint.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Optional: once, before the first input. Return nonzero to skip this harness (exit 77). */
int fuzz_init(void);

/*
 * Optional: turn one of this repo's built objects (build/progs/NAME.o,
 * build/tests/progs/NAME.o) into seeds with fuzz_seed_write. Without it, each
 * object is a seed as it is.
 */
void fuzz_seed(const char *name, const void *obj, size_t len);
void fuzz_seed_write(const char *name, const void *data, size_t len);

/*
 * Keep an input that is worth a look but no failure of xdpload's (an input
 * that crashed libbpf in objcheck's child), under $FUZZ_KEEP_DIR/KIND/, and
 * count it for the summary line printed at exit ("kept: KIND=N").
 */
void fuzz_keep(const char *kind, const void *data, size_t len);

#endif

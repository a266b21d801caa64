/* SPDX-License-Identifier: GPL-2.0-only */
/* Reading per-CPU map values, which user space sees as one value per possible CPU. */
#ifndef XDPL_PERCPU_H
#define XDPL_PERCPU_H

#include <stddef.h>

/* The size of one CPU's value in a per-CPU lookup buffer: value_size rounded up to 8. */
#define PERCPU_STRIDE(value_size) (((value_size) + 7) & ~(size_t)7)

/*
 * Look up key in a per-CPU map whose values are value_size bytes. Returns a
 * buffer of *ncpu values, PERCPU_STRIDE(value_size) apart, that the caller
 * frees; or NULL with errno set.
 */
void *percpu_lookup(int map_fd, const void *key, size_t value_size, int *ncpu);

#endif

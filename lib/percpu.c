// SPDX-License-Identifier: GPL-2.0-only
#include <errno.h>
#include <stdlib.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include "percpu.h"

void *percpu_lookup(int map_fd, const void *key, size_t value_size, int *ncpu)
{
	void *vals;
	int err;

	*ncpu = libbpf_num_possible_cpus();
	if (*ncpu < 0) {
		errno = -*ncpu;
		return NULL;
	}
	vals = calloc(*ncpu, PERCPU_STRIDE(value_size));
	if (!vals)
		return NULL;
	if (bpf_map_lookup_elem(map_fd, key, vals)) {
		err = errno;
		free(vals);
		errno = err;
		return NULL;
	}
	return vals;
}

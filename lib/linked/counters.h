/* SPDX-License-Identifier: GPL-2.0-only */
/* The linked dispatcher's counters map: one per-CPU entry, XDPL_DISP_STRIDE per component. */
#ifndef XDPL_LINKED_COUNTERS_H
#define XDPL_LINKED_COUNTERS_H

#include <stdbool.h>
#include <linux/types.h>

/* A counters map for n components (per-CPU array, one entry). Returns fd or -errno. */
int linked_counters_create(unsigned int n);

/*
 * Sum the per-CPU counters of component idx from a counters map into
 * packets[XDPL_DISP_SLOTS]. Returns 0 or -errno (-ERANGE when idx is past the map).
 */
int linked_counters_read(int map_fd, unsigned int idx, __u64 *packets);
/* The same, and its bytes into bytes[XDPL_DISP_SLOTS] (NULL: not wanted). */
int linked_counters_read2(int map_fd, unsigned int idx, __u64 *packets, __u64 *bytes);

/* Can this process's programs count bytes (subtract packet pointers: CAP_PERFMON)? */
bool linked_counters_bytes_allowed(void);

/* 0 when fd is a counters map with room for nslots components, else -errno. */
int linked_counters_fit(int fd, unsigned int nslots);

/* The counters' lookup key (0) as a map value: read-only for programs, frozen. fd or -errno. */
int linked_counters_key_create(void);

#endif

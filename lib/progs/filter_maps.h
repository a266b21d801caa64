/* SPDX-License-Identifier: GPL-2.0-only */
/* Internal to lib/progs/filter*.c: a rule's map entries. */
#ifndef XDPLOAD_LIB_FILTER_MAPS_H
#define XDPLOAD_LIB_FILTER_MAPS_H

#include "progs/filter.h"

/* One map entry of a rule: which map, and its key. */
struct filter_key {
	int map;
	__u8 key[sizeof(struct xdpl_filter_lpm6)];
};

/* The map entries of @r: up to two (a port rule for TCP and UDP); 0 for a bad rule. */
int filter_rule_keys(const struct filter_maps *m, const struct filter_rule *r,
		     struct filter_key keys[2]);
int filter_map_key_size(int map_fd, __u32 *key_size);

/*
 * flt_skip (lib/progs/filter_skip.c). Every write of a match map entry goes
 * through filter_skip_put, which first clears the skip bits the entry's key
 * covers; filter_skip_sync sets the bits of the buckets no entry covers
 * (under the lock, after a change). filter_skip_range: the buckets @key of
 * class @cls covers, lo..hi.
 */
int filter_skip_map(struct filter_maps *m);
void filter_skip_unmap(struct filter_maps *m);
int filter_skip_range(int cls, const void *key, __u32 *lo, __u32 *hi);
int filter_skip_put(const struct filter_maps *m, int map_fd, const void *key,
		    const struct xdpl_filter_rule *v);
int filter_skip_sync(const struct filter_maps *m);

/* The rules lock (serialises changes and id allocation between xdpload runs). */
int filter_lock(void);
void filter_unlock(int fd);

/* The ids in use (both generations), as a bitmap of XDPL_FILTER_MAX_RULES + 1. */
int filter_used_ids(const struct filter_maps *m, unsigned char **used);
/* The next free id from *next on; -ENOSPC when none is left. */
int filter_alloc_id(unsigned char *used, __u32 *next, __u32 *id);
int filter_zero_counter(const struct filter_maps *m, __u32 id);

/* flt_cfg as the program applies it (before user space set it: load's values). */
int filter_cfg_read(const struct filter_maps *m, struct xdpl_filter_config *cfg);
int filter_cfg_write(const struct filter_maps *m, const struct xdpl_filter_config *cfg);
/*
 * The active-map bits of generation @g from the entries that mean something
 * in it, into *@bits.
 */
void filter_active_bits(const struct filter_maps *m, __u32 g, __u32 *bits);
/*
 * Remove what a swap that was killed left of the other generation (entries no
 * rule of @g owns, combined rules' ids of the other one). Under the lock,
 * before any change: a single change must not meet such entries.
 */
int filter_sweep(const struct filter_maps *m, __u32 g);
/* Set the current generation's active bits (under the lock, after every change). */
int filter_update_active(const struct filter_maps *m);

#endif

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

#endif

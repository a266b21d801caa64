/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The filter's combined rules: any of source and destination prefix, protocol,
 * source and destination port or port range, and outer VLAN, all of which must
 * match, with counters of their own ("flt_combo", <xdpload/filter.h>). The CLI
 * writes one as words: "src 10.0.0.0/8 proto udp dport 53", "dport 8000-8080".
 */
#ifndef XDPLOAD_LIB_FILTER_COMBO_H
#define XDPLOAD_LIB_FILTER_COMBO_H

#include <stddef.h>
#include "progs/filter.h"

struct filter_combo {
	struct xdpl_filter_combo c;
	__u32 slot, id;	   /* id: its counters (the current generation's) */
	__u64 hits, bytes; /* from filter_combo_list() */
};

/* Words into a rule: 0, or -EINVAL with a reason in @err. Pure. */
int filter_combo_parse(char *const *words, int n, struct xdpl_filter_combo *c, char *err,
		       size_t errlen);
/* The rule as words (what filter_combo_parse() reads). */
void filter_combo_str(const struct xdpl_filter_combo *c, char *buf, size_t len);

/* Add (1: it was there already, its counters kept; 0: added; -ENOSPC: no slot left). */
int filter_combo_add(const struct filter_maps *m, const struct xdpl_filter_combo *c);
/* Remove the rule with exactly these fields (0, also when it was not there; *found). */
int filter_combo_del(const struct filter_maps *m, const struct xdpl_filter_combo *c, int *found);
/* Every combined rule in slot order (the order they are checked), with its counters. */
int filter_combo_list(const struct filter_maps *m, struct filter_combo **rules, size_t *n);
/* Remove them all. */
int filter_combo_flush(const struct filter_maps *m, size_t *removed);

#endif

/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Runtime rules of the bundled "filter" program: add, delete, list, and the
 * deny/allow policy (their syntax is filter_rule.h). Everything works on the
 * program's own maps, found from a program fd, so rules change without a
 * reload and for either dispatcher backend (the maps are shared by the
 * component and the chain).
 */
#ifndef XDPLOAD_LIB_FILTER_H
#define XDPLOAD_LIB_FILTER_H

#include <stddef.h>
#include <linux/types.h>
#include <xdpload/filter.h>
#include "progs/filter_rule.h"

struct filter_maps {
	int cfg, src4, dst4, src6, dst6, port, ether, hits;
};

/* Open the filter maps of program @prog_fd: 0, or -ENOENT if it is not a filter. */
int filter_maps_open(int prog_fd, struct filter_maps *m);
void filter_maps_close(struct filter_maps *m);

/*
 * Add a rule (a port rule with both protocols adds two). Adding a rule that
 * exists keeps it and its counter: returns 1 then, 0 when added. -ENOSPC
 * when the rule table is full.
 */
int filter_add(const struct filter_maps *m, const struct filter_rule *r);
/* Delete a rule: 0, or -ENOENT when no such rule exists. */
int filter_del(const struct filter_maps *m, const struct filter_rule *r);

/*
 * Every rule with its hit counter (summed over CPUs), sorted by kind,
 * direction and key. *@rules is malloc'ed; @no_match gets the frames that
 * matched no rule.
 */
int filter_list(const struct filter_maps *m, struct filter_rule **rules, size_t *n,
		__u64 *no_match);

int filter_policy_get(const struct filter_maps *m, enum xdpl_filter_policy *policy);
int filter_policy_set(const struct filter_maps *m, enum xdpl_filter_policy policy);

#endif

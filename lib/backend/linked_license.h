/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * A linked chain runs as one program under one license: GPL-compatible only
 * if every component is. The verifier refuses a kfunc call anywhere in a
 * program that is not, reachable or not; the bundled count has one (its read
 * of xdp_buff's flags). So in such a chain count is set, before its object
 * loads, not to take that branch, and once captured its kfunc call becomes
 * r0 = 0: dead code, which the verifier proves dead and removes (were it not,
 * the load through r0 after it would be refused, not run).
 */
#ifndef XDPL_LINKED_LICENSE_H
#define XDPL_LINKED_LICENSE_H

#include <stdbool.h>

struct component;
struct linked_prog;

/* Is the chain of @comps (opened, not loaded) GPL-compatible? Sets count's setting to match. */
bool linked_license_prepare(struct component *const *comps, int n);

/* In a chain that is not GPL-compatible: @c's captured @lp without kfunc calls, if @c is count. */
void linked_license_strip_count(const struct component *c, struct linked_prog *lp);

#endif

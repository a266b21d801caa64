/* SPDX-License-Identifier: GPL-2.0-only */
/* XDP action names and chain-call action masks (1 << XDP_*). */
#ifndef XDPL_ACTIONS_H
#define XDPL_ACTIONS_H

#include <stddef.h>

#define XDPL_ACTION_MAX 4 /* XDP_REDIRECT */
#define XDPL_ACTION_COUNT (XDPL_ACTION_MAX + 1)

/* "XDP_PASS", or NULL for a value outside XDP_ABORTED..XDP_REDIRECT. */
const char *action_name(unsigned int action);

/* One name: XDP_PASS, xdp_pass, PASS or pass. Returns the action or -EINVAL. */
int action_parse(const char *name);

/*
 * A comma-separated list of names into a mask. On error returns -EINVAL and points
 * *bad at a copy of the offending word (the caller frees it).
 */
int actions_parse_list(const char *list, unsigned int *mask, char **bad);

/* "XDP_PASS,XDP_DROP" in action order; "" for an empty mask. */
void actions_format(unsigned int mask, char *buf, size_t sz);

#endif

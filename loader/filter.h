/* SPDX-License-Identifier: GPL-2.0-only */
/* xdpload filter's output (loader/filter_print.c), shared with loader/filter.c. */
#ifndef XDPL_LOADER_FILTER_H
#define XDPL_LOADER_FILTER_H

#include <stdbool.h>
#include <stddef.h>
#include "progs/filter.h"

/* "ip 10.0.0.0/8 dst", "port 53 dst udp": a rule as messages name it. */
const char *filter_rule_desc(const struct filter_rule *r, char *buf, size_t len);

/* The list command: every rule (of @kind, or -1 for all) with its counters. */
int filter_print_list(const char *ifname, const struct filter_maps *m, int kind);
/* xdp-filter's status: settings, interfaces, verdict counters, rules grouped by key. */
int filter_print_status(const char *ifname, const struct filter_maps *m);
/* xdp-filter's poll: the verdict counters every @interval_ms, @count times (0: forever). */
int filter_poll(const char *ifname, const struct filter_maps *m, unsigned int interval_ms,
		unsigned long long count);

#endif

/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Runtime rules of the bundled "filter" program: add, delete, remove by flags,
 * flush, list, counters, and the settings (policy, neighbour discovery; the
 * syntax of a rule is filter_rule.h). Everything works on the program's own
 * maps, found from a program fd, so rules change without a reload and for
 * either dispatcher backend (the maps are shared by the component and the
 * chain). load's options (--policy, --features, --neigh) are set by
 * filter_builtin_configure() in the object before it is loaded.
 */
#ifndef XDPLOAD_LIB_FILTER_H
#define XDPLOAD_LIB_FILTER_H

#include <stdbool.h>
#include <stddef.h>
#include <linux/types.h>
#include <xdpload/filter.h>
#include "builtin.h"
#include "progs/filter_rule.h"

struct bpf_object;

struct filter_maps {
	int cfg, src4, dst4, src6, dst6, port, ether, hits, stats, ro, combo;
	int skip;	/* -1: a filter built before flt_skip */
	__u64 *skip_mem; /* flt_skip, mapped */
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
 * One change of many rules under one lock: every rule of @del deleted (absent
 * ones are fine) and every rule of @add added (present ones keep their
 * counter). All or nothing: on an error every entry this call added is removed
 * again and the deleted ones are put back. @added and @present (may be NULL)
 * count the map entries added and those already there.
 */
int filter_change(const struct filter_maps *m, const struct filter_rule *add, size_t nadd,
		  const struct filter_rule *del, size_t ndel, size_t *added, size_t *present);

/*
 * Replace the rule set atomically: afterwards the rules are exactly @rules and
 * the combined rules @combos (with @keep_old, the old ones and these). A packet meets the old set
 * or the new one, never a mix: the new entries are written as the next generation, then one value
 * flips the generation (see <xdpload/filter.h>). Kept rules keep their counters. All or nothing on
 * an error.
 */
int filter_swap(const struct filter_maps *m, const struct filter_rule *rules, size_t n,
		const struct xdpl_filter_combo *combos, size_t ncombos, bool keep_old,
		size_t *added, size_t *present, size_t *removed);

/*
 * xdp-filter's -r: remove the entries of the rule whose key (address, port or
 * MAC) is @r's. With @dirs and @protos both 0, every entry of the key; else
 * the entries whose direction is in @dirs or whose protocol is in @protos
 * (xdp-filter clears those bits). *@removed gets how many went.
 */
int filter_remove(const struct filter_maps *m, const struct filter_rule *r, unsigned int dirs,
		  unsigned int protos, size_t *removed);

/* Remove every rule (counters of the rules go with them). */
int filter_flush(const struct filter_maps *m, size_t *removed);

/*
 * Every rule with its counters (summed over CPUs), sorted by kind,
 * direction and key. *@rules is malloc'ed; @no_match gets the frames that
 * matched no rule (may be NULL).
 */
int filter_list(const struct filter_maps *m, struct filter_rule **rules, size_t *n,
		__u64 *no_match);

/* Packets and bytes per verdict (index: XDP action), summed over CPUs. */
int filter_stats(const struct filter_maps *m,
		 struct xdpl_filter_counter stats[XDPL_FILTER_NR_ACTIONS]);

struct filter_settings {
	enum xdpl_filter_policy policy;
	bool neigh;	       /* ARP and ND matched against IP rules (the default) */
	unsigned int features; /* XDPL_FILTER_FEAT_* compiled in at load */
};

int filter_settings_get(const struct filter_maps *m, struct filter_settings *s);
int filter_policy_get(const struct filter_maps *m, enum xdpl_filter_policy *policy);
int filter_policy_set(const struct filter_maps *m, enum xdpl_filter_policy policy);
int filter_neigh_set(const struct filter_maps *m, bool on);

/*
 * The interfaces of this namespace whose filter uses these maps (a named set
 * shared by several, or one interface's own). *@ifaces is malloc'ed.
 */
struct xdpl_iface;
int filter_ifaces(const struct filter_maps *m, struct xdpl_iface **ifaces, int *n);

/* "allow" or "deny" */
const char *filter_policy_str(enum xdpl_filter_policy p);
/* "tcp,udp,ipv4,ipv6,ethernet" */
void filter_features_str(unsigned int features, char *buf, size_t len);

/* load's options: policy, features, neigh (see builtin.h) */
extern const struct builtin_opt filter_builtin_options[];
int filter_builtin_configure(struct bpf_object *obj, const __u64 *vals);

#endif

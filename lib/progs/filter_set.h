/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The filter's rule sets: the maps that hold rules, their counters and the
 * runtime settings (flt_cfg), pinned in <bpffs>/xdpload/sets/NAME so that
 * several interfaces' filters share them (load --set NAME), and so that a
 * filter's rules outlive it (unload --keep-maps keeps them as the set
 * "@<netns cookie>-<ifindex>", which the next load on that interface takes).
 * Without either, a filter has maps of its own.
 */
#ifndef XDPLOAD_LIB_FILTER_SET_H
#define XDPLOAD_LIB_FILTER_SET_H

#include <stdbool.h>
#include "progs/filter.h"

struct bpf_object;
struct xdpl_iface;

/*
 * Before @obj is loaded: make its rule maps those of set @name (created and
 * pinned when new), or, with @name NULL, those kept for @iface (if any: then
 * their set's name goes in @used). @used gets "" for maps of its own.
 */
int filter_set_attach(struct bpf_object *obj, const char *name, const struct xdpl_iface *iface,
		      char used[XDPL_FILTER_SET_LEN]);

/* The set of an attached filter ("" for its own maps). */
int filter_set_name(const struct filter_maps *m, char name[XDPL_FILTER_SET_LEN]);

/* What unload does with the filter's rules: begin before, end after the unload. */
struct filter_unload {
	bool active; /* a filter was attached */
	bool keep;
	char set[XDPL_FILTER_SET_LEN];
	char kept[XDPL_FILTER_SET_LEN]; /* the set unload --keep-maps made, or "" */
};

int filter_unload_begin(const struct xdpl_iface *iface, bool keep, struct filter_unload *u);
/*
 * After the unload (@ok: it succeeded). Removes the set of the filter that went
 * unless it is kept or another interface's filter uses it; drops a kept set
 * made for a filter that is still attached.
 */
void filter_unload_end(const struct xdpl_iface *iface, struct filter_unload *u, bool ok);

#endif

/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The linked backend's part of `xdpload apply` (lib/apply.c), one interface at a
 * time and under the caller's interface lock: what the committed chain is, which
 * of its components a chain file's program is, and the new chain in the steps of
 * linked_build.h (prepare, swap, swap back, abort, commit), so that apply can
 * prepare every interface before it swaps the first.
 */
#ifndef XDPL_LINKED_APPLY_H
#define XDPL_LINKED_APPLY_H

#include <stdbool.h>
#include "backend/linked_build.h"
#include "backend/linked_state.h"

struct linked_apply {
	struct linked_state *st;
	struct linked_build b;
	bool fresh;    /* no chain was there: the state goes again if apply fails */
	bool build;    /* a new chain is prepared */
	bool detach;   /* the chain goes (the file lists no program) */
	bool swapped;  /* the new chain (or none, for detach) is attached */
	int detach_fd; /* detach: the chain attached now */
};

/* Open iface's state (recovering it); create: make its directories. */
int linked_apply_open(const struct xdpl_iface *iface, bool create, struct linked_apply *la);
void linked_apply_close(struct linked_apply *la);

/* The committed chain, or NULL when no linked chain is attached. */
const struct linked_manifest *linked_apply_current(const struct linked_apply *la);
/* The mode the chain runs in (XDP_MODE_UNSPEC without one). */
enum xdp_attach_mode linked_apply_mode(const struct linked_apply *la);
/*
 * Is c (opened from a chain file, pin_dir as the file says) the committed
 * chain's component k: the same bundled program or the same bytes as the object
 * saved for it, and the same program name, priority, actions and pin directory?
 */
bool linked_apply_same(const struct linked_apply *la, int k, const struct component *c,
		       const char *pin_dir);
/* The program of the committed chain's component k alone (the chain's maps), or -errno. */
int linked_apply_comp_fd(const struct linked_apply *la, int k);
/* The index of the committed component with this uid, or -1. */
int linked_apply_find_uid(const struct linked_apply *la, unsigned int uid);
/* The ID of that program (0 when unknown). */
__u32 linked_apply_comp_id(const struct linked_apply *la, int k);

/*
 * Prepare the new chain: the committed components k with keep[k], then comps
 * (new, opened by the caller). With none of either, the chain is to be detached.
 * counters applies to a chain that is not there yet.
 */
int linked_apply_prepare(struct linked_apply *la, const bool *keep, struct component *const *comps,
			 int n, const struct load_opts *opts, bool counters);
/* A new component's program alone, after prepare (its maps are the new chain's). */
int linked_apply_new_fd(const struct linked_apply *la, const struct component *c);
int linked_apply_swap(struct linked_apply *la);
int linked_apply_swap_back(struct linked_apply *la);
void linked_apply_abort(struct linked_apply *la);
void linked_apply_commit(struct linked_apply *la);

#endif

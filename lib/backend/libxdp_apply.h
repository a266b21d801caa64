/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The libxdp backend's part of `xdpload apply` (lib/apply.c), one interface at a
 * time under the caller's interface lock, in the steps of linked_apply.h.
 *
 * libxdp has no call that replaces a whole chain: xdp_program__attach_multi()
 * adds programs (it builds a new dispatcher holding the old ones and the new
 * ones and swaps it in with XDP_FLAGS_REPLACE), xdp_program__detach_multi()
 * removes some the same way, and a dispatcher holds at most 10. So:
 *
 * - prepare loads every new program as an freplace program against a scratch
 *   target (freplace_scratch_target()): the verifier runs and the maps are made
 *   before anything changes; libxdp then loads a second opening of the same
 *   object that shares those maps (it sets priorities only on programs it
 *   loads itself) when it builds the dispatcher;
 * - swap adds the new programs, then detaches the ones that go: each step is
 *   atomic, and between them old and new run together. When both together would
 *   be more than 10, it detaches first (only the programs that stay run
 *   meanwhile, none when none stays), then adds;
 * - swap back undoes both steps (programs that went are attached again, as
 *   they are: same IDs and maps); the dispatcher is then a new one.
 */
#ifndef XDPL_LIBXDP_APPLY_H
#define XDPL_LIBXDP_APPLY_H

#include <stdbool.h>
#include "backend/backend.h"
#include "backend/libxdp_rec.h"
#include "chain.h"
#include "component.h"

struct libxdp_apply {
	struct xdpl_iface iface;
	struct xdp_multiprog *mp; /* the chain attached (NULL: none) */
	int n;			  /* its programs, in run order */
	struct xdp_program *cur[XDPL_LIBXDP_MAX_PROGS];
	const struct libxdp_rec *rec[XDPL_LIBXDP_MAX_PROGS]; /* NULL: not xdpload's */
	struct libxdp_recs recs;
	enum xdp_attach_mode mode;
	/* prepared */
	bool build;
	enum xdp_attach_mode attach_mode;
	int nnew, ngone;
	struct xdp_program *news[XDPL_CHAIN_MAX];
	struct libxdp_rec new_rec[XDPL_CHAIN_MAX];
	const struct component *new_comp[XDPL_CHAIN_MAX];
	struct xdp_program *gone[XDPL_LIBXDP_MAX_PROGS];
	bool keep[XDPL_LIBXDP_MAX_PROGS];
	bool added, removed; /* the steps of the swap done */
	bool swapped;
};

/* Read the chain attached to iface (none is fine) and xdpload's records of it. */
int libxdp_apply_open(const struct xdpl_iface *iface, struct libxdp_apply *la);
void libxdp_apply_close(struct libxdp_apply *la);

/* Is there a libxdp chain, and how many of its programs did another tool attach? */
bool libxdp_apply_exists(const struct libxdp_apply *la);
int libxdp_apply_foreign(const struct libxdp_apply *la, int *first);
/* Is c (opened from a chain file) the chain's program k? */
bool libxdp_apply_same(const struct libxdp_apply *la, int k, const struct component *c,
		       const char *pin_dir);
/* Program k's entry (name, priority, actions; label from the record or its name). */
void libxdp_apply_entry(const struct libxdp_apply *la, int k, struct chain_entry *e);
/* A new fd of program k, or -errno. */
int libxdp_apply_comp_fd(const struct libxdp_apply *la, int k);
__u32 libxdp_apply_comp_id(const struct libxdp_apply *la, int k);

/*
 * Prepare: the programs k with keep[k] stay, the others go; comps (opened by
 * the caller, pin_dirs[i] as the file says) are loaded and verified, not
 * attached; reals[i] is a second opening of comps[i], the program libxdp loads
 * and attaches (with comps[i]'s maps). The caller keeps both till the end.
 */
int libxdp_apply_prepare(struct libxdp_apply *la, const bool *keep, struct component *const *comps,
			 struct component *const *reals, const char *const *pin_dirs, int n,
			 enum xdp_attach_mode mode);
/* A new program's fd after prepare (its maps), or -errno. */
int libxdp_apply_new_fd(const struct libxdp_apply *la, const struct component *c);
int libxdp_apply_swap(struct libxdp_apply *la);
int libxdp_apply_swap_back(struct libxdp_apply *la);
void libxdp_apply_abort(struct libxdp_apply *la);
/* Record what xdpload attached (after a swap). */
void libxdp_apply_commit(struct libxdp_apply *la);

#endif

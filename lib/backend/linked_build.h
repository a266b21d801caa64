/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Build a linked chain and swap it onto the interface: reopen the components
 * already there from their saved copies (maps carried over from their pins),
 * capture every component, verify each new one alone, compose, stage the new
 * generation, attach atomically, commit (linked_state.h has the protocol). On
 * error nothing on the interface changes and nothing new stays behind.
 */
#ifndef XDPL_LINKED_BUILD_H
#define XDPL_LINKED_BUILD_H

#include <stdbool.h>
#include <linux/types.h>
#include "backend/backend.h"
#include "backend/linked_maps.h"
#include "backend/linked_state.h"
#include "component.h"
#include "linked/compose.h"

struct lcomp;
struct linked_tracer;

/* Start from linked_build_init(); linked_build_free() can run at any point. */
struct linked_build {
	struct linked_state *st;
	struct lcomp *lc[XDPL_CHAIN_MAX];
	int n;
	const char *pin_dir;	 /* load -p as the user gave it (new components), or NULL */
	struct linked_maps maps; /* the chain's maps pinned by name (linked_maps.h) */
	bool committed;		 /* linked_build_commit ran: its pins belong to the chain */
	bool counters;
	bool no_inline; /* call every component (the manifest keeps it for rebuilds) */
	/* the traced variant (xdpload trace): from the committed chain, or set by the caller */
	bool traced;
	struct linked_tracer *tracer;
	int counters_fd;
	bool counters_new;
	bool counters_replace; /* the pinned one has an older layout: replaced */
	struct linked_composite comp;
	int old_fd; /* the program on the interface now, or -1 */
	__u32 attach_flags;
	struct linked_manifest *next; /* staged by linked_build_prepare(), or NULL */
};

void linked_build_init(struct linked_build *b, struct linked_state *st);

/*
 * Decide what the chain replaces on the interface (b->old_fd) and in which
 * mode it attaches. Refuses a foreign program without opts->force.
 */
int linked_build_check_iface(struct linked_build *b, const struct load_opts *opts);

/* Add a component of the committed chain, reopened from its saved copy. */
int linked_build_add_existing(struct linked_build *b, const struct linked_comp *m);

/* Add a component the user just opened (it stays the caller's to close). */
int linked_build_add_new(struct linked_build *b, struct component *c);

/* Build the chain b->lc[0..n), swap it in, commit. */
int linked_build_and_swap(struct linked_build *b);

/*
 * The same in steps, for a change of several interfaces at once (lib/apply.c):
 * prepare every one, swap every one, then commit every one; or, when a later
 * swap fails, swap the earlier ones back and abort all. linked_build_and_swap()
 * is prepare, swap, commit.
 *
 * Prepare: capture, verify, compose, and stage generation G (nothing on the
 * interface changes; on error nothing staged stays).
 */
int linked_build_prepare(struct linked_build *b);
/* Attach the prepared chain in place of the program that was there. */
int linked_build_swap(struct linked_build *b);
/* After a swap: attach the old program (or none) again in place of the new chain. */
int linked_build_swap_back(struct linked_build *b);
/* Undo a prepared generation that is not (or no longer) attached. */
void linked_build_abort(struct linked_build *b);
/* After a swap: the rename that commits generation G. */
void linked_build_commit(struct linked_build *b);
/* The fd of a new component's program alone (its maps are the chain's), or -1. */
int linked_build_comp_fd(const struct linked_build *b, const struct component *c);

void linked_build_free(struct linked_build *b);

#endif

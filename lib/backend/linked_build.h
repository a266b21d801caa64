/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Build a linked chain and swap it onto the interface: reopen the components
 * already there from their saved copies (maps carried over from their pins),
 * capture every component, verify each new one alone, compose, pin, attach
 * atomically, commit the state. On error nothing on the interface changes.
 */
#ifndef XDPL_LINKED_BUILD_H
#define XDPL_LINKED_BUILD_H

#include <stdbool.h>
#include <linux/types.h>
#include "backend/backend.h"
#include "component.h"
#include "linked/compose.h"
#include "backend/linked_state.h"

struct lcomp;

/*
 * Start from {.counters_fd = -1, .old_fd = -1} with comp.prog_fd and
 * comp.counters_fd -1, so that linked_build_free() can run at any point.
 */
struct linked_build {
	struct linked_state *st;
	struct lcomp *lc[LINKED_MAX_COMPONENTS];
	int n;
	bool counters;
	int counters_fd;
	bool counters_new;
	struct linked_composite comp;
	int old_fd; /* the program on the interface now, or -1 */
	__u32 attach_flags;
};

/*
 * Decide what the chain replaces on the interface (b->old_fd) and in which
 * mode it attaches. *ours tells whether the program there is our chain.
 * Refuses a foreign program without opts->force. Reports its own errors.
 */
int linked_build_check_iface(struct linked_build *b, const struct load_opts *opts, bool *ours);

/* Add a component of the saved chain, reopened from its saved copy. */
int linked_build_add_existing(struct linked_build *b, const struct linked_state_comp *m);

/*
 * Add a component the user just opened; it stays the caller's to close.
 * @order places it among components of equal priority.
 */
int linked_build_add_new(struct linked_build *b, struct component *c, unsigned int order);

/* Build the chain b->lc[0..n) (unsorted), swap it in, commit. Removed uids go after. */
int linked_build_and_swap(struct linked_build *b, const unsigned int *gone, int ngone);

void linked_build_free(struct linked_build *b);

#endif

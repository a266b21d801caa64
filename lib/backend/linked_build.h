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
#include "backend/linked_state.h"
#include "component.h"
#include "linked/compose.h"

struct lcomp;

/* Start from linked_build_init(); linked_build_free() can run at any point. */
struct linked_build {
	struct linked_state *st;
	struct lcomp *lc[XDPL_CHAIN_MAX];
	int n;
	const char *pin_dir;  /* load -p as the user gave it (new components), or NULL */
	struct xdpl_dir maps; /* <pins>/maps: the chain's maps pinned by name (opened on need) */
	bool counters;
	int counters_fd;
	bool counters_new;
	struct linked_composite comp;
	int old_fd; /* the program on the interface now, or -1 */
	__u32 attach_flags;
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

void linked_build_free(struct linked_build *b);

#endif

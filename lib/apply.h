/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Chains as code: make interfaces match a chain file (xdpload apply), and write
 * the chain file of what runs (xdpload save). The interfaces are those of the
 * caller's network namespace.
 *
 * apply is all or nothing across the file's interfaces: it takes every
 * interface's lock (in key order, so that two runs cannot deadlock), opens every
 * program, then prepares each interface's new chain (captured, verified,
 * composed, staged under the linked state protocol) before it swaps the first;
 * when swap k fails, swaps 0..k-1 are undone (XDP_FLAGS_REPLACE expecting the
 * new chain, the old one attached again) and everything staged goes. A program
 * that is the same (source, name, priority, actions) stays, with its maps and
 * kernel ID; a change of rules or settings alone goes through the maps, with no
 * swap. A libxdp chain (backend: libxdp, or one xdpload attached running) is
 * managed through libxdp_apply.h: verified before the first change too, but
 * each interface changes in two atomic steps (add, then detach), so old and new
 * programs run together for a moment (xdpload-apply(8), BACKENDS).
 */
#ifndef XDPL_APPLY_H
#define XDPL_APPLY_H

#include <stdbool.h>
#include <stdio.h>
#include "chainfile.h"
#include "iface.h"

struct apply_opts {
	bool check;	  /* change nothing: only say what would change */
	bool force;	  /* replace programs xdpload did not attach */
	const char *only; /* only this interface of the file (NULL: every one) */
	/* each change, as it is planned: fn(ctx, interface, what) */
	void (*change)(void *ctx, const char *iface, const char *what);
	void *ctx;
};

struct apply_result {
	int changes;		     /* how many changes (0: the interfaces matched the file) */
	int ifaces;		     /* interfaces of the file looked at */
	bool changed[CF_MAX_IFACES]; /* per interface of the file, in its order */
};

/* Returns 0 or -errno with the error recorded; on error nothing has changed. */
int xdpl_apply(const struct chainfile *cf, const struct apply_opts *o, struct apply_result *res);

/*
 * Write the chain file of ifaces[0..n) to out: programs, priorities, actions and
 * the bundled programs' settings. An interface running a program xdpload did not
 * attach is written as `foreign: true` with the program named in a comment;
 * with skip_empty, interfaces without XDP are left out.
 */
int xdpl_save(const struct xdpl_iface *ifaces, int n, bool skip_empty, FILE *out);

#endif

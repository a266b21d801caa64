/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The two dispatcher backends behind one interface: libxdp's freplace dispatcher and
 * xdpload's linked dispatcher (one XDP program calling each component, DESIGN.md 3).
 */
#ifndef XDPL_BACKEND_H
#define XDPL_BACKEND_H

#include <stdbool.h>
#include "component.h"
#include "iface.h"
#include "status.h"

/* libxdp's limit; the linked backend documents its own (struct backend_ops.max_progs). */
#define XDPL_LIBXDP_MAX_PROGS 10

struct load_opts {
	enum xdp_attach_mode mode;
	bool force;    /* replace a program xdpload did not attach */
	bool no_stats; /* linked: leave out the per-component counters */
};

struct unload_sel {
	__u32 id;	  /* a component's kernel ID (or 0) */
	const char *name; /* a component's program name (or NULL) */
	bool all;
	bool force; /* remove even what xdpload did not attach */
};

struct backend_ops {
	const char *name; /* as status prints it */
	int max_progs;
	/* Called before any component of a load is opened (may be NULL). */
	int (*prepare)(void);
	/*
	 * Add comps to the interface's chain; what is already attached stays. The
	 * whole new chain is built before anything is swapped in; on error nothing
	 * changes. Reports its own errors. comps[i].order counts from 0 within
	 * this load; a backend offsets it past the components already attached.
	 */
	int (*load)(const struct xdpl_iface *iface, struct component *comps, int n,
		    const struct load_opts *opts);
	int (*unload)(const struct xdpl_iface *iface, const struct unload_sel *sel);
	/* Fill st and return 1 when this backend's chain is on iface, else 0 (or -errno). */
	int (*status)(const struct xdpl_iface *iface, struct iface_status *st);
	/*
	 * Remove state (pins, run files) left behind for iface, or with iface NULL
	 * for every interface that is gone. Returns 0 or -errno.
	 */
	int (*clean)(const struct xdpl_iface *iface);
};

extern const struct backend_ops backend_libxdp;
extern const struct backend_ops backend_linked;

enum dispatcher_choice {
	DISPATCHER_AUTO,
	DISPATCHER_LIBXDP,
	DISPATCHER_LINKED,
};

int dispatcher_parse(const char *name, enum dispatcher_choice *choice);

/* Can this kernel load libxdp's dispatcher (freplace)? Probed once per process. */
bool freplace_supported(void);

/*
 * The backend for a load on iface: the one whose chain is already there, else the
 * one chosen (auto: libxdp where freplace works, linked elsewhere). Reports its
 * errors (e.g. --dispatcher libxdp on an interface with a linked chain).
 */
int backend_select(const struct xdpl_iface *iface, enum dispatcher_choice choice,
		   const struct backend_ops **be);

/* The backend whose chain is on iface, or NULL. */
const struct backend_ops *backend_owner(const struct xdpl_iface *iface);

#endif

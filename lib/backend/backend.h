/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The backends behind one interface (DESIGN.md 3): libxdp's freplace dispatcher,
 * xdpload's linked dispatcher (one XDP program calling each component), and
 * legacy, one program attached without a dispatcher (by xdpload's libxdp fallback
 * or by another tool). lib/ops.c holds the interface lock, asks the table which
 * backend owns the interface and hands the work to it; nothing else names one.
 */
#ifndef XDPL_BACKEND_H
#define XDPL_BACKEND_H

#include <stdbool.h>
#include "component.h"
#include "iface.h"
#include "status.h"

/* libxdp's limit; the linked backend's is XDPL_CHAIN_MAX. */
#define XDPL_LIBXDP_MAX_PROGS 10

struct load_opts {
	enum xdp_attach_mode mode;
	bool force;	/* replace a program xdpload did not attach */
	bool no_stats;	/* linked: leave out the per-component counters */
	bool no_inline; /* linked: call every component, inline none (kept for the chain) */
	/*
	 * load -p as given, or NULL: the backend decides where maps pinned by name
	 * go (component_req.pin_dir is where libbpf puts them, resolved).
	 */
	const char *pin_dir;
};

struct unload_sel {
	__u32 id;	  /* a component's kernel ID (or 0) */
	const char *name; /* a component's program name (or NULL) */
	bool all;
	bool force; /* remove even what xdpload did not attach */
};

/* Every operation runs with the interface lock held (iface_lock.h) unless it says. */
struct backend_ops {
	const char *name; /* as status prints it */
	int max_progs;
	/* Called before any component of a load is opened (may be NULL). */
	int (*prepare)(void);
	/* Finish or undo what a crashed run left (may be NULL); first in every command. */
	int (*recover)(const struct xdpl_iface *iface);
	/* Is the program attached (its kernel ID) this backend's? 1, 0 or -errno. Cheap. */
	int (*owns)(const struct xdpl_iface *iface, __u32 attached_id);
	/*
	 * Add comps to the interface's chain; what is already attached stays. The
	 * whole new chain is built before anything is swapped in; on error nothing
	 * changes. comps[i].entry.order counts from 0 within this load; a backend
	 * places them after the components already attached. NULL: cannot load.
	 */
	int (*load)(const struct xdpl_iface *iface, struct component *comps, int n,
		    const struct load_opts *opts);
	int (*unload)(const struct xdpl_iface *iface, const struct unload_sel *sel);
	/* Fill st (it owns iface). */
	int (*status)(const struct xdpl_iface *iface, struct iface_status *st);
	/*
	 * Remove state left behind for iface, or with iface NULL for every
	 * interface that is gone (then it takes each interface's lock itself).
	 */
	int (*clean)(const struct xdpl_iface *iface);
	/* Does the backend keep anything for this state key? (NULL: never) */
	bool (*has_state)(const char *key);
};

extern const struct backend_ops backend_libxdp;
extern const struct backend_ops backend_linked;
extern const struct backend_ops backend_legacy;

/* Every backend, in the order ownership is asked (legacy, which owns anything, last). */
extern const struct backend_ops *const backends[];

enum dispatcher_choice {
	DISPATCHER_AUTO,
	DISPATCHER_LIBXDP,
	DISPATCHER_LINKED,
};

int dispatcher_parse(const char *name, enum dispatcher_choice *choice);

/* Can this kernel load libxdp's dispatcher (freplace)? Probed once per process. */
bool freplace_supported(void);
/*
 * An XDP program whose global function `probe` has the signature of libxdp's
 * dispatcher slots, to load freplace programs against before the dispatcher
 * they will run in exists (the kernel lets them attach to another target of the
 * same signature). Returns its fd or -errno.
 */
int freplace_scratch_target(void);

/* Every backend's recovery for iface, under its lock (the first step of every command). */
int backend_recover(const struct xdpl_iface *iface);

/* The backend whose program is on iface, or NULL when none is attached. */
const struct backend_ops *backend_owner(const struct xdpl_iface *iface);

/*
 * The backend for a load on iface: the one whose chain is already there, else the
 * one chosen (auto: libxdp where freplace works, linked elsewhere).
 */
int backend_select(const struct xdpl_iface *iface, enum dispatcher_choice choice,
		   const struct backend_ops **be);

/* Does any backend keep anything for this state key? */
bool backend_key_in_use(const char *key);

/* ---- checks and messages every backend shares ---- */

/* A chain running in one mode cannot grow in another. */
int backend_check_mode(const struct xdpl_iface *iface, enum xdp_attach_mode running,
		       enum xdp_attach_mode wanted);
/* A program held by a bpf_link cannot be replaced: the error that says so. */
int backend_link_error(const struct xdpl_iface *iface, __u32 prog_id, __u32 link_id);
/* A program xdpload did not attach is replaced only with --force (never a link's). */
int backend_check_foreign(const struct xdpl_iface *iface, __u32 attached_id, bool force);
/* The error for a failed XDP attach with these flags. */
int backend_attach_error(const struct xdpl_iface *iface, int err, __u32 flags);
/* "No program with that name/ID in the chain". */
int backend_not_in_chain(const struct xdpl_iface *iface, const struct unload_sel *sel);

#endif

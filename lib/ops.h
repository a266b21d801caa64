/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The operations behind xdpload's chain commands, the only calls loader/ makes to
 * change or read a chain: they pick the backend (loader/ never names one), open
 * the components and hand them over. Each returns 0 or a negative errno with the
 * error recorded (error.h); on error nothing on the interface has changed.
 */
#ifndef XDPL_OPS_H
#define XDPL_OPS_H

#include "backend/backend.h"
#include "builtin.h"
#include "component.h"
#include "iface.h"
#include "status.h"

struct xdpl_load_req {
	enum dispatcher_choice dispatcher;
	struct load_opts opts;
	/* one request per program, in the order given (the last ordering key) */
	const struct component_req *progs;
	int n;
	/*
	 * The bundled programs' options, indexed like builtin_progs[] (or NULL for
	 * defaults only): each bundled program with a configure hook is set up with
	 * them once opened, before the chain is built and swapped in.
	 */
	const struct builtin_cfg *builtin_cfgs;
};

/* Add the programs to iface's chain; the whole new chain is swapped in at once. */
int xdpl_load(const struct xdpl_iface *iface, const struct xdpl_load_req *req);
/* Remove the selected programs (or the whole chain); the rest keeps running. */
int xdpl_unload(const struct xdpl_iface *iface, const struct unload_sel *sel);
/* Remove state left behind (on iface, or with NULL for interfaces that are gone). */
int xdpl_clean(const struct xdpl_iface *iface);
/* What runs on iface, whoever attached it. */
int xdpl_status(const struct xdpl_iface *iface, struct iface_status *st);
/*
 * The XDP programs in an object file or bundled program, without loading it:
 * fn(section, program name, ctx) for each. Reports its errors.
 */
int xdpl_object_programs(const char *source,
			 void (*fn)(const char *section, const char *name, void *ctx), void *ctx);
/*
 * Set a bundled program's options (cfgs indexed like builtin_progs[], or NULL
 * for the defaults) in c, opened and not loaded; nothing for other programs.
 */
int configure_builtin(const struct component *c, const struct component_req *creq,
		      const struct builtin_cfg *cfgs);
/* The name of the backend whose chain is on iface ("linked", "libxdp", ...), or NULL. */
const char *xdpl_backend_name(const struct xdpl_iface *iface);

#endif

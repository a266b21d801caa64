/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * A component: one XDP program the user asked to load, opened (not loaded) with its
 * run-config metadata (priority and chain-call actions) resolved.
 */
#ifndef XDPL_COMPONENT_H
#define XDPL_COMPONENT_H

#include <stdbool.h>
#include <stddef.h>
#include <linux/bpf.h>
#include <bpf/libbpf.h>
#include <xdp/libxdp.h>
#include "chain.h"

struct component_req {
	const char *source;    /* builtin name or file path */
	const char *section;   /* -s: select by ELF section, or NULL */
	const char *prog_name; /* -n: select by program name, or NULL */
	int prio;	       /* -P, or -1 to take it from the object */
	unsigned int actions;  /* -A as a mask of 1 << XDP_*, or 0 to take it from the object */
	const char *pin_dir;   /* -p: root for maps with LIBBPF_PIN_BY_NAME, or NULL */
	/*
	 * A copy xdpload saved (the linked backend's rebuilds): read from here,
	 * trusted; source still names it (and its object, so its maps keep their names).
	 */
	const char *saved_copy;
};

struct component {
	struct chain_entry entry; /* name, label, priority, actions, load order */
	char *label;		  /* what the user typed, whole (entry.label may be cut) */
	bool builtin;
	void *buf; /* the object file's bytes */
	size_t len;
	struct bpf_object *obj;	   /* opened, not loaded */
	struct bpf_program *prog;  /* the selected XDP program */
	struct xdp_program *xprog; /* libxdp's handle: metadata, and the libxdp backend's program */
};

/*
 * Read the object (a builtin's bytes or a file), open it, select the program and
 * resolve its metadata. Reports its own errors (with exit class); returns 0 or -errno.
 */
int component_open(struct component *c, const struct component_req *req, unsigned int order);
void component_close(struct component *c);

/*
 * The name libbpf gives the object of source: it decides the names of the
 * object's internal maps (".data", ".bss"), so a rebuild must use the same.
 */
void component_object_name(const char *source, char *buf, size_t sz);

#include "objfile.h"

#endif

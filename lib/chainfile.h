/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Chain files: YAML that describes the chains of some interfaces (their mode,
 * backend, programs and each bundled program's settings), as xdpload-chainfile(5)
 * documents it. Parsed with libyaml, so errors carry the line and column libyaml
 * marks; nothing here touches the kernel. apply.h makes interfaces match one;
 * chainfile_save() writes the file that reproduces what runs.
 */
#ifndef XDPL_CHAINFILE_H
#define XDPL_CHAINFILE_H

#include <stdbool.h>
#include <stdio.h>
#include <net/if.h>
#include <yaml.h>
#include "backend/backend.h"
#include "chainfile_progs.h"

#define CF_MAX_IFACES 64
#define CF_FILE_MAX (1 << 20) /* bytes: a chain file is written by hand */

struct cf_prog {
	char *source;	      /* a bundled name, or an object's path (made absolute) */
	char *section;	      /* or NULL */
	char *name;	      /* the program's name, or NULL */
	char *pin_dir;	      /* or NULL */
	int prio;	      /* -1: the object's */
	unsigned int actions; /* mask of 1 << XDP_*, 0: the object's */
	struct cf_settings settings;
	int line; /* where it starts, counted from 1 */
};

struct cf_iface {
	char name[IF_NAMESIZE];
	bool has_mode;
	enum xdp_attach_mode mode;
	enum dispatcher_choice backend;
	bool counters; /* linked: per-program counters (default true) */
	/* a program xdpload did not attach: apply leaves the interface alone */
	bool foreign;
	int nprogs;
	struct cf_prog *progs;
	char *file; /* the file it comes from, for messages */
	int line;
};

struct chainfile {
	int n;
	struct cf_iface ifaces[CF_MAX_IFACES];
};

/*
 * Parse a chain file, or every *.yaml file of a directory (in name order; an
 * interface in two of them is an error). Errors are recorded as usage errors
 * "FILE:LINE:COLUMN: what" (XDPL_ERR_NOFILE when a file cannot be read).
 */
int chainfile_load(const char *path, struct chainfile *cf);
/* Parse text (len bytes) as the file called name; relative paths are from basedir. */
int chainfile_parse(const char *name, const char *text, size_t len, const char *basedir,
		    struct chainfile *cf);
void chainfile_free(struct chainfile *cf);

/* The interface called name in cf, or NULL. */
const struct cf_iface *chainfile_find(const struct chainfile *cf, const char *name);

/* ---- helpers the settings parsers share (chainfile_progs.c) ---- */

/* Record "FILE:LINE:COLUMN: message" for node n (a usage error); returns -EINVAL. */
int cf_error(const char *file, const yaml_node_t *n, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
/* The text of a scalar node, or NULL for a mapping or a sequence. */
const char *cf_scalar(const yaml_node_t *n);
/* A scalar that is a number within [min, max], or an error naming what. */
int cf_u64(const char *file, const yaml_node_t *n, const char *what, __u64 min, __u64 max,
	   __u64 *out);
/* A mapping node, or an error: "WHAT must be a mapping". */
int cf_need_map(const char *file, const yaml_node_t *n, const char *what);
/* "unknown field 'k' in WHAT (fields: a, b, c)" */
int cf_unknown_key(const char *file, const yaml_node_t *key, const char *what, const char *fields);
/* Write s as a YAML scalar: plain where that is safe, double-quoted otherwise. */
void cf_put_scalar(FILE *out, const char *s);

#endif

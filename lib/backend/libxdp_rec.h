/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * What xdpload attached to a libxdp chain: one line per program, by kernel ID,
 * in /run/xdpload/libxdp/KEY (KEY as iface_key()). The kernel and libxdp know a
 * program's ID, name, priority and actions; this keeps what they do not, for
 * apply and save: where it came from (a bundled name or an object file's path,
 * with the file's length and hash), its program name whole, and its pin
 * directory. A program of the chain without a line was attached by another tool.
 * Lines of programs no longer in the chain are ignored (IDs are not reused).
 */
#ifndef XDPL_LIBXDP_REC_H
#define XDPL_LIBXDP_REC_H

#include <stdbool.h>
#include <stddef.h>
#include <linux/types.h>
#include "component.h"
#include "iface.h"

#define LIBXDP_REC_MAX 64

struct libxdp_rec {
	__u32 id;
	size_t len; /* the object's bytes (0 for a bundled program) */
	__u64 hash; /* FNV-1a 64 of them */
	char name[XDPL_NAME_LEN];
	char pin_dir[256]; /* as the user gave it, or "" */
	char label[512];   /* the bundled name or the path, as given */
};

struct libxdp_recs {
	int n;
	struct libxdp_rec v[LIBXDP_REC_MAX];
};

__u64 libxdp_rec_hash(const void *buf, size_t len);
/* Fill r for component c, attached as program id. */
void libxdp_rec_fill(struct libxdp_rec *r, const struct component *c, __u32 id,
		     const char *pin_dir);
/* Read iface's records (none: n = 0). */
void libxdp_rec_read(const struct xdpl_iface *iface, struct libxdp_recs *out);
/* Replace iface's records with recs (n = 0: remove them). Returns 0 or -errno. */
int libxdp_rec_write(const struct xdpl_iface *iface, const struct libxdp_recs *recs);
/* Add records to iface's (a load). */
int libxdp_rec_add(const struct xdpl_iface *iface, const struct libxdp_rec *r, int n);
/* The record of program id, or NULL. */
const struct libxdp_rec *libxdp_rec_find(const struct libxdp_recs *recs, __u32 id);

#endif

// SPDX-License-Identifier: GPL-2.0-only
/* What xdpload attached to a libxdp chain (see libxdp_rec.h). */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "backend/libxdp_rec.h"
#include "iface_lock.h"
#include "statedir.h"

__u64 libxdp_rec_hash(const void *buf, size_t len)
{
	const unsigned char *p = buf;
	__u64 h = 0xcbf29ce484222325ULL;
	size_t i;

	for (i = 0; i < len; i++) {
		h ^= p[i];
		h *= 0x100000001b3ULL;
	}
	return h;
}

void libxdp_rec_fill(struct libxdp_rec *r, const struct component *c, __u32 id, const char *pin_dir)
{
	memset(r, 0, sizeof(*r));
	r->id = id;
	if (!c->builtin) {
		r->len = c->len;
		r->hash = libxdp_rec_hash(c->buf, c->len);
	}
	snprintf(r->name, sizeof(r->name), "%s", c->entry.name);
	snprintf(r->pin_dir, sizeof(r->pin_dir), "%s", pin_dir ?: "");
	snprintf(r->label, sizeof(r->label), "%s", c->label);
}

static int recs_dir(bool create, struct xdpl_dir *out)
{
	struct xdpl_dir root = XDPL_DIR_INIT;
	int err;

	err = xdpl_run_root(create, &root);
	if (!err)
		err = sdir_open(&root, "libxdp", create, out);
	sdir_close(&root);
	return err;
}

/* id TAB len TAB hash TAB name TAB pin_dir TAB label: only the label may hold a tab */
static bool parse_line(char *line, struct libxdp_rec *r)
{
	char *f[6], *save = NULL;
	int i;

	memset(r, 0, sizeof(*r));
	for (i = 0; i < 5; i++) {
		f[i] = strtok_r(i ? NULL : line, "\t", &save);
		if (!f[i])
			return false;
	}
	f[5] = strtok_r(NULL, "", &save);
	if (!f[5] || sscanf(f[0], "%u", &r->id) != 1 || sscanf(f[1], "%zu", &r->len) != 1 ||
	    sscanf(f[2], "%llx", &r->hash) != 1)
		return false;
	snprintf(r->name, sizeof(r->name), "%s", f[3]);
	snprintf(r->pin_dir, sizeof(r->pin_dir), "%s", strcmp(f[4], "-") ? f[4] : "");
	snprintf(r->label, sizeof(r->label), "%s", f[5]);
	return r->id != 0;
}

void libxdp_rec_read(const struct xdpl_iface *iface, struct libxdp_recs *out)
{
	struct xdpl_dir dir = XDPL_DIR_INIT;
	char key[64], *text = NULL, *line, *save = NULL;
	size_t len;

	out->n = 0;
	iface_key(iface, key, sizeof(key));
	if (recs_dir(false, &dir) || sdir_read_file(&dir, key, 1 << 20, &text, &len)) {
		sdir_close(&dir);
		return;
	}
	sdir_close(&dir);
	for (line = strtok_r(text, "\n", &save); line && out->n < LIBXDP_REC_MAX;
	     line = strtok_r(NULL, "\n", &save))
		if (parse_line(line, &out->v[out->n]))
			out->n++;
	free(text);
}

static bool writable(const struct libxdp_rec *r)
{
	return !strpbrk(r->name, "\t\n") && !strpbrk(r->pin_dir, "\t\n") &&
	       !strchr(r->label, '\n') && r->name[0] && r->label[0];
}

int libxdp_rec_write(const struct xdpl_iface *iface, const struct libxdp_recs *recs)
{
	struct xdpl_dir dir = XDPL_DIR_INIT;
	size_t cap = (size_t)recs->n * (sizeof(struct libxdp_rec) + 64) + 1, off = 0;
	char key[64], *text;
	int i, err;

	iface_key(iface, key, sizeof(key));
	err = recs_dir(recs->n > 0, &dir);
	if (err)
		return recs->n ? err : 0;
	if (!recs->n) {
		unlinkat(dir.fd, key, 0);
		sdir_close(&dir);
		return 0;
	}
	text = malloc(cap);
	if (!text) {
		sdir_close(&dir);
		return -ENOMEM;
	}
	for (i = 0; i < recs->n; i++) {
		const struct libxdp_rec *r = &recs->v[i];

		if (!writable(r))
			continue; /* such a program is then not known as xdpload's */
		off += snprintf(text + off, cap - off, "%u\t%zu\t%016llx\t%s\t%s\t%s\n", r->id,
				r->len, (unsigned long long)r->hash, r->name,
				r->pin_dir[0] ? r->pin_dir : "-", r->label);
	}
	err = sdir_write_file(&dir, key, text, off);
	free(text);
	sdir_close(&dir);
	return err;
}

int libxdp_rec_add(const struct xdpl_iface *iface, const struct libxdp_rec *r, int n)
{
	struct libxdp_recs *recs = malloc(sizeof(*recs));
	int i, err;

	if (!recs)
		return -ENOMEM;
	libxdp_rec_read(iface, recs);
	/* the oldest lines go first when the file is full: their programs went long ago */
	for (i = 0; i < n; i++) {
		if (recs->n == LIBXDP_REC_MAX) {
			memmove(recs->v, recs->v + 1, (recs->n - 1) * sizeof(recs->v[0]));
			recs->n--;
		}
		recs->v[recs->n++] = r[i];
	}
	err = libxdp_rec_write(iface, recs);
	free(recs);
	return err;
}

const struct libxdp_rec *libxdp_rec_find(const struct libxdp_recs *recs, __u32 id)
{
	int i;

	for (i = 0; i < recs->n; i++)
		if (recs->v[i].id == id)
			return &recs->v[i];
	return NULL;
}

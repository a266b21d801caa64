// SPDX-License-Identifier: GPL-2.0-only
/* The linked state and its crash protocol (see linked_state.h). */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/stat.h>
#include <bpf/bpf.h>
#include "backend/linked_state.h"
#include "bpffs.h"
#include "fault.h"
#include "iface_lock.h"
#include "log.h"
#include "netns.h"

#define MANIFEST "manifest"
/* the nsfs inode of the state's namespace, from its creation on (clean reads it) */
#define NETNS_FILE "netns"

void linked_state_dispatcher_name(unsigned int generation, char *buf, size_t sz)
{
	snprintf(buf, sz, "dispatcher_%u", generation);
}

void linked_state_obj_name(unsigned int uid, char *buf, size_t sz)
{
	snprintf(buf, sz, "c%u.o", uid);
}

void linked_state_pin_path(const struct linked_state *st, const char *name, char *buf, size_t sz)
{
	sdir_fd_path(&st->pins, name, buf, sz);
}

int linked_state_comp_dir(const struct linked_state *st, unsigned int uid, bool create,
			  struct xdpl_dir *out)
{
	char name[32];

	snprintf(name, sizeof(name), "c%u", uid);
	return sdir_open(&st->pins, name, create, out);
}

__u32 linked_pin_id(const char *path)
{
	struct bpf_prog_info info = {};
	__u32 len = sizeof(info);
	int fd = bpf_obj_get(path);
	__u32 id = 0;

	if (fd < 0)
		return 0;
	/* prog and map info both start with type, id */
	if (!bpf_obj_get_info_by_fd(fd, &info, &len))
		id = info.id;
	close(fd);
	return id;
}

__u32 linked_state_attached_id(const struct linked_state *st)
{
	LIBBPF_OPTS(bpf_xdp_query_opts, q);

	return bpf_xdp_query(st->iface.ifindex, 0, &q) ? 0 : q.prog_id;
}

static __u32 dispatcher_pin_id(const struct linked_state *st, unsigned int generation)
{
	char name[32], path[LINKED_PATH_LEN];

	if (st->pins.fd < 0)
		return 0;
	linked_state_dispatcher_name(generation, name, sizeof(name));
	linked_state_pin_path(st, name, path, sizeof(path));
	return linked_pin_id(path);
}

__u32 linked_state_dispatcher_id(const struct linked_state *st)
{
	return st->exists ? dispatcher_pin_id(st, st->m.generation) : 0;
}

/* ---- manifests ---- */

static int read_manifest(const struct linked_state *st, const char *name, struct linked_manifest *m)
{
	size_t len;
	char *text;
	int err;

	err = sdir_read_file(&st->run, name, LINKED_MANIFEST_MAX, &text, &len);
	if (err)
		return err == -EFBIG ? -EBADMSG : err;
	err = linked_manifest_parse(text, len, m);
	free(text);
	return err;
}

int linked_state_stage(const struct linked_state *st, const struct linked_manifest *next)
{
	char name[32], *text;
	size_t len;
	int err;

	err = linked_manifest_format(next, &text, &len);
	if (err)
		return err;
	snprintf(name, sizeof(name), MANIFEST ".%u", next->generation);
	err = sdir_write_file(&st->run, name, text, len);
	free(text);
	return err;
}

int linked_state_commit(struct linked_state *st, const struct linked_manifest *next)
{
	char name[32];
	int err;

	snprintf(name, sizeof(name), MANIFEST ".%u", next->generation);
	err = sdir_rename(&st->run, name, MANIFEST);
	if (err)
		return err;
	st->m = *next;
	st->exists = true;
	xdpl_fault_point("linked:committed");
	return linked_state_sweep(st);
}

void linked_state_unstage(struct linked_state *st, unsigned int generation)
{
	char name[32];

	snprintf(name, sizeof(name), MANIFEST ".%u", generation);
	unlinkat(st->run.fd, name, 0);
	/* what the staged generation created is named by no committed one */
	linked_state_sweep(st);
}

/* ---- what the committed generation names, and the rest ---- */

static bool comp_named(const struct linked_manifest *m, const char *name, const char *fmt)
{
	unsigned int uid;
	char tail[2];
	int i;

	if (sscanf(name, fmt, &uid, tail) != 1)
		return false;
	for (i = 0; i < m->n; i++)
		if (m->comps[i].uid == uid)
			return true;
	return false;
}

struct sweep_ctx {
	const struct linked_state *st;
	const struct xdpl_dir *dir;
	bool pins;
	int removed;
};

static bool kept(const struct linked_state *st, bool pins, const char *name)
{
	char disp[32];

	if (!st->exists)
		return !pins && !strcmp(name, NETNS_FILE);
	if (!pins)
		return !strcmp(name, MANIFEST) || !strcmp(name, NETNS_FILE) ||
		       !strncmp(name, LINKED_TRACE_READER, strlen(LINKED_TRACE_READER)) ||
		       comp_named(&st->m, name, "c%u.o%1s");
	linked_state_dispatcher_name(st->m.generation, disp, sizeof(disp));
	/* maps pinned by name outlive the components that pinned them: the chain's */
	return !strcmp(name, disp) || (st->m.counters && !strcmp(name, "counters")) ||
	       !strcmp(name, LINKED_MAPS_DIR) || !strcmp(name, LINKED_TRACE_DIR) ||
	       comp_named(&st->m, name, "c%u%1s");
}

static int sweep_entry(const char *name, void *arg)
{
	struct sweep_ctx *c = arg;

	if (kept(c->st, c->pins, name))
		return 0;
	pr_debug("%s: removing leftover %s/%s\n", c->st->iface.name, c->dir->path, name);
	sdir_remove(c->dir, name);
	c->removed++;
	return 0;
}

int linked_state_sweep(struct linked_state *st)
{
	struct sweep_ctx c = { .st = st };

	if (st->damaged)
		return 0;
	if (st->run.fd >= 0) {
		c.dir = &st->run;
		sdir_for_each(&st->run, sweep_entry, &c);
	}
	if (st->pins.fd >= 0) {
		c.dir = &st->pins;
		c.pins = true;
		sdir_for_each(&st->pins, sweep_entry, &c);
	}
	return c.removed;
}

struct uid_scan {
	unsigned int max;
};

static int scan_uid(const char *name, void *arg)
{
	struct uid_scan *s = arg;
	unsigned int uid;

	if (sscanf(name, "c%u", &uid) == 1 && uid > s->max)
		s->max = uid;
	return 0;
}

unsigned int linked_state_new_uid(struct linked_state *st)
{
	struct uid_scan s = { .max = 0 };
	unsigned int uid;

	/* leftovers are swept, but a uid must never name two things even if one stayed */
	if (st->run.fd >= 0)
		sdir_for_each(&st->run, scan_uid, &s);
	if (st->pins.fd >= 0)
		sdir_for_each(&st->pins, scan_uid, &s);
	uid = st->m.next_uid > s.max ? st->m.next_uid : s.max + 1;
	if (!uid)
		uid = 1;
	st->m.next_uid = uid + 1;
	return uid;
}

void linked_state_destroy(struct linked_state *st)
{
	struct xdpl_dir root = XDPL_DIR_INIT;
	char bpffs[256];

	if (st->pins.fd >= 0) {
		sdir_empty(&st->pins);
		sdir_close(&st->pins);
		if (!bpffs_root(bpffs, sizeof(bpffs)) && !sdir_open_root(bpffs, &root)) {
			struct xdpl_dir top = XDPL_DIR_INIT;

			if (!sdir_open(&root, XDPL_STATE_NAME, false, &top))
				unlinkat(top.fd, st->key, AT_REMOVEDIR);
			sdir_close(&top);
		}
		sdir_close(&root);
	}
	if (st->run.fd >= 0) {
		sdir_empty(&st->run);
		sdir_close(&st->run);
		if (!xdpl_run_root(false, &root))
			unlinkat(root.fd, st->key, AT_REMOVEDIR);
		sdir_close(&root);
	}
	st->exists = false;
	st->damaged = false;
	memset(&st->m, 0, sizeof(st->m));
}

/* ---- recovery ---- */

struct staged_scan {
	unsigned int gens[8];
	int n;
};

static int scan_staged(const char *name, void *arg)
{
	struct staged_scan *s = arg;
	unsigned int gen;
	char tail[2];

	if (sscanf(name, MANIFEST ".%u%1s", &gen, tail) == 1 && s->n < 8)
		s->gens[s->n++] = gen;
	return 0;
}

struct disp_scan {
	const struct linked_state *st;
	__u32 attached;
	bool found;
};

static int scan_attached_disp(const char *name, void *arg)
{
	struct disp_scan *s = arg;
	char path[LINKED_PATH_LEN];
	unsigned int gen;
	char tail[2];

	if (sscanf(name, "dispatcher_%u%1s", &gen, tail) != 1)
		return 0;
	linked_state_pin_path(s->st, name, path, sizeof(path));
	s->found |= linked_pin_id(path) == s->attached;
	return 0;
}

/* Finish or undo a change a crash interrupted; forget a chain that is gone. */
static int recover(struct linked_state *st)
{
	struct staged_scan staged = { .n = 0 };
	__u32 attached = linked_state_attached_id(st);
	struct linked_manifest next;
	char name[32];
	int i, err;

	if (st->run.fd >= 0)
		sdir_for_each(&st->run, scan_staged, &staged);
	for (i = 0; i < staged.n; i++) {
		snprintf(name, sizeof(name), MANIFEST ".%u", staged.gens[i]);
		if (attached && dispatcher_pin_id(st, staged.gens[i]) == attached &&
		    !read_manifest(st, name, &next) && next.generation == staged.gens[i]) {
			pr_debug("%s: finishing a change an earlier run left half-done\n",
				 st->iface.name);
			err = sdir_rename(&st->run, name, MANIFEST);
			if (err)
				return xdpl_err(XDPL_ERR_FAIL, err, "%s: cannot commit %s/%s: %s",
						st->iface.name, st->run.path, name, strerror(-err));
		} else {
			pr_debug("%s: undoing a change an earlier run left half-done\n",
				 st->iface.name);
			unlinkat(st->run.fd, name, 0);
		}
	}
	err = st->run.fd >= 0 ? read_manifest(st, MANIFEST, &st->m) : -ENOENT;
	if (err && err != -ENOENT) {
		st->damaged = true;
		return 0;
	}
	st->exists = !err;
	if (!st->exists && attached && st->pins.fd >= 0) {
		struct disp_scan s = { .st = st, .attached = attached };

		/* a chain runs whose manifest is gone (/run emptied?): keep its pins */
		sdir_for_each(&st->pins, scan_attached_disp, &s);
		if (s.found) {
			st->damaged = true;
			return 0;
		}
	}
	if (st->exists && dispatcher_pin_id(st, st->m.generation) != attached) {
		pr_debug("%s: its linked chain is no longer attached; forgetting it\n",
			 st->iface.name);
		linked_state_destroy(st);
		return 0;
	}
	if (!st->exists) {
		linked_state_destroy(st);
		return 0;
	}
	linked_state_sweep(st);
	return 0;
}

/* ---- open / close ---- */

static int open_pins(const struct xdpl_dir *root, struct linked_state *st, bool create)
{
	struct xdpl_dir top = XDPL_DIR_INIT;
	int err;

	err = sdir_open(root, XDPL_STATE_NAME, create, &top);
	if (!err)
		err = sdir_open(&top, st->key, create, &st->pins);
	sdir_close(&top);
	return err;
}

static int open_dirs(struct linked_state *st, bool create)
{
	struct xdpl_dir root = XDPL_DIR_INIT;
	char bpffs[256];
	int err, tries;

	err = xdpl_run_root(create, &root);
	if (!err)
		err = sdir_open(&root, st->key, create, &st->run);
	sdir_close(&root);
	if (err && (err != -ENOENT || create))
		return err;
	err = bpffs_root(bpffs, sizeof(bpffs));
	if (err)
		return err;
	err = sdir_open_root(bpffs, &root);
	if (err)
		return xdpl_err(XDPL_ERR_PERM, err, "cannot open the bpffs %s: %s", bpffs,
				strerror(-err));
	err = open_pins(&root, st, create);
	/* clean removes an empty xdpload/ (linked_state_tidy): if it just did, make it again */
	for (tries = 0; err == -ENOENT && create && tries < 3; tries++) {
		xdpl_err_clear();
		err = open_pins(&root, st, create);
	}
	sdir_close(&root);
	return err == -ENOENT && !create ? 0 : err;
}

void linked_state_tidy(void)
{
	struct xdpl_dir root = XDPL_DIR_INIT;
	char bpffs[256];

	/* only an empty one goes: rmdir refuses anything with pins in it */
	if (!bpffs_root(bpffs, sizeof(bpffs)) && !sdir_open_root(bpffs, &root))
		unlinkat(root.fd, XDPL_STATE_NAME, AT_REMOVEDIR);
	sdir_close(&root);
}

static void init_state(struct linked_state *st, const struct xdpl_iface *iface, const char *key)
{
	memset(st, 0, sizeof(*st));
	st->run.fd = st->pins.fd = -1;
	if (iface)
		st->iface = *iface;
	snprintf(st->key, sizeof(st->key), "%s", key);
	st->m.mode = XDP_MODE_UNSPEC;
	st->m.next_uid = 1;
}

static int write_netns(const struct linked_state *st)
{
	char text[32];
	int err;

	err = sdir_write_file(
		&st->run, NETNS_FILE, text,
		snprintf(text, sizeof(text), "%llu\n", (unsigned long long)netns_self_ino()));
	if (err)
		return xdpl_err(XDPL_ERR_PERM, err, "cannot write %s/%s: %s", st->run.path,
				NETNS_FILE, strerror(-err));
	return 0;
}

int linked_state_open(const struct xdpl_iface *iface, bool create, struct linked_state *st)
{
	char key[64];
	int err;

	iface_key(iface, key, sizeof(key));
	init_state(st, iface, key);
	err = open_dirs(st, create);
	if (err) {
		linked_state_close(st);
		return err;
	}
	if (st->run.fd < 0 && st->pins.fd < 0)
		return 0;
	err = recover(st);
	if (err) {
		linked_state_close(st);
		return err;
	}
	if (!st->exists && !st->damaged) {
		st->m.netns_ino = netns_self_ino();
		if (create) /* recovery removed what was left; the directories come back */
			err = open_dirs(st, true);
	}
	if (!err && create && !sdir_exists(&st->run, NETNS_FILE))
		err = write_netns(st);
	if (err)
		linked_state_close(st);
	return err;
}

int linked_state_open_key(const char *key, struct linked_state *st)
{
	int err;

	init_state(st, NULL, key);
	snprintf(st->iface.name, sizeof(st->iface.name), "%s", "");
	err = open_dirs(st, false);
	if (err)
		return err;
	err = st->run.fd >= 0 ? read_manifest(st, MANIFEST, &st->m) : -ENOENT;
	st->exists = !err;
	st->damaged = err && err != -ENOENT;
	if (!st->exists && st->run.fd >= 0) {
		unsigned long long ino = 0;
		size_t len;
		char *text;

		if (!sdir_read_file(&st->run, NETNS_FILE, 64, &text, &len)) {
			if (sscanf(text, "%llu", &ino) == 1)
				st->m.netns_ino = ino;
			free(text);
		}
	}
	return 0;
}

int linked_state_damaged(const struct linked_state *st)
{
	return xdpl_err(XDPL_ERR_FAIL, EBADMSG,
			"%s: its linked state %s/manifest is damaged or missing ('xdpload clean "
			"%s' removes it)",
			st->iface.name, st->run.path[0] ? st->run.path : "/run/xdpload",
			st->iface.name);
}

void linked_state_close(struct linked_state *st)
{
	sdir_close(&st->run);
	sdir_close(&st->pins);
}

/* ---- keys, for clean ---- */

bool linked_state_key_exists(const char *key)
{
	struct linked_state st;
	bool found;

	init_state(&st, NULL, key);
	if (open_dirs(&st, false))
		return true; /* cannot tell: keep what might belong to it */
	found = st.run.fd >= 0 || st.pins.fd >= 0;
	linked_state_close(&st);
	return found;
}

struct key_walk {
	int (*fn)(const char *key, void *arg);
	void *arg;
	char seen[8192];
};

static int walk_key(const char *name, void *arg)
{
	struct key_walk *w = arg;
	unsigned long long cookie;
	char tail[2], tagged[80];
	int ifindex;

	if (sscanf(name, "%llx-%d%1s", &cookie, &ifindex, tail) != 2)
		return 0;
	snprintf(tagged, sizeof(tagged), "|%s|", name);
	if (strstr(w->seen, tagged))
		return 0;
	if (strlen(w->seen) + strlen(tagged) < sizeof(w->seen))
		strcat(w->seen, tagged);
	return w->fn(name, w->arg);
}

int linked_state_for_each_key(int (*fn)(const char *key, void *arg), void *arg)
{
	struct xdpl_dir root = XDPL_DIR_INIT, top = XDPL_DIR_INIT;
	struct key_walk *w = calloc(1, sizeof(*w));
	char bpffs[256];
	int err = 0;

	if (!w)
		return -ENOMEM;
	w->fn = fn;
	w->arg = arg;
	if (!xdpl_run_root(false, &root))
		err = sdir_for_each(&root, walk_key, w);
	sdir_close(&root);
	if (!err && !bpffs_root(bpffs, sizeof(bpffs)) && !sdir_open_root(bpffs, &root) &&
	    !sdir_open(&root, XDPL_STATE_NAME, false, &top))
		err = sdir_for_each(&top, walk_key, w);
	sdir_close(&top);
	sdir_close(&root);
	free(w);
	return err;
}

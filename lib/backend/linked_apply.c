// SPDX-License-Identifier: GPL-2.0-only
/* The linked backend's part of apply (see linked_apply.h). */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include <linux/if_link.h>
#include "bpffs.h"
#include "backend/linked_apply.h"
#include "builtin.h"
#include "fault.h"
#include "log.h"

int linked_apply_open(const struct xdpl_iface *iface, bool create, struct linked_apply *la)
{
	int err;

	memset(la, 0, sizeof(*la));
	la->detach_fd = -1;
	la->st = calloc(1, sizeof(*la->st));
	if (!la->st)
		return -ENOMEM;
	err = linked_state_open(iface, create, la->st);
	if (err) {
		free(la->st);
		la->st = NULL;
		return err;
	}
	linked_build_init(&la->b, la->st);
	if (la->st->damaged)
		return linked_state_damaged(la->st);
	la->fresh = !la->st->exists;
	return 0;
}

void linked_apply_close(struct linked_apply *la)
{
	if (!la->st)
		return;
	linked_build_free(&la->b);
	if (la->detach_fd >= 0)
		close(la->detach_fd);
	linked_state_close(la->st);
	free(la->st);
	la->st = NULL;
}

const struct linked_manifest *linked_apply_current(const struct linked_apply *la)
{
	return la->st && la->st->exists ? &la->st->m : NULL;
}

enum xdp_attach_mode linked_apply_mode(const struct linked_apply *la)
{
	LIBBPF_OPTS(bpf_xdp_query_opts, q);

	if (!linked_apply_current(la) || bpf_xdp_query(la->st->iface.ifindex, 0, &q))
		return XDP_MODE_UNSPEC;
	return mode_of_attached(q.attach_mode);
}

/* Does the object saved for component uid hold exactly these bytes? */
static bool same_bytes(const struct linked_state *st, unsigned int uid, const void *buf, size_t len)
{
	char name[32], path[LINKED_PATH_LEN];
	void *saved = NULL;
	size_t slen = 0;
	bool same;

	linked_state_obj_name(uid, name, sizeof(name));
	sdir_fd_path(&st->run, name, path, sizeof(path));
	if (read_file(path, &saved, &slen))
		return false;
	same = slen == len && !memcmp(saved, buf, len);
	free(saved);
	return same;
}

bool linked_apply_same(const struct linked_apply *la, int k, const struct component *c,
		       const char *pin_dir)
{
	const struct linked_comp *m = &la->st->m.comps[k];

	if (strcmp(m->entry.name, c->entry.name) || m->entry.prio != c->entry.prio ||
	    m->entry.actions != c->entry.actions)
		return false;
	/* the pin root is recorded only for objects that pin maps by name */
	if (m->pin_dir[0] && !bpffs_same_dir(m->pin_dir, pin_dir ?: ""))
		return false;
	/* a bundled program is its name; a file is its bytes, wherever it lies now */
	if (c->builtin)
		return !source_is_file(m->entry.label) && !strcmp(m->entry.label, c->label);
	return source_is_file(m->entry.label) && same_bytes(la->st, m->uid, c->buf, c->len);
}

int linked_apply_comp_fd(const struct linked_apply *la, int k)
{
	struct xdpl_dir dir = XDPL_DIR_INIT;
	char path[LINKED_PATH_LEN];
	int fd, err;

	err = linked_state_comp_dir(la->st, la->st->m.comps[k].uid, false, &dir);
	if (err)
		return err;
	sdir_fd_path(&dir, "prog", path, sizeof(path));
	fd = bpf_obj_get(path);
	if (fd < 0)
		fd = -errno;
	sdir_close(&dir);
	return fd;
}

int linked_apply_find_uid(const struct linked_apply *la, unsigned int uid)
{
	const struct linked_manifest *m = linked_apply_current(la);
	int k;

	for (k = 0; m && k < m->n; k++)
		if (m->comps[k].uid == uid)
			return k;
	return -1;
}

__u32 linked_apply_comp_id(const struct linked_apply *la, int k)
{
	struct bpf_prog_info info = {};
	__u32 len = sizeof(info);
	int fd = linked_apply_comp_fd(la, k);

	if (fd < 0)
		return 0;
	if (bpf_obj_get_info_by_fd(fd, &info, &len))
		info.id = 0;
	close(fd);
	return info.id;
}

static int prepare_detach(struct linked_apply *la)
{
	char name[32], path[LINKED_PATH_LEN];

	linked_state_dispatcher_name(la->st->m.generation, name, sizeof(name));
	linked_state_pin_path(la->st, name, path, sizeof(path));
	la->detach_fd = bpf_obj_get(path);
	if (la->detach_fd < 0)
		return xdpl_err(XDPL_ERR_FAIL, errno, "%s: cannot open its chain %s/%s: %s",
				la->st->iface.name, la->st->pins.path, name, strerror(errno));
	la->detach = true;
	return 0;
}

int linked_apply_prepare(struct linked_apply *la, const bool *keep, struct component *const *comps,
			 int n, const struct load_opts *opts, bool counters)
{
	const struct linked_manifest *cur = linked_apply_current(la);
	int i, nkeep = 0, err;

	for (i = 0; cur && i < cur->n; i++)
		nkeep += keep[i];
	if (!nkeep && !n)
		return cur ? prepare_detach(la) : 0;
	err = linked_build_check_iface(&la->b, opts);
	for (i = 0; !err && cur && i < cur->n; i++)
		if (keep[i])
			err = linked_build_add_existing(&la->b, &cur->comps[i]);
	for (i = 0; !err && i < n; i++)
		err = linked_build_add_new(&la->b, comps[i]);
	la->b.counters = cur ? cur->counters : counters;
	if (!err)
		err = linked_build_prepare(&la->b);
	la->build = !err;
	return err;
}

int linked_apply_new_fd(const struct linked_apply *la, const struct component *c)
{
	return linked_build_comp_fd(&la->b, c);
}

static int attach(const struct linked_apply *la, int fd, int old_fd)
{
	LIBBPF_OPTS(bpf_xdp_attach_opts, ao);
	LIBBPF_OPTS(bpf_xdp_query_opts, q);
	__u32 flags;

	if (bpf_xdp_query(la->st->iface.ifindex, 0, &q))
		return -errno;
	flags = mode_flags(mode_of_attached(q.attach_mode));
	if (old_fd >= 0) {
		ao.old_prog_fd = old_fd;
		flags |= XDP_FLAGS_REPLACE;
	} else {
		flags |= XDP_FLAGS_UPDATE_IF_NOEXIST;
	}
	return bpf_xdp_attach(la->st->iface.ifindex, fd, flags, &ao) ? -errno : 0;
}

int linked_apply_swap(struct linked_apply *la)
{
	int err = 0;

	if (la->detach) {
		err = attach(la, -1, la->detach_fd);
		if (err)
			err = xdpl_err(XDPL_ERR_FAIL, err, "%s: cannot detach the chain: %s",
				       la->st->iface.name, strerror(-err));
	} else if (la->build) {
		err = linked_build_swap(&la->b);
	}
	la->swapped = !err && (la->detach || la->build);
	return err;
}

int linked_apply_swap_back(struct linked_apply *la)
{
	int err = 0;

	if (!la->swapped)
		return 0;
	if (la->detach) {
		err = attach(la, la->detach_fd, -1);
		if (err)
			err = xdpl_err(XDPL_ERR_FAIL, err, "%s: cannot attach its chain again: %s",
				       la->st->iface.name, strerror(-err));
	} else {
		err = linked_build_swap_back(&la->b);
	}
	la->swapped = !!err;
	return err;
}

void linked_apply_abort(struct linked_apply *la)
{
	if (la->swapped)
		return; /* still attached: the next command's recovery keeps it */
	if (la->build)
		linked_build_abort(&la->b);
	la->build = la->detach = false;
	if (la->fresh && la->st)
		linked_state_destroy(la->st);
}

void linked_apply_commit(struct linked_apply *la)
{
	if (!la->swapped) {
		/* nothing was there and nothing is: the directories made for it go */
		if (la->fresh && la->st && !linked_apply_current(la))
			linked_state_destroy(la->st);
		return;
	}
	if (la->detach) {
		xdpl_fault_point("linked:detached");
		linked_state_destroy(la->st);
	} else {
		linked_build_commit(&la->b);
	}
}

// SPDX-License-Identifier: GPL-2.0-only
/* The legacy backend: one program on the interface, no dispatcher (see legacy.h). */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <bpf/bpf.h>
#include <linux/if_link.h>
#include "actions.h"
#include "backend/backend.h"
#include "backend/legacy.h"
#include "iface_lock.h"
#include "log.h"

static int marks_dir(bool create, struct xdpl_dir *out)
{
	struct xdpl_dir root = XDPL_DIR_INIT;
	int err;

	err = xdpl_run_root(create, &root);
	if (!err)
		err = sdir_open(&root, "legacy", create, out);
	sdir_close(&root);
	return err;
}

int legacy_mark(const struct xdpl_iface *iface, __u32 prog_id)
{
	struct xdpl_dir dir = XDPL_DIR_INIT;
	char key[64], text[16];
	int err;

	iface_key(iface, key, sizeof(key));
	err = marks_dir(true, &dir);
	if (!err)
		err = sdir_write_file(&dir, key, text,
				      snprintf(text, sizeof(text), "%u\n", prog_id));
	sdir_close(&dir);
	return err;
}

static __u32 marked_id(const struct xdpl_dir *dir, const char *key)
{
	unsigned int id = 0;
	size_t len;
	char *text;

	if (sdir_read_file(dir, key, 64, &text, &len))
		return 0;
	if (sscanf(text, "%u", &id) != 1)
		id = 0;
	free(text);
	return id;
}

bool legacy_is_ours(const struct xdpl_iface *iface, __u32 prog_id)
{
	struct xdpl_dir dir = XDPL_DIR_INIT;
	char key[64];
	__u32 id = 0;

	iface_key(iface, key, sizeof(key));
	if (!marks_dir(false, &dir))
		id = marked_id(&dir, key);
	sdir_close(&dir);
	return id && id == prog_id;
}

void legacy_forget(const struct xdpl_iface *iface)
{
	struct xdpl_dir dir = XDPL_DIR_INIT;
	char key[64];

	iface_key(iface, key, sizeof(key));
	if (!marks_dir(false, &dir))
		unlinkat(dir.fd, key, 0);
	sdir_close(&dir);
}

/* ---- the backend ---- */

static int legacy_owns(const struct xdpl_iface *iface, __u32 attached_id)
{
	return attached_id != 0;
}

static int legacy_status(const struct xdpl_iface *iface, struct iface_status *st)
{
	LIBBPF_OPTS(bpf_xdp_query_opts, q);
	int fd, err;

	if (bpf_xdp_query(iface->ifindex, 0, &q))
		return -errno;
	if (!q.prog_id)
		return 0;
	st->backend = "legacy";
	st->mode = mode_of_attached(q.attach_mode);
	fd = bpf_prog_get_fd_by_id(q.prog_id);
	if (fd < 0)
		return -errno;
	err = prog_status_from_fd(fd, &st->progs[0]);
	close(fd);
	if (err)
		return err;
	/* no dispatcher runs it: a priority or chain actions would be invented */
	st->nprogs = 1;
	st->owned = legacy_is_ours(iface, q.prog_id);
	return 0;
}

static int legacy_unload(const struct xdpl_iface *iface, const struct unload_sel *sel)
{
	LIBBPF_OPTS(bpf_xdp_query_opts, q);
	struct prog_status ps = {};
	__u32 link;
	int fd;

	if (bpf_xdp_query(iface->ifindex, 0, &q) || !q.prog_id)
		return xdpl_err(XDPL_ERR_NOTFOUND, ENOENT, "%s: no XDP program attached",
				iface->name);
	fd = bpf_prog_get_fd_by_id(q.prog_id);
	if (fd >= 0) {
		prog_status_from_fd(fd, &ps);
		close(fd);
	}
	if (!sel->all && sel->id != q.prog_id && !(sel->name && !strcmp(sel->name, ps.name)))
		return xdpl_err(XDPL_ERR_NOTFOUND, ENOENT,
				"%s: no attached program with that %s (see xdpload status %s)",
				iface->name, sel->name ? "name" : "ID", iface->name);
	link = xdp_link_of(iface->ifindex, q.prog_id);
	if (link)
		return backend_link_error(iface, q.prog_id, link);
	if (!sel->force && !legacy_is_ours(iface, q.prog_id))
		return xdpl_err(XDPL_ERR_BUSY, EBUSY,
				"%s: program %u (%s) was not attached by xdpload; use --force to "
				"remove it anyway",
				iface->name, q.prog_id, ps.name);
	if (bpf_xdp_detach(iface->ifindex, mode_flags(mode_of_attached(q.attach_mode)), NULL))
		return xdpl_err(XDPL_ERR_FAIL, errno, "%s: detach failed: %s", iface->name,
				strerror(errno));
	legacy_forget(iface);
	return 0;
}

static bool prog_loaded(__u32 id)
{
	int fd = bpf_prog_get_fd_by_id(id);

	if (fd < 0)
		return false;
	close(fd);
	return true;
}

static int clean_mark(const char *key, void *arg)
{
	const struct xdpl_dir *dir = arg;
	__u32 id = marked_id(dir, key);

	/* the program is gone with its interface or namespace */
	if (!id || !prog_loaded(id))
		unlinkat(dir->fd, key, 0);
	return 0;
}

static int legacy_clean(const struct xdpl_iface *iface)
{
	struct xdpl_dir dir = XDPL_DIR_INIT;
	LIBBPF_OPTS(bpf_xdp_query_opts, q);

	if (!iface) {
		if (!marks_dir(false, &dir))
			sdir_for_each(&dir, clean_mark, &dir);
		sdir_close(&dir);
		return 0;
	}
	if (bpf_xdp_query(iface->ifindex, 0, &q) || !q.prog_id || !legacy_is_ours(iface, q.prog_id))
		legacy_forget(iface);
	return 0;
}

static bool legacy_has_state(const char *key)
{
	struct xdpl_dir dir = XDPL_DIR_INIT;
	bool found;

	if (marks_dir(false, &dir))
		return false;
	found = sdir_exists(&dir, key);
	sdir_close(&dir);
	return found;
}

const struct backend_ops backend_legacy = {
	.name = "legacy",
	.max_progs = 1,
	.owns = legacy_owns,
	.unload = legacy_unload,
	.status = legacy_status,
	.clean = legacy_clean,
	.has_state = legacy_has_state,
};

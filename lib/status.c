// SPDX-License-Identifier: GPL-2.0-only
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <bpf/bpf.h>
#include <linux/if_link.h>
#include "backend/backend.h"
#include "owner.h"
#include "status.h"

int prog_status_from_fd(int fd, struct prog_status *ps)
{
	struct bpf_prog_info info = {};
	__u32 len = sizeof(info);
	int i;

	if (bpf_obj_get_info_by_fd(fd, &info, &len))
		return -errno;
	ps->id = info.id;
	snprintf(ps->name, sizeof(ps->name), "%s", info.name);
	for (i = 0; i < BPF_TAG_SIZE; i++)
		sprintf(ps->tag + 2 * i, "%02x", info.tag[i]);
	return 0;
}

/* The run config libxdp reads from a loaded program's BTF, when it has one. */
static void legacy_metadata(__u32 id, struct prog_status *ps)
{
	struct xdp_program *p = xdp_program__from_id(id);
	int a;

	if (libxdp_get_error(p))
		return;
	ps->has_meta = true;
	ps->prio = xdp_program__run_prio(p);
	for (a = 0; a <= XDPL_ACTION_MAX; a++)
		if (xdp_program__chain_call_enabled(p, a))
			ps->actions |= 1U << a;
	xdp_program__close(p);
}

/* One program attached directly, without a dispatcher: report what the kernel says. */
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
	st->nprogs = 1;
	legacy_metadata(q.prog_id, &st->progs[0]);
	st->owned = owner_is_legacy(iface, q.prog_id);
	return 1;
}

/* The dispatcher's kernel name, as xdp-loader prints it in its interface row. */
static void dispatcher_name(struct iface_status *st)
{
	struct prog_status ps = {};
	int fd;

	fd = st->dispatcher_id ? bpf_prog_get_fd_by_id(st->dispatcher_id) : -1;
	if (fd >= 0 && !prog_status_from_fd(fd, &ps))
		snprintf(st->dispatcher_name, sizeof(st->dispatcher_name), "%s", ps.name);
	if (fd >= 0)
		close(fd);
}

static int collect(const struct xdpl_iface *iface, struct iface_status *st)
{
	int ret;

	memset(st, 0, sizeof(*st));
	st->iface = *iface;
	st->backend = "none";
	ret = backend_linked.status(iface, st);
	if (ret)
		return ret < 0 ? ret : 0;
	ret = backend_libxdp.status(iface, st);
	if (ret)
		return ret < 0 ? ret : 0;
	ret = legacy_status(iface, st);
	return ret < 0 ? ret : 0;
}

int status_collect(const struct xdpl_iface *iface, struct iface_status *st)
{
	int err = collect(iface, st);

	if (!err)
		dispatcher_name(st);
	return err;
}

const struct prog_status *status_find(const struct iface_status *st, __u32 id, const char *name)
{
	int i;

	for (i = 0; i < st->nprogs; i++) {
		if (id && st->progs[i].id == id)
			return &st->progs[i];
		if (name && !strcmp(st->progs[i].name, name))
			return &st->progs[i];
	}
	return NULL;
}

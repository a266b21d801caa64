// SPDX-License-Identifier: GPL-2.0-only
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <bpf/bpf.h>
#include <linux/if_link.h>
#include "backend/backend.h"
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

int status_collect(const struct xdpl_iface *iface, struct iface_status *st)
{
	const struct backend_ops *be;
	int err;

	memset(st, 0, sizeof(*st));
	st->iface = *iface;
	st->backend = "none";
	be = backend_owner(iface);
	if (!be)
		return 0;
	err = be->status(iface, st);
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

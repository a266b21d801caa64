// SPDX-License-Identifier: GPL-2.0-only
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <bpf/bpf.h>
#include <linux/if_link.h>
#include "backend/backend.h"
#include "progs/count.h"
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

/*
 * What programs count on their own: the bundled count's packets and bytes. The
 * dispatcher counts no bytes, and libxdp's counts nothing, so these are the only
 * bytes there are and, on libxdp, the only packets.
 */
static void own_counters(struct iface_status *st)
{
	__u64 packets, bytes;
	int i;

	for (i = 0; i < st->nprogs; i++) {
		struct prog_status *ps = &st->progs[i];

		st->dispatcher_counts |= ps->has_counters;
		if (strcmp(ps->name, "count") || count_read(ps->id, &packets, &bytes))
			continue;
		/* count returns XDP_PASS, always */
		ps->has_bytes = true;
		ps->bytes[XDP_PASS] = bytes;
		if (!ps->has_counters) {
			ps->own_counts = ps->has_counters = true;
			ps->packets[XDP_PASS] = packets;
		}
	}
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
	if (!err) {
		dispatcher_name(st);
		own_counters(st);
	}
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

/*
 * What the per-program counters are on this chain, and when there are none, why
 * and how to get them (xdpload(8), JSON OUTPUT: "counters", "counters_note").
 */
const char *status_counters_kind(const struct iface_status *st)
{
	if (!st->nprogs)
		return NULL;
	if (st->dispatcher_counts)
		return "dispatcher";
	return strcmp(st->backend, "linked") ? "unavailable" : "off";
}

const char *status_counters_note(const struct iface_status *st)
{
	const char *kind = status_counters_kind(st);

	if (!kind || !strcmp(kind, "dispatcher"))
		return NULL;
	if (!strcmp(kind, "off"))
		return "loaded with --no-stats: the dispatcher counts nothing per program; "
		       "load the chain again without it for packets per program and action";
	if (!strcmp(st->backend, "libxdp"))
		return "libxdp's dispatcher counts nothing per program, and the kernel keeps "
		       "no per-program verdict counts for its freplace programs: for packets "
		       "per program and action, load the chain with --dispatcher linked (the "
		       "bundled count program counts what reaches it in either)";
	return "one program without a dispatcher: nothing counts its verdicts; for "
	       "packets per action, load it with xdpload load --dispatcher linked";
}

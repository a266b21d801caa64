// SPDX-License-Identifier: GPL-2.0-only
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <bpf/bpf.h>
#include <bpf/btf.h>
#include <bpf/libbpf.h>
#include <linux/if_link.h>
#include "backend/backend.h"
#include "progs/count.h"
#include "status.h"

/*
 * The kernel keeps 15 characters of a program's name; its BTF has the whole
 * name of its entry function (func_info[0]), as xdp-loader shows it.
 */
static void full_name(int fd, const struct bpf_prog_info *info, struct prog_status *ps)
{
	struct bpf_func_info finfo = {};
	struct bpf_prog_info fi = {};
	__u32 len = sizeof(fi);
	const struct btf_type *t;
	struct btf *btf;
	const char *name;

	if (strlen(info->name) < BPF_OBJ_NAME_LEN - 1 || !info->btf_id || !info->nr_func_info)
		return;
	fi.nr_func_info = 1;
	fi.func_info_rec_size = sizeof(finfo);
	fi.func_info = (__u64)(unsigned long)&finfo;
	if (bpf_obj_get_info_by_fd(fd, &fi, &len))
		return;
	btf = btf__load_from_kernel_by_id(info->btf_id);
	if (libbpf_get_error(btf))
		return;
	t = btf__type_by_id(btf, finfo.type_id);
	name = t ? btf__name_by_offset(btf, t->name_off) : NULL;
	/* only a name the kernel's is the start of: func_info[0] is the entry */
	if (name && !strncmp(name, info->name, strlen(info->name)))
		snprintf(ps->name, sizeof(ps->name), "%s", name);
	btf__free(btf);
}

int prog_status_from_fd(int fd, struct prog_status *ps)
{
	struct bpf_prog_info info = {};
	__u32 len = sizeof(info);
	int i;

	if (bpf_obj_get_info_by_fd(fd, &info, &len))
		return -errno;
	ps->id = info.id;
	snprintf(ps->name, sizeof(ps->name), "%s", info.name);
	full_name(fd, &info, ps);
	for (i = 0; i < BPF_TAG_SIZE; i++)
		sprintf(ps->tag + 2 * i, "%02x", info.tag[i]);
	return 0;
}

/* The dispatcher's kernel name and tag, as xdp-loader prints them in its interface row. */
static void dispatcher_name(struct iface_status *st)
{
	struct prog_status ps = {};
	int fd;

	fd = st->dispatcher_id ? bpf_prog_get_fd_by_id(st->dispatcher_id) : -1;
	if (fd >= 0 && !prog_status_from_fd(fd, &ps)) {
		snprintf(st->dispatcher_name, sizeof(st->dispatcher_name), "%s", ps.name);
		snprintf(st->dispatcher_tag, sizeof(st->dispatcher_tag), "%s", ps.tag);
	}
	if (fd >= 0) {
		struct bpf_prog_info info = {};
		__u32 len = sizeof(info);

		if (!bpf_obj_get_info_by_fd(fd, &info, &len))
			st->dispatcher_insns = info.xlated_prog_len / sizeof(struct bpf_insn);
	}
	if (fd >= 0)
		close(fd);
}

/*
 * What programs count on their own: the bundled count's packets and bytes. Where
 * the linked dispatcher counts bytes, its figures stand; libxdp's dispatcher
 * counts nothing, so there these are the only bytes and the only packets.
 */
static void own_counters(struct iface_status *st)
{
	__u64 packets, bytes;
	int i;

	for (i = 0; i < st->nprogs; i++) {
		struct prog_status *ps = &st->progs[i];

		st->dispatcher_counts |= ps->has_counters;
		if (ps->disp_bytes || strcmp(ps->name, "count") ||
		    count_read(ps->id, &packets, &bytes))
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

__u32 xdp_link_of(int ifindex, __u32 prog_id)
{
	struct bpf_link_info info;
	__u32 id = 0, len;
	int fd;

	/* XDP links are per device; the program ID tells namespaces' ifindexes apart */
	while (prog_id && !bpf_link_get_next_id(id, &id)) {
		fd = bpf_link_get_fd_by_id(id);
		if (fd < 0)
			continue;
		memset(&info, 0, sizeof(info));
		len = sizeof(info);
		if (!bpf_obj_get_info_by_fd(fd, &info, &len) && info.type == BPF_LINK_TYPE_XDP &&
		    info.xdp.ifindex == (__u32)ifindex && info.prog_id == prog_id) {
			close(fd);
			return id;
		}
		close(fd);
	}
	return 0;
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
	if (!err && st->nprogs && !st->dispatcher_id)
		st->link_id = xdp_link_of(iface->ifindex, st->progs[0].id);
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

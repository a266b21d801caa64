/* SPDX-License-Identifier: GPL-2.0-only */
/* What is attached on an interface, as the backends report it to status and stats. */
#ifndef XDPL_STATUS_H
#define XDPL_STATUS_H

#include <stdbool.h>
#include <linux/bpf.h>
#include <linux/types.h>
#include "actions.h"
#include "chain.h"
#include "iface.h"

#define XDPL_MAX_PROGS XDPL_CHAIN_MAX

struct prog_status {
	char name[XDPL_NAME_LEN]; /* the whole name where BTF or the chain has it */
	__u32 id;
	char tag[BPF_TAG_SIZE * 2 + 1];
	bool has_meta; /* prio and actions are known */
	unsigned int prio;
	unsigned int actions; /* chain-call actions, mask of 1 << XDP_* */
	/* linked: the component runs inlined in the dispatcher, or is called (and why) */
	bool has_layout;
	bool inlined;
	char call_reason[64];
	bool has_counters;
	__u64 packets[XDPL_ACTION_COUNT]; /* per returned action, when has_counters */
	/*
	 * Bytes per returned action: the linked dispatcher's (disp_bytes, where
	 * it counts them), else where the program's own maps give them (the
	 * bundled count, which always passes). own_counts: packets[] came from
	 * those maps too (no dispatcher counters).
	 */
	bool has_bytes, own_counts, disp_bytes;
	__u64 bytes[XDPL_ACTION_COUNT];
};

struct iface_status {
	struct xdpl_iface iface;
	/*
	 * "linked": xdpload's linked dispatcher; "libxdp": libxdp's dispatcher;
	 * "legacy": one program attached directly (by anyone); "none".
	 */
	const char *backend;
	enum xdp_attach_mode mode;
	__u32 dispatcher_id; /* 0 without a dispatcher */
	char dispatcher_name[XDPL_NAME_LEN];
	bool owned; /* attached by xdpload */
	/* the dispatcher counts per program and action (linked, without --no-stats) */
	bool dispatcher_counts;
	/* linked: the traced variant runs (xdpload trace has a reader) */
	bool traced;
	/* the dispatcher program's instructions as the kernel holds them (0: unknown) */
	__u32 dispatcher_insns;
	char dispatcher_tag[BPF_TAG_SIZE * 2 + 1];
	__u32 link_id; /* a single program held by this bpf_link (another tool's), or 0 */
	int nprogs;
	struct prog_status progs[XDPL_MAX_PROGS];
};

/* Fill st for one interface from the backend that owns it; the interface lock is held. */
int status_collect(const struct xdpl_iface *iface, struct iface_status *st);

/* Fill a prog_status's name, id and tag from a program fd. */
int prog_status_from_fd(int fd, struct prog_status *ps);

/*
 * What the per-program counters of st are: "dispatcher" (the linked dispatcher
 * counts), "off" (linked, loaded with --no-stats), "unavailable" (libxdp, or
 * one program alone), NULL with nothing attached.
 */
const char *status_counters_kind(const struct iface_status *st);
/* Without dispatcher counters: which figures the kernel cannot give there, and how to get them. */
const char *status_counters_note(const struct iface_status *st);

/*
 * The bpf_link that holds prog_id on ifindex, or 0 when it was attached without
 * one (netlink, as xdpload, iproute2 and libxdp do). A link cannot be replaced
 * through netlink, --force or not.
 */
__u32 xdp_link_of(int ifindex, __u32 prog_id);

/* Find an attached program by kernel ID or name; NULL if none. */
const struct prog_status *status_find(const struct iface_status *st, __u32 id, const char *name);

#endif

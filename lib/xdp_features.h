/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The XDP features a device reports (Linux 6.3 and later), read from the
 * kernel's "netdev" generic netlink family as libbpf 1.2's bpf_xdp_query() and
 * xdp-loader's `features` do; libbpf 1.1 cannot ask.
 */
#ifndef XDPL_XDP_FEATURES_H
#define XDPL_XDP_FEATURES_H

#include <stdbool.h>
#include <linux/types.h>

struct xdp_feature_name {
	const char *name; /* as <linux/netdev.h> names the flag */
	__u64 flag;
};

/* The flags xdp-loader lists, in its order; ended by a NULL name. */
extern const struct xdp_feature_name xdp_feature_names[];

struct xdp_features {
	__u64 flags;	      /* NETDEV_XDP_ACT_* */
	__u32 zc_max_segs;    /* AF_XDP zero-copy: buffers per packet, 0 when not reported */
	__u64 rx_metadata;    /* NETDEV_XDP_RX_METADATA_*, when reported */
	bool has_rx_metadata; /* the kernel reported rx_metadata */
};

/*
 * Ask the kernel. -EOPNOTSUPP (recorded: the kernel predates the report) when
 * it has no netdev family; other errors recorded too.
 */
int xdp_features_query(int ifindex, const char *ifname, struct xdp_features *f);

#endif

/* SPDX-License-Identifier: GPL-2.0-only */
/* Network interfaces: names, indexes, namespaces and XDP attach modes. */
#ifndef XDPL_IFACE_H
#define XDPL_IFACE_H

#include <stddef.h>
#include <net/if.h>
#include <linux/types.h>
#include <xdp/libxdp.h>

struct xdpl_iface {
	char name[IF_NAMESIZE];
	int ifindex;
	__u64 netns_cookie; /* ifindexes repeat across namespaces; this tells them apart */
};

/* Resolve a name; reports "no such interface" (exit class NOIFACE) itself. */
int iface_resolve(const char *name, struct xdpl_iface *iface);

/* Every interface of this namespace, in ifindex order; *n set. The caller frees. */
int iface_list(struct xdpl_iface **ifaces, int *n);

/* The cookie of the caller's network namespace (0 where the kernel has none). */
__u64 netns_cookie(void);

/* native, skb, hw, unspecified (also drv/generic/offload as aliases). -EINVAL if unknown. */
int mode_parse(const char *name, enum xdp_attach_mode *mode);
const char *mode_name(enum xdp_attach_mode mode);

/* "<netns cookie>-<ifindex>": names an interface's state (pins, run files) uniquely. */
void iface_key(const struct xdpl_iface *iface, char *buf, size_t sz);

/* XDP_FLAGS_*_MODE for a mode (0 for unspecified). */
__u32 mode_flags(enum xdp_attach_mode mode);

/* The mode of an XDP_ATTACHED_* value, as bpf_xdp_query() reports it. */
enum xdp_attach_mode mode_of_attached(__u8 attach_mode);
/* The mode XDP_FLAGS_*_MODE in flags ask for. */
enum xdp_attach_mode mode_of_flags(__u32 flags);

#endif

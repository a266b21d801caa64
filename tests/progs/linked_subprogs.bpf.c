// SPDX-License-Identifier: GPL-2.0-only
/*
 * Test component: a static subprogram, a global function and a hash map.
 * Drops IPv4 packets whose source address is in lk_src_deny, passes the rest.
 */
#include "linked_common.h"

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 16);
	__type(key, __u32);
	__type(value, __u32);
} lk_src_deny SEC(".maps");

static __noinline int denied(__u32 saddr)
{
	return bpf_map_lookup_elem(&lk_src_deny, &saddr) != 0;
}

/* global: verified on its own by the kernel */
__noinline int lk_classify(struct xdp_md *ctx)
{
	struct iphdr *iph;

	if (!ctx)
		return XDP_ABORTED;
	iph = parse_ipv4(ctx);
	if (!iph)
		return XDP_PASS;
	return denied(iph->saddr) ? XDP_DROP : XDP_PASS;
}

SEC("xdp")
int lk_subprogs(struct xdp_md *ctx)
{
	return lk_classify(ctx);
}

char LICENSE[] SEC("license") = "GPL";

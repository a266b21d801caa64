// SPDX-License-Identifier: GPL-2.0-only
/* Test component: drops IPv4 ICMP, passes everything else. */
#include "linked_common.h"
#include <linux/in.h>

SEC("xdp")
int lk_drop_icmp(struct xdp_md *ctx)
{
	struct iphdr *iph = parse_ipv4(ctx);

	return iph && iph->protocol == IPPROTO_ICMP ? XDP_DROP : XDP_PASS;
}

char LICENSE[] SEC("license") = "GPL";

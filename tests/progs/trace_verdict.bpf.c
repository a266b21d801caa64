// SPDX-License-Identifier: GPL-2.0-only
/*
 * Test component for xdpload trace: IPv4 UDP to port 9000 + N returns action
 * N (0 aborted, 1 drop, 2 pass, 3 tx, 4 redirect back out of the interface it
 * came in on, 5 the value 7, not an action); everything else passes.
 */
#include "linked_common.h"
#include <linux/in.h>
#include <linux/udp.h>

SEC("xdp")
int tr_verdict(struct xdp_md *ctx)
{
	struct iphdr *iph = parse_ipv4(ctx);
	void *data_end = (void *)(long)ctx->data_end;
	struct udphdr *udp;
	__u16 port;

	if (!iph || iph->protocol != IPPROTO_UDP || iph->ihl != 5)
		return XDP_PASS;
	udp = (void *)(iph + 1);
	if ((void *)(udp + 1) > data_end)
		return XDP_PASS;
	port = bpf_ntohs(udp->dest);
	switch (port) {
	case 9000:
		return XDP_ABORTED;
	case 9001:
		return XDP_DROP;
	case 9003:
		return XDP_TX;
	case 9004:
		return bpf_redirect(ctx->ingress_ifindex, 0);
	case 9005:
		return 7;
	}
	return XDP_PASS;
}

char LICENSE[] SEC("license") = "GPL";

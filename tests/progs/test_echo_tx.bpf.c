// SPDX-License-Identifier: GPL-2.0-only
/*
 * Test component for xdpload test: UDP to port 7 goes back where it came from
 * (MACs swapped, XDP_TX) with its payload's first byte set to 0xee and two
 * bytes cut from its tail, so a dry run's output shows rewritten bytes and a
 * changed length; everything else passes.
 */
#include "linked_common.h"
#include <linux/in.h>
#include <linux/udp.h>

SEC("xdp")
int echo_tx(struct xdp_md *ctx)
{
	struct iphdr *iph = parse_ipv4(ctx);
	void *data_end = (void *)(long)ctx->data_end;
	struct ethhdr *eth = (void *)(long)ctx->data;
	unsigned char tmp[ETH_ALEN];
	struct udphdr *udp;
	__u8 *payload;

	if (!iph || iph->protocol != IPPROTO_UDP || iph->ihl != 5)
		return XDP_PASS;
	udp = (void *)(iph + 1);
	payload = (void *)(udp + 1);
	if ((void *)(payload + 1) > data_end || udp->dest != bpf_htons(7))
		return XDP_PASS;
	*payload = 0xee;
	__builtin_memcpy(tmp, eth->h_dest, ETH_ALEN);
	__builtin_memcpy(eth->h_dest, eth->h_source, ETH_ALEN);
	__builtin_memcpy(eth->h_source, tmp, ETH_ALEN);
	if (bpf_xdp_adjust_tail(ctx, -2))
		return XDP_ABORTED;
	return XDP_TX;
}

char LICENSE[] SEC("license") = "GPL";

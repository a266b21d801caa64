// SPDX-License-Identifier: GPL-2.0-only
/*
 * The first-touch contender: one program that reads the headers a chain's
 * count and filter read (Ethernet type, IPv4 source and destination) and then
 * drops, as the bundled drop does without reading anything. Against drop it
 * prices the packet's first read on the receiving CPU (the generator wrote the
 * frame on the other one); against the chain it leaves what chaining adds.
 */
#include <linux/bpf.h>
#include <linux/if_ether.h>
#include <linux/ip.h>
#include <bpf/bpf_endian.h>
#include <bpf/bpf_helpers.h>

volatile __u32 touched; /* keeps the reads: a verdict that depends on nothing is folded */

SEC("xdp")
int touch_drop(struct xdp_md *ctx)
{
	void *data = (void *)(long)ctx->data, *end = (void *)(long)ctx->data_end;
	struct ethhdr *eth = data;
	struct iphdr *ip = data + sizeof(*eth);

	if ((void *)(ip + 1) > end)
		return XDP_DROP;
	if (eth->h_proto == bpf_htons(ETH_P_IP))
		touched = ip->saddr ^ ip->daddr;
	return XDP_DROP;
}

char LICENSE[] SEC("license") = "GPL";

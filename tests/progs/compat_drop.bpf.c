// SPDX-License-Identifier: GPL-2.0-only
/* Compatibility: the walk-throughs' first object, one program in SEC("xdp_drop"). */
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

SEC("xdp_drop")
int xdp_drop_prog(struct xdp_md *ctx)
{
	return XDP_DROP;
}

char LICENSE[] SEC("license") = "GPL";

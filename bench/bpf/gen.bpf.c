// SPDX-License-Identifier: GPL-2.0-only
/*
 * Traffic source for the packet-rate benchmark: run with BPF_PROG_TEST_RUN and
 * BPF_F_TEST_XDP_LIVE_FRAMES, XDP_TX sends each frame out of the interface given
 * as ctx_in->ingress_ifindex (the sending veth), i.e. into its peer.
 */
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

SEC("xdp")
int bench_gen(struct xdp_md *ctx)
{
	return XDP_TX;
}

char LICENSE[] SEC("license") = "GPL";

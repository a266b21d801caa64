// SPDX-License-Identifier: GPL-2.0-only
/*
 * Compatibility: sections libbpf 1.1 does not know, as the xdp-tutorial's and the
 * kernel samples' objects have them; loaders select one with -s or -n.
 */
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

SEC("xdp_pass")
int xdp_pass_func(struct xdp_md *ctx)
{
	return XDP_PASS;
}

SEC("xdp_drop")
int xdp_drop_func(struct xdp_md *ctx)
{
	return XDP_DROP;
}

SEC("xdp_abort")
int xdp_abort_func(struct xdp_md *ctx)
{
	return XDP_ABORTED;
}

SEC("xdp/pass")
int xdp_slash_pass(struct xdp_md *ctx)
{
	return XDP_PASS;
}

char LICENSE[] SEC("license") = "GPL";

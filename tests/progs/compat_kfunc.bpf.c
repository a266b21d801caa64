// SPDX-License-Identifier: GPL-2.0-only
/* Compatibility: a kfunc this kernel does not have; the refusal names it. */
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

extern int bpf_xdpl_no_such_kfunc(struct xdp_md *ctx) __ksym;

SEC("xdp")
int compat_kfunc(struct xdp_md *ctx)
{
	return bpf_xdpl_no_such_kfunc(ctx) ? XDP_DROP : XDP_PASS;
}

char LICENSE[] SEC("license") = "GPL";

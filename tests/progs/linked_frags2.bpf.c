// SPDX-License-Identifier: GPL-2.0-only
/* Test component: multi-buffer aware (SEC("xdp.frags")), reads the length, XDP_PASS. */
#include "linked_common.h"

SEC("xdp.frags")
int lk_frags2(struct xdp_md *ctx)
{
	return bpf_xdp_get_buff_len(ctx) >= 14 ? XDP_PASS : XDP_ABORTED;
}

char LICENSE[] SEC("license") = "GPL";

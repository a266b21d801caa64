// SPDX-License-Identifier: GPL-2.0-only
/* Test component: XDP_PASS, nothing else. */
#include "linked_common.h"

SEC("xdp")
int lk_pass(struct xdp_md *ctx)
{
	return XDP_PASS;
}

char LICENSE[] SEC("license") = "GPL";

// SPDX-License-Identifier: GPL-2.0-only
/* Test component: XDP_DROP, nothing else. */
#include "linked_common.h"

SEC("xdp")
int lk_drop(struct xdp_md *ctx)
{
	return XDP_DROP;
}

char LICENSE[] SEC("license") = "GPL";

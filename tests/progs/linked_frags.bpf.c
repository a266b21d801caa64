// SPDX-License-Identifier: GPL-2.0-only
/* Test component: multi-buffer aware (SEC("xdp.frags")), XDP_PASS. */
#include "linked_common.h"

SEC("xdp.frags")
int lk_frags(struct xdp_md *ctx)
{
	return XDP_PASS;
}

char LICENSE[] SEC("license") = "GPL";

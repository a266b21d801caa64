// SPDX-License-Identifier: GPL-2.0-only
/* Test component: bpf_loop with a callback (needs func_info); sums 1..10, passes if 55. */
#include "linked_common.h"

struct loop_ctx {
	__u64 sum;
};

static long lk_step(__u32 i, void *data)
{
	struct loop_ctx *c = data;

	c->sum += i + 1;
	return 0;
}

SEC("xdp")
int lk_loop(struct xdp_md *ctx)
{
	struct loop_ctx c = {};

	bpf_loop(10, lk_step, &c, 0);
	return c.sum == 55 ? XDP_PASS : XDP_ABORTED;
}

char LICENSE[] SEC("license") = "GPL";

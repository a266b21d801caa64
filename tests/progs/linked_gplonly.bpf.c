// SPDX-License-Identifier: GPL-2.0-only
/*
 * Test component: GPL, calls a GPL-only helper (bpf_trace_printk) on a path
 * that no test packet takes. Chained with a non-GPL component it must be refused.
 */
#include "linked_common.h"

SEC("xdp")
int lk_gplonly(struct xdp_md *ctx)
{
	if (ctx->rx_queue_index == 4242)
		bpf_printk("queue %u", ctx->rx_queue_index);
	return XDP_PASS;
}

char LICENSE[] SEC("license") = "GPL";

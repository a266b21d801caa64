// SPDX-License-Identifier: GPL-2.0-only
/* Test component: not GPL-compatible, yet calls a GPL-only helper. Must be refused. */
#include "linked_common.h"

SEC("xdp")
int lk_nongpl_printk(struct xdp_md *ctx)
{
	if (ctx->rx_queue_index == 4242)
		bpf_printk("queue %u", ctx->rx_queue_index);
	return XDP_PASS;
}

char LICENSE[] SEC("license") = "Proprietary";

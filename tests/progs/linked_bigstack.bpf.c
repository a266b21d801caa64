// SPDX-License-Identifier: GPL-2.0-only
/*
 * Test component with 504 bytes of stack: in a chain the dispatcher's frame must
 * stay empty, or the frames together pass the kernel's 512 bytes. XDP_PASS.
 */
#include "linked_common.h"

SEC("xdp")
int lk_bigstack(struct xdp_md *ctx)
{
	volatile __u8 buf[504];

	__builtin_memset((void *)buf, 1, sizeof(buf));
	return buf[ctx->rx_queue_index & 255] == 1 ? XDP_PASS : XDP_ABORTED;
}

char LICENSE[] SEC("license") = "GPL";

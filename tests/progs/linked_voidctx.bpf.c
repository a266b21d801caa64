// SPDX-License-Identifier: GPL-2.0-only
/*
 * Test component: entry declared with `void *ctx`, as much hand-written XDP code
 * is. Its BTF linkage must become static in the chain. XDP_PASS for frames of at
 * least 14 bytes.
 */
#include "linked_common.h"

SEC("xdp")
int lk_voidctx(void *ctx)
{
	struct xdp_md *x = ctx;

	return x->data_end - x->data >= 14 ? XDP_PASS : XDP_ABORTED;
}

char LICENSE[] SEC("license") = "GPL";

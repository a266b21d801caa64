// SPDX-License-Identifier: GPL-2.0-only
/*
 * Test component: global data in .rodata (the action to return, set before
 * load), .data (a value user space changes after load) and .bss (a counter).
 */
#include "linked_common.h"

const volatile __u32 lk_action = XDP_PASS;	/* .rodata */
__u64 lk_add = 1;				/* .data */
__u64 lk_total;					/* .bss */

SEC("xdp")
int lk_global(struct xdp_md *ctx)
{
	__sync_fetch_and_add(&lk_total, lk_add);
	return lk_action;
}

char LICENSE[] SEC("license") = "GPL";

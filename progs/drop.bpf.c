// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/* xdpload-desc: Drop every packet */
#include <xdpload/prog.h>

struct {
	__uint(priority, 90);
	XDPL_CHAIN_ON_PASS;
} XDP_RUN_CONFIG(drop);

SEC("xdp.frags")
int drop(struct xdp_md *ctx)
{
	return XDP_DROP;
}

char LICENSE[] SEC("license") = "Dual BSD/GPL";

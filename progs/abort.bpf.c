// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/* xdpload-desc: Abort every packet (XDP_ABORTED, visible in the xdp:xdp_exception tracepoint) */
#include <xdpload/prog.h>

struct {
	__uint(priority, 90);
	XDPL_CHAIN_ON_PASS;
} XDP_RUN_CONFIG(abort);

SEC("xdp.frags")
int abort(struct xdp_md *ctx)
{
	return XDP_ABORTED;
}

char LICENSE[] SEC("license") = "Dual BSD/GPL";

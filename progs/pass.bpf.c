// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/* xdpload-desc: Pass every packet (a no-op link in a chain) */
#include <xdpload/prog.h>

struct {
	__uint(priority, 50);
	XDPL_CHAIN_ON_PASS;
} XDP_RUN_CONFIG(pass);

SEC("xdp.frags")
int pass(struct xdp_md *ctx)
{
	return XDP_PASS;
}

char LICENSE[] SEC("license") = "Dual BSD/GPL";

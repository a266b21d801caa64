// SPDX-License-Identifier: GPL-2.0-only
/* Test component with a license that is not GPL-compatible: XDP_PASS. */
#include "linked_common.h"

SEC("xdp")
int lk_nongpl(struct xdp_md *ctx)
{
	return XDP_PASS;
}

char LICENSE[] SEC("license") = "Proprietary";

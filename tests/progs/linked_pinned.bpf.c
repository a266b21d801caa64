// SPDX-License-Identifier: GPL-2.0-only
/* Test component: counts packets in a map pinned by name (load -p DIR), then XDP_PASS. */
#include "linked_common.h"

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, __u64);
	__uint(pinning, LIBBPF_PIN_BY_NAME);
} lk_pinned_cnt SEC(".maps");

SEC("xdp")
int lk_pinned(struct xdp_md *ctx)
{
	__u32 key = 0;
	__u64 *v = bpf_map_lookup_elem(&lk_pinned_cnt, &key);

	if (v)
		__sync_fetch_and_add(v, 1);
	return XDP_PASS;
}

char LICENSE[] SEC("license") = "GPL";

// SPDX-License-Identifier: GPL-2.0-only
/* Test component: counts packets in its own per-CPU map, then XDP_PASS. */
#include "linked_common.h"

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, __u64);
} lk_count_map SEC(".maps");

SEC("xdp")
int lk_count(struct xdp_md *ctx)
{
	__u32 key = 0;
	__u64 *v = bpf_map_lookup_elem(&lk_count_map, &key);

	if (v)
		(*v)++;
	return XDP_PASS;
}

char LICENSE[] SEC("license") = "GPL";

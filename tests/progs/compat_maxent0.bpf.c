// SPDX-License-Identifier: GPL-2.0-only
/*
 * Compatibility: an object whose own loader sizes a map before loading it
 * (max_entries 0, as some samples do with the number of CPUs or queues): no
 * generic loader can, and xdpload says which map.
 */
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__type(key, __u32);
	__type(value, __u64);
} rx_cnt SEC(".maps");

SEC("xdp")
int compat_maxent0(struct xdp_md *ctx)
{
	__u32 key = 0;
	__u64 *v = bpf_map_lookup_elem(&rx_cnt, &key);

	if (v)
		*v += 1;
	return XDP_PASS;
}

char LICENSE[] SEC("license") = "GPL";

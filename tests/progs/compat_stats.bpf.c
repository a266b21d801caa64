// SPDX-License-Identifier: GPL-2.0-only
/*
 * Compatibility: an xdp-tutorial style object: SEC("xdp_stats1"), the only
 * program, counting what it passes in a per-action array (no pinning).
 */
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

struct datarec {
	__u64 rx_packets;
};

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__type(key, __u32);
	__type(value, struct datarec);
	__uint(max_entries, XDP_REDIRECT + 1);
} xdp_stats_map SEC(".maps");

SEC("xdp_stats1")
int xdp_stats1_func(struct xdp_md *ctx)
{
	__u32 key = XDP_PASS;
	struct datarec *rec = bpf_map_lookup_elem(&xdp_stats_map, &key);

	if (!rec)
		return XDP_ABORTED;
	__sync_fetch_and_add(&rec->rx_packets, 1);
	return XDP_PASS;
}

char LICENSE[] SEC("license") = "GPL";

// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/* xdpload-desc: Count packets and bytes per CPU, then pass them on */
#include <xdpload/prog.h>
#include <xdpload/counters.h>

struct {
	__uint(priority, 10);
	XDPL_CHAIN_ON_PASS;
} XDP_RUN_CONFIG(count);

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct xdpl_count);
} xdpl_count_map SEC(".maps");

SEC("xdp.frags")
int count(struct xdp_md *ctx)
{
	__u32 key = 0;
	struct xdpl_count *c = bpf_map_lookup_elem(&xdpl_count_map, &key);

	if (c) {
		c->packets++;
		c->bytes += bpf_xdp_get_buff_len(ctx); /* all its buffers, with frags */
	}
	return XDP_PASS;
}

char LICENSE[] SEC("license") = "Dual BSD/GPL";

// SPDX-License-Identifier: GPL-2.0-only
/*
 * Test component: tail-calls slot 0 of its program array (lk_tail_target, in
 * this object, put there by libbpf). Counters: [0] entered, [1] the tail call
 * fell through, [2] the target ran.
 */
#include "linked_common.h"

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 3);
	__type(key, __u32);
	__type(value, __u64);
} lk_tail_cnt SEC(".maps");

static __always_inline void inc(__u32 idx)
{
	__u64 *v = bpf_map_lookup_elem(&lk_tail_cnt, &idx);

	if (v)
		__sync_fetch_and_add(v, 1);
}

/* the tail-call target, in the same object (load this one with -n lk_tail) */
int lk_tail_target(struct xdp_md *ctx);

struct {
	__uint(type, BPF_MAP_TYPE_PROG_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__array(values, int(struct xdp_md *));
} lk_jmp SEC(".maps") = {
	.values = { [0] = (void *)&lk_tail_target },
};

SEC("xdp")
int lk_tail(struct xdp_md *ctx)
{
	inc(0);
	bpf_tail_call(ctx, &lk_jmp, 0);
	inc(1);
	return XDP_ABORTED;
}

SEC("xdp")
int lk_tail_target(struct xdp_md *ctx)
{
	inc(2);
	return XDP_PASS;
}

char LICENSE[] SEC("license") = "GPL";

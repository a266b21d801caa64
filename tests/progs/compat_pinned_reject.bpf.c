// SPDX-License-Identifier: GPL-2.0-only
/*
 * Maps pinned by name, and a program the verifier rejects (an unchecked packet
 * read): a refused load must leave the chain's pins as they were. It shares
 * compat_pin_cnt with compat_pinned.bpf.c and pins one map of its own.
 */
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, __u64);
	__uint(pinning, LIBBPF_PIN_BY_NAME);
} compat_pin_cnt SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, __u64);
	__uint(pinning, LIBBPF_PIN_BY_NAME);
} compat_reject_own SEC(".maps");

SEC("xdp")
int compat_reject(struct xdp_md *ctx)
{
	unsigned char *data = (void *)(long)ctx->data;
	__u32 key = 0;
	__u64 *a = bpf_map_lookup_elem(&compat_pin_cnt, &key);
	__u64 *b = bpf_map_lookup_elem(&compat_reject_own, &key);

	if (a && b)
		*a += *b;
	return data[12] == 0x08 ? XDP_PASS : XDP_DROP;
}

char LICENSE[] SEC("license") = "GPL";

// SPDX-License-Identifier: GPL-2.0-only
/*
 * Compatibility: maps pinned by name, as xdp-tools' xdpfilt_*.o and the
 * xdp-tutorial's packet02/03 pin theirs: a counter and a DEVMAP (the kernel adds
 * BPF_F_RDONLY_PROG to a devmap's flags, which libbpf 1.1 then refuses to reuse).
 * Counts every packet; redirects through the devmap only when asked to. Two
 * programs in sections libbpf does not know, so that one chain can hold both,
 * each loaded from its own copy of the object: they share the counter by name.
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
	__uint(type, BPF_MAP_TYPE_DEVMAP);
	__uint(max_entries, 4);
	__type(key, __u32);
	__type(value, __u32);
	__uint(pinning, LIBBPF_PIN_BY_NAME);
} compat_tx_port SEC(".maps");

volatile const __u32 redirect_port = 0; /* 0: never redirect */

static __always_inline int count_and_pass(void)
{
	__u32 key = 0;
	__u64 *v = bpf_map_lookup_elem(&compat_pin_cnt, &key);

	if (v)
		__sync_fetch_and_add(v, 1);
	if (redirect_port)
		return bpf_redirect_map(&compat_tx_port, redirect_port, 0);
	return XDP_PASS;
}

SEC("xdp_redirect_map")
int compat_pinned(struct xdp_md *ctx)
{
	return count_and_pass();
}

SEC("xdp_redirect_map_b")
int compat_pinned_b(struct xdp_md *ctx)
{
	return count_and_pass();
}

char LICENSE[] SEC("license") = "GPL";

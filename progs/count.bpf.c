// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/* xdpload-desc: Count packets and bytes per CPU, then pass them on */
#include <xdpload/prog.h>
#include <xdpload/counters.h>
#include <bpf/bpf_core_read.h>

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

#ifndef XDPL_COUNT_NO_BTF
/*
 * A frame's length with all its buffers needs bpf_xdp_get_buff_len(), a call
 * (with return-thunk mitigations several nanoseconds, most of what count
 * costs). Only a multi-buffer frame needs it: from 6.2 the kernel's xdp_buff
 * says whether this one is (bpf_cast_to_kern_ctx, a kfunc the verifier turns
 * into a move). Older kernels take the call for every frame: the kfunc is weak
 * and the branch that uses it is dead for the verifier there.
 */
extern int LINUX_KERNEL_VERSION __kconfig;

/*
 * Kfuncs need a GPL-compatible program: in a linked chain with a program that
 * is not, the chain is not either, and the linked backend clears this
 * (lib/progs/count.c) before count is loaded.
 */
const volatile struct xdpl_count_ro count_ro SEC(XDPL_COUNT_RO_SECTION) = { .xdp_buff = 1 };
extern void *bpf_cast_to_kern_ctx(void *obj) __ksym __weak;

struct xdp_buff___xdpl {
	__u32 flags;
} __attribute__((preserve_access_index));

enum xdp_buff_flags___xdpl {
	XDP_FLAGS_HAS_FRAGS___xdpl = 1,
};

static __always_inline __u64 frame_len(struct xdp_md *ctx)
{
	if (count_ro.xdp_buff && LINUX_KERNEL_VERSION >= KERNEL_VERSION(6, 2, 0)) {
		struct xdp_buff___xdpl *x = bpf_cast_to_kern_ctx(ctx);
		__u32 frags = bpf_core_enum_value(enum xdp_buff_flags___xdpl,
						  XDP_FLAGS_HAS_FRAGS___xdpl);

		if (!(x->flags & frags))
			return (long)ctx->data_end - (long)ctx->data;
	}
	return bpf_xdp_get_buff_len(ctx);
}
#else
/* progs/internal/count_nobtf.bpf.c: for a kernel without BTF (no CO-RE, no kfuncs) */
static __always_inline __u64 frame_len(struct xdp_md *ctx)
{
	return bpf_xdp_get_buff_len(ctx);
}
#endif

SEC("xdp.frags")
int count(struct xdp_md *ctx)
{
	__u32 key = 0;
	struct xdpl_count *c = bpf_map_lookup_elem(&xdpl_count_map, &key);

	if (c) {
		c->packets++;
		c->bytes += frame_len(ctx); /* all its buffers, with frags */
	}
	return XDP_PASS;
}

char LICENSE[] SEC("license") = "Dual BSD/GPL";

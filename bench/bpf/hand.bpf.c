// SPDX-License-Identifier: GPL-2.0-only
/*
 * The floor for a call-based chain: one hand-written XDP program making the
 * same calls as a linked chain of N components (N-1 pass-throughs, then drop),
 * hand_N for N = 1, 2, 5, 10.
 *
 * The callees are global and noinline, and their return value comes out of an
 * asm statement: otherwise clang folds the constant verdicts through the calls
 * (it does so even for global functions) and the chain collapses to one
 * instruction. Each callee compiles to `r0 = ACTION; exit`, the bundled pass
 * and drop programs' code, so every call, return and verdict check really
 * happens, as in the linked dispatcher. One function per
 * link, as the linked chain has one copy of each component.
 */
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

/* ctx is an input so that callers pass it, as the dispatcher does */
static __always_inline int opaque(int action, struct xdp_md *ctx)
{
	int r;

	asm volatile("%0 = %1" : "=r"(r) : "i"(action), "r"(ctx));
	return r;
}

#define PASS_FN(i)                                                     \
	__attribute__((noinline)) int hand_pass##i(struct xdp_md *ctx) \
	{                                                              \
		return opaque(XDP_PASS, ctx);                          \
	}

PASS_FN(1)
PASS_FN(2)
PASS_FN(3)
PASS_FN(4)
PASS_FN(5)
PASS_FN(6)
PASS_FN(7)
PASS_FN(8)
PASS_FN(9)

__attribute__((noinline)) int hand_drop(struct xdp_md *ctx)
{
	return opaque(XDP_DROP, ctx);
}

#define LINK(i)                        \
	do {                           \
		r = hand_pass##i(ctx); \
		if (r != XDP_PASS)     \
			return r;      \
	} while (0)

SEC("xdp")
int hand_1(struct xdp_md *ctx)
{
	return hand_drop(ctx);
}

SEC("xdp")
int hand_2(struct xdp_md *ctx)
{
	int r;

	LINK(1);
	return hand_drop(ctx);
}

SEC("xdp")
int hand_5(struct xdp_md *ctx)
{
	int r;

	LINK(1);
	LINK(2);
	LINK(3);
	LINK(4);
	return hand_drop(ctx);
}

SEC("xdp")
int hand_10(struct xdp_md *ctx)
{
	int r;

	LINK(1);
	LINK(2);
	LINK(3);
	LINK(4);
	LINK(5);
	LINK(6);
	LINK(7);
	LINK(8);
	LINK(9);
	return hand_drop(ctx);
}

char LICENSE[] SEC("license") = "GPL";

// SPDX-License-Identifier: GPL-2.0-only
/*
 * The hand-written programs a linked chain of N components (N-1 pass-throughs,
 * then drop) is measured against, for N = 1, 2, 5, 10, 32:
 *  - hand_N: one XDP program making the same calls, the floor for a
 *    call-based chain (what the called layout, and libxdp's dispatcher, do);
 *  - single_N: one XDP program doing the same work without any call, each
 *    verdict produced and checked in line, the floor for the inlined chain.
 *
 * The verdicts come out of an asm statement: otherwise clang folds the
 * constant verdicts (through calls too, even to global functions) and the
 * chain collapses to one instruction. Each callee compiles to `r0 = ACTION;
 * exit`, the bundled pass and drop programs' code, so every call, return and
 * verdict check really happens, as in the linked dispatcher; the verifier then
 * treats hand-written and generated code alike (it knows each verdict, and
 * removes the checks it proves dead). One function per link, as the linked
 * chain has one copy of each component.
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
PASS_FN(10)
PASS_FN(11)
PASS_FN(12)
PASS_FN(13)
PASS_FN(14)
PASS_FN(15)
PASS_FN(16)
PASS_FN(17)
PASS_FN(18)
PASS_FN(19)
PASS_FN(20)
PASS_FN(21)
PASS_FN(22)
PASS_FN(23)
PASS_FN(24)
PASS_FN(25)
PASS_FN(26)
PASS_FN(27)
PASS_FN(28)
PASS_FN(29)
PASS_FN(30)
PASS_FN(31)

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

/* the same, without the call */
#define STEP()                             \
	do {                               \
		r = opaque(XDP_PASS, ctx); \
		if (r != XDP_PASS)         \
			return r;          \
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

SEC("xdp")
int hand_32(struct xdp_md *ctx)
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
	LINK(10);
	LINK(11);
	LINK(12);
	LINK(13);
	LINK(14);
	LINK(15);
	LINK(16);
	LINK(17);
	LINK(18);
	LINK(19);
	LINK(20);
	LINK(21);
	LINK(22);
	LINK(23);
	LINK(24);
	LINK(25);
	LINK(26);
	LINK(27);
	LINK(28);
	LINK(29);
	LINK(30);
	LINK(31);
	return hand_drop(ctx);
}

SEC("xdp")
int single_1(struct xdp_md *ctx)
{
	return opaque(XDP_DROP, ctx);
}

SEC("xdp")
int single_2(struct xdp_md *ctx)
{
	int r;
	STEP();
	return opaque(XDP_DROP, ctx);
}

SEC("xdp")
int single_5(struct xdp_md *ctx)
{
	int r;
	STEP();
	STEP();
	STEP();
	STEP();
	return opaque(XDP_DROP, ctx);
}

SEC("xdp")
int single_10(struct xdp_md *ctx)
{
	int r;
	STEP();
	STEP();
	STEP();
	STEP();
	STEP();
	STEP();
	STEP();
	STEP();
	STEP();
	return opaque(XDP_DROP, ctx);
}

SEC("xdp")
int single_32(struct xdp_md *ctx)
{
	int r;
	STEP();
	STEP();
	STEP();
	STEP();
	STEP();
	STEP();
	STEP();
	STEP();
	STEP();
	STEP();
	STEP();
	STEP();
	STEP();
	STEP();
	STEP();
	STEP();
	STEP();
	STEP();
	STEP();
	STEP();
	STEP();
	STEP();
	STEP();
	STEP();
	STEP();
	STEP();
	STEP();
	STEP();
	STEP();
	STEP();
	STEP();
	return opaque(XDP_DROP, ctx);
}

char LICENSE[] SEC("license") = "GPL";

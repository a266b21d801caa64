/* SPDX-License-Identifier: GPL-2.0-only */
/* A chain of static calls DEPTH frames deep (the entry is frame 1). */
static __noinline int d7(struct xdp_md *ctx, int x)
{
	return x + ctx->rx_queue_index;
}
static __noinline int d6(struct xdp_md *ctx, int x)
{
	return d7(ctx, x + 1) + 1;
}
static __noinline int d5(struct xdp_md *ctx, int x)
{
	return d6(ctx, x + 1) + 1;
}
static __noinline int d4(struct xdp_md *ctx, int x)
{
	return d5(ctx, x + 1) + 1;
}
static __noinline int d3(struct xdp_md *ctx, int x)
{
	return d4(ctx, x + 1) + 1;
}
static __noinline int d2(struct xdp_md *ctx, int x)
{
	return d3(ctx, x + 1) + 1;
}
#if DEPTH == 8
static __noinline int d1(struct xdp_md *ctx, int x)
{
	return d2(ctx, x + 1) + 1;
}
#define TOP d1
#else
#define TOP d2
#endif

SEC("xdp")
int lk_deep(struct xdp_md *ctx)
{
	return TOP(ctx, 0) == 12345 ? XDP_ABORTED : XDP_PASS;
}

char LICENSE[] SEC("license") = "GPL";

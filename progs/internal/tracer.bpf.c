// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * The tracer: the function the traced linked dispatcher calls before it
 * returns (layouts in <xdpload/trace.h>). Not a bundled program: it is never
 * attached on its own and never part of a chain; lib/backend/linked_build.c
 * links it into the composite while a reader runs.
 */
#include <xdpload/prog.h>
#include <xdpload/parsing.h>
#include <xdpload/trace.h>
#include <xdpload/watch.h>
#include <xdpload/proto_bits.h>

#define NSEC_PER_SEC 1000000000ULL

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct xdpl_trace_rec);
} tr_rec SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, XDPL_TRACE_READERS);
	__type(key, __u32);
	__type(value, struct xdpl_trace_reader);
} tr_cfg SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, XDPL_TRACE_READERS);
	__type(key, __u32);
	__type(value, struct xdpl_trace_bucket);
} tr_state SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, XDPL_TRACE_READERS);
	__type(key, __u32);
	__type(value, struct xdpl_trace_stats);
} tr_stats SEC(".maps");

#define RING(n)                                             \
	struct {                                            \
		__uint(type, BPF_MAP_TYPE_RINGBUF);         \
		__uint(max_entries, XDPL_TRACE_RING_BYTES); \
	} tr_ring##n SEC(".maps")

RING(0);
RING(1);
RING(2);
RING(3);

static __always_inline void *ring_of(__u32 r)
{
	switch (r) {
	case 0:
		return &tr_ring0;
	case 1:
		return &tr_ring1;
	case 2:
		return &tr_ring2;
	default:
		return &tr_ring3;
	}
}

/* addr within the reader's prefix: its mask, no branch per byte */
static __always_inline int addr_match(const __u8 *a, const struct xdpl_trace_reader *c)
{
	__u32 x[4], w[4], m[4];

	__builtin_memcpy(x, a, 16);
	__builtin_memcpy(w, c->addr, 16);
	__builtin_memcpy(m, c->mask, 16);
	return !(((x[0] ^ w[0]) & m[0]) | ((x[1] ^ w[1]) & m[1]) | ((x[2] ^ w[2]) & m[2]) |
		 ((x[3] ^ w[3]) & m[3]));
}

static __always_inline __u32 act_of(__u32 a)
{
	return a > XDP_REDIRECT ? XDPL_TRACE_ACT_OTHER : a;
}

static __always_inline int matches(const struct xdpl_trace_reader *c,
				   const struct xdpl_trace_rec *rec, const struct xdpl_pkt *p,
				   __u64 ran)
{
	__u32 last = rec->last < XDPL_TRACE_STEPS ? rec->last : XDPL_TRACE_STEPS - 1;

	if (c->protos && !(proto_bits(p) & c->protos))
		return 0;
	if (c->verdicts && !(c->verdicts & (1u << act_of(rec->verdict))))
		return 0;
	if (c->decided && (rec->end || !(c->decided & (1ULL << (rec->slot[last] & 63)))))
		return 0;
	if (c->ran && !(ran & c->ran))
		return 0;
	if (c->family) {
		if (p->family != c->family)
			return 0;
		int s = addr_match(p->saddr, c), d = addr_match(p->daddr, c);

		if (c->addr_dir == XDPL_TRACE_DIR_SRC	? !s
		    : c->addr_dir == XDPL_TRACE_DIR_DST ? !d
							: !(s | d))
			return 0;
	}
	if (c->port) {
		if (!p->has_ports)
			return 0;
		if (c->port_dir == XDPL_TRACE_DIR_SRC && p->sport != c->port)
			return 0;
		if (c->port_dir == XDPL_TRACE_DIR_DST && p->dport != c->port)
			return 0;
		if (c->port_dir == XDPL_TRACE_DIR_ANY && p->sport != c->port && p->dport != c->port)
			return 0;
	}
	return 1;
}

/* Per-CPU GCRA with burst = rate (as watch's). */
static __always_inline int may_report(const struct xdpl_trace_reader *c,
				      struct xdpl_trace_bucket *b, __u64 now)
{
	__u64 rate = c->rate, interval, tat;

	if (!rate)
		rate = XDPL_TRACE_DEFAULT_RATE;
	if (rate > NSEC_PER_SEC)
		rate = NSEC_PER_SEC;
	interval = NSEC_PER_SEC / rate;
	tat = b->tat_ns < now ? now : b->tat_ns;
	if (tat - now > interval * (rate - 1))
		return 0;
	b->tat_ns = tat + interval;
	return 1;
}

static __always_inline void emit(struct xdp_md *ctx, __u32 r, const struct xdpl_trace_rec *rec,
				 struct xdpl_trace_stats *st, __u64 now, __u32 len)
{
	struct xdpl_trace_event *ev;
	__u32 caplen, last = rec->last;

	ev = bpf_ringbuf_reserve(ring_of(r), sizeof(*ev), 0);
	if (!ev) {
		st->ring_full++;
		return;
	}
	ev->ts_ns = now;
	ev->ifindex = ctx->ingress_ifindex;
	ev->rx_queue = ctx->rx_queue_index;
	ev->len = len;
	ev->verdict = rec->verdict;
	ev->end = rec->end;
	ev->nsteps = last < XDPL_TRACE_STEPS ? last + 1 : XDPL_TRACE_STEPS;
	ev->pad = 0;
	__builtin_memcpy(ev->slot, rec->slot, sizeof(ev->slot));
	__builtin_memcpy(ev->act, rec->act, sizeof(ev->act));
	if (len >= XDPL_TRACE_SNAP) {
		caplen =
			bpf_xdp_load_bytes(ctx, 0, ev->data, XDPL_TRACE_SNAP) ? 0 : XDPL_TRACE_SNAP;
	} else {
		__u64 n = len - 1;

		/* 1..XDPL_TRACE_SNAP, in bounds the verifier sees at the call */
		asm volatile("%0 &= 127" : "+r"(n));
		caplen = bpf_xdp_load_bytes(ctx, 0, ev->data, n + 1) ? 0 : (__u32)n + 1;
	}
	ev->caplen = caplen;
	bpf_ringbuf_submit(ev, 0);
	st->reported++;
}

/*
 * One reader's part, a global function: the verifier checks it once, for any
 * reader, instead of once per reader and per path through the ones before.
 */
__noinline int xdpl_trace_reader(struct xdp_md *ctx, __u32 r, __u64 now, __u64 ran)
{
	struct xdpl_trace_reader *c;
	struct xdpl_trace_bucket *b;
	struct xdpl_trace_stats *st;
	struct xdpl_trace_rec *rec;
	struct xdpl_pkt pkt = {};
	__u32 zero = 0;

	if (r >= XDPL_TRACE_READERS)
		return 0;
	c = bpf_map_lookup_elem(&tr_cfg, &r);
	if (!c || !c->until_ns || now > c->until_ns)
		return 0;
	rec = bpf_map_lookup_elem(&tr_rec, &zero);
	st = bpf_map_lookup_elem(&tr_stats, &r);
	b = bpf_map_lookup_elem(&tr_state, &r);
	if (!rec || !st || !b)
		return 0;
	st->seen++;
	xdpl_parse(ctx, &pkt);
	if (!matches(c, rec, &pkt, ran)) {
		st->filtered++;
		return 0;
	}
	b->matched++;
	if (c->sample > 1 && b->matched % c->sample) {
		st->sampled++;
		return 0;
	}
	if (!may_report(c, b, now)) {
		st->rate_limited++;
		return 0;
	}
	emit(ctx, r, rec, st, now, (__u32)(ctx->data_end - ctx->data));
	return 0;
}

SEC("xdp.frags")
int xdpl_tracer(struct xdp_md *ctx)
{
	struct xdpl_trace_rec *rec;
	__u32 zero = 0, r, i, last;
	__u64 now, ran = 0;

	rec = bpf_map_lookup_elem(&tr_rec, &zero);
	if (!rec)
		return 0;
	now = bpf_ktime_get_ns();
	last = rec->last < XDPL_TRACE_STEPS ? rec->last : XDPL_TRACE_STEPS - 1;
	for (i = 0; i < XDPL_TRACE_STEPS; i++) {
		if (i > last)
			break;
		ran |= 1ULL << (rec->slot[i] & 63);
	}
	for (r = 0; r < XDPL_TRACE_READERS; r++) {
		struct xdpl_trace_reader *c = bpf_map_lookup_elem(&tr_cfg, &r);

		/* a call per reader costs a return thunk: only for those that read */
		if (c && c->until_ns && now <= c->until_ns)
			xdpl_trace_reader(ctx, r, now, ran);
	}
	return 0;
}

char LICENSE[] SEC("license") = "Dual BSD/GPL";

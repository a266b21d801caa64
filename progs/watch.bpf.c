// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/* xdpload-desc: Report packets to user space (xdpload watch), rate-limited, then pass them on */
#include <xdpload/prog.h>
#include <xdpload/parsing.h>
#include <xdpload/watch.h>
#include <xdpload/proto_bits.h>

#define NSEC_PER_SEC 1000000000ULL

struct {
	__uint(priority, 40);
	XDPL_CHAIN_ON_PASS;
} XDP_RUN_CONFIG(watch);

struct {
	__uint(type, BPF_MAP_TYPE_RINGBUF);
	__uint(max_entries, XDPL_WATCH_RING_BYTES);
} wt_events SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct xdpl_watch_config);
} wt_cfg SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct xdpl_watch_bucket);
} wt_bucket SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct xdpl_watch_stats);
} wt_stats SEC(".maps");

/* Per-CPU GCRA with burst = rate: per-CPU state needs no atomics. */
static __always_inline int may_report(const struct xdpl_watch_config *cfg, __u64 now)
{
	struct xdpl_watch_bucket *b;
	__u64 rate = cfg->events_per_sec, interval, tat;
	__u32 zero = 0;

	if (!rate)
		rate = XDPL_WATCH_DEFAULT_RATE;
	if (rate > NSEC_PER_SEC)
		rate = NSEC_PER_SEC;
	b = bpf_map_lookup_elem(&wt_bucket, &zero);
	if (!b)
		return 0;
	interval = NSEC_PER_SEC / rate;
	tat = b->tat_ns < now ? now : b->tat_ns;
	if (tat - now > interval * (rate - 1))
		return 0;
	b->tat_ns = tat + interval;
	return 1;
}

SEC("xdp.frags")
int watch(struct xdp_md *ctx)
{
	struct xdpl_watch_config *cfg;
	struct xdpl_watch_event *ev;
	struct xdpl_watch_stats *st;
	struct xdpl_pkt pkt = {};
	__u32 zero = 0;
	__u64 now;

	st = bpf_map_lookup_elem(&wt_stats, &zero);
	cfg = bpf_map_lookup_elem(&wt_cfg, &zero);
	if (!st || !cfg)
		return XDP_PASS;
	st->seen++;
	/* nobody reads: report nothing */
	if (!cfg->reader_until_ns)
		return XDP_PASS;
	now = bpf_ktime_get_ns();
	if (now > cfg->reader_until_ns)
		return XDP_PASS;
	/* the reader's protocols first: what it does not want spends none of its budget */
	xdpl_parse(ctx, &pkt);
	if (cfg->protos && !(proto_bits(&pkt) & cfg->protos)) {
		st->filtered++;
		return XDP_PASS;
	}
	if (!may_report(cfg, now)) {
		st->rate_limited++;
		return XDP_PASS;
	}
	ev = bpf_ringbuf_reserve(&wt_events, sizeof(*ev), 0);
	if (!ev) {
		st->ring_full++;
		return XDP_PASS;
	}
	ev->ts_ns = now;
	ev->ifindex = ctx->ingress_ifindex;
	ev->rx_queue = ctx->rx_queue_index;
	ev->len = pkt.len;
	ev->eth_proto = pkt.eth_proto;
	ev->family = pkt.family;
	ev->l4proto = pkt.l4proto;
	ev->sport = pkt.sport;
	ev->dport = pkt.dport;
	ev->has_ports = pkt.has_ports;
	ev->icmp_type = pkt.icmp_type;
	ev->vlans = pkt.vlans;
	ev->verdict = XDP_PASS;
	__builtin_memcpy(ev->smac, pkt.smac, 6);
	__builtin_memcpy(ev->dmac, pkt.dmac, 6);
	__builtin_memcpy(ev->saddr, pkt.saddr, 16);
	__builtin_memcpy(ev->daddr, pkt.daddr, 16);
	bpf_ringbuf_submit(ev, 0);
	st->reported++;
	return XDP_PASS;
}

char LICENSE[] SEC("license") = "Dual BSD/GPL";

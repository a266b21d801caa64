// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/* xdpload-desc: Limit packets per second per source address (token bucket, IPv4/IPv6) */
#include <xdpload/prog.h>
#include <xdpload/parsing.h>
#include <xdpload/ratelimit.h>

#define NSEC_PER_SEC 1000000000ULL

struct {
	__uint(priority, 30);
	XDPL_CHAIN_ON_PASS;
} XDP_RUN_CONFIG(ratelimit);

/*
 * Global data rather than a map of its own: libbpf lets xdpload set the initial
 * value of the opened object, so the program runs with its settings from the first
 * packet, and a rebuilt chain reuses the pinned section with what `set` put there.
 */
struct xdpl_rl_config rl_cfg SEC(XDPL_RL_CFG_SECTION) = {
	.rate_pps = XDPL_RL_DEFAULT_RATE,
	.burst = XDPL_RL_DEFAULT_BURST,
};

struct {
	__uint(type, BPF_MAP_TYPE_LRU_HASH);
	__uint(max_entries, XDPL_RL_MAX_SOURCES);
	__type(key, struct xdpl_rl_key);
	__type(value, struct xdpl_rl_bucket);
} rl_buckets SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct xdpl_rl_stats);
} rl_stats SEC(".maps");

/*
 * GCRA: a packet conforms when it arrives no earlier than tat - (burst - 1)
 * intervals; each conforming packet pushes tat one interval further.
 * Buckets are shared by all CPUs and updated without a lock (LRU hashes
 * cannot hold a bpf_spin_lock): two CPUs racing on one source may both pass
 * a packet, which errs towards passing by at most one packet per race.
 */
static __always_inline int conforms(struct xdpl_rl_key *key, __u64 rate, __u64 burst)
{
	__u64 now = bpf_ktime_get_ns();
	__u64 interval = NSEC_PER_SEC / rate;
	__u64 tolerance = interval * (burst - 1);
	struct xdpl_rl_bucket *b, nb;
	__u64 tat;

	b = bpf_map_lookup_elem(&rl_buckets, key);
	if (!b) {
		nb.tat_ns = now + interval;
		bpf_map_update_elem(&rl_buckets, key, &nb, BPF_ANY);
		return 1;
	}
	tat = b->tat_ns;
	if (tat < now)
		tat = now;
	if (tat - now > tolerance)
		return 0;
	b->tat_ns = tat + interval;
	return 1;
}

SEC("xdp.frags")
int ratelimit(struct xdp_md *ctx)
{
	struct xdpl_pkt pkt = {};
	struct xdpl_rl_key key = {};
	struct xdpl_rl_stats *st;
	__u64 rate, burst;
	__u32 zero = 0;

	st = bpf_map_lookup_elem(&rl_stats, &zero);
	if (!st)
		return XDP_PASS;
	if (xdpl_parse(ctx, &pkt) < 0 || !pkt.family) {
		st->other++;
		return XDP_PASS;
	}

	/* user space may rewrite them at any time: read each once */
	rate = *(volatile __u64 *)&rl_cfg.rate_pps;
	burst = *(volatile __u64 *)&rl_cfg.burst;
	if (!rate)
		rate = XDPL_RL_DEFAULT_RATE;
	if (rate > NSEC_PER_SEC)
		rate = NSEC_PER_SEC;
	if (!burst)
		burst = XDPL_RL_DEFAULT_BURST;

	if (pkt.family == XDPL_AF_INET) {
		key.addr[10] = 0xff;
		key.addr[11] = 0xff;
		__builtin_memcpy(&key.addr[12], pkt.saddr, 4);
	} else {
		__builtin_memcpy(key.addr, pkt.saddr, 16);
	}

	if (conforms(&key, rate, burst)) {
		st->passed++;
		return XDP_PASS;
	}
	st->dropped++;
	return XDP_DROP;
}

char LICENSE[] SEC("license") = "Dual BSD/GPL";

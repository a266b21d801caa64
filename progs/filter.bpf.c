// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/* xdpload-desc: Drop by IP prefix (v4/v6), TCP/UDP port or MAC; deny/allow list, runtime rules */
#include <xdpload/prog.h>
#include <xdpload/parsing.h>
#include <xdpload/filter.h>

struct {
	__uint(priority, 20);
	XDPL_CHAIN_ON_PASS;
} XDP_RUN_CONFIG(filter);

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct xdpl_filter_config);
} flt_cfg SEC(".maps");

#define LPM_MAP(name, keytype)                              \
	struct {                                            \
		__uint(type, BPF_MAP_TYPE_LPM_TRIE);        \
		__uint(max_entries, XDPL_FILTER_MAX_RULES); \
		__uint(map_flags, BPF_F_NO_PREALLOC);       \
		__type(key, keytype);                       \
		__type(value, struct xdpl_filter_rule);     \
	} name SEC(".maps")

LPM_MAP(flt_src4, struct xdpl_filter_lpm4);
LPM_MAP(flt_dst4, struct xdpl_filter_lpm4);
LPM_MAP(flt_src6, struct xdpl_filter_lpm6);
LPM_MAP(flt_dst6, struct xdpl_filter_lpm6);

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, XDPL_FILTER_MAX_RULES);
	__type(key, struct xdpl_filter_port);
	__type(value, struct xdpl_filter_rule);
} flt_port SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, XDPL_FILTER_MAX_RULES);
	__type(key, struct xdpl_filter_ether);
	__type(value, struct xdpl_filter_rule);
} flt_ether SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, XDPL_FILTER_MAX_RULES + 1);
	__type(key, __u32);
	__type(value, __u64);
} flt_hits SEC(".maps");

static __always_inline __u32 match_ether(const __u8 *mac, __u8 dir)
{
	struct xdpl_filter_ether key = { .dir = dir };
	struct xdpl_filter_rule *r;

	__builtin_memcpy(key.addr, mac, ETH_ALEN);
	r = bpf_map_lookup_elem(&flt_ether, &key);
	return r ? r->id : 0;
}

static __always_inline __u32 match_ip4(void *map, const __u8 *addr)
{
	struct xdpl_filter_lpm4 key = { .prefixlen = 32 };
	struct xdpl_filter_rule *r;

	__builtin_memcpy(key.addr, addr, 4);
	r = bpf_map_lookup_elem(map, &key);
	return r ? r->id : 0;
}

static __always_inline __u32 match_ip6(void *map, const __u8 *addr)
{
	struct xdpl_filter_lpm6 key = { .prefixlen = 128 };
	struct xdpl_filter_rule *r;

	__builtin_memcpy(key.addr, addr, 16);
	r = bpf_map_lookup_elem(map, &key);
	return r ? r->id : 0;
}

static __always_inline __u32 match_port(__u16 port, __u8 proto, __u8 dir)
{
	struct xdpl_filter_port key = { .port = port, .proto = proto, .dir = dir };
	struct xdpl_filter_rule *r;

	r = bpf_map_lookup_elem(&flt_port, &key);
	return r ? r->id : 0;
}

/* The first matching rule decides (ether, then addresses, then ports). */
static __always_inline __u32 match(struct xdpl_pkt *p, __u32 active)
{
	__u32 id = 0;

	if (active & XDPL_FILTER_HAS_ETHER_SRC) {
		id = match_ether(p->smac, XDPL_FILTER_SRC);
		if (id)
			return id;
	}
	if (active & XDPL_FILTER_HAS_ETHER_DST) {
		id = match_ether(p->dmac, XDPL_FILTER_DST);
		if (id)
			return id;
	}

	if (p->family == XDPL_AF_INET) {
		if (active & XDPL_FILTER_HAS_SRC4) {
			id = match_ip4(&flt_src4, p->saddr);
			if (id)
				return id;
		}
		if (active & XDPL_FILTER_HAS_DST4) {
			id = match_ip4(&flt_dst4, p->daddr);
			if (id)
				return id;
		}
	} else if (p->family == XDPL_AF_INET6) {
		if (active & XDPL_FILTER_HAS_SRC6) {
			id = match_ip6(&flt_src6, p->saddr);
			if (id)
				return id;
		}
		if (active & XDPL_FILTER_HAS_DST6) {
			id = match_ip6(&flt_dst6, p->daddr);
			if (id)
				return id;
		}
	}

	if (p->has_ports) {
		if (active & XDPL_FILTER_HAS_PORT_SRC) {
			id = match_port(p->sport, p->l4proto, XDPL_FILTER_SRC);
			if (id)
				return id;
		}
		if (active & XDPL_FILTER_HAS_PORT_DST)
			id = match_port(p->dport, p->l4proto, XDPL_FILTER_DST);
	}
	return id;
}

/*
 * Neighbour discovery (ARP, ICMPv6 neighbour solicitation/advertisement)
 * is never dropped by the allow list: without it no host could resolve the
 * addresses the list allows.
 */
static __always_inline int is_neigh_discovery(struct xdpl_pkt *p)
{
	if (p->eth_proto == ETH_P_ARP)
		return 1;
	return p->family == XDPL_AF_INET6 && p->l4proto == IPPROTO_ICMPV6 &&
	       (p->icmp_type == 135 || p->icmp_type == 136);
}

SEC("xdp.frags")
int filter(struct xdp_md *ctx)
{
	struct xdpl_pkt pkt = {};
	struct xdpl_filter_config *cfg;
	__u32 key = 0, id;
	__u64 *hits;
	int allow;

	if (xdpl_parse(ctx, &pkt) < 0)
		return XDP_PASS;
	cfg = bpf_map_lookup_elem(&flt_cfg, &key);
	if (!cfg)
		return XDP_PASS;
	allow = cfg->policy == XDPL_FILTER_ALLOW;

	id = match(&pkt, cfg->active);
	if (id > XDPL_FILTER_MAX_RULES)
		id = XDPL_FILTER_NO_MATCH;
	hits = bpf_map_lookup_elem(&flt_hits, &id);
	if (hits)
		*hits += 1; /* per-CPU slot: no atomic needed */

	if (id != XDPL_FILTER_NO_MATCH)
		return allow ? XDP_PASS : XDP_DROP;
	if (allow && !is_neigh_discovery(&pkt))
		return XDP_DROP;
	return XDP_PASS;
}

char LICENSE[] SEC("license") = "Dual BSD/GPL";

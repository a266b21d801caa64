// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/* xdpload-desc: Filter by IP prefix (v4/v6, ARP/ND too), TCP/UDP port or MAC; xdp-filter's
 * allow/deny policy */
#include <xdpload/prog.h>
#include <xdpload/parsing.h>
#include <xdpload/filter.h>

struct {
	__uint(priority, 20);
	XDPL_CHAIN_ON_PASS;
} XDP_RUN_CONFIG(filter);

/* Set by load (lib/progs/filter.c) before the object is loaded; read-only after. */
const volatile struct xdpl_filter_ro flt_ro SEC(XDPL_FILTER_RO_SECTION) = {
	.features = XDPL_FILTER_FEAT_ALL,
	.policy = XDPL_FILTER_POLICY_ALLOW,
};

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
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, XDPL_FILTER_MAX_COMBO);
	__type(key, __u32);
	__type(value, struct xdpl_filter_combo);
} flt_combo SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, XDPL_FILTER_MAX_RULES + 1);
	__type(key, __u32);
	__type(value, struct xdpl_filter_counter);
} flt_hits SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, XDPL_FILTER_NR_ACTIONS);
	__type(key, __u32);
	__type(value, struct xdpl_filter_counter);
} flt_stats SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, XDPL_FILTER_NR_CLASSES * XDPL_FILTER_SKIP_WORDS);
	__uint(map_flags, BPF_F_MMAPABLE);
	__type(key, __u32);
	__type(value, __u64);
} flt_skip SEC(".maps");

#define FEAT(f) (flt_ro.features & XDPL_FILTER_FEAT_##f)

/* ARP for IPv4 over Ethernet (RFC 826). */
struct xdpl_arp {
	__be16 htype;
	__be16 ptype;
	__u8 hlen;
	__u8 plen;
	__be16 op;
	__u8 sha[ETH_ALEN];
	__u8 sip[4];
	__u8 tha[ETH_ALEN];
	__u8 tip[4];
} __attribute__((packed));

#define ARPOP_REQUEST 1
#define ARPOP_REPLY 2
#define ND_SOLICIT 135
#define ND_ADVERT 136

/* The generation of the rule set this packet uses (read once per packet). */
#define GEN(g) ((g)&1)

/* No entry of class @cls can match a key of @bucket (see flt_skip): skip the lookup. */
static __always_inline int skip(__u32 cls, __u32 bucket)
{
	__u32 key = cls * XDPL_FILTER_SKIP_WORDS + (bucket >> 6);
	__u64 *w = bpf_map_lookup_elem(&flt_skip, &key);

	return w && ((*w >> (bucket & 63)) & 1);
}

static __always_inline __u32 rule_id(const struct xdpl_filter_rule *r, __u32 g)
{
	return r ? r->id[GEN(g)] : 0;
}

static __always_inline __u32 match_ether(const __u8 *mac, __u8 dir, __u32 g)
{
	struct xdpl_filter_ether key = { .dir = dir };
	struct xdpl_filter_rule *r;

	if (skip(dir == XDPL_FILTER_SRC ? XDPL_FILTER_CLASS_ETHER_SRC : XDPL_FILTER_CLASS_ETHER_DST,
		 XDPL_FILTER_SKIP_BUCKET_ETHER(mac)))
		return 0;
	__builtin_memcpy(key.addr, mac, ETH_ALEN);
	r = bpf_map_lookup_elem(&flt_ether, &key);
	return rule_id(r, g);
}

static __always_inline __u32 match_ip4(void *map, __u32 cls, const __u8 *addr, __u32 g)
{
	struct xdpl_filter_lpm4 key = { .prefixlen = 32 };
	struct xdpl_filter_rule *r;

	if (skip(cls, XDPL_FILTER_SKIP_BUCKET4(addr)))
		return 0;
	__builtin_memcpy(key.addr, addr, 4);
	r = bpf_map_lookup_elem(map, &key);
	return rule_id(r, g);
}

static __always_inline __u32 match_ip6(void *map, __u32 cls, const __u8 *addr, __u32 g)
{
	struct xdpl_filter_lpm6 key = { .prefixlen = 128 };
	struct xdpl_filter_rule *r;

	if (skip(cls, XDPL_FILTER_SKIP_BUCKET6(addr)))
		return 0;
	__builtin_memcpy(key.addr, addr, 16);
	r = bpf_map_lookup_elem(map, &key);
	return rule_id(r, g);
}

static __always_inline __u32 match_port(__u16 port, __u8 proto, __u8 dir, __u32 g)
{
	struct xdpl_filter_port key = { .port = port, .proto = proto, .dir = dir };
	struct xdpl_filter_rule *r;

	if (skip(dir == XDPL_FILTER_SRC ? XDPL_FILTER_CLASS_PORT_SRC : XDPL_FILTER_CLASS_PORT_DST,
		 port))
		return 0;
	r = bpf_map_lookup_elem(&flt_port, &key);
	return rule_id(r, g);
}

static __always_inline __u32 match_ether_rules(struct xdpl_pkt *p, __u32 active, __u32 g)
{
	__u32 id = 0;

	if (!FEAT(ETHER))
		return 0;
	if (active & XDPL_FILTER_HAS_ETHER_SRC)
		id = match_ether(p->smac, XDPL_FILTER_SRC, g);
	if (!id && (active & XDPL_FILTER_HAS_ETHER_DST))
		id = match_ether(p->dmac, XDPL_FILTER_DST, g);
	return id;
}

/*
 * ARP (xdp-filter's rule): the sender is a source address; the target of a
 * request is a destination (someone wants to reach it), the target of a reply
 * a source (someone has it).
 */
static __always_inline __u32 match_arp(struct xdp_md *ctx, struct xdpl_pkt *p, __u32 active,
				       __u32 g)
{
	void *data = (void *)(long)ctx->data;
	void *data_end = (void *)(long)ctx->data_end;
	struct xdpl_arp *a;
	__u32 off, id = 0;

	if (!FEAT(IPV4) || p->vlans > XDPL_MAX_VLANS)
		return 0;
	off = sizeof(struct ethhdr) + p->vlans * sizeof(struct xdpl_vlan_hdr);
	a = data + off;
	if ((void *)(a + 1) > data_end)
		return 0;
	if (a->ptype != bpf_htons(ETH_P_IP) || a->plen != 4)
		return 0;
	if (active & XDPL_FILTER_HAS_SRC4)
		id = match_ip4(&flt_src4, XDPL_FILTER_CLASS_SRC4, a->sip, g);
	if (!id && a->op == bpf_htons(ARPOP_REQUEST) && (active & XDPL_FILTER_HAS_DST4))
		id = match_ip4(&flt_dst4, XDPL_FILTER_CLASS_DST4, a->tip, g);
	if (!id && a->op == bpf_htons(ARPOP_REPLY) && (active & XDPL_FILTER_HAS_SRC4))
		id = match_ip4(&flt_src4, XDPL_FILTER_CLASS_SRC4, a->tip, g);
	return id;
}

/* Neighbour discovery: the target of a solicitation is a destination, of an advertisement a source.
 */
static __always_inline __u32 match_nd(struct xdp_md *ctx, struct xdpl_pkt *p, __u32 active, __u32 g)
{
	void *data = (void *)(long)ctx->data;
	void *data_end = (void *)(long)ctx->data_end;
	struct ipv6hdr *ip6h;
	__u8 *target;
	__u32 off;

	if (p->vlans > XDPL_MAX_VLANS)
		return 0;
	off = sizeof(struct ethhdr) + p->vlans * sizeof(struct xdpl_vlan_hdr);
	ip6h = data + off;
	/* the target follows the ICMPv6 header (8 bytes); no extension headers */
	target = (__u8 *)(ip6h + 1) + 8;
	if ((void *)(target + 16) > data_end || ip6h->nexthdr != IPPROTO_ICMPV6)
		return 0;
	if (p->icmp_type == ND_SOLICIT && (active & XDPL_FILTER_HAS_DST6))
		return match_ip6(&flt_dst6, XDPL_FILTER_CLASS_DST6, target, g);
	if (p->icmp_type == ND_ADVERT && (active & XDPL_FILTER_HAS_SRC6))
		return match_ip6(&flt_src6, XDPL_FILTER_CLASS_SRC6, target, g);
	return 0;
}

/* Do the first @len bits of @a and @pfx agree (@words 32-bit words: 1 for IPv4, 4 for IPv6)? */
static __always_inline int prefix_ok(const __u8 *a, const __u8 *pfx, __u32 len, int words)
{
	int w;

	for (w = 0; w < 4; w++) {
		__u32 x, y, bits;

		if (w >= words || len <= (__u32)w * 32)
			break;
		bits = len - w * 32;
		__builtin_memcpy(&x, a + w * 4, 4);
		__builtin_memcpy(&y, pfx + w * 4, 4);
		x = bpf_ntohl(x);
		y = bpf_ntohl(y);
		if (bits < 32) {
			__u32 mask = ~((1U << (32 - bits)) - 1);

			x &= mask;
			y &= mask;
		}
		if (x != y)
			return 0;
	}
	return 1;
}

static __always_inline int combo_ok(const struct xdpl_filter_combo *c, const struct xdpl_pkt *p,
				    __u16 vlan)
{
	int words = p->family == XDPL_AF_INET6 ? 4 : 1;

	if (c->family && (c->family == 4 ? p->family != XDPL_AF_INET : p->family != XDPL_AF_INET6))
		return 0;
	if (c->proto && c->proto != p->l4proto)
		return 0;
	if (c->vlan && c->vlan != vlan)
		return 0;
	if (c->sport_hi && (!p->has_ports || p->sport < c->sport_lo || p->sport > c->sport_hi))
		return 0;
	if (c->dport_hi && (!p->has_ports || p->dport < c->dport_lo || p->dport > c->dport_hi))
		return 0;
	if (c->src_len && !prefix_ok(p->saddr, c->src, c->src_len, words))
		return 0;
	if (c->dst_len && !prefix_ok(p->daddr, c->dst, c->dst_len, words))
		return 0;
	return 1;
}

/* The outer VLAN id + 1 (0 without a tag). */
static __always_inline __u16 outer_vlan(struct xdp_md *ctx, const struct xdpl_pkt *p)
{
	void *data = (void *)(long)ctx->data;
	void *data_end = (void *)(long)ctx->data_end;
	struct xdpl_vlan_hdr *vh = data + sizeof(struct ethhdr);

	if (!p->vlans || (void *)(vh + 1) > data_end)
		return 0;
	return (bpf_ntohs(vh->tci) & 0xfff) + 1;
}

struct combo_scan {
	struct xdpl_pkt *p;
	__u32 g, id;
	__u16 vlan;
};

/* One slot (bpf_loop's callback, verified once, not per slot): 1 stops the scan. */
static long combo_slot(__u32 i, void *data)
{
	struct combo_scan *s = data;
	struct xdpl_filter_combo *c;

	c = bpf_map_lookup_elem(&flt_combo, &i);
	if (!c || !c->id[GEN(s->g)] || !combo_ok(c, s->p, s->vlan))
		return 0;
	s->id = c->id[GEN(s->g)];
	return 1;
}

/* Combined rules, in slot order: the first whose every field matches. */
static __always_inline __u32 match_combo(struct xdp_md *ctx, struct xdpl_pkt *p, __u32 n, __u32 g)
{
	struct combo_scan s = { .p = p, .g = g, .vlan = outer_vlan(ctx, p) };

	if (n > XDPL_FILTER_MAX_COMBO)
		n = XDPL_FILTER_MAX_COMBO;
	bpf_loop(n, combo_slot, &s, 0);
	return s.id;
}

static __always_inline int is_arp(struct xdpl_pkt *p)
{
	return p->eth_proto == ETH_P_ARP;
}

static __always_inline int is_nd(struct xdpl_pkt *p)
{
	return p->family == XDPL_AF_INET6 && p->l4proto == IPPROTO_ICMPV6 &&
	       (p->icmp_type == ND_SOLICIT || p->icmp_type == ND_ADVERT);
}

/* The first matching rule decides (ether, addresses, ARP/ND addresses, ports). */
static __always_inline __u32 match(struct xdp_md *ctx, struct xdpl_pkt *p, __u32 active, __u32 g)
{
	__u32 id;

	id = match_ether_rules(p, active, g);
	if (id)
		return id;

	if (p->family == XDPL_AF_INET && FEAT(IPV4)) {
		if (active & XDPL_FILTER_HAS_SRC4) {
			id = match_ip4(&flt_src4, XDPL_FILTER_CLASS_SRC4, p->saddr, g);
			if (id)
				return id;
		}
		if (active & XDPL_FILTER_HAS_DST4) {
			id = match_ip4(&flt_dst4, XDPL_FILTER_CLASS_DST4, p->daddr, g);
			if (id)
				return id;
		}
	} else if (p->family == XDPL_AF_INET6 && FEAT(IPV6)) {
		if (active & XDPL_FILTER_HAS_SRC6) {
			id = match_ip6(&flt_src6, XDPL_FILTER_CLASS_SRC6, p->saddr, g);
			if (id)
				return id;
		}
		if (active & XDPL_FILTER_HAS_DST6) {
			id = match_ip6(&flt_dst6, XDPL_FILTER_CLASS_DST6, p->daddr, g);
			if (id)
				return id;
		}
		if (is_nd(p)) {
			id = match_nd(ctx, p, active, g);
			if (id)
				return id;
		}
	} else if (is_arp(p)) {
		return match_arp(ctx, p, active, g);
	}

	if (p->has_ports && ((p->l4proto == IPPROTO_TCP && FEAT(TCP)) ||
			     (p->l4proto == IPPROTO_UDP && FEAT(UDP)))) {
		if (active & XDPL_FILTER_HAS_PORT_SRC) {
			id = match_port(p->sport, p->l4proto, XDPL_FILTER_SRC, g);
			if (id)
				return id;
		}
		if (active & XDPL_FILTER_HAS_PORT_DST)
			id = match_port(p->dport, p->l4proto, XDPL_FILTER_DST, g);
	}
	return id;
}

static __always_inline void count(void *map, __u32 key, __u32 len)
{
	struct xdpl_filter_counter *c = bpf_map_lookup_elem(map, &key);

	if (c) { /* per-CPU slot: no atomic needed */
		c->packets += 1;
		c->bytes += len;
	}
}

SEC("xdp.frags")
int filter(struct xdp_md *ctx)
{
	struct xdpl_pkt pkt = {};
	struct xdpl_filter_config *cfg;
	__u32 key = 0, id, policy, flags, verdict, g, active;

	if (xdpl_parse(ctx, &pkt) < 0)
		return XDP_PASS;
	cfg = bpf_map_lookup_elem(&flt_cfg, &key);
	if (!cfg)
		return XDP_PASS;
	/* the generation first: a swap flips it after the new set's entries are in */
	g = GEN(*(volatile __u32 *)&cfg->gen);
	active = cfg->active[g];
	if (cfg->flags & XDPL_FILTER_CFG_SET) {
		policy = cfg->policy;
		flags = cfg->flags;
	} else {
		policy = flt_ro.policy;
		flags = flt_ro.flags;
	}

	if ((flags & XDPL_FILTER_NEIGH_OFF) && (is_arp(&pkt) || is_nd(&pkt))) {
		/* only Ethernet rules, and the policy never drops them */
		id = match_ether_rules(&pkt, active, g);
		if (id)
			verdict = policy == XDPL_FILTER_POLICY_DENY ? XDP_PASS : XDP_DROP;
		else
			verdict = XDP_PASS;
	} else {
		id = 0;
		if (cfg->ncombo && (FEAT(IPV4) || FEAT(IPV6)))
			id = match_combo(ctx, &pkt, cfg->ncombo, g);
		if (!id)
			id = match(ctx, &pkt, active, g);
		if (id)
			verdict = policy == XDPL_FILTER_POLICY_DENY ? XDP_PASS : XDP_DROP;
		else
			verdict = policy == XDPL_FILTER_POLICY_DENY ? XDP_DROP : XDP_PASS;
	}
	if (id > XDPL_FILTER_MAX_RULES)
		id = XDPL_FILTER_NO_MATCH;
	count(&flt_hits, id, pkt.len);
	count(&flt_stats, verdict, pkt.len);
	return verdict;
}

char LICENSE[] SEC("license") = "Dual BSD/GPL";

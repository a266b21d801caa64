/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * Packet parsing for the bundled BPF programs (filter, ratelimit, watch).
 *
 * Everything is __always_inline so a program built on it uses a single call
 * frame: the linked dispatcher takes one of the eight the verifier allows.
 */
#ifndef XDPLOAD_PARSING_H
#define XDPLOAD_PARSING_H

#include <linux/bpf.h>
#include <linux/if_ether.h>
#include <linux/in.h>
#include <linux/in6.h>
#include <linux/ip.h>
#include <linux/ipv6.h>
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_endian.h>

#ifndef ETH_P_8021AD
#define ETH_P_8021AD 0x88A8
#endif

#define XDPL_MAX_VLANS 2
#define XDPL_MAX_V6_EXT 4

#define XDPL_AF_INET 2
#define XDPL_AF_INET6 10

/* linux/if_vlan.h is not a uapi header, so the tag layout lives here. */
struct xdpl_vlan_hdr {
	__be16 tci;
	__be16 encap_proto;
};

/* What the programs need to know about a frame, in host byte order where numeric. */
struct xdpl_pkt {
	__u8 smac[ETH_ALEN];
	__u8 dmac[ETH_ALEN];
	__u16 eth_proto; /* after the VLAN tags */
	__u8 vlans;	 /* number of VLAN tags skipped */
	__u8 family;	 /* 0, XDPL_AF_INET or XDPL_AF_INET6 */
	__u8 l4proto;	 /* IPPROTO_*, 0 when not IP */
	__u8 has_ports;	 /* sport/dport valid (TCP/UDP, first fragment) */
	__u8 icmp_type;	 /* ICMP/ICMPv6 type when l4proto is ICMP(v6) */
	__u8 pad;
	__u16 sport;
	__u16 dport;
	__u32 len; /* frame length */
	/* IPv4 addresses are stored in the first 4 bytes, network order */
	__u8 saddr[16];
	__u8 daddr[16];
};

/* Ports are at the same offsets in TCP and UDP headers. */
struct xdpl_ports {
	__be16 source;
	__be16 dest;
};

static __always_inline void xdpl_parse_l4(struct xdpl_pkt *p, void *l4, void *data_end)
{
	if (p->l4proto == IPPROTO_TCP || p->l4proto == IPPROTO_UDP) {
		struct xdpl_ports *ports = l4;

		if ((void *)(ports + 1) > data_end)
			return;
		p->sport = bpf_ntohs(ports->source);
		p->dport = bpf_ntohs(ports->dest);
		p->has_ports = 1;
	} else if (p->l4proto == IPPROTO_ICMP || p->l4proto == IPPROTO_ICMPV6) {
		__u8 *type = l4;

		if ((void *)(type + 1) > data_end)
			return;
		p->icmp_type = *type;
	}
}

static __always_inline void xdpl_parse_ipv4(struct xdpl_pkt *p, struct iphdr *iph, void *data_end)
{
	__u32 hlen;

	if ((void *)(iph + 1) > data_end)
		return;
	hlen = iph->ihl * 4;
	if (hlen < sizeof(*iph))
		return;
	p->family = XDPL_AF_INET;
	p->l4proto = iph->protocol;
	__builtin_memcpy(p->saddr, &iph->saddr, 4);
	__builtin_memcpy(p->daddr, &iph->daddr, 4);
	/* Later fragments carry no transport header: ports are unknown. */
	if (iph->frag_off & bpf_htons(0x1fff))
		return;
	xdpl_parse_l4(p, (void *)iph + hlen, data_end);
}

static __always_inline void xdpl_parse_ipv6(struct xdpl_pkt *p, struct ipv6hdr *ip6h,
					    void *data_end)
{
	void *next;
	__u8 nexthdr;
	int i;

	if ((void *)(ip6h + 1) > data_end)
		return;
	p->family = XDPL_AF_INET6;
	__builtin_memcpy(p->saddr, &ip6h->saddr, 16);
	__builtin_memcpy(p->daddr, &ip6h->daddr, 16);
	nexthdr = ip6h->nexthdr;
	next = ip6h + 1;

#pragma unroll
	for (i = 0; i < XDPL_MAX_V6_EXT; i++) {
		struct ipv6_opt_hdr *opt = next;
		struct frag_hdr {
			__u8 nexthdr;
			__u8 reserved;
			__be16 frag_off;
			__be32 identification;
		} *frag = next;

		switch (nexthdr) {
		case IPPROTO_HOPOPTS:
		case IPPROTO_ROUTING:
		case IPPROTO_DSTOPTS:
			if ((void *)(opt + 1) > data_end)
				return;
			nexthdr = opt->nexthdr;
			next += (opt->hdrlen + 1) * 8;
			break;
		case IPPROTO_AH:
			if ((void *)(opt + 1) > data_end)
				return;
			nexthdr = opt->nexthdr;
			next += (opt->hdrlen + 2) * 4;
			break;
		case IPPROTO_FRAGMENT:
			if ((void *)(frag + 1) > data_end)
				return;
			p->l4proto = frag->nexthdr;
			if (frag->frag_off & bpf_htons(0xfff8))
				return; /* not the first fragment */
			nexthdr = frag->nexthdr;
			next += sizeof(*frag);
			break;
		default:
			goto done;
		}
	}
done:
	p->l4proto = nexthdr;
	xdpl_parse_l4(p, next, data_end);
}

/*
 * Fill *p from the frame. Returns 0 when at least the Ethernet header was
 * there, -1 for a runt frame. Unknown or truncated upper layers leave the
 * corresponding fields zero: callers decide what an unparsed frame means.
 */
static __always_inline int xdpl_parse(struct xdp_md *ctx, struct xdpl_pkt *p)
{
	void *data = (void *)(long)ctx->data;
	void *data_end = (void *)(long)ctx->data_end;
	struct ethhdr *eth = data;
	void *next;
	__u16 proto;
	int i;

	p->len = data_end - data;
	if ((void *)(eth + 1) > data_end)
		return -1;
	__builtin_memcpy(p->smac, eth->h_source, ETH_ALEN);
	__builtin_memcpy(p->dmac, eth->h_dest, ETH_ALEN);
	proto = eth->h_proto;
	next = eth + 1;

#pragma unroll
	for (i = 0; i < XDPL_MAX_VLANS; i++) {
		struct xdpl_vlan_hdr *vh = next;

		if (proto != bpf_htons(ETH_P_8021Q) && proto != bpf_htons(ETH_P_8021AD))
			break;
		if ((void *)(vh + 1) > data_end)
			return 0;
		proto = vh->encap_proto;
		next = vh + 1;
		p->vlans++;
	}
	p->eth_proto = bpf_ntohs(proto);

	if (proto == bpf_htons(ETH_P_IP))
		xdpl_parse_ipv4(p, next, data_end);
	else if (proto == bpf_htons(ETH_P_IPV6))
		xdpl_parse_ipv6(p, next, data_end);
	return 0;
}

#endif

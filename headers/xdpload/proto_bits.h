/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * BPF side: the XDPL_WATCH_P_* classes of a parsed frame, as watch and the
 * tracer filter by them (--proto).
 */
#ifndef XDPLOAD_PROTO_BITS_H
#define XDPLOAD_PROTO_BITS_H

#include <xdpload/parsing.h>
#include <xdpload/watch.h>

static __always_inline __u32 proto_bits(const struct xdpl_pkt *p)
{
	__u32 b;

	if (p->family == XDPL_AF_INET)
		b = XDPL_WATCH_P_IPV4;
	else if (p->family == XDPL_AF_INET6)
		b = XDPL_WATCH_P_IPV6;
	else
		return p->eth_proto == ETH_P_ARP ? XDPL_WATCH_P_ARP : XDPL_WATCH_P_OTHER;
	if (p->l4proto == IPPROTO_TCP)
		b |= XDPL_WATCH_P_TCP;
	else if (p->l4proto == IPPROTO_UDP)
		b |= XDPL_WATCH_P_UDP;
	else if (p->l4proto == IPPROTO_SCTP)
		b |= XDPL_WATCH_P_SCTP;
	else if (p->l4proto == IPPROTO_ICMP && p->family == XDPL_AF_INET)
		b |= XDPL_WATCH_P_ICMP;
	else if (p->l4proto == IPPROTO_ICMPV6 && p->family == XDPL_AF_INET6)
		b |= XDPL_WATCH_P_ICMP6;
	return b;
}

#endif

// SPDX-License-Identifier: GPL-2.0-only
/* A packet's header summary (see pktsum.h). */
#include <arpa/inet.h>
#include <stdio.h>
#include <string.h>
#include <netinet/in.h>
#include "pktsum.h"

#define ETH_HLEN 14
#define ETH_P_IP 0x0800
#define ETH_P_ARP 0x0806
#define ETH_P_8021Q 0x8100
#define ETH_P_8021AD 0x88a8
#define ETH_P_QINQ1 0x9100 /* the pre-standard QinQ tag some switches still send */
#define ETH_P_IPV6 0x86dd
#define IPV6_MAX_EXT 8

/* A cursor over the frame: every read checks the bytes are there. */
struct cur {
	const __u8 *p;
	size_t len, off;
};

static bool have(const struct cur *c, size_t n)
{
	return c->off <= c->len && c->len - c->off >= n;
}

static __u16 be16(const __u8 *p)
{
	return (__u16)(p[0] << 8 | p[1]);
}

static void parse_l4(struct cur *c, struct pkt_summary *s)
{
	const __u8 *h = c->p + c->off;

	switch (s->l4proto) {
	case IPPROTO_TCP:
	case IPPROTO_UDP:
	case IPPROTO_SCTP:
		if (!have(c, 4)) {
			s->truncated = true;
			return;
		}
		s->has_ports = true;
		s->sport = be16(h);
		s->dport = be16(h + 2);
		if (s->l4proto == IPPROTO_TCP) {
			if (!have(c, 14)) {
				s->truncated = true;
				return;
			}
			s->has_tcp_flags = true;
			s->tcp_flags = h[13];
		}
		return;
	case IPPROTO_ICMP:
	case IPPROTO_ICMPV6:
		if (!have(c, 2)) {
			s->truncated = true;
			return;
		}
		s->has_icmp = true;
		s->icmp_type = h[0];
		s->icmp_code = h[1];
		return;
	}
}

static void parse_ipv4(struct cur *c, struct pkt_summary *s)
{
	const __u8 *h = c->p + c->off;
	size_t hlen;

	if (!have(c, 20) || (h[0] >> 4) != 4 || (hlen = (h[0] & 0x0f) * 4u) < 20 ||
	    !have(c, hlen)) {
		s->truncated = true;
		return;
	}
	s->l3 = PKTSUM_L3_IPV4;
	s->ttl = h[8];
	s->has_l4 = true;
	s->l4proto = h[9];
	memcpy(s->saddr, h + 12, 4);
	memcpy(s->daddr, h + 16, 4);
	/* a later fragment carries no transport header */
	if (be16(h + 6) & 0x1fff) {
		s->fragment = true;
		return;
	}
	c->off += hlen;
	parse_l4(c, s);
}

static void parse_ipv6(struct cur *c, struct pkt_summary *s)
{
	const __u8 *h = c->p + c->off;
	__u8 next;
	int i;

	if (!have(c, 40) || (h[0] >> 4) != 6) {
		s->truncated = true;
		return;
	}
	s->l3 = PKTSUM_L3_IPV6;
	s->ttl = h[7];
	memcpy(s->saddr, h + 8, 16);
	memcpy(s->daddr, h + 24, 16);
	next = h[6];
	c->off += 40;
	for (i = 0; i < IPV6_MAX_EXT; i++) {
		const __u8 *e = c->p + c->off;

		if (next != IPPROTO_HOPOPTS && next != IPPROTO_ROUTING && next != IPPROTO_DSTOPTS &&
		    next != IPPROTO_FRAGMENT && next != IPPROTO_AH)
			break;
		if (!have(c, 8)) {
			s->has_l4 = true;
			s->l4proto = next;
			s->truncated = true;
			return;
		}
		if (next == IPPROTO_FRAGMENT) {
			if (be16(e + 2) & 0xfff8)
				s->fragment = true;
			next = e[0];
			c->off += 8;
			if (s->fragment)
				break;
			continue;
		}
		c->off += next == IPPROTO_AH ? (e[1] + 2u) * 4 : (e[1] + 1u) * 8;
		next = e[0];
	}
	s->has_l4 = true;
	s->l4proto = next;
	if (!s->fragment)
		parse_l4(c, s);
}

static void parse_arp(struct cur *c, struct pkt_summary *s)
{
	const __u8 *h = c->p + c->off;

	/* Ethernet and IPv4 only: hardware length 6, protocol length 4 */
	if (!have(c, 28) || h[4] != 6 || h[5] != 4) {
		s->truncated = !have(c, 8);
		if (have(c, 8)) {
			s->l3 = PKTSUM_L3_ARP;
			s->arp_op = be16(h + 6);
		}
		return;
	}
	s->l3 = PKTSUM_L3_ARP;
	s->arp_op = be16(h + 6);
	memcpy(s->saddr, h + 14, 4);
	memcpy(s->daddr, h + 24, 4);
}

void pkt_summarize(const void *data, size_t len, struct pkt_summary *s)
{
	struct cur c = { .p = data, .len = len };
	__u16 proto;

	memset(s, 0, sizeof(*s));
	if (!have(&c, ETH_HLEN)) {
		s->truncated = true;
		return;
	}
	s->ether = true;
	memcpy(s->dmac, c.p, 6);
	memcpy(s->smac, c.p + 6, 6);
	proto = be16(c.p + 12);
	c.off = ETH_HLEN;
	while (proto == ETH_P_8021Q || proto == ETH_P_8021AD || proto == ETH_P_QINQ1) {
		if (s->nvlans == PKTSUM_MAX_VLANS)
			break; /* a third tag: the EtherType says VLAN, the rest is not parsed */
		if (!have(&c, 4)) {
			s->truncated = true;
			s->ethertype = proto;
			return;
		}
		s->vlan_id[s->nvlans++] = be16(c.p + c.off) & 0x0fff;
		proto = be16(c.p + c.off + 2);
		c.off += 4;
	}
	s->ethertype = proto;
	if (proto == ETH_P_IP)
		parse_ipv4(&c, s);
	else if (proto == ETH_P_IPV6)
		parse_ipv6(&c, s);
	else if (proto == ETH_P_ARP)
		parse_arp(&c, s);
}

static const struct {
	__u8 proto;
	const char *name;
} protos[] = {
	{ IPPROTO_TCP, "tcp" },
	{ IPPROTO_UDP, "udp" },
	{ IPPROTO_ICMP, "icmp" },
	{ IPPROTO_ICMPV6, "icmp6" },
	{ IPPROTO_SCTP, "sctp" },
	{ IPPROTO_GRE, "gre" },
	{ IPPROTO_ESP, "esp" },
	{ IPPROTO_AH, "ah" },
	{ IPPROTO_IGMP, "igmp" },
	{ IPPROTO_IPIP, "ipip" },
	{ IPPROTO_IPV6, "ipv6" },
	{ IPPROTO_UDPLITE, "udplite" },
	{ IPPROTO_FRAGMENT, "ipv6-frag" },
};

const char *pkt_proto_name(__u8 proto, char *buf, size_t sz)
{
	size_t i;

	for (i = 0; i < sizeof(protos) / sizeof(protos[0]); i++)
		if (protos[i].proto == proto)
			return protos[i].name;
	snprintf(buf, sz, "%u", proto);
	return buf;
}

int pkt_proto_parse(const char *name)
{
	size_t i;

	/* the IANA keyword for ICMPv6, as /etc/protocols spells it */
	if (!strcmp(name, "ipv6-icmp") || !strcmp(name, "icmpv6"))
		return IPPROTO_ICMPV6;
	for (i = 0; i < sizeof(protos) / sizeof(protos[0]); i++)
		if (!strcmp(protos[i].name, name))
			return protos[i].proto;
	return -1;
}

const char *pkt_l3_name(const struct pkt_summary *s, char *buf, size_t sz)
{
	switch (s->ethertype) {
	case ETH_P_IP:
		return "ipv4";
	case ETH_P_IPV6:
		return "ipv6";
	case ETH_P_ARP:
		return "arp";
	}
	snprintf(buf, sz, "0x%04x", s->ethertype);
	return buf;
}

const char *pkt_addr_str(const struct pkt_summary *s, bool src, char *buf, size_t sz)
{
	const __u8 *a = src ? s->saddr : s->daddr;

	if (!sz)
		return buf;
	buf[0] = '\0';
	if (s->l3 == PKTSUM_L3_IPV6)
		inet_ntop(AF_INET6, a, buf, sz);
	else if (s->l3 == PKTSUM_L3_IPV4 || (s->l3 == PKTSUM_L3_ARP && !s->truncated))
		inet_ntop(AF_INET, a, buf, sz);
	return buf;
}

void pkt_mac_str(const __u8 *m, char *buf, size_t sz)
{
	snprintf(buf, sz, "%02x:%02x:%02x:%02x:%02x:%02x", m[0], m[1], m[2], m[3], m[4], m[5]);
}

void pkt_tcp_flags_str(__u8 flags, char *buf, size_t sz)
{
	static const struct {
		__u8 bit;
		char c;
	} f[] = { { 0x01, 'F' }, { 0x02, 'S' }, { 0x04, 'R' }, { 0x08, 'P' },
		  { 0x20, 'U' }, { 0x40, 'E' }, { 0x80, 'W' } };
	size_t i, n = 0;

	for (i = 0; i < sizeof(f) / sizeof(f[0]) && n + 2 < sz; i++)
		if (flags & f[i].bit)
			buf[n++] = f[i].c;
	/* tcpdump writes ACK as '.' */
	if ((flags & 0x10) && n + 2 < sz)
		buf[n++] = '.';
	if (!n && sz > 5) {
		snprintf(buf, sz, "none");
		return;
	}
	if (sz)
		buf[n < sz ? n : sz - 1] = '\0';
}

void pkt_summary_line(const struct pkt_summary *s, char *buf, size_t sz)
{
	char src[INET6_ADDRSTRLEN], dst[INET6_ADDRSTRLEN], pn[8], l3[8], smac[18], dmac[18];
	char flags[12];
	const char *p;
	size_t n = 0;
	int i;

#define ADD(...) (n += snprintf(buf + n, n < sz ? sz - n : 0, __VA_ARGS__))
	if (!sz)
		return;
	buf[0] = '\0';
	if (!s->ether) {
		ADD("runt frame");
		return;
	}
	for (i = 0; i < s->nvlans; i++)
		ADD("vlan %u ", s->vlan_id[i]);
	pkt_addr_str(s, true, src, sizeof(src));
	pkt_addr_str(s, false, dst, sizeof(dst));
	if (s->l3 == PKTSUM_L3_ARP) {
		ADD("arp %s", s->arp_op == 1 ? "request" : s->arp_op == 2 ? "reply" : "op");
		if (s->arp_op != 1 && s->arp_op != 2)
			ADD(" %u", s->arp_op);
		if (src[0])
			ADD(" %s > %s", src, dst);
	} else if (s->l3 == PKTSUM_L3_IPV4 || s->l3 == PKTSUM_L3_IPV6) {
		p = pkt_proto_name(s->l4proto, pn, sizeof(pn));
		if (s->has_ports && s->l3 == PKTSUM_L3_IPV6)
			ADD("%s [%s]:%u > [%s]:%u", p, src, s->sport, dst, s->dport);
		else if (s->has_ports)
			ADD("%s %s:%u > %s:%u", p, src, s->sport, dst, s->dport);
		else
			ADD("%s %s > %s", p, src, dst);
		if (s->has_tcp_flags) {
			pkt_tcp_flags_str(s->tcp_flags, flags, sizeof(flags));
			ADD(" flags %s", flags);
		}
		if (s->has_icmp)
			ADD(" type %u code %u", s->icmp_type, s->icmp_code);
		if (s->fragment)
			ADD(" fragment");
	} else {
		pkt_mac_str(s->smac, smac, sizeof(smac));
		pkt_mac_str(s->dmac, dmac, sizeof(dmac));
		ADD("ether %s %s > %s", pkt_l3_name(s, l3, sizeof(l3)), smac, dmac);
	}
	if (s->truncated)
		ADD(" (truncated)");
#undef ADD
}

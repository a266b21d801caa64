/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * A packet's header summary, as `xdpload test` (and later `trace`) prints it:
 * Ethernet, up to two VLAN tags (802.1Q, 802.1ad QinQ), ARP, IPv4, IPv6 (with
 * its extension headers), TCP, UDP, ICMP and ICMPv6. Pure: parses bytes in
 * memory, never reads past len, and says where it stopped (truncated).
 */
#ifndef XDPL_PKTSUM_H
#define XDPL_PKTSUM_H

#include <stdbool.h>
#include <stddef.h>
#include <linux/types.h>

#define PKTSUM_MAX_VLANS 2

enum pktsum_l3 {
	PKTSUM_L3_NONE = 0, /* not parsed: unknown EtherType, or a runt frame */
	PKTSUM_L3_IPV4,
	PKTSUM_L3_IPV6,
	PKTSUM_L3_ARP,
};

struct pkt_summary {
	bool ether; /* at least the 14 bytes of an Ethernet header */
	__u8 dmac[6], smac[6];
	__u8 nvlans;
	__u16 vlan_id[PKTSUM_MAX_VLANS]; /* outermost first */
	__u16 ethertype;		 /* after the VLAN tags, host order */
	enum pktsum_l3 l3;
	/* IPv4 in the first 4 bytes; ARP: sender and target protocol addresses */
	__u8 saddr[16], daddr[16];
	__u8 ttl;	/* IPv4 TTL, IPv6 hop limit */
	__u16 arp_op;	/* 1 request, 2 reply */
	bool has_l4;	/* l4proto is known (IP) */
	__u8 l4proto;	/* IPPROTO_* after the IPv6 extension headers */
	bool fragment;	/* not the first fragment: no transport header */
	bool has_ports; /* TCP, UDP, SCTP */
	__u16 sport, dport;
	bool has_icmp; /* ICMP, ICMPv6 */
	__u8 icmp_type, icmp_code;
	bool has_tcp_flags;
	__u8 tcp_flags; /* FIN 0x01, SYN 0x02, RST 0x04, PSH 0x08, ACK 0x10, URG 0x20 ... */
	bool truncated; /* a header it expected was cut short */
};

/* Parse len bytes of an Ethernet frame into s (zeroed first). */
void pkt_summarize(const void *data, size_t len, struct pkt_summary *s);

/*
 * The name of an IP protocol, the same in every command: "tcp", "udp",
 * "icmp", "icmp6", "sctp", "gre", ... or its number in buf.
 */
const char *pkt_proto_name(__u8 proto, char *buf, size_t sz);

/* The IP protocol number of a name pkt_proto_name gives (also "ipv6-icmp"), or -1. */
int pkt_proto_parse(const char *name);

/* "ipv4", "ipv6", "arp", or "0x88cc" for other EtherTypes, in buf. */
const char *pkt_l3_name(const struct pkt_summary *s, char *buf, size_t sz);

/* Source and destination as text (IPv4, IPv6 or ARP's protocol addresses); "" if none. */
const char *pkt_addr_str(const struct pkt_summary *s, bool src, char *buf, size_t sz);

/* "02:00:00:00:00:01" */
void pkt_mac_str(const __u8 *mac, char *buf, size_t sz);

/* TCP flags as letters, tcpdump's way: "S", "S.", "F.", "R", "P." ... */
void pkt_tcp_flags_str(__u8 flags, char *buf, size_t sz);

/* One line: "icmp 192.0.2.1 > 192.0.2.2 type 8 code 0", "arp request ...". */
void pkt_summary_line(const struct pkt_summary *s, char *buf, size_t sz);

#endif

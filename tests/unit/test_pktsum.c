// SPDX-License-Identifier: GPL-2.0-only
/* The header summary: every layer it knows, truncation at each of them, and the names. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <string.h>
#include <cmocka.h>
#include <netinet/in.h>
#include "pktsum.h"

/* A frame under construction. */
struct frame {
	unsigned char b[256];
	size_t n;
};

static void put(struct frame *f, const void *p, size_t len)
{
	memcpy(f->b + f->n, p, len);
	f->n += len;
}

static void put16(struct frame *f, unsigned int v)
{
	unsigned char b[2] = { v >> 8, v & 0xff };

	put(f, b, 2);
}

static void eth(struct frame *f, unsigned int type)
{
	static const unsigned char macs[12] = { 2, 0, 0, 0, 0, 2, 2, 0, 0, 0, 0, 1 };

	f->n = 0;
	put(f, macs, 12);
	put16(f, type);
}

static void vlan(struct frame *f, unsigned int id, unsigned int next)
{
	put16(f, id | 0x2000); /* priority bits must not leak into the ID */
	put16(f, next);
}

static void ipv4(struct frame *f, unsigned int proto, unsigned int frag)
{
	unsigned char h[20] = { 0x45, 0, 0,   0, 0, 0, frag >> 8, frag & 0xff, 64, proto,
				0,    0, 192, 0, 2, 1, 192,	  0,	       2,  2 };

	put(f, h, sizeof(h));
}

static void ipv6(struct frame *f, unsigned int next)
{
	unsigned char h[40] = { 0x60, 0, 0, 0, 0, 0, next, 255 };

	h[8] = 0x20, h[9] = 0x01, h[10] = 0x0d, h[11] = 0xb8, h[23] = 1;
	h[24] = 0x20, h[25] = 0x01, h[26] = 0x0d, h[27] = 0xb8, h[39] = 2;
	put(f, h, sizeof(h));
}

static void ports(struct frame *f, unsigned int sport, unsigned int dport)
{
	put16(f, sport);
	put16(f, dport);
}

static void line_of(const struct frame *f, char *buf, size_t sz, struct pkt_summary *s)
{
	pkt_summarize(f->b, f->n, s);
	pkt_summary_line(s, buf, sz);
}

static void test_udp4_with_qinq(void **state)
{
	struct pkt_summary s;
	struct frame f;
	char line[128];

	eth(&f, 0x88a8);
	vlan(&f, 100, 0x8100);
	vlan(&f, 200, 0x0800);
	ipv4(&f, IPPROTO_UDP, 0);
	ports(&f, 40000, 53);
	put16(&f, 12), put16(&f, 0);
	line_of(&f, line, sizeof(line), &s);
	assert_true(s.ether);
	assert_int_equal(s.nvlans, 2);
	assert_int_equal(s.vlan_id[0], 100);
	assert_int_equal(s.vlan_id[1], 200);
	assert_int_equal(s.ethertype, 0x0800);
	assert_int_equal(s.l3, PKTSUM_L3_IPV4);
	assert_int_equal(s.ttl, 64);
	assert_true(s.has_ports);
	assert_int_equal(s.sport, 40000);
	assert_int_equal(s.dport, 53);
	assert_false(s.truncated);
	assert_string_equal(line, "vlan 100 vlan 200 udp 192.0.2.1:40000 > 192.0.2.2:53");
}

static void test_tcp_flags(void **state)
{
	unsigned char rest[10] = { 0, 0, 0, 1, 0, 0, 0, 0, 0x50, 0x12 };
	struct pkt_summary s;
	struct frame f;
	char line[128];

	eth(&f, 0x0800);
	ipv4(&f, IPPROTO_TCP, 0x4000); /* DF: not a fragment */
	ports(&f, 80, 5555);
	put(&f, rest, sizeof(rest));
	line_of(&f, line, sizeof(line), &s);
	assert_true(s.has_tcp_flags);
	assert_int_equal(s.tcp_flags, 0x12);
	assert_string_equal(line, "tcp 192.0.2.1:80 > 192.0.2.2:5555 flags S.");
	/* cut inside the TCP header: ports known, flags not */
	f.n -= 1;
	line_of(&f, line, sizeof(line), &s);
	assert_true(s.has_ports);
	assert_false(s.has_tcp_flags);
	assert_true(s.truncated);
}

static void test_icmp6_after_extension_headers(void **state)
{
	unsigned char hop[8] = { IPPROTO_DSTOPTS, 0 }, dst[16] = { IPPROTO_ICMPV6, 1 };
	struct pkt_summary s;
	struct frame f;
	char line[128], pn[8];

	eth(&f, 0x86dd);
	ipv6(&f, IPPROTO_HOPOPTS);
	put(&f, hop, sizeof(hop));
	put(&f, dst, sizeof(dst));
	put16(&f, 128 << 8); /* echo request, code 0 */
	line_of(&f, line, sizeof(line), &s);
	assert_int_equal(s.l3, PKTSUM_L3_IPV6);
	assert_int_equal(s.l4proto, IPPROTO_ICMPV6);
	assert_true(s.has_icmp);
	assert_int_equal(s.icmp_type, 128);
	assert_int_equal(s.ttl, 255);
	assert_string_equal(line, "icmp6 2001:db8::1 > 2001:db8::2 type 128 code 0");
	assert_string_equal(pkt_proto_name(IPPROTO_ICMPV6, pn, sizeof(pn)), "icmp6");
}

static void test_fragments(void **state)
{
	unsigned char frag[8] = { IPPROTO_UDP, 0, 0x00, 0x08 }; /* offset 1: a later fragment */
	struct pkt_summary s;
	struct frame f;
	char line[128];

	eth(&f, 0x0800);
	ipv4(&f, IPPROTO_UDP, 0x0010);
	ports(&f, 1, 2);
	line_of(&f, line, sizeof(line), &s);
	assert_true(s.fragment);
	assert_false(s.has_ports);
	assert_string_equal(line, "udp 192.0.2.1 > 192.0.2.2 fragment");

	eth(&f, 0x86dd);
	ipv6(&f, IPPROTO_FRAGMENT);
	put(&f, frag, sizeof(frag));
	ports(&f, 1, 2);
	pkt_summarize(f.b, f.n, &s);
	assert_true(s.fragment);
	assert_int_equal(s.l4proto, IPPROTO_UDP);
	assert_false(s.has_ports);
	/* the first fragment has the ports */
	f.b[14 + 40 + 3] = 0;
	pkt_summarize(f.b, f.n, &s);
	assert_false(s.fragment);
	assert_true(s.has_ports);
	assert_int_equal(s.dport, 2);
}

static void test_arp(void **state)
{
	unsigned char arp[28] = { 0,   1, 8, 0, 6, 4, 0, 1, 2, 0, 0,   0, 0, 1,
				  192, 0, 2, 1, 0, 0, 0, 0, 0, 0, 192, 0, 2, 2 };
	struct pkt_summary s;
	struct frame f;
	char line[128];

	eth(&f, 0x0806);
	put(&f, arp, sizeof(arp));
	line_of(&f, line, sizeof(line), &s);
	assert_int_equal(s.l3, PKTSUM_L3_ARP);
	assert_int_equal(s.arp_op, 1);
	assert_string_equal(line, "arp request 192.0.2.1 > 192.0.2.2");
}

static void test_truncation_and_runts(void **state)
{
	struct pkt_summary s;
	struct frame f;
	char line[128];
	size_t cut;

	pkt_summarize("\x01\x02", 2, &s);
	assert_false(s.ether);
	assert_true(s.truncated);
	pkt_summary_line(&s, line, sizeof(line));
	assert_string_equal(line, "runt frame");

	eth(&f, 0x0800);
	ipv4(&f, IPPROTO_UDP, 0);
	ports(&f, 7, 9);
	/* every cut is safe, and a cut inside a header says so */
	for (cut = 0; cut < f.n; cut++) {
		pkt_summarize(f.b, cut, &s);
		assert_true(s.truncated);
	}
	/* a VLAN tag cut in half */
	eth(&f, 0x8100);
	put16(&f, 5);
	line_of(&f, line, sizeof(line), &s);
	assert_true(s.truncated);
	assert_int_equal(s.nvlans, 0);
}

static void test_other_ethertype(void **state)
{
	struct pkt_summary s;
	struct frame f;
	char line[128];

	eth(&f, 0x88cc);
	put16(&f, 0);
	line_of(&f, line, sizeof(line), &s);
	assert_int_equal(s.l3, PKTSUM_L3_NONE);
	assert_false(s.truncated);
	assert_string_equal(line, "ether 0x88cc 02:00:00:00:00:01 > 02:00:00:00:00:02");
}

static void test_proto_names(void **state)
{
	char buf[8];

	assert_int_equal(pkt_proto_parse("icmp6"), IPPROTO_ICMPV6);
	assert_int_equal(pkt_proto_parse("ipv6-icmp"), IPPROTO_ICMPV6);
	assert_int_equal(pkt_proto_parse("tcp"), IPPROTO_TCP);
	assert_int_equal(pkt_proto_parse("nope"), -1);
	assert_string_equal(pkt_proto_name(253, buf, sizeof(buf)), "253");
	pkt_tcp_flags_str(0x11, buf, sizeof(buf));
	assert_string_equal(buf, "F.");
	pkt_tcp_flags_str(0, buf, sizeof(buf));
	assert_string_equal(buf, "none");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_udp4_with_qinq),
		cmocka_unit_test(test_tcp_flags),
		cmocka_unit_test(test_icmp6_after_extension_headers),
		cmocka_unit_test(test_fragments),
		cmocka_unit_test(test_arp),
		cmocka_unit_test(test_truncation_and_runts),
		cmocka_unit_test(test_other_ethertype),
		cmocka_unit_test(test_proto_names),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}

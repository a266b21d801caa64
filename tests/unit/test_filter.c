// SPDX-License-Identifier: GPL-2.0-only
/*
 * The filter's rule syntax (no kernel needed), and the bundled filter and
 * ratelimit programs' packet logic through BPF_PROG_TEST_RUN (root needed;
 * skipped otherwise): VLAN tags, IPv6 extension headers, fragments, policy,
 * hit counters, token bucket.
 */
#include <errno.h>
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <cmocka.h>
#include <linux/bpf.h>
#include <linux/in.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include "progs/filter.h"
#include "progs/filter_rule.h"
#include "progs/ratelimit.h"
#include "support/filter_prog.h"

/* ---- syntax ---- */

static void parse_ip_ok(const char *s, int family, unsigned int plen, const char *addr)
{
	struct filter_rule r = {};
	char err[160], want[16] = {};

	assert_int_equal(filter_parse_ip(s, &r, err, sizeof(err)), 0);
	assert_int_equal(r.kind, FILTER_IP);
	assert_int_equal(r.family, family);
	assert_int_equal(r.prefixlen, plen);
	assert_int_equal(inet_pton(family == 4 ? AF_INET : AF_INET6, addr, want), 1);
	assert_memory_equal(r.addr, want, 16);
}

static void parse_ip_bad(const char *s)
{
	struct filter_rule r = {};
	char err[160] = "";

	assert_int_equal(filter_parse_ip(s, &r, err, sizeof(err)), -EINVAL);
	assert_true(strlen(err) > 0);
}

static void test_parse_ip(void **state)
{
	parse_ip_ok("10.0.0.0/24", 4, 24, "10.0.0.0");
	parse_ip_ok("10.0.0.1", 4, 32, "10.0.0.1");
	parse_ip_ok("0.0.0.0/0", 4, 0, "0.0.0.0");
	parse_ip_ok("2001:db8::/64", 6, 64, "2001:db8::");
	parse_ip_ok("::1", 6, 128, "::1");
	parse_ip_bad("10.0.0.5/24"); /* host bits */
	parse_ip_bad("10.0.0.0/33");
	parse_ip_bad("10.0.0.0/");
	parse_ip_bad("10.0.0.0/-1");
	parse_ip_bad("10.0.0.0/+8");
	parse_ip_bad("10.0.0.0/8x");
	parse_ip_bad("10.0.0.256");
	parse_ip_bad("2001:db8::/129");
	parse_ip_bad("2001:db8::1/64");
	parse_ip_bad("host.example");
	parse_ip_bad("");
}

static void test_parse_host_bits_hint(void **state)
{
	struct filter_rule r = {};
	char err[160];

	filter_parse_ip("10.0.0.5/24", &r, err, sizeof(err));
	assert_non_null(strstr(err, "did you mean 10.0.0.0/24"));
}

static void test_parse_port(void **state)
{
	struct filter_rule r = {};
	char err[160];

	assert_int_equal(filter_parse_port("53", &r, err, sizeof(err)), 0);
	assert_int_equal(r.port, 53);
	assert_int_equal(filter_parse_port("65535", &r, err, sizeof(err)), 0);
	assert_int_equal(filter_parse_port("1", &r, err, sizeof(err)), 0);
	assert_int_equal(filter_parse_port("0", &r, err, sizeof(err)), -EINVAL);
	assert_int_equal(filter_parse_port("65536", &r, err, sizeof(err)), -EINVAL);
	assert_int_equal(filter_parse_port("-1", &r, err, sizeof(err)), -EINVAL);
	assert_int_equal(filter_parse_port("53/udp", &r, err, sizeof(err)), -EINVAL);
	assert_int_equal(filter_parse_port("", &r, err, sizeof(err)), -EINVAL);
	assert_int_equal(filter_parse_port("99999999999999999999", &r, err, sizeof(err)), -EINVAL);
}

static void test_parse_mac(void **state)
{
	const __u8 want[6] = { 0xaa, 0xbb, 0xcc, 0x0d, 0xee, 0xff };
	struct filter_rule r = {};
	char err[160];

	assert_int_equal(filter_parse_mac("aa:bb:cc:0d:EE:ff", &r, err, sizeof(err)), 0);
	assert_memory_equal(r.mac, want, 6);
	assert_int_equal(filter_parse_mac("aa:bb:cc:dd:ee", &r, err, sizeof(err)), -EINVAL);
	assert_int_equal(filter_parse_mac("aa:bb:cc:dd:ee:ff:00", &r, err, sizeof(err)), -EINVAL);
	assert_int_equal(filter_parse_mac("aa-bb-cc-dd-ee-ff", &r, err, sizeof(err)), -EINVAL);
	assert_int_equal(filter_parse_mac("a:bb:cc:dd:ee:fff", &r, err, sizeof(err)), -EINVAL);
	assert_int_equal(filter_parse_mac("gg:bb:cc:dd:ee:ff", &r, err, sizeof(err)), -EINVAL);
	assert_int_equal(filter_parse_mac(" a:bb:cc:dd:ee:ff", &r, err, sizeof(err)), -EINVAL);
}

static void test_rule_str(void **state)
{
	struct filter_rule r = {};
	char err[160], buf[64];

	filter_parse_ip("2001:db8::/64", &r, err, sizeof(err));
	filter_rule_key_str(&r, buf, sizeof(buf));
	assert_string_equal(buf, "2001:db8::/64");
	memset(&r, 0, sizeof(r));
	filter_parse_port("53", &r, err, sizeof(err));
	r.protos = FILTER_PROTO_UDP;
	filter_rule_key_str(&r, buf, sizeof(buf));
	assert_string_equal(buf, "53/udp");
}

static void test_filter_vlan_and_prefix(void **state)
{
	struct prog *p = *state;
	struct frame f;
	int v;

	if (!p)
		skip();
	rule_add(p, "ip", "10.10.0.0/16", XDPL_FILTER_SRC, 0);
	for (v = 0; v <= 2; v++) {
		eth(&f, v, "02:00:00:00:00:01");
		ipv4_udp(&f, "10.10.3.4", 0, 9);
		assert_int_equal(frame_run(p, &f), XDP_DROP);
		eth(&f, v, "02:00:00:00:00:01");
		ipv4_udp(&f, "10.11.3.4", 0, 9);
		assert_int_equal(frame_run(p, &f), XDP_PASS);
	}
	assert_int_equal(rule_hits(p, "10.10.0.0/16"), 3);
}

static void test_filter_ipv6_ext_headers_and_ports(void **state)
{
	struct prog *p = *state;
	struct frame f;

	if (!p)
		skip();
	rule_add(p, "port", "53", XDPL_FILTER_DST, FILTER_PROTO_UDP);
	eth(&f, 0, "02:00:00:00:00:01");
	ipv6(&f, "2001:db8::1", 1, IPPROTO_UDP, 53);
	assert_int_equal(frame_run(p, &f), XDP_DROP);
	eth(&f, 1, "02:00:00:00:00:01");
	ipv6(&f, "2001:db8::1", 0, IPPROTO_UDP, 53);
	assert_int_equal(frame_run(p, &f), XDP_DROP);
	eth(&f, 0, "02:00:00:00:00:01");
	ipv6(&f, "2001:db8::1", 1, IPPROTO_UDP, 54);
	assert_int_equal(frame_run(p, &f), XDP_PASS);
	/* a later IPv4 fragment has no UDP header: the port rule cannot match it */
	eth(&f, 0, "02:00:00:00:00:01");
	ipv4_udp(&f, "192.0.2.1", 100, 53);
	assert_int_equal(frame_run(p, &f), XDP_PASS);
	eth(&f, 0, "02:00:00:00:00:01");
	ipv4_udp(&f, "192.0.2.1", 0, 53);
	assert_int_equal(frame_run(p, &f), XDP_DROP);
	assert_int_equal(rule_hits(p, "53/udp"), 3);
}

static void test_filter_ipv6_prefix_and_mac(void **state)
{
	struct prog *p = *state;
	struct frame f;

	if (!p)
		skip();
	rule_add(p, "ip", "2001:db8:1::/48", XDPL_FILTER_SRC, 0);
	rule_add(p, "ether", "02:00:00:00:00:99", XDPL_FILTER_SRC, 0);
	eth(&f, 0, "02:00:00:00:00:01");
	ipv6(&f, "2001:db8:1:2::7", 0, IPPROTO_UDP, 9);
	assert_int_equal(frame_run(p, &f), XDP_DROP);
	eth(&f, 0, "02:00:00:00:00:01");
	ipv6(&f, "2001:db8:2::7", 0, IPPROTO_UDP, 9);
	assert_int_equal(frame_run(p, &f), XDP_PASS);
	eth(&f, 0, "02:00:00:00:00:99");
	ipv6(&f, "2001:db8:2::7", 0, IPPROTO_UDP, 9);
	assert_int_equal(frame_run(p, &f), XDP_DROP);
	assert_int_equal(rule_hits(p, "02:00:00:00:00:99"), 1);
}

static void test_filter_deny_policy(void **state)
{
	struct prog *p = *state;
	struct frame f;

	if (!p)
		skip();
	/* xdp-filter's deny: frames matching no rule drop, rules pass */
	assert_int_equal(filter_policy_set(&p->m, XDPL_FILTER_POLICY_DENY), 0);
	rule_add(p, "ip", "192.0.2.1", XDPL_FILTER_SRC, 0);
	eth(&f, 0, "02:00:00:00:00:01");
	ipv4_udp(&f, "192.0.2.1", 0, 9);
	assert_int_equal(frame_run(p, &f), XDP_PASS);
	eth(&f, 0, "02:00:00:00:00:01");
	ipv4_udp(&f, "192.0.2.7", 0, 9);
	assert_int_equal(frame_run(p, &f), XDP_DROP);
	/* neighbour discovery is matched like any frame: no rule allows these */
	eth(&f, 0, "02:00:00:00:00:01");
	put16(&f, 0x0806);
	f.len += 28;
	assert_int_equal(frame_run(p, &f), XDP_DROP);
	eth(&f, 0, "02:00:00:00:00:01");
	ipv6(&f, "fe80::1", 0, IPPROTO_ICMPV6, 135);
	assert_int_equal(frame_run(p, &f), XDP_DROP);
	/* neigh off: ARP, ICMPv6 NS (135) and NA (136) pass, not echo (128) */
	assert_int_equal(filter_neigh_set(&p->m, false), 0);
	eth(&f, 0, "02:00:00:00:00:01");
	put16(&f, 0x0806);
	f.len += 28;
	assert_int_equal(frame_run(p, &f), XDP_PASS);
	eth(&f, 0, "02:00:00:00:00:01");
	ipv6(&f, "fe80::1", 0, IPPROTO_ICMPV6, 135);
	assert_int_equal(frame_run(p, &f), XDP_PASS);
	eth(&f, 0, "02:00:00:00:00:01");
	ipv6(&f, "fe80::1", 0, IPPROTO_ICMPV6, 136);
	assert_int_equal(frame_run(p, &f), XDP_PASS);
	eth(&f, 0, "02:00:00:00:00:01");
	ipv6(&f, "fe80::1", 0, IPPROTO_ICMPV6, 128);
	assert_int_equal(frame_run(p, &f), XDP_DROP);
}

static void test_filter_del_and_ids(void **state)
{
	struct prog *p = *state;
	struct filter_rule r = {}, *rules;
	char err[160];
	size_t n;
	__u64 nm;

	if (!p)
		skip();
	rule_add(p, "port", "80", XDPL_FILTER_DST, FILTER_PROTO_TCP | FILTER_PROTO_UDP);
	rule_add(p, "ip", "10.0.0.0/8", XDPL_FILTER_DST, 0);
	assert_int_equal(filter_list(&p->m, &rules, &n, &nm), 0);
	assert_int_equal(n, 3);
	/* distinct ids */
	assert_true(rules[0].id != rules[1].id && rules[1].id != rules[2].id &&
		    rules[0].id != rules[2].id);
	free(rules);
	filter_parse_port("80", &r, err, sizeof(err));
	r.dir = XDPL_FILTER_DST;
	r.protos = FILTER_PROTO_UDP;
	assert_int_equal(filter_del(&p->m, &r), 0);
	assert_int_equal(filter_del(&p->m, &r), -ENOENT);
	r.protos = FILTER_PROTO_TCP | FILTER_PROTO_UDP;
	assert_int_equal(filter_del(&p->m, &r), 0); /* the TCP half */
	assert_int_equal(filter_list(&p->m, &rules, &n, &nm), 0);
	assert_int_equal(n, 1);
	free(rules);
}

/* The program skips empty maps: deleting one rule must not disable the others. */
static void test_filter_active_maps(void **state)
{
	struct prog *p = *state;
	struct filter_rule r = {};
	struct frame f;
	char err[160];

	if (!p)
		skip();
	rule_add(p, "port", "53", XDPL_FILTER_SRC, FILTER_PROTO_UDP);
	rule_add(p, "port", "54", XDPL_FILTER_DST, FILTER_PROTO_UDP);
	rule_add(p, "ip", "192.0.2.1", XDPL_FILTER_SRC, 0);
	filter_parse_port("53", &r, err, sizeof(err));
	r.dir = XDPL_FILTER_SRC;
	r.protos = FILTER_PROTO_UDP;
	assert_int_equal(filter_del(&p->m, &r), 0);
	assert_int_equal(filter_policy_set(&p->m, XDPL_FILTER_POLICY_ALLOW), 0);
	eth(&f, 0, "02:00:00:00:00:01");
	ipv4_udp(&f, "192.0.2.7", 0, 54);
	assert_int_equal(frame_run(p, &f), XDP_DROP);
	eth(&f, 0, "02:00:00:00:00:01");
	ipv4_udp(&f, "192.0.2.1", 0, 9);
	assert_int_equal(frame_run(p, &f), XDP_DROP);
	memset(&r, 0, sizeof(r));
	filter_parse_ip("192.0.2.1", &r, err, sizeof(err));
	assert_int_equal(filter_del(&p->m, &r), 0);
	eth(&f, 0, "02:00:00:00:00:01");
	ipv4_udp(&f, "192.0.2.1", 0, 9);
	assert_int_equal(frame_run(p, &f), XDP_PASS);
	eth(&f, 0, "02:00:00:00:00:01");
	ipv4_udp(&f, "192.0.2.1", 0, 54);
	assert_int_equal(frame_run(p, &f), XDP_DROP);
}

static void test_ratelimit_bucket(void **state)
{
	struct prog p = {};
	struct xdpl_rl_stats st;
	struct frame f;
	__u64 sources;
	int i, passed = 0;

	if (geteuid() != 0)
		skip();
	assert_int_equal(load_prog(&p, "ratelimit"), 0);
	/* 1 packet/s, burst 5: a back-to-back run passes exactly the burst */
	assert_int_equal(ratelimit_configure(p.fd, 1, 5), 0);
	for (i = 0; i < 20; i++) {
		eth(&f, 0, "02:00:00:00:00:01");
		ipv4_udp(&f, "192.0.2.1", 0, 9);
		passed += frame_run(&p, &f) == XDP_PASS;
	}
	assert_int_equal(passed, 5);
	/* another source has its own bucket */
	eth(&f, 0, "02:00:00:00:00:01");
	ipv6(&f, "2001:db8::1", 0, IPPROTO_UDP, 9);
	assert_int_equal(frame_run(&p, &f), XDP_PASS);
	assert_int_equal(ratelimit_get_stats(p.fd, &st, &sources), 0);
	assert_int_equal(st.passed, 6);
	assert_int_equal(st.dropped, 15);
	assert_int_equal(sources, 2);
	assert_int_equal(ratelimit_configure(p.fd, 0, 5), -EINVAL);
	bpf_object__close(p.obj);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_parse_ip),
		cmocka_unit_test(test_parse_host_bits_hint),
		cmocka_unit_test(test_parse_port),
		cmocka_unit_test(test_parse_mac),
		cmocka_unit_test(test_rule_str),
		cmocka_unit_test_setup_teardown(test_filter_vlan_and_prefix, setup_filter,
						teardown_prog),
		cmocka_unit_test_setup_teardown(test_filter_ipv6_ext_headers_and_ports,
						setup_filter, teardown_prog),
		cmocka_unit_test_setup_teardown(test_filter_ipv6_prefix_and_mac, setup_filter,
						teardown_prog),
		cmocka_unit_test_setup_teardown(test_filter_deny_policy, setup_filter,
						teardown_prog),
		cmocka_unit_test_setup_teardown(test_filter_del_and_ids, setup_filter,
						teardown_prog),
		cmocka_unit_test_setup_teardown(test_filter_active_maps, setup_filter,
						teardown_prog),
		cmocka_unit_test(test_ratelimit_bucket),
	};

	libbpf_set_print(NULL);
	return cmocka_run_group_tests(tests, NULL, NULL);
}

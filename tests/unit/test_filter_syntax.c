// SPDX-License-Identifier: GPL-2.0-only
/*
 * The filter's newer syntax, no kernel needed: directions and protocols
 * (xdp-filter's -m src,dst and -p tcp,udp), combined rules (parse and print
 * round trip), and the bundled programs' word and list options (load
 * --policy, --features, --set).
 */
#include <errno.h>
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>
#include <netinet/in.h>
#include "builtin.h"
#include "progs/filter.h"
#include "progs/filter_combo.h"

static void test_dirs_protos(void **state)
{
	unsigned int v;
	char err[160], buf[32];

	assert_int_equal(filter_parse_dirs("src,dst", &v, err, sizeof(err)), 0);
	assert_int_equal(v, FILTER_DIR_SRC | FILTER_DIR_DST);
	assert_int_equal(filter_parse_dirs("dst", &v, err, sizeof(err)), 0);
	assert_int_equal(v, FILTER_DIR_DST);
	assert_int_equal(filter_parse_dirs("src,", &v, err, sizeof(err)), -EINVAL);
	assert_int_equal(filter_parse_dirs("up", &v, err, sizeof(err)), -EINVAL);
	assert_int_equal(filter_parse_dirs("", &v, err, sizeof(err)), -EINVAL);
	assert_int_equal(filter_parse_protos("udp,tcp", &v, err, sizeof(err)), 0);
	assert_int_equal(v, FILTER_PROTO_TCP | FILTER_PROTO_UDP);
	assert_int_equal(filter_parse_protos("icmp", &v, err, sizeof(err)), -EINVAL);
	filter_dirs_str(FILTER_DIR_SRC | FILTER_DIR_DST, buf, sizeof(buf));
	assert_string_equal(buf, "src,dst");
	filter_protos_str(FILTER_PROTO_UDP, buf, sizeof(buf));
	assert_string_equal(buf, "udp");
}

static void combo_round_trip(const char *line, const char *want)
{
	char copy[200], *words[16], *save = NULL, *w, err[200], out[200];
	struct xdpl_filter_combo c;
	int n = 0;

	strcpy(copy, line);
	for (w = strtok_r(copy, " ", &save); w; w = strtok_r(NULL, " ", &save))
		words[n++] = w;
	assert_int_equal(filter_combo_parse(words, n, &c, err, sizeof(err)), 0);
	filter_combo_str(&c, out, sizeof(out));
	assert_string_equal(out, want ?: line);
}

static void combo_bad(const char *line)
{
	char copy[200], *words[16], *save = NULL, *w, err[200] = "";
	struct xdpl_filter_combo c;
	int n = 0;

	strcpy(copy, line);
	for (w = strtok_r(copy, " ", &save); w; w = strtok_r(NULL, " ", &save))
		words[n++] = w;
	assert_int_equal(filter_combo_parse(words, n, &c, err, sizeof(err)), -EINVAL);
	assert_true(strlen(err) > 0);
}

static void test_combo(void **state)
{
	struct xdpl_filter_combo c;
	char *w[] = { "dport", "8000-8080", "proto", "tcp", "vlan", "0" }, err[200];

	combo_round_trip("src 10.0.0.0/8 proto udp dport 53", NULL);
	combo_round_trip("dst 2001:db8::/32 proto icmpv6", NULL);
	combo_round_trip("proto tcp sport 1024-65535 dport 22 vlan 10", NULL);
	/* fields in any order; printed in one */
	combo_round_trip("dport 53 src 192.0.2.1/32", "src 192.0.2.1/32 dport 53");
	combo_round_trip("proto 47", NULL);
	assert_int_equal(filter_combo_parse(w, 6, &c, err, sizeof(err)), 0);
	assert_int_equal(c.dport_lo, 8000);
	assert_int_equal(c.dport_hi, 8080);
	assert_int_equal(c.proto, IPPROTO_TCP);
	assert_int_equal(c.vlan, 1); /* VLAN id + 1 */
	combo_bad("");
	combo_bad("sport 9-3");
	combo_bad("dport 0");
	combo_bad("dport 65536");
	combo_bad("proto frob");
	combo_bad("vlan 4095");
	combo_bad("src 10.0.0.0/8 dst 2001:db8::/32");
	combo_bad("src 10.0.0.1/8");
	combo_bad("color red");
	combo_bad("src");
}

static void test_builtin_words(void **state)
{
	const struct builtin_opt *policy = &filter_builtin_options[0];
	const struct builtin_opt *feats = &filter_builtin_options[1];
	const struct builtin_opt *set = &filter_builtin_options[3];
	char buf[64];
	__u64 v;

	assert_string_equal(policy->name, "policy");
	assert_int_equal(builtin_opt_parse(policy, "deny", &v), 0);
	assert_int_equal(v, XDPL_FILTER_POLICY_DENY);
	assert_int_equal(builtin_opt_parse(policy, "allow", &v), 0);
	assert_int_equal(v, XDPL_FILTER_POLICY_ALLOW);
	assert_int_equal(builtin_opt_parse(policy, "deny,allow", &v), -EINVAL);
	assert_int_equal(builtin_opt_parse(policy, "", &v), -EINVAL);
	assert_string_equal(feats->name, "features");
	assert_int_equal(builtin_opt_parse(feats, "ipv4,tcp", &v), 0);
	assert_int_equal(v, XDPL_FILTER_FEAT_IPV4 | XDPL_FILTER_FEAT_TCP);
	assert_int_equal(builtin_opt_parse(feats, "tcp,udp,ipv4,ipv6,ethernet", &v), 0);
	assert_int_equal(v, XDPL_FILTER_FEAT_ALL);
	assert_int_equal(builtin_opt_parse(feats, "ipv4,", &v), -EINVAL);
	assert_int_equal(builtin_opt_parse(feats, "ipv5", &v), -EINVAL);
	builtin_opt_str(feats, XDPL_FILTER_FEAT_UDP | XDPL_FILTER_FEAT_ETHER, buf, sizeof(buf));
	assert_string_equal(buf, "udp,ethernet");
	assert_string_equal(set->name, "set");
	assert_int_equal(builtin_opt_parse(set, "edge-1_a", &v), 0);
	assert_string_equal(BUILTIN_STR(v), "edge-1_a");
	assert_int_equal(builtin_opt_parse(set, "no/slash", &v), -EINVAL);
	assert_int_equal(builtin_opt_parse(set, "@kept", &v), -EINVAL);
	assert_int_equal(builtin_opt_parse(set, "", &v), -EINVAL);
	assert_int_equal(builtin_opt_parse(set, "0123456789012345678901234567890123456789", &v),
			 -EINVAL);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_dirs_protos),
		cmocka_unit_test(test_combo),
		cmocka_unit_test(test_builtin_words),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}

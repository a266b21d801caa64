// SPDX-License-Identifier: GPL-2.0-only
/*
 * Chain files: the schema, errors with line and column, and the settings
 * blocks that save writes and apply reads back (a round trip).
 */
#include <errno.h>
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>
#include "chainfile.h"
#include "error.h"

static struct chainfile cf;

static int parse(const char *text)
{
	chainfile_free(&cf);
	xdpl_err_clear();
	return chainfile_parse("t.yaml", text, strlen(text), "/etc/xdpload", &cf);
}

/* The recorded message starts with where, and holds what. */
static void assert_error(const char *text, const char *where, const char *what)
{
	const struct xdpl_error *e;

	assert_int_equal(parse(text), -EINVAL);
	e = xdpl_last_error();
	assert_int_equal(e->kind, XDPL_ERR_USAGE);
	if (strncmp(e->msg, where, strlen(where)) || !strstr(e->msg, what))
		fail_msg("got \"%s\", want \"%s...%s\"", e->msg, where, what);
}

static const char full[] = "# two interfaces\n"
			   "version: 1\n"
			   "interfaces:\n"
			   "  eth0:\n"
			   "    mode: native\n"
			   "    backend: linked\n"
			   "    counters: false\n"
			   "    programs:\n"
			   "      - program: filter\n"
			   "        priority: 5\n"
			   "        actions: [XDP_PASS, XDP_DROP]\n"
			   "        filter:\n"
			   "          policy: allow\n"
			   "          rules:\n"
			   "            - ip: 10.0.0.0/8\n"
			   "            - port: 53\n"
			   "            - port: 22\n"
			   "              proto: tcp\n"
			   "              dir: src\n"
			   "            - ether: 02:00:00:00:00:01\n"
			   "              dir: dst\n"
			   "      - program: ratelimit\n"
			   "        ratelimit: {rate: 2000, burst: 10}\n"
			   "      - drop\n"
			   "      - program: objs/my.o\n"
			   "        section: xdp\n"
			   "        name: my_prog\n"
			   "        pin-path: /sys/fs/bpf/my\n"
			   "  eth1:\n"
			   "    foreign: true\n"
			   "  eth2:\n"
			   "    programs: []\n";

static void test_full(void **state)
{
	const struct cf_iface *ci;
	const struct cf_prog *p;

	assert_int_equal(parse(full), 0);
	assert_int_equal(cf.n, 3);
	ci = chainfile_find(&cf, "eth0");
	assert_non_null(ci);
	assert_true(ci->has_mode);
	assert_int_equal(ci->mode, XDP_MODE_NATIVE);
	assert_int_equal(ci->backend, DISPATCHER_LINKED);
	assert_false(ci->counters);
	assert_int_equal(ci->line, 4);
	assert_int_equal(ci->nprogs, 4);
	p = &ci->progs[0];
	assert_string_equal(p->source, "filter");
	assert_int_equal(p->prio, 5);
	assert_int_equal(p->actions, (1U << 2) | (1U << 1));
	assert_true(p->settings.filter);
	/* xdp-filter's word: frames matching no rule pass */
	assert_int_equal(p->settings.policy, XDPL_FILTER_POLICY_ALLOW);
	/* port 53 is two rules (TCP and UDP), as the maps hold it */
	assert_int_equal(p->settings.nrules, 5);
	assert_int_equal(p->settings.rules[0].kind, FILTER_IP);
	/* no dir: the destination, as in xdp-filter */
	assert_int_equal(p->settings.rules[0].dir, XDPL_FILTER_DST);
	assert_int_equal(p->settings.rules[1].dir, XDPL_FILTER_DST);
	assert_int_equal(p->settings.rules[3].protos, FILTER_PROTO_TCP);
	assert_int_equal(p->settings.rules[3].dir, XDPL_FILTER_SRC);
	assert_int_equal(p->settings.rules[4].kind, FILTER_ETHER);
	assert_int_equal(p->settings.rules[4].dir, XDPL_FILTER_DST);
	assert_true(ci->progs[1].settings.ratelimit);
	assert_int_equal(ci->progs[1].settings.rate, 2000);
	assert_int_equal(ci->progs[1].settings.burst, 10);
	assert_string_equal(ci->progs[2].source, "drop");
	assert_int_equal(ci->progs[2].prio, -1);
	/* a relative path is from the file's directory */
	assert_string_equal(ci->progs[3].source, "/etc/xdpload/objs/my.o");
	assert_string_equal(ci->progs[3].section, "xdp");
	assert_string_equal(ci->progs[3].name, "my_prog");
	assert_string_equal(ci->progs[3].pin_dir, "/sys/fs/bpf/my");
	assert_true(chainfile_find(&cf, "eth1")->foreign);
	assert_int_equal(chainfile_find(&cf, "eth2")->nprogs, 0);
	assert_null(chainfile_find(&cf, "eth3"));
}

static void test_empty(void **state)
{
	assert_int_equal(parse(""), 0);
	assert_int_equal(cf.n, 0);
	assert_int_equal(parse("# nothing\nversion: 1\ninterfaces:\n"), 0);
	assert_int_equal(cf.n, 0);
}

static void test_errors(void **state)
{
	assert_error("interfaces:\n  eth0: [\n", "t.yaml:3:1: ", "flow");
	assert_error("interfaces:\n  eth0:\n    programs:\n      - program: drop\n"
		     "        prio: 3\n",
		     "t.yaml:5:9: ", "unknown field 'prio' in a program (fields: program,");
	assert_error("interfaces:\n  eth0:\n    programs:\n      - dorp\n",
		     "t.yaml:4:9: ", "dorp: no such bundled program");
	assert_error("interfaces:\n  eth0:\n    programs:\n      - program: filter\n"
		     "        filter:\n          rules:\n            - ip: 10.0.0.1/8\n",
		     "t.yaml:7:19: ", "host bits set");
	assert_error("interfaces:\n  eth0:\n    programs:\n      - program: filter\n"
		     "        filter:\n          rules:\n            - port: 99999\n",
		     "t.yaml:7:21: ", "not a port");
	assert_error("interfaces:\n  eth0:\n    programs:\n      - program: drop\n"
		     "        filter: {}\n",
		     "t.yaml:5:9: ", "belong to the bundled 'filter' program");
	assert_error("interfaces:\n  eth0:\n    mode: fast\n", "t.yaml:3:11: ", "mode must be");
	assert_error("interfaces:\n  eth0:\n    mode: skb\n    mode: native\n",
		     "t.yaml:4:5: ", "'mode' appears twice");
	assert_error("interfaces:\n  eth0:\n    programs:\n      - program: drop\n"
		     "        priority: -1\n",
		     "t.yaml:5:19: ", "not a number");
	assert_error("interfaces:\n  eth0:\n    programs:\n      - program: drop\n"
		     "        actions: [XDP_PASS, XDP_FOO]\n",
		     "t.yaml:5:29: ", "bad action 'XDP_FOO'");
	assert_error("version: 2\n", "t.yaml:1:10: ", "outside 1..1");
	assert_error("interface:\n", "t.yaml:1:1: ", "unknown field 'interface' in a chain file");
	assert_error("interfaces:\n  eth0:\n    foreign: true\n    programs: [drop]\n",
		     "t.yaml:2:3: ", "a foreign interface lists no programs");
	assert_error("interfaces:\n  eth0: {}\n---\ninterfaces: {}\n",
		     "t.yaml:4:1: ", "one document");
	assert_error("interfaces:\n  eth0:\n    programs:\n      - program: ratelimit\n"
		     "        ratelimit: {rate: 0}\n",
		     "t.yaml:5:27: ", "rate 0 is outside");
	assert_error("interfaces:\n  this-name-is-too-long0:\n",
		     "t.yaml:2:3: ", "not an interface name");
}

/* What save writes of the settings, apply reads back the same. */
static void test_settings_round_trip(void **state)
{
	struct cf_settings want;
	char *text = NULL, *doc = NULL;
	size_t len = 0;
	FILE *out;

	assert_int_equal(parse(full), 0);
	want = cf.ifaces[0].progs[0].settings;
	cf.ifaces[0].progs[0].settings = (struct cf_settings){};
	out = open_memstream(&text, &len);
	assert_non_null(out);
	cf_settings_format(out, &want, "        ");
	fclose(out);
	assert_true(asprintf(&doc,
			     "interfaces:\n  eth0:\n    programs:\n      - program: filter\n%s",
			     text) > 0);
	assert_int_equal(parse(doc), 0);
	assert_int_equal(cf.ifaces[0].progs[0].settings.nrules, want.nrules);
	assert_int_equal(cf.ifaces[0].progs[0].settings.policy, want.policy);
	assert_memory_equal(cf.ifaces[0].progs[0].settings.rules, want.rules,
			    want.nrules * sizeof(*want.rules));
	cf_settings_free(&want);
	free(text);
	free(doc);
}

/* Strings save writes are read back as written, quoted or not. */
static void test_scalar_quoting(void **state)
{
	const char *names[] = { "drop", "/a b/c.o", "/x: y.o", "/q\"uote.o", "/#h.o" };
	char *text = NULL, *doc = NULL;
	size_t len = 0, i;
	FILE *out;

	for (i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		out = open_memstream(&text, &len);
		cf_put_scalar(out, names[i]);
		fclose(out);
		assert_true(asprintf(&doc,
				     "interfaces:\n  eth0:\n    programs:\n      - program: "
				     "%s\n",
				     text) > 0);
		assert_int_equal(parse(doc), 0);
		assert_string_equal(cf.ifaces[0].progs[0].source, names[i]);
		free(text);
		free(doc);
	}
}

static int teardown(void **state)
{
	chainfile_free(&cf);
	return 0;
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_full),	       cmocka_unit_test(test_empty),
		cmocka_unit_test(test_errors),	       cmocka_unit_test(test_settings_round_trip),
		cmocka_unit_test(test_scalar_quoting),
	};

	return cmocka_run_group_tests(tests, NULL, teardown);
}

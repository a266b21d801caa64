// SPDX-License-Identifier: GPL-2.0-only
/*
 * The filter's skip bitmaps (flt_skip): the buckets a map key covers (no
 * kernel needed), and through BPF_PROG_TEST_RUN (root) that skipping never
 * changes a verdict: random prefixes and addresses near them against a
 * longest-prefix match done here, after adds, deletes and a swap; that an
 * all-clear bitmap (a rule set from before flt_skip) matches the same; and
 * that the bits of empty buckets are set, so the lookups are really skipped.
 */
#include <errno.h>
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdio.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/wait.h>
#include <arpa/inet.h>
#include <cmocka.h>
#include <linux/bpf.h>
#include <linux/in.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include "progs/filter.h"
#include "progs/filter_maps.h"
#include "progs/filter_rule.h"
#include "support/filter_prog.h"

/* ---- buckets ---- */

/* The buckets of prefix @addr/@len (IPv4 or IPv6, as @addr reads) are lo..hi. */
static void range(const char *addr, unsigned int len, __u32 lo, __u32 hi)
{
	struct xdpl_filter_lpm6 k = { .prefixlen = len };
	int v6 = strchr(addr, ':') != NULL;
	__u32 l, h;

	assert_int_equal(inet_pton(v6 ? AF_INET6 : AF_INET, addr, k.addr), 1);
	assert_int_equal(
		filter_skip_range(v6 ? XDPL_FILTER_CLASS_SRC6 : XDPL_FILTER_CLASS_DST4, &k, &l, &h),
		0);
	assert_int_equal(l, lo);
	assert_int_equal(h, hi);
}

static void test_skip_range(void **state)
{
	struct xdpl_filter_port port = { .port = 8080, .proto = IPPROTO_TCP, .dir = 1 };
	struct xdpl_filter_ether mac = { .addr = { 2, 0, 0, 0, 0xab, 0xcd } };
	__u32 lo, hi;

	range("198.18.7.0", 24, 0xc612, 0xc612);
	range("198.18.0.0", 16, 0xc612, 0xc612);
	range("198.16.0.0", 12, 0xc610, 0xc61f);
	range("10.0.0.0", 8, 0x0a00, 0x0aff);
	range("0.0.0.0", 0, 0, 0xffff);
	range("192.0.2.1", 32, 0xc000, 0xc000);
	range("2001:db8::", 32, 0x0db8, 0x0db8);
	range("2001:db8:1::", 48, 0x0db8, 0x0db8);
	range("2001:d00::", 24, 0x0d00, 0x0dff);
	range("2001::", 16, 0, 0xffff);
	range("fc00::", 7, 0, 0xffff);
	range("::", 0, 0, 0xffff);
	assert_int_equal(filter_skip_range(XDPL_FILTER_CLASS_PORT_DST, &port, &lo, &hi), 0);
	assert_int_equal(lo, 8080);
	assert_int_equal(hi, 8080);
	assert_int_equal(filter_skip_range(XDPL_FILTER_CLASS_ETHER_SRC, &mac, &lo, &hi), 0);
	assert_int_equal(lo, 0xabcd);
	assert_int_equal(hi, 0xabcd);
	assert_int_equal(filter_skip_range(XDPL_FILTER_NR_CLASSES, &mac, &lo, &hi), -EINVAL);
}

/* ---- verdicts ---- */

#define NRULES 48
#define NPROBES 400

struct pfx {
	__u8 a[16];
	unsigned int len;
	bool live;
};

static unsigned int rnd(unsigned int n)
{
	return (unsigned int)random() % n;
}

static bool covers(const struct pfx *p, const __u8 *a)
{
	unsigned int i;

	for (i = 0; i < p->len / 8; i++)
		if (p->a[i] != a[i])
			return false;
	return !(p->len % 8) || !((p->a[i] ^ a[i]) & (0xff00 >> (p->len % 8)));
}

/* a random prefix of @bytes bytes: lengths around the bucket bits, host bits clear */
static void random_prefix(struct pfx *p, int bytes)
{
	unsigned int i, max = bytes * 8;

	memset(p, 0, sizeof(*p));
	for (i = 0; i < (unsigned int)bytes; i++)
		p->a[i] = rnd(256);
	/* a few /8 of IPv4 (and of the IPv6 bucket's bits) so that prefixes meet */
	p->a[bytes == 4 ? 0 : 2] = 10 + rnd(8);
	/* mostly longer than the bucket's 16 bits; sometimes shorter, covering many */
	p->len = bytes == 4 ? (rnd(8) ? 16 + rnd(17) : 9 + rnd(7)) : 8 + rnd(57);
	if (p->len > max)
		p->len = max;
	for (i = p->len; i < max; i++)
		p->a[i / 8] &= ~(0x80 >> (i % 8));
	p->live = true;
}

/* an address near @p: its prefix, then random bits (or anywhere, one time in four) */
static void probe_near(const struct pfx *p, __u8 *a, int bytes)
{
	unsigned int i, keep = rnd(4) ? p->len : rnd(17);

	for (i = 0; i < (unsigned int)bytes; i++)
		a[i] = rnd(256);
	for (i = 0; i < keep; i++) {
		__u8 bit = 0x80 >> (i % 8);

		a[i / 8] = (a[i / 8] & ~bit) | (p->a[i / 8] & bit);
	}
}

static void rule_of(const struct pfx *p, int bytes, struct filter_rule *r)
{
	char buf[INET6_ADDRSTRLEN + 8], err[160];
	size_t n;

	inet_ntop(bytes == 4 ? AF_INET : AF_INET6, p->a, buf, sizeof(buf));
	n = strlen(buf);
	snprintf(buf + n, sizeof(buf) - n, "/%u", p->len);
	memset(r, 0, sizeof(*r));
	assert_int_equal(filter_parse_ip(buf, r, err, sizeof(err)), 0);
	r->dir = XDPL_FILTER_SRC;
}

static int verdict_of(struct prog *p, const __u8 *a, int bytes)
{
	char buf[INET6_ADDRSTRLEN];
	struct frame f;

	inet_ntop(bytes == 4 ? AF_INET : AF_INET6, a, buf, sizeof(buf));
	eth(&f, 0, "02:00:00:00:00:01");
	if (bytes == 4)
		ipv4_udp(&f, buf, 0, 9);
	else
		ipv6(&f, buf, 0, IPPROTO_UDP, 9);
	return frame_run(p, &f);
}

/* Every probe's verdict is the longest-prefix match's: drop when a live prefix covers it. */
static void check_probes(struct prog *p, const struct pfx *set, int bytes)
{
	int i, j, want, drops = 0, misses = 0;
	__u8 a[16];

	for (i = 0; i < NPROBES; i++) {
		probe_near(&set[rnd(NRULES)], a, bytes);
		want = XDP_PASS;
		for (j = 0; j < NRULES; j++)
			if (set[j].live && covers(&set[j], a))
				want = XDP_DROP;
		assert_int_equal(verdict_of(p, a, bytes), want);
		want == XDP_DROP ? drops++ : misses++;
	}
	/* the probes reach both sides, or the test proves nothing */
	assert_true(drops > NPROBES / 10);
	assert_true(misses > NPROBES / 10);
}

static void differential(struct prog *p, int bytes)
{
	struct filter_rule rules[NRULES];
	struct pfx set[NRULES];
	size_t added, present, removed;
	int i;

	for (i = 0; i < NRULES; i++) {
		random_prefix(&set[i], bytes);
		rule_of(&set[i], bytes, &rules[i]);
		assert_true(filter_add(&p->m, &rules[i]) >= 0);
	}
	check_probes(p, set, bytes);
	/* deletes set the bits of the buckets they leave empty: nothing else may go */
	for (i = 0; i < NRULES; i += 2) {
		int err = filter_del(&p->m, &rules[i]);

		assert_true(err == 0 || err == -ENOENT); /* -ENOENT: a prefix given twice */
		set[i].live = false;
	}
	/* (a prefix given twice stays while its other copy lives) */
	for (i = 1; i < NRULES; i += 2)
		set[i].live = true;
	for (i = 0; i < NRULES; i += 2) {
		int j;

		for (j = 1; j < NRULES; j += 2)
			if (set[j].len == set[i].len && !memcmp(set[j].a, set[i].a, 16))
				set[i].live = true;
	}
	check_probes(p, set, bytes);
	/* a swap to a new set: its buckets are open before the flip */
	for (i = 0; i < NRULES; i++) {
		random_prefix(&set[i], bytes);
		rule_of(&set[i], bytes, &rules[i]);
	}
	assert_int_equal(
		filter_swap(&p->m, rules, NRULES, NULL, 0, false, &added, &present, &removed), 0);
	check_probes(p, set, bytes);
	/* all clear (a set made before flt_skip) means every lookup is made: same verdicts */
	memset(p->m.skip_mem, 0,
	       XDPL_FILTER_NR_CLASSES * XDPL_FILTER_SKIP_WORDS * sizeof(*p->m.skip_mem));
	check_probes(p, set, bytes);
}

static void test_skip_verdicts_ipv4(void **state)
{
	struct prog *p = *state;

	if (!p)
		skip();
	srandom(4);
	differential(p, 4);
}

static void test_skip_verdicts_ipv6(void **state)
{
	struct prog *p = *state;

	if (!p)
		skip();
	srandom(6);
	differential(p, 16);
}

static bool skip_bit(struct prog *p, int cls, __u32 bucket)
{
	__u64 w = p->m.skip_mem[(size_t)cls * XDPL_FILTER_SKIP_WORDS + bucket / 64];

	return (w >> (bucket % 64)) & 1;
}

/* The bits really get set (else every lookup is made and nothing is gained). */
static void test_skip_bits_set(void **state)
{
	struct prog *p = *state;
	struct filter_rule r = {};
	char err[160];

	if (!p)
		skip();
	assert_non_null(p->m.skip_mem);
	rule_add(p, "ip", "198.18.7.0/24", XDPL_FILTER_DST, 0);
	rule_add(p, "port", "53", XDPL_FILTER_SRC, FILTER_PROTO_UDP);
	rule_add(p, "ether", "02:00:00:00:ab:cd", XDPL_FILTER_DST, 0);
	assert_false(skip_bit(p, XDPL_FILTER_CLASS_DST4, 0xc612));
	assert_true(skip_bit(p, XDPL_FILTER_CLASS_DST4, 0xc613));
	assert_true(skip_bit(p, XDPL_FILTER_CLASS_SRC4, 0xc612));
	assert_false(skip_bit(p, XDPL_FILTER_CLASS_PORT_SRC, 53));
	assert_true(skip_bit(p, XDPL_FILTER_CLASS_PORT_SRC, 54));
	assert_true(skip_bit(p, XDPL_FILTER_CLASS_PORT_DST, 53));
	assert_false(skip_bit(p, XDPL_FILTER_CLASS_ETHER_DST, 0xabcd));
	assert_true(skip_bit(p, XDPL_FILTER_CLASS_ETHER_SRC, 0xabcd));
	/* the rule's own bucket is skipped again once it is gone */
	assert_int_equal(filter_parse_ip("198.18.7.0/24", &r, err, sizeof(err)), 0);
	r.dir = XDPL_FILTER_DST;
	assert_int_equal(filter_del(&p->m, &r), 0);
	assert_true(skip_bit(p, XDPL_FILTER_CLASS_DST4, 0xc612));
}

/*
 * A swap killed just after its flip has not set the bits again: the new rules
 * must match already, so their buckets were opened before they were written.
 */
static void test_skip_swap_killed_after_flip(void **state)
{
	struct prog *p = *state;
	struct filter_rule r = {};
	size_t added, present, removed;
	__u8 a[4] = { 198, 18, 7, 9 };
	int status;
	char err[160];
	pid_t pid;

	if (!p)
		skip();
	rule_add(p, "ip", "203.0.113.0/24", XDPL_FILTER_SRC, 0);
	assert_true(skip_bit(p, XDPL_FILTER_CLASS_SRC4, 0xc612));
	assert_int_equal(filter_parse_ip("198.18.7.0/24", &r, err, sizeof(err)), 0);
	r.dir = XDPL_FILTER_SRC;
	pid = fork();
	assert_true(pid >= 0);
	if (!pid) {
		setenv("XDPLOAD_FAULT", "filter:flipped", 1);
		filter_swap(&p->m, &r, 1, NULL, 0, false, &added, &present, &removed);
		_exit(0);
	}
	assert_int_equal(waitpid(pid, &status, 0), pid);
	assert_true(WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL);
	assert_int_equal(verdict_of(p, a, 4), XDP_DROP);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_skip_range),
		cmocka_unit_test_setup_teardown(test_skip_verdicts_ipv4, setup_filter,
						teardown_prog),
		cmocka_unit_test_setup_teardown(test_skip_verdicts_ipv6, setup_filter,
						teardown_prog),
		cmocka_unit_test_setup_teardown(test_skip_bits_set, setup_filter, teardown_prog),
		cmocka_unit_test_setup_teardown(test_skip_swap_killed_after_flip, setup_filter,
						teardown_prog),
	};

	libbpf_set_print(NULL);
	return cmocka_run_group_tests(tests, NULL, NULL);
}

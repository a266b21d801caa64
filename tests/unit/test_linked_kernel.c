// SPDX-License-Identifier: GPL-2.0-only
/*
 * The linked dispatcher against the running kernel: compose the test components
 * in tests/progs (build/tests/progs/linked_*.o) and run packets through them with
 * BPF_PROG_TEST_RUN, checking verdicts and counters. Skips when not root.
 */
#include <errno.h>
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <linux/if_ether.h>
#include <linux/ip.h>
#include <linux/udp.h>
#include <arpa/inet.h>
#include <cmocka.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include <xdpload/dispatcher.h>
#include "error.h"
#include "linked/capture.h"
#include "linked/compose.h"

#define MAXC LINKED_MAX_COMPONENTS
#define PASS_MASK (1u << XDP_PASS)

struct tcomp {
	struct bpf_object *obj;
	struct linked_prog *lp;
	char label[64];
};

/* tests run from the top of the tree; LINKED_PROGS_DIR overrides */
static const char *progs_dir(void)
{
	return getenv("LINKED_PROGS_DIR") ?: "build/tests/progs";
}

typedef void (*tweak_fn)(struct bpf_object *obj, void *arg);

static int open_comp_tweak(struct tcomp *t, const char *file, const char *prog, tweak_fn tweak,
			   void *arg)
{
	struct bpf_program *p, *sel = NULL;
	char path[256];
	int err;

	/* a name from the test objects' directory, or a path */
	if (strchr(file, '/'))
		snprintf(path, sizeof(path), "%s", file);
	else
		snprintf(path, sizeof(path), "%s/%s.o", progs_dir(), file);
	snprintf(t->label, sizeof(t->label), "%s",
		 strrchr(file, '/') ? strrchr(file, '/') + 1 : file);
	t->obj = bpf_object__open_file(path, NULL);
	if (!t->obj) {
		fail_msg("cannot open %s: %s", path, strerror(errno));
		return -errno;
	}
	bpf_object__for_each_program (p, t->obj) {
		if (!prog || !strcmp(bpf_program__name(p), prog)) {
			sel = p;
			break;
		}
	}
	assert_non_null(sel);
	err = linked_capture_arm(sel);
	assert_int_equal(err, 0);
	if (tweak)
		tweak(t->obj, arg);
	err = bpf_object__load(t->obj);
	assert_int_equal(err, 0);
	err = linked_capture_take(sel, &t->lp);
	if (err)
		fail_msg("take: %s", xdpl_last_error()->msg);
	return 0;
}

static void open_comp(struct tcomp *t, const char *file, const char *prog)
{
	open_comp_tweak(t, file, prog, NULL, NULL);
}

static void close_comp(struct tcomp *t)
{
	linked_prog_free(t->lp);
	bpf_object__close(t->obj);
	memset(t, 0, sizeof(*t));
}

/* compose() calls every component (--no-inline) while this is set */
static bool no_inline;

static int compose(struct tcomp *t, const __u32 *masks, unsigned int n, bool counters,
		   struct linked_composite *out)
{
	struct linked_input in[MAXC + 8];
	struct linked_compose_opts o = { .no_counters = !counters, .no_inline = no_inline };
	unsigned int i;

	for (i = 0; i < n; i++) {
		in[i].label = t[i].label;
		in[i].prog = t[i].lp;
		in[i].chain_mask = masks ? masks[i] : PASS_MASK;
	}
	xdpl_err_clear();
	return linked_compose(in, n, &o, out);
}

static void compose_ok(struct tcomp *t, const __u32 *masks, unsigned int n, bool counters,
		       struct linked_composite *out)
{
	const struct xdpl_error *e = (xdpl_err_clear(), xdpl_last_error());
	int err = compose(t, masks, n, counters, out);

	if (err)
		fail_msg("compose: %d %s\n%s", err, e->msg, e->log);
	assert_true(out->prog_fd >= 0);
}

/*
 * 64-byte Ethernet + IPv4 + UDP frame from 10.0.0.1. The headers are built in
 * place-holders and copied: at offset 14 the IP header is not 4-byte aligned,
 * and UBSan (make check-asan) rightly objects to writing it through a pointer.
 */
static void make_packet(unsigned char *buf, size_t len)
{
	struct ethhdr eth = { .h_proto = htons(ETH_P_IP) };
	struct iphdr ip = { .version = 4, .ihl = 5, .ttl = 64, .protocol = IPPROTO_UDP };
	struct udphdr udp = { .source = htons(1234), .dest = htons(5678) };

	memset(buf, 0, len);
	memset(eth.h_dest, 0x02, ETH_ALEN);
	memset(eth.h_source, 0x04, ETH_ALEN);
	ip.tot_len = htons(len - sizeof(eth));
	ip.saddr = htonl(0x0a000001);
	ip.daddr = htonl(0x0a000002);
	udp.len = htons(len - sizeof(eth) - sizeof(ip));
	memcpy(buf, &eth, sizeof(eth));
	memcpy(buf + sizeof(eth), &ip, sizeof(ip));
	memcpy(buf + sizeof(eth) + sizeof(ip), &udp, sizeof(udp));
}

static int run(int fd, __u32 repeat, __u32 *duration)
{
	unsigned char pkt[64];
	LIBBPF_OPTS(bpf_test_run_opts, o, .data_in = pkt, .data_size_in = sizeof(pkt),
		    .repeat = repeat);
	int err;

	make_packet(pkt, sizeof(pkt));
	err = bpf_prog_test_run_opts(fd, &o);
	assert_int_equal(err, 0);
	if (duration)
		*duration = o.duration;
	return (int)o.retval;
}

static __u64 percpu_sum(int map_fd, __u32 key)
{
	int ncpu = libbpf_num_possible_cpus(), i;
	__u64 vals[256] = {}, sum = 0;

	assert_true(ncpu > 0 && ncpu <= 256);
	assert_int_equal(bpf_map_lookup_elem(map_fd, &key, vals), 0);
	for (i = 0; i < ncpu; i++)
		sum += vals[i];
	return sum;
}

static __u64 array_u64(int map_fd, __u32 key)
{
	__u64 v = 0;

	assert_int_equal(bpf_map_lookup_elem(map_fd, &key, &v), 0);
	return v;
}

static int map_fd(struct bpf_object *obj, const char *suffix)
{
	struct bpf_map *m;
	size_t l = strlen(suffix);

	bpf_object__for_each_map (m, obj) {
		const char *n = bpf_map__name(m);
		size_t nl = strlen(n);

		if (nl >= l && !strcmp(n + nl - l, suffix))
			return bpf_map__fd(m);
	}
	fail_msg("no map *%s", suffix);
	return -1;
}

static void counters(const struct linked_composite *c, unsigned int idx, __u64 *slots)
{
	assert_int_equal(linked_counters_read(c->counters_fd, idx, slots), 0);
}

/* ---- tests ---- */

static void test_count_drop(void **state)
{
	struct tcomp t[2];
	struct linked_composite c;
	__u64 s[XDPL_DISP_SLOTS];

	open_comp(&t[0], "linked_count", NULL);
	open_comp(&t[1], "linked_drop", NULL);
	compose_ok(t, NULL, 2, true, &c);
	assert_int_equal(run(c.prog_fd, 1, NULL), XDP_DROP);
	assert_int_equal(percpu_sum(map_fd(t[0].obj, "count_map"), 0), 1);
	assert_int_equal(run(c.prog_fd, 1000, NULL), XDP_DROP);
	assert_int_equal(percpu_sum(map_fd(t[0].obj, "count_map"), 0), 1001);
	counters(&c, 0, s);
	assert_int_equal(s[XDP_PASS], 1001);
	assert_int_equal(s[XDP_DROP], 0);
	counters(&c, 1, s);
	assert_int_equal(s[XDP_DROP], 1001);
	assert_int_equal(s[XDP_PASS], 0);
	assert_int_equal(linked_counters_read(c.counters_fd, 2, s), -ERANGE);
	linked_composite_close(&c);
	close_comp(&t[0]);
	close_comp(&t[1]);
}

/* the first action outside the mask is the verdict; later components do not run */
static void test_chain_mask(void **state)
{
	struct tcomp t[3];
	struct linked_composite c;
	__u32 masks[3] = { PASS_MASK, PASS_MASK, PASS_MASK };
	__u64 s[XDPL_DISP_SLOTS];
	int cnt;

	open_comp(&t[0], "linked_drop", NULL);
	open_comp(&t[1], "linked_count", NULL);
	open_comp(&t[2], "linked_pass", NULL);
	cnt = map_fd(t[1].obj, "count_map");
	compose_ok(t, masks, 3, true, &c);
	assert_int_equal(run(c.prog_fd, 5, NULL), XDP_DROP);
	assert_int_equal(percpu_sum(cnt, 0), 0);
	counters(&c, 1, s);
	assert_int_equal(s[XDP_PASS], 0);
	linked_composite_close(&c);

	masks[0] = PASS_MASK | (1u << XDP_DROP);
	compose_ok(t, masks, 3, true, &c);
	assert_int_equal(run(c.prog_fd, 5, NULL), XDP_PASS);
	assert_int_equal(percpu_sum(cnt, 0), 5);
	counters(&c, 0, s);
	assert_int_equal(s[XDP_DROP], 5);
	counters(&c, 2, s);
	assert_int_equal(s[XDP_PASS], 5);
	linked_composite_close(&c);

	/* an empty mask: the first component's action is always the verdict */
	masks[0] = 0;
	masks[1] = 0;
	compose_ok(&t[1], &masks[1], 2, false, &c);
	assert_int_equal(run(c.prog_fd, 1, NULL), XDP_PASS);
	assert_int_equal(percpu_sum(cnt, 0), 6);
	linked_composite_close(&c);
	for (cnt = 0; cnt < 3; cnt++)
		close_comp(&t[cnt]);
}

static void test_no_counters(void **state)
{
	struct tcomp t[2];
	struct linked_composite c;

	open_comp(&t[0], "linked_count", NULL);
	open_comp(&t[1], "linked_drop", NULL);
	compose_ok(t, NULL, 2, false, &c);
	assert_int_equal(c.counters_fd, -1);
	assert_int_equal(run(c.prog_fd, 3, NULL), XDP_DROP);
	assert_int_equal(percpu_sum(map_fd(t[0].obj, "count_map"), 0), 3);
	linked_composite_close(&c);
	close_comp(&t[0]);
	close_comp(&t[1]);
}

static void test_subprogs_global_func(void **state)
{
	struct tcomp t[2];
	struct linked_composite c;
	__u32 key = htonl(0x0a000001), val = 1;

	open_comp(&t[0], "linked_subprogs", NULL);
	open_comp(&t[1], "linked_count", NULL);
	compose_ok(t, NULL, 2, true, &c);
	assert_int_equal(run(c.prog_fd, 1, NULL), XDP_PASS);
	assert_int_equal(bpf_map_update_elem(map_fd(t[0].obj, "src_deny"), &key, &val, 0), 0);
	assert_int_equal(run(c.prog_fd, 1, NULL), XDP_DROP);
	assert_int_equal(percpu_sum(map_fd(t[1].obj, "count_map"), 0), 1);
	linked_composite_close(&c);
	close_comp(&t[0]);
	close_comp(&t[1]);
}

static void set_rodata_action(struct bpf_object *obj, void *arg)
{
	struct bpf_map *m;

	bpf_object__for_each_map (m, obj) {
		size_t sz;
		const void *v;
		char buf[64];

		if (!strstr(bpf_map__name(m), ".rodata"))
			continue;
		v = bpf_map__initial_value(m, &sz);
		assert_non_null(v);
		assert_true(sz >= sizeof(__u32) && sz <= sizeof(buf));
		memcpy(buf, v, sz);
		memcpy(buf, arg, sizeof(__u32));
		assert_int_equal(bpf_map__set_initial_value(m, buf, sz), 0);
	}
}

static void test_global_data(void **state)
{
	struct tcomp t[2];
	struct linked_composite c;
	__u32 act = XDP_DROP, zero = 0;
	__u64 add = 5, s[XDPL_DISP_SLOTS];
	int bss;

	open_comp_tweak(&t[0], "linked_global", NULL, set_rodata_action, &act);
	act = 7; /* not an XDP action: the "other" slot */
	open_comp_tweak(&t[1], "linked_global", NULL, set_rodata_action, &act);
	snprintf(t[1].label, sizeof(t[1].label), "linked_global#2");
	bss = map_fd(t[0].obj, ".bss");
	compose_ok(t, NULL, 2, true, &c);
	assert_int_equal(run(c.prog_fd, 2, NULL), XDP_DROP);
	assert_int_equal(array_u64(bss, 0), 2);
	/* .data changed after load is seen by the composite */
	assert_int_equal(bpf_map_update_elem(map_fd(t[0].obj, ".data"), &zero, &add, 0), 0);
	assert_int_equal(run(c.prog_fd, 1, NULL), XDP_DROP);
	assert_int_equal(array_u64(bss, 0), 7);
	assert_int_equal(array_u64(map_fd(t[1].obj, ".bss"), 0), 0);
	linked_composite_close(&c);

	/* component 1 returns 7 first: the verdict, counted as "other" */
	compose_ok(&t[1], NULL, 1, true, &c);
	assert_int_equal(run(c.prog_fd, 3, NULL), 7);
	counters(&c, 0, s);
	assert_int_equal(s[XDPL_DISP_SLOT_OTHER], 3);
	assert_int_equal(s[XDP_PASS] + s[XDP_DROP] + s[XDP_ABORTED], 0);
	linked_composite_close(&c);
	close_comp(&t[0]);
	close_comp(&t[1]);
}

/* a tail call replaces the component's frame only: its target's return is chain-checked */
static void test_tail_call(void **state)
{
	struct tcomp t[2];
	struct linked_composite c;
	__u64 s[XDPL_DISP_SLOTS];
	int cnt;

	open_comp(&t[0], "linked_tail", "lk_tail");
	open_comp(&t[1], "linked_drop", NULL);
	cnt = map_fd(t[0].obj, "tail_cnt");
	compose_ok(t, NULL, 2, true, &c);
	assert_int_equal(run(c.prog_fd, 4, NULL), XDP_DROP);
	assert_int_equal(array_u64(cnt, 0), 4);
	assert_int_equal(array_u64(cnt, 1), 0);
	assert_int_equal(array_u64(cnt, 2), 4);
	counters(&c, 0, s);
	assert_int_equal(s[XDP_PASS], 4);
	linked_composite_close(&c);
	close_comp(&t[0]);
	close_comp(&t[1]);
}

static void test_loop_voidctx_deep7(void **state)
{
	struct tcomp t[4];
	struct linked_composite c;
	int i;

	open_comp(&t[0], "linked_loop", NULL);
	open_comp(&t[1], "linked_voidctx", NULL);
	open_comp(&t[2], "linked_deep7", NULL);
	open_comp(&t[3], "linked_drop", NULL);
	compose_ok(t, NULL, 4, true, &c);
	assert_int_equal(run(c.prog_fd, 1, NULL), XDP_DROP);
	linked_composite_close(&c);
	for (i = 0; i < 4; i++)
		close_comp(&t[i]);
}

static void expect_fail(struct tcomp *t, unsigned int n, int code, const char *needle)
{
	struct linked_composite c;
	const struct xdpl_error *e = (xdpl_err_clear(), xdpl_last_error());
	int err = compose(t, NULL, n, true, &c);

	if (!err) {
		linked_composite_close(&c);
		fail_msg("composed, expected an error mentioning '%s'", needle);
	}
	assert_int_equal(c.prog_fd, -1);
	assert_int_equal(e->kind, code);
	if (!strstr(e->msg, needle))
		fail_msg("message '%s' does not mention '%s'", e->msg, needle);
}

static void test_deep8_refused(void **state)
{
	struct tcomp t[2];
	int fd;

	open_comp(&t[0], "linked_pass", NULL);
	open_comp(&t[1], "linked_deep8", NULL);
	expect_fail(t, 2, XDPL_ERR_CHAIN, "linked_deep8: nests calls 8 frames deep");
	/* alone, it is fine */
	fd = linked_prog_load_standalone(t[1].lp, t[1].label);
	if (fd < 0)
		fail_msg("standalone: %s\n%s", xdpl_last_error()->msg, xdpl_last_error()->log);
	assert_int_equal(run(fd, 1, NULL), XDP_PASS);
	close(fd);
	close_comp(&t[0]);
	close_comp(&t[1]);
}

static void test_license(void **state)
{
	struct tcomp t[3];
	struct linked_composite c;

	open_comp(&t[0], "linked_nongpl", NULL);
	open_comp(&t[1], "linked_pass", NULL);
	open_comp(&t[2], "linked_gplonly", NULL);
	assert_false(t[0].lp->gpl_compatible);
	assert_true(t[1].lp->gpl_compatible);
	compose_ok(t, NULL, 2, true, &c);
	assert_false(c.gpl);
	assert_int_equal(run(c.prog_fd, 1, NULL), XDP_PASS);
	linked_composite_close(&c);
	compose_ok(&t[1], NULL, 2, true, &c);
	assert_true(c.gpl);
	linked_composite_close(&c);
	expect_fail(t, 3, XDPL_ERR_CHAIN, "linked_gplonly: calls GPL-only helper");
	close_comp(&t[1]);
	close_comp(&t[2]);
	open_comp(&t[1], "linked_nongpl_printk", NULL);
	expect_fail(&t[1], 1, XDPL_ERR_CHAIN, "linked_nongpl_printk: calls GPL-only helper");
	close_comp(&t[0]);
	close_comp(&t[1]);
}

static void test_frags(void **state)
{
	struct tcomp t[3];
	struct linked_composite c;
	struct bpf_prog_info info = {};
	__u32 len = sizeof(info);
	int i;

	open_comp(&t[0], "linked_frags", NULL);
	open_comp(&t[1], "linked_frags2", NULL);
	open_comp(&t[2], "linked_pass", NULL);
	assert_true(t[0].lp->prog_flags & BPF_F_XDP_HAS_FRAGS);
	assert_false(t[2].lp->prog_flags & BPF_F_XDP_HAS_FRAGS);
	compose_ok(t, NULL, 2, true, &c);
	assert_true(c.prog_flags & BPF_F_XDP_HAS_FRAGS);
	assert_int_equal(bpf_obj_get_info_by_fd(c.prog_fd, &info, &len), 0);
	assert_int_equal(run(c.prog_fd, 1, NULL), XDP_PASS);
	linked_composite_close(&c);
	/* as in libxdp: one without frags turns them off for the whole chain */
	compose_ok(&t[1], NULL, 2, true, &c);
	assert_false(c.prog_flags & BPF_F_XDP_HAS_FRAGS);
	assert_int_equal(run(c.prog_fd, 1, NULL), XDP_PASS);
	linked_composite_close(&c);
	for (i = 0; i < 3; i++)
		close_comp(&t[i]);
}

static void test_standalone(void **state)
{
	const struct xdpl_error *e;
	struct tcomp t;
	struct bpf_prog_info info = {};
	__u32 len = sizeof(info);
	int fd;

	open_comp(&t, "linked_count", NULL);
	fd = linked_prog_load_standalone(t.lp, t.label);
	if (fd < 0)
		fail_msg("standalone: %s\n%s", xdpl_last_error()->msg, xdpl_last_error()->log);
	assert_int_equal(bpf_obj_get_info_by_fd(fd, &info, &len), 0);
	assert_string_equal(info.name, "lk_count");
	assert_true(info.id > 0);
	assert_int_equal(run(fd, 2, NULL), XDP_PASS);
	assert_int_equal(percpu_sum(map_fd(t.obj, "count_map"), 0), 2);
	close(fd);
	close_comp(&t);

	/* a non-GPL program calling a GPL-only helper: the verifier's refusal, with its log */
	open_comp(&t, "linked_nongpl_printk", NULL);
	xdpl_err_clear();
	fd = linked_prog_load_standalone(t.lp, t.label);
	assert_true(fd < 0);
	e = xdpl_last_error();
	assert_int_equal(e->kind, XDPL_ERR_VERIFIER);
	assert_non_null(strstr(e->msg, "linked_nongpl_printk"));
	assert_non_null(strstr(e->log, "GPL"));
	close_comp(&t);
}

static void test_chain_of_ten(void **state)
{
	struct tcomp t[11];
	struct linked_composite c;
	__u64 s[XDPL_DISP_SLOTS];
	int i;

	for (i = 0; i < 10; i++) {
		open_comp(&t[i], i % 2 ? "linked_count" : "linked_pass", NULL);
		snprintf(t[i].label, sizeof(t[i].label), "c%d", i);
	}
	open_comp(&t[10], "linked_drop", NULL);
	compose_ok(t, NULL, 11, true, &c);
	assert_int_equal(run(c.prog_fd, 10, NULL), XDP_DROP);
	for (i = 0; i < 10; i++) {
		counters(&c, i, s);
		assert_int_equal(s[XDP_PASS], 10);
		if (i % 2)
			assert_int_equal(percpu_sum(map_fd(t[i].obj, "count_map"), 0), 10);
	}
	counters(&c, 10, s);
	assert_int_equal(s[XDP_DROP], 10);
	linked_composite_close(&c);
	for (i = 0; i < 11; i++)
		close_comp(&t[i]);
}

/* LINKED_MAX_COMPONENTS compose (with counters); one more is refused by name */
static void test_max_components(void **state)
{
	static struct tcomp t[MAXC + 1];
	struct linked_composite c;
	const struct xdpl_error *e = (xdpl_err_clear(), xdpl_last_error());
	__u64 s[XDPL_DISP_SLOTS];
	int i;

	for (i = 0; i < MAXC + 1; i++)
		open_comp(&t[i], "linked_pass", NULL);
	compose_ok(t, NULL, MAXC, true, &c);
	assert_int_equal(run(c.prog_fd, 1, NULL), XDP_PASS);
	counters(&c, MAXC - 1, s);
	assert_int_equal(s[XDP_PASS], 1);
	linked_composite_close(&c);
	assert_int_equal(compose(t, NULL, MAXC + 1, true, &c), -E2BIG);
	assert_non_null(strstr(e->msg, "at most"));
	for (i = 0; i < MAXC + 1; i++)
		close_comp(&t[i]);
}

/* the kernel's 64 maps per program: 64 one-map components fit only without counters */
static void test_map_limit(void **state)
{
	static struct tcomp t[64];
	struct linked_composite c;
	const struct xdpl_error *e = (xdpl_err_clear(), xdpl_last_error());
	int i;

	for (i = 0; i < 64; i++) {
		open_comp(&t[i], "linked_count", NULL);
		snprintf(t[i].label, sizeof(t[i].label), "count%d", i);
	}
	compose_ok(t, NULL, 64, false, &c);
	assert_int_equal(run(c.prog_fd, 1, NULL), XDP_PASS);
	linked_composite_close(&c);
	assert_int_equal(compose(t, NULL, 64, true, &c), -E2BIG);
	/* the counters take two maps: the 63rd component is one too many */
	if (!strstr(e->msg, "count62: with it the chain needs more than the kernel's 64 maps "
			    "per program (66 in all"))
		fail_msg("%s", e->msg);
	compose_ok(t, NULL, 62, true, &c);
	assert_int_equal(run(c.prog_fd, 1, NULL), XDP_PASS);
	linked_composite_close(&c);
	for (i = 0; i < 64; i++)
		close_comp(&t[i]);
}

/* a component without func_info (.BTF.ext stripped): its functions get generated records */
static void test_no_func_info(void **state)
{
	struct tcomp t[2];
	struct linked_composite c;
	char cmd[512], dir[] = "/tmp/xdpl-nofi-XXXXXX";

	assert_non_null(mkdtemp(dir));
	snprintf(cmd, sizeof(cmd),
		 "llvm-objcopy --remove-section .BTF.ext %s/linked_deep7.o %s/nofi.o 2>/dev/null",
		 progs_dir(), dir);
	if (system(cmd)) {
		rmdir(dir);
		skip();
	}
	snprintf(cmd, sizeof(cmd), "%s/nofi.o", dir);
	open_comp(&t[0], cmd, NULL);
	unlink(cmd);
	rmdir(dir);
	assert_int_equal(t[0].lp->func_info_cnt, 0);
	open_comp(&t[1], "linked_loop", NULL);
	no_inline = true;
	compose_ok(t, NULL, 2, true, &c);
	no_inline = false;
	/* dispatcher + 7 generated + bpf_loop's entry and callback */
	assert_int_equal(c.func_info_cnt, 1 + 7 + 2);
	assert_int_equal(c.line_info_cnt, 0);
	assert_int_equal(run(c.prog_fd, 1, NULL), XDP_PASS);
	linked_composite_close(&c);
	/* inlined, the two main functions are the dispatcher's: their records go */
	compose_ok(t, NULL, 2, true, &c);
	assert_true(c.inlined[0] && c.inlined[1]);
	assert_int_equal(c.func_info_cnt, 1 + 6 + 1);
	assert_int_equal(run(c.prog_fd, 1, NULL), XDP_PASS);
	linked_composite_close(&c);
	close_comp(&t[0]);
	close_comp(&t[1]);
}

/* the dispatcher takes no stack, counters or not: a 504-byte component fits */
static void test_big_stack(void **state)
{
	struct tcomp t[2];
	struct linked_composite c;
	int counters;

	open_comp(&t[0], "linked_count", NULL);
	open_comp(&t[1], "linked_bigstack", NULL);
	for (counters = 0; counters < 2; counters++) {
		compose_ok(t, NULL, 2, counters, &c);
		assert_int_equal(run(c.prog_fd, 1, NULL), XDP_PASS);
		linked_composite_close(&c);
	}
	close_comp(&t[0]);
	close_comp(&t[1]);
}

/* reported, not asserted: timing belongs to bench/, but a glance here is cheap */
static void test_counter_cost(void **state)
{
	struct tcomp t[11];
	struct linked_composite a, b;
	__u32 da = 0, db = 0, x;
	int i, r;

	for (i = 0; i < 10; i++)
		open_comp(&t[i], "linked_pass", NULL);
	open_comp(&t[10], "linked_drop", NULL);
	compose_ok(t, NULL, 11, false, &a);
	compose_ok(t, NULL, 11, true, &b);
	for (r = 0; r < 3; r++) {
		run(a.prog_fd, 200000, &x);
		da = r ? (x < da ? x : da) : x;
		run(b.prog_fd, 200000, &x);
		db = r ? (x < db ? x : db) : x;
	}
	print_message("11 components: %u ns/pkt without counters, %u with (%.2fx)\n", da, db,
		      da ? (double)db / da : 0);
	linked_composite_close(&a);
	linked_composite_close(&b);
	for (i = 0; i < 11; i++)
		close_comp(&t[i]);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_count_drop),
		cmocka_unit_test(test_chain_mask),
		cmocka_unit_test(test_no_counters),
		cmocka_unit_test(test_subprogs_global_func),
		cmocka_unit_test(test_global_data),
		cmocka_unit_test(test_tail_call),
		cmocka_unit_test(test_loop_voidctx_deep7),
		cmocka_unit_test(test_deep8_refused),
		cmocka_unit_test(test_license),
		cmocka_unit_test(test_frags),
		cmocka_unit_test(test_standalone),
		cmocka_unit_test(test_chain_of_ten),
		cmocka_unit_test(test_max_components),
		cmocka_unit_test(test_map_limit),
		cmocka_unit_test(test_no_func_info),
		cmocka_unit_test(test_big_stack),
		cmocka_unit_test(test_counter_cost),
	};

	if (linked_capture_init()) {
		fprintf(stderr, "cannot register the capture handlers\n");
		return 1;
	}
	libbpf_set_print(NULL);
	if (geteuid() != 0) {
		printf("test_linked_kernel: not root, skipped\n");
		return 0;
	}
	return cmocka_run_group_tests(tests, NULL, NULL);
}

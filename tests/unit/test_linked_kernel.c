// SPDX-License-Identifier: GPL-2.0-only
/*
 * The linked dispatcher against the running kernel: compose the test components
 * in tests/progs (build/tests/progs/linked_*.o) and run packets through them with
 * BPF_PROG_TEST_RUN, checking verdicts and counters. Skips when not root. The
 * helpers (open_comp, compose_ok, run, counters...) are support/kernel_chain.h.
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
#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include <xdpload/dispatcher.h>
#include "error.h"
#include "linked/capture.h"
#include "linked/compose.h"
#include "support/kernel_chain.h"

static void test_count_drop(void **state)
{
	struct tcomp t[2];
	struct linked_composite c;
	__u64 s[XDPL_DISP_SLOTS];

	open_comp(&t[0], "linked_count", NULL);
	open_comp(&t[1], "linked_drop", NULL);
	compose_ok(t, NULL, 2, true, false, &c);
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
	compose_ok(t, masks, 3, true, false, &c);
	assert_int_equal(run(c.prog_fd, 5, NULL), XDP_DROP);
	assert_int_equal(percpu_sum(cnt, 0), 0);
	counters(&c, 1, s);
	assert_int_equal(s[XDP_PASS], 0);
	linked_composite_close(&c);

	masks[0] = PASS_MASK | (1u << XDP_DROP);
	compose_ok(t, masks, 3, true, false, &c);
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
	compose_ok(&t[1], &masks[1], 2, false, false, &c);
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
	compose_ok(t, NULL, 2, false, false, &c);
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
	compose_ok(t, NULL, 2, true, false, &c);
	assert_int_equal(run(c.prog_fd, 1, NULL), XDP_PASS);
	assert_int_equal(bpf_map_update_elem(map_fd(t[0].obj, "src_deny"), &key, &val, 0), 0);
	assert_int_equal(run(c.prog_fd, 1, NULL), XDP_DROP);
	assert_int_equal(percpu_sum(map_fd(t[1].obj, "count_map"), 0), 1);
	linked_composite_close(&c);
	close_comp(&t[0]);
	close_comp(&t[1]);
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
	compose_ok(t, NULL, 2, true, false, &c);
	assert_int_equal(run(c.prog_fd, 2, NULL), XDP_DROP);
	assert_int_equal(array_u64(bss, 0), 2);
	/* .data changed after load is seen by the composite */
	assert_int_equal(bpf_map_update_elem(map_fd(t[0].obj, ".data"), &zero, &add, 0), 0);
	assert_int_equal(run(c.prog_fd, 1, NULL), XDP_DROP);
	assert_int_equal(array_u64(bss, 0), 7);
	assert_int_equal(array_u64(map_fd(t[1].obj, ".bss"), 0), 0);
	linked_composite_close(&c);

	/* component 1 returns 7 first: the verdict, counted as "other" */
	compose_ok(&t[1], NULL, 1, true, false, &c);
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
	compose_ok(t, NULL, 2, true, false, &c);
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
	compose_ok(t, NULL, 4, true, false, &c);
	assert_int_equal(run(c.prog_fd, 1, NULL), XDP_DROP);
	linked_composite_close(&c);
	for (i = 0; i < 4; i++)
		close_comp(&t[i]);
}

static void expect_fail(struct tcomp *t, unsigned int n, int code, const char *needle)
{
	struct linked_composite c;
	const struct xdpl_error *e = (xdpl_err_clear(), xdpl_last_error());
	int err = compose(t, NULL, n, true, false, &c);

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
	compose_ok(t, NULL, 2, true, false, &c);
	assert_false(c.gpl);
	assert_int_equal(run(c.prog_fd, 1, NULL), XDP_PASS);
	linked_composite_close(&c);
	compose_ok(&t[1], NULL, 2, true, false, &c);
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
	compose_ok(t, NULL, 2, true, false, &c);
	assert_true(c.prog_flags & BPF_F_XDP_HAS_FRAGS);
	assert_int_equal(bpf_obj_get_info_by_fd(c.prog_fd, &info, &len), 0);
	assert_int_equal(run(c.prog_fd, 1, NULL), XDP_PASS);
	linked_composite_close(&c);
	/* as in libxdp: one without frags turns them off for the whole chain */
	compose_ok(&t[1], NULL, 2, true, false, &c);
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
	compose_ok(t, NULL, 11, true, false, &c);
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
	compose_ok(t, NULL, MAXC, true, false, &c);
	assert_int_equal(run(c.prog_fd, 1, NULL), XDP_PASS);
	counters(&c, MAXC - 1, s);
	assert_int_equal(s[XDP_PASS], 1);
	linked_composite_close(&c);
	assert_int_equal(compose(t, NULL, MAXC + 1, true, false, &c), -E2BIG);
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
	compose_ok(t, NULL, 64, false, false, &c);
	assert_int_equal(run(c.prog_fd, 1, NULL), XDP_PASS);
	linked_composite_close(&c);
	assert_int_equal(compose(t, NULL, 64, true, false, &c), -E2BIG);
	/* the counters take two maps: the 63rd component is one too many */
	if (!strstr(e->msg, "count62: with it the chain needs more than the kernel's 64 maps "
			    "per program (66 in all"))
		fail_msg("%s", e->msg);
	compose_ok(t, NULL, 62, true, false, &c);
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
	compose_ok(t, NULL, 2, true, true, &c); /* --no-inline */
	/* dispatcher + 7 generated + bpf_loop's entry and callback */
	assert_int_equal(c.func_info_cnt, 1 + 7 + 2);
	assert_int_equal(c.line_info_cnt, 0);
	assert_int_equal(run(c.prog_fd, 1, NULL), XDP_PASS);
	linked_composite_close(&c);
	/* inlined, the two main functions are the dispatcher's: their records go */
	compose_ok(t, NULL, 2, true, false, &c);
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
		compose_ok(t, NULL, 2, counters, false, &c);
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
	compose_ok(t, NULL, 11, false, false, &a);
	compose_ok(t, NULL, 11, true, false, &b);
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

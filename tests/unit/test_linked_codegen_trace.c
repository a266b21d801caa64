// SPDX-License-Identifier: GPL-2.0-only
/*
 * The traced variant of the linked dispatcher (codegen_trace.c), no kernel
 * needed: run on a small interpreter over every verdict combination
 * (support/codegen_sim.h), it must decide as the untraced chain does, count the
 * same, and call the tracer once, last, with the record saying who ran, what
 * each returned and the verdict.
 */
#include <errno.h>
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>
#include <linux/bpf.h>
#include <xdpload/dispatcher.h>
#include "linked/codegen.h"
#include "support/codegen_sim.h"

#pragma GCC diagnostic ignored "-Wmissing-field-initializers"

#define PASS (1u << XDP_PASS)
#define DROP (1u << XDP_DROP)
#define TX (1u << XDP_TX)

#define CNT_FD 3
#define KEY_FD 4
#define REC_FD 5

static const struct bpf_insn exit_insn = { .code = BPF_JMP | BPF_EXIT };

static void test_semantics(void **state)
{
	struct linked_gen_comp mixed[4] = {
		{ 10, PASS }, { 1, PASS | DROP | TX }, { 7, TX }, { 3, DROP }
	};
	struct linked_gen_comp notrail[3] = { { 3, PASS }, { 4, DROP }, { 5, 0 } };
	struct linked_gen_comp one[1] = { { 3, PASS } }, one_empty[1] = { { 3, 0 } };
	const unsigned int slots[4] = { 4, 0, 63, 9 };
	struct linked_gen_counters key_map = { .map_fd = CNT_FD, .key_fd = KEY_FD };
	struct linked_gen_counters slotted = { .map_fd = CNT_FD, .key_fd = KEY_FD, .slots = slots };
	struct linked_gen_counters bytes = {
		.map_fd = CNT_FD, .key_fd = KEY_FD, .slots = slots, .bytes = true
	};

	codegen_check_traced(mixed, 4, NULL, NULL);
	codegen_check_traced(mixed, 4, &key_map, NULL);
	codegen_check_traced(mixed, 4, &slotted, slots);
	codegen_check_traced(notrail, 3, NULL, NULL);
	codegen_check_traced(notrail, 3, &slotted, slots);
	codegen_check_traced(one, 1, NULL, NULL);
	codegen_check_traced(one, 1, &key_map, NULL);
	codegen_check_traced(one_empty, 1, &key_map, NULL);
	codegen_check_traced(mixed, 4, &bytes, slots);
	codegen_check_traced(notrail, 3, &bytes, slots);
}

/* Called layout only; the tracer and the bounds are checked before anything is emitted. */
static void test_refusals(void **state)
{
	struct linked_gen_comp c[2] = { { 1, PASS }, { 1, PASS } };
	const struct bpf_insn *insns[2] = { &exit_insn, &exit_insn };
	struct linked_gen_trace t = {
		.rec_fd = REC_FD, .key_fd = -1, .insns = &exit_insn, .insn_cnt = 1
	};
	struct bpf_insn *out = NULL;
	__u32 bases[2], cnt;

	c[1].inlined = true;
	assert_int_equal(
		linked_gen_composite_traced(c, insns, 2, NULL, &t, &out, &cnt, bases, NULL),
		-EINVAL);
	c[1].inlined = false;
	assert_int_equal(
		linked_gen_composite_traced(c, insns, 2, NULL, NULL, &out, &cnt, bases, NULL),
		-EINVAL);
	t.insn_cnt = 0;
	assert_int_equal(
		linked_gen_composite_traced(c, insns, 2, NULL, &t, &out, &cnt, bases, NULL),
		-EINVAL);
	t.insn_cnt = 1;
	assert_true(linked_gen_composite_traced(c, insns, 2, NULL, &t, &out, &cnt, bases, NULL) >
		    0);
	free(out);
}

/*
 * The untraced dispatcher is what it was: the traced one is another program,
 * and the same chain generated untraced before and after is identical.
 */
static void test_untraced_untouched(void **state)
{
	struct linked_gen_comp c[3] = { { 1, PASS }, { 1, PASS | DROP }, { 1, PASS } };
	const struct bpf_insn *insns[3] = { &exit_insn, &exit_insn, &exit_insn };
	struct linked_gen_counters cnt = { .map_fd = CNT_FD, .key_fd = KEY_FD };
	struct linked_gen_trace t = {
		.rec_fd = REC_FD, .key_fd = KEY_FD, .insns = &exit_insn, .insn_cnt = 1
	};
	struct bpf_insn *a = NULL, *b = NULL, *tr = NULL;
	__u32 bases[3], na, nb, nt;

	assert_int_equal(linked_gen_composite(c, insns, 3, &cnt, &a, &na, bases, NULL), 0);
	assert_true(linked_gen_composite_traced(c, insns, 3, &cnt, &t, &tr, &nt, bases, NULL) > 0);
	assert_int_equal(linked_gen_composite(c, insns, 3, &cnt, &b, &nb, bases, NULL), 0);
	assert_int_equal(na, nb);
	assert_memory_equal(a, b, na * sizeof(*a));
	assert_true(nt > na);
	free(a);
	free(b);
	free(tr);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_semantics),
		cmocka_unit_test(test_refusals),
		cmocka_unit_test(test_untraced_untouched),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}

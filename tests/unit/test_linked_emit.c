// SPDX-License-Identifier: GPL-2.0-only
/* The instruction macros and the label-resolving emitter (no kernel needed). */
#include <errno.h>
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>
#include <linux/bpf.h>
#include "linked/emit.h"
#include "support/insn_assert.h"

static void assert_insns(const struct bpf_insn *got, const struct bpf_insn *want, int cnt)
{
	int i;

	for (i = 0; i < cnt; i++)
		assert_insn(&got[i], want[i], i);
}

/* every macro against its encoding; the ld_imm64 forms take two slots */
static void test_macros(void **state)
{
	const struct bpf_insn got[] = {
		BPF_MOV64_REG(BPF_REG_6, BPF_REG_1),
		BPF_MOV64_IMM(BPF_REG_0, -3),
		BPF_MOV32_REG(BPF_REG_1, BPF_REG_0),
		BPF_MOV32_IMM(BPF_REG_1, 5),
		BPF_ALU64_IMM(BPF_LSH, BPF_REG_1, 3),
		BPF_ALU64_REG(BPF_ADD, BPF_REG_1, BPF_REG_7),
		BPF_LDX_MEM(BPF_DW, BPF_REG_2, BPF_REG_1, -8),
		BPF_STX_MEM(BPF_W, BPF_REG_10, BPF_REG_2, 16),
		BPF_ST_MEM(BPF_H, BPF_REG_10, -4, 7),
		BPF_JMP_IMM(BPF_JNE, BPF_REG_7, 0, 2),
		BPF_JMP_REG(BPF_JGT, BPF_REG_3, BPF_REG_4, -1),
		BPF_JMP32_IMM(BPF_JEQ, BPF_REG_0, XDP_DROP, 9),
		BPF_JMP_A(-5),
		BPF_EMIT_CALL(BPF_FUNC_map_lookup_elem),
		BPF_CALL_REL(12),
		BPF_EXIT_INSN(),
		BPF_RAW_INSN(BPF_ALU | BPF_NEG, BPF_REG_5, 0, 0, 0),
		BPF_LD_MAP_FD(BPF_REG_1, 42),
		BPF_LD_MAP_VALUE(BPF_REG_2, 43, 8),
		BPF_LD_IMM64(BPF_REG_3, 0x1122334455667788ull),
	};
	const struct bpf_insn want[] = {
		I(BPF_ALU64 | BPF_MOV | BPF_X, 6, 1, 0, 0),
		I(BPF_ALU64 | BPF_MOV | BPF_K, 0, 0, 0, -3),
		I(BPF_ALU | BPF_MOV | BPF_X, 1, 0, 0, 0),
		I(BPF_ALU | BPF_MOV | BPF_K, 1, 0, 0, 5),
		I(BPF_ALU64 | BPF_LSH | BPF_K, 1, 0, 0, 3),
		I(BPF_ALU64 | BPF_ADD | BPF_X, 1, 7, 0, 0),
		I(BPF_LDX | BPF_MEM | BPF_DW, 2, 1, -8, 0),
		I(BPF_STX | BPF_MEM | BPF_W, 10, 2, 16, 0),
		I(BPF_ST | BPF_MEM | BPF_H, 10, 0, -4, 7),
		I(BPF_JMP | BPF_JNE | BPF_K, 7, 0, 2, 0),
		I(BPF_JMP | BPF_JGT | BPF_X, 3, 4, -1, 0),
		I(BPF_JMP32 | BPF_JEQ | BPF_K, 0, 0, 9, XDP_DROP),
		I(BPF_JMP | BPF_JA, 0, 0, -5, 0),
		I(BPF_JMP | BPF_CALL, 0, 0, 0, BPF_FUNC_map_lookup_elem),
		I(BPF_JMP | BPF_CALL, 0, BPF_PSEUDO_CALL, 0, 12),
		I(BPF_JMP | BPF_EXIT, 0, 0, 0, 0),
		I(BPF_ALU | BPF_NEG, 5, 0, 0, 0),
		I(BPF_LD | BPF_IMM | BPF_DW, 1, BPF_PSEUDO_MAP_FD, 0, 42),
		I(0, 0, 0, 0, 0),
		I(BPF_LD | BPF_IMM | BPF_DW, 2, BPF_PSEUDO_MAP_VALUE, 0, 43),
		I(0, 0, 0, 0, 8),
		I(BPF_LD | BPF_IMM | BPF_DW, 3, 0, 0, 0x55667788),
		I(0, 0, 0, 0, 0x11223344),
	};

	assert_int_equal(sizeof(got), sizeof(want));
	assert_insns(got, want, sizeof(want) / sizeof(want[0]));
}

/* LINKED_EMIT appends one macro's slots or several macros' in order */
static void test_emit_appends(void **state)
{
	struct linked_emit e = LINKED_EMIT_INIT;
	const struct bpf_insn verbatim[2] = { I(BPF_ALU64 | BPF_ADD | BPF_K, 3, 0, 0, 1),
					      I(BPF_ALU64 | BPF_ADD | BPF_K, 3, 0, 0, 2) };
	const struct bpf_insn want[] = {
		I(BPF_ALU64 | BPF_MOV | BPF_X, 6, 1, 0, 0),
		I(BPF_LD | BPF_IMM | BPF_DW, 1, BPF_PSEUDO_MAP_FD, 0, 5),
		I(0, 0, 0, 0, 0),
		I(BPF_ALU64 | BPF_MOV | BPF_K, 0, 0, 0, XDP_PASS),
		I(BPF_JMP | BPF_EXIT, 0, 0, 0, 0),
		verbatim[0],
		verbatim[1],
		I(0, 0, 0, 0, 0),
		I(0, 0, 0, 0, 0),
	};

	LINKED_EMIT(&e, BPF_MOV64_REG(BPF_REG_6, BPF_REG_1));
	LINKED_EMIT(&e, BPF_LD_MAP_FD(BPF_REG_1, 5));
	assert_int_equal(e.len, 3);
	LINKED_EMIT(&e, BPF_MOV64_IMM(BPF_REG_0, XDP_PASS), BPF_EXIT_INSN());
	linked_emit_insns(&e, verbatim, 2);
	linked_emit_space(&e, 2);
	assert_int_equal(linked_emit_finish(&e), 9);
	assert_insns(e.insns, want, 9);
	linked_emit_free(&e);
	assert_null(e.insns);
	assert_int_equal(e.len, 0);
}

/* growing past the first allocation many times over keeps every slot */
static void test_grows(void **state)
{
	struct linked_emit e = LINKED_EMIT_INIT;
	int i;

	for (i = 0; i < 5000; i++)
		LINKED_EMIT(&e, BPF_MOV64_IMM(BPF_REG_0, i));
	assert_int_equal(linked_emit_finish(&e), 5000);
	for (i = 0; i < 5000; i++)
		assert_int_equal(e.insns[i].imm, i);
	linked_emit_free(&e);
}

static void test_label_forward(void **state)
{
	struct linked_emit e = LINKED_EMIT_INIT;
	int out = linked_emit_new_label(&e);

	linked_emit_jump(&e, BPF_JMP32_IMM(BPF_JEQ, BPF_REG_0, XDP_PASS, 0), out);
	linked_emit_jump(&e, BPF_JMP_A(0), out);
	LINKED_EMIT(&e, BPF_EXIT_INSN());
	linked_emit_label_place(&e, out);
	LINKED_EMIT(&e, BPF_MOV64_IMM(BPF_REG_0, 1), BPF_EXIT_INSN());
	assert_int_equal(linked_emit_finish(&e), 5);
	assert_int_equal(linked_emit_label_pos(&e, out), 3);
	/* the operands stay, only the offset is set */
	assert_insn(&e.insns[0], I(BPF_JMP32 | BPF_JEQ | BPF_K, 0, 0, 2, XDP_PASS), 0);
	assert_insn(&e.insns[1], I(BPF_JMP | BPF_JA, 0, 0, 1, 0), 1);
	linked_emit_free(&e);
}

/* a backward jump, and one to the very next slot (offset 0) */
static void test_label_backward(void **state)
{
	struct linked_emit e = LINKED_EMIT_INIT;
	int loop = linked_emit_new_label(&e), next = linked_emit_new_label(&e);

	LINKED_EMIT(&e, BPF_MOV64_IMM(BPF_REG_1, 3));
	linked_emit_label_place(&e, loop);
	LINKED_EMIT(&e, BPF_ALU64_IMM(BPF_SUB, BPF_REG_1, 1));
	linked_emit_jump(&e, BPF_JMP_IMM(BPF_JNE, BPF_REG_1, 0, 0), loop);
	linked_emit_jump(&e, BPF_JMP_A(0), next);
	linked_emit_label_place(&e, next);
	LINKED_EMIT(&e, BPF_EXIT_INSN());
	assert_int_equal(linked_emit_finish(&e), 5);
	assert_int_equal(e.insns[2].off, -2);
	assert_int_equal(e.insns[3].off, 0);
	linked_emit_free(&e);
}

/* a jump over ld_imm64 crosses two slots, and labels after it count both */
static void test_ld_imm64_two_slots(void **state)
{
	struct linked_emit e = LINKED_EMIT_INIT;
	int skip = linked_emit_new_label(&e), back = linked_emit_new_label(&e);

	linked_emit_jump(&e, BPF_JMP_IMM(BPF_JEQ, BPF_REG_1, 0, 0), skip);
	LINKED_EMIT(&e, BPF_LD_MAP_FD(BPF_REG_1, 7));
	LINKED_EMIT(&e, BPF_LD_IMM64(BPF_REG_2, 1ull << 40));
	linked_emit_label_place(&e, skip);
	linked_emit_label_place(&e, back);
	LINKED_EMIT(&e, BPF_MOV64_IMM(BPF_REG_0, 0));
	linked_emit_jump(&e, BPF_JMP_IMM(BPF_JGT, BPF_REG_0, 9, 0), back);
	LINKED_EMIT(&e, BPF_EXIT_INSN());
	assert_int_equal(linked_emit_finish(&e), 8);
	assert_int_equal(linked_emit_label_pos(&e, skip), 5);
	assert_int_equal(e.insns[0].off, 4);
	assert_int_equal(e.insns[6].off, -2);
	/* the second halves are untouched */
	assert_insn(&e.insns[2], I(0, 0, 0, 0, 0), 2);
	assert_insn(&e.insns[4], I(0, 0, 0, 0, 1 << 8), 4);
	linked_emit_free(&e);
}

/* a call's immediate, forward and back; a function label used by several calls */
static void test_call_targets(void **state)
{
	struct linked_emit e = LINKED_EMIT_INIT;
	int f = linked_emit_new_labels(&e, 2), main_again = linked_emit_new_label(&e);

	assert_int_equal(main_again, f + 2);
	linked_emit_call(&e, f);
	linked_emit_label_place(&e, main_again);
	linked_emit_call(&e, f + 1);
	LINKED_EMIT(&e, BPF_EXIT_INSN());
	linked_emit_label_place(&e, f);
	LINKED_EMIT(&e, BPF_LD_MAP_FD(BPF_REG_1, 3));
	linked_emit_call(&e, f + 1);
	LINKED_EMIT(&e, BPF_EXIT_INSN());
	linked_emit_label_place(&e, f + 1);
	linked_emit_call(&e, main_again); /* backward (the verifier would refuse the loop) */
	LINKED_EMIT(&e, BPF_MOV64_IMM(BPF_REG_0, 2), BPF_EXIT_INSN());
	assert_int_equal(linked_emit_finish(&e), 10);
	assert_insn(&e.insns[0], I(BPF_JMP | BPF_CALL, 0, BPF_PSEUDO_CALL, 0, 2), 0);
	assert_int_equal(e.insns[1].imm, 7 - 2);
	assert_int_equal(e.insns[5].imm, 7 - 6);
	assert_int_equal(e.insns[7].imm, 1 - 8);
	assert_int_equal(e.insns[7].off, 0);
	linked_emit_free(&e);
}

/* a callback reference: an ld_imm64 whose imm is PC-relative, the second slot untouched */
static void test_func_ref(void **state)
{
	struct linked_emit e = LINKED_EMIT_INIT;
	int cb = linked_emit_new_label(&e);

	LINKED_EMIT(&e, BPF_MOV64_IMM(BPF_REG_1, 4));
	linked_emit_func_ref(&e, BPF_REG_2, cb);
	LINKED_EMIT(&e, BPF_EMIT_CALL(BPF_FUNC_loop), BPF_EXIT_INSN());
	linked_emit_label_place(&e, cb);
	LINKED_EMIT(&e, BPF_MOV64_IMM(BPF_REG_0, 0), BPF_EXIT_INSN());
	assert_int_equal(linked_emit_finish(&e), 7);
	assert_insn(&e.insns[1], I(BPF_LD | BPF_IMM | BPF_DW, 2, BPF_PSEUDO_FUNC, 0, 5 - 2), 1);
	assert_insn(&e.insns[2], I(0, 0, 0, 0, 0), 2);
	linked_emit_free(&e);
}

static void test_unplaced_label(void **state)
{
	struct linked_emit e = LINKED_EMIT_INIT;
	int placed = linked_emit_new_label(&e), never = linked_emit_new_label(&e);

	linked_emit_jump(&e, BPF_JMP_A(0), placed);
	linked_emit_label_place(&e, placed);
	LINKED_EMIT(&e, BPF_EXIT_INSN());
	/* a label nothing targets need not be placed */
	assert_int_equal(linked_emit_finish(&e), 2);
	linked_emit_call(&e, never);
	assert_int_equal(linked_emit_finish(&e), -EINVAL);
	assert_int_equal(linked_emit_label_pos(&e, never), -1);
	linked_emit_free(&e);
}

static void test_label_misuse(void **state)
{
	struct linked_emit e = LINKED_EMIT_INIT;
	int l = linked_emit_new_label(&e);

	linked_emit_label_place(&e, l);
	linked_emit_label_place(&e, l); /* twice */
	assert_int_equal(linked_emit_finish(&e), -EINVAL);
	linked_emit_free(&e);

	linked_emit_jump(&e, BPF_JMP_A(0), 0); /* not made by this emitter */
	assert_int_equal(linked_emit_finish(&e), -EINVAL);
	linked_emit_free(&e);

	l = linked_emit_new_label(&e);
	linked_emit_label_place(&e, l + 1);
	assert_int_equal(linked_emit_finish(&e), -EINVAL);
	linked_emit_free(&e);

	/* a call, an exit and an ALU insn are not jumps */
	l = linked_emit_new_label(&e);
	linked_emit_label_place(&e, l);
	linked_emit_jump(&e, BPF_EMIT_CALL(BPF_FUNC_map_lookup_elem), l);
	assert_int_equal(linked_emit_finish(&e), -EINVAL);
	linked_emit_free(&e);
	l = linked_emit_new_label(&e);
	linked_emit_label_place(&e, l);
	linked_emit_jump(&e, BPF_EXIT_INSN(), l);
	linked_emit_jump(&e, BPF_MOV64_IMM(BPF_REG_0, 0), l);
	assert_int_equal(linked_emit_finish(&e), -EINVAL);
	linked_emit_free(&e);
}

/* the first error sticks: later emits are ignored and finish reports it */
static void test_error_sticks(void **state)
{
	struct linked_emit e = LINKED_EMIT_INIT;
	int l = linked_emit_new_label(&e);

	linked_emit_label_place(&e, l);
	linked_emit_label_place(&e, l);
	LINKED_EMIT(&e, BPF_EXIT_INSN());
	linked_emit_jump(&e, BPF_JMP_A(0), l);
	assert_int_equal(e.len, 0);
	assert_int_equal(linked_emit_finish(&e), -EINVAL);
	assert_int_equal(linked_emit_finish(&e), -EINVAL);
	linked_emit_free(&e);
}

/* a jump across skip slots of filler, forward or back */
static int jump_across(__u32 skip, bool backward, struct bpf_insn *jump)
{
	struct linked_emit e = LINKED_EMIT_INIT;
	int l = linked_emit_new_label(&e), len;

	if (backward)
		linked_emit_label_place(&e, l);
	if (!backward)
		linked_emit_jump(&e, BPF_JMP_A(0), l);
	linked_emit_space(&e, backward ? skip - 1 : skip);
	if (backward)
		linked_emit_jump(&e, BPF_JMP32_IMM(BPF_JLT, BPF_REG_1, 2, 0), l);
	else
		linked_emit_label_place(&e, l);
	LINKED_EMIT(&e, BPF_EXIT_INSN());
	len = linked_emit_finish(&e);
	if (len >= 0)
		*jump = e.insns[backward ? skip - 1 : 0];
	linked_emit_free(&e);
	return len;
}

static void test_jump_offset_limits(void **state)
{
	struct bpf_insn j;

	assert_true(jump_across(32767, false, &j) > 0);
	assert_int_equal(j.off, 32767);
	assert_int_equal(jump_across(32768, false, &j), -ERANGE);
	/* back to the label: -(skip) slots from the one after the jump */
	assert_true(jump_across(32768, true, &j) > 0);
	assert_int_equal(j.off, -32768);
	assert_int_equal(j.code, BPF_JMP32 | BPF_JLT | BPF_K);
	assert_int_equal(jump_across(32769, true, &j), -ERANGE);
}

/* calls and gotol keep their 32-bit immediate past the 16-bit range */
static void test_long_targets(void **state)
{
	struct linked_emit e = LINKED_EMIT_INIT;
	int f = linked_emit_new_label(&e);

	linked_emit_call(&e, f);
	linked_emit_jump(&e, BPF_RAW_INSN(BPF_JMP32 | BPF_JA, 0, 0, 0, 0), f);
	LINKED_EMIT(&e, BPF_EXIT_INSN());
	linked_emit_space(&e, 100000);
	linked_emit_label_place(&e, f);
	LINKED_EMIT(&e, BPF_MOV64_IMM(BPF_REG_0, 2), BPF_EXIT_INSN());
	assert_int_equal(linked_emit_finish(&e), 100005);
	assert_int_equal(e.insns[0].imm, 100003 - 1);
	assert_int_equal(e.insns[1].imm, 100003 - 2);
	assert_int_equal(e.insns[1].off, 0);
	linked_emit_free(&e);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_macros),	       cmocka_unit_test(test_emit_appends),
		cmocka_unit_test(test_grows),	       cmocka_unit_test(test_label_forward),
		cmocka_unit_test(test_label_backward), cmocka_unit_test(test_ld_imm64_two_slots),
		cmocka_unit_test(test_call_targets),   cmocka_unit_test(test_func_ref),
		cmocka_unit_test(test_unplaced_label), cmocka_unit_test(test_label_misuse),
		cmocka_unit_test(test_error_sticks),   cmocka_unit_test(test_jump_offset_limits),
		cmocka_unit_test(test_long_targets),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}

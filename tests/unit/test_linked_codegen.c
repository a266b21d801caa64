// SPDX-License-Identifier: GPL-2.0-only
/* The linked dispatcher's code generator and instruction analysis (no kernel needed). */
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
#include "support/insn_assert.h"

/* components are written { insn_cnt, chain_mask }: called, the inlining fields zero */
#pragma GCC diagnostic ignored "-Wmissing-field-initializers"

#define PASS (1u << XDP_PASS)
#define DROP (1u << XDP_DROP)
#define TX (1u << XDP_TX)

static bool is_call(const struct bpf_insn *i)
{
	return i->code == (BPF_JMP | BPF_CALL) && i->src_reg == BPF_PSEUDO_CALL;
}

/*
 * The exact program for two components without counters: one chained action
 * falls through to the next block and jumps to the trailer's exit otherwise
 * (after its r0 = XDP_PASS, so the verdict is what returns); two keep one JEQ
 * each over the block's own exit.
 */
static void test_exact_no_counters(void **state)
{
	struct linked_gen_comp c[2] = { { 3, PASS }, { 5, PASS | DROP } };
	struct bpf_insn out[32];
	__u32 bases[2];
	int len = linked_gen_dispatcher(c, 2, NULL, out, 32, bases);
	struct bpf_insn want[] = {
		I(BPF_ALU64 | BPF_MOV | BPF_X, 6, 1, 0, 0),	      /* r6 = r1 */
		I(BPF_ALU64 | BPF_MOV | BPF_X, 1, 6, 0, 0),	      /* r1 = r6 */
		I(BPF_JMP | BPF_CALL, 0, BPF_PSEUDO_CALL, 0, 11 - 3), /* call comp0 */
		I(BPF_JMP32 | BPF_JNE | BPF_K, 0, 0, 6, XDP_PASS),    /* if w0 != PASS goto 10 */
		I(BPF_ALU64 | BPF_MOV | BPF_X, 1, 6, 0, 0),
		I(BPF_JMP | BPF_CALL, 0, BPF_PSEUDO_CALL, 0, 14 - 6),
		I(BPF_JMP32 | BPF_JEQ | BPF_K, 0, 0, 2, XDP_DROP), /* goto 9 */
		I(BPF_JMP32 | BPF_JEQ | BPF_K, 0, 0, 1, XDP_PASS), /* goto 9 */
		I(BPF_JMP | BPF_EXIT, 0, 0, 0, 0),
		I(BPF_ALU64 | BPF_MOV | BPF_K, 0, 0, 0, XDP_PASS), /* end of chain */
		I(BPF_JMP | BPF_EXIT, 0, 0, 0, 0),
	};
	int i;

	assert_int_equal(len, 11);
	assert_int_equal(linked_gen_dispatcher_len(c, 2, NULL), 11);
	assert_int_equal(bases[0], 11);
	assert_int_equal(bases[1], 14);
	for (i = 0; i < len; i++)
		assert_insn(&out[i], want[i], i);
}

/*
 * No trailer (the last mask is empty): the single-action blocks jump to the
 * last block's exit, which returns r0 untouched. No extra exit is emitted.
 */
static void test_exact_no_trailer(void **state)
{
	struct linked_gen_comp c[3] = { { 2, PASS }, { 3, DROP }, { 4, 0 } };
	struct bpf_insn out[32];
	__u32 bases[3];
	int len = linked_gen_dispatcher(c, 3, NULL, out, 32, bases);
	struct bpf_insn want[] = {
		I(BPF_ALU64 | BPF_MOV | BPF_X, 6, 1, 0, 0),
		I(BPF_ALU64 | BPF_MOV | BPF_X, 1, 6, 0, 0),
		I(BPF_JMP | BPF_CALL, 0, BPF_PSEUDO_CALL, 0, 10 - 3),
		I(BPF_JMP32 | BPF_JNE | BPF_K, 0, 0, 5, XDP_PASS), /* goto 9 */
		I(BPF_ALU64 | BPF_MOV | BPF_X, 1, 6, 0, 0),
		I(BPF_JMP | BPF_CALL, 0, BPF_PSEUDO_CALL, 0, 12 - 6),
		I(BPF_JMP32 | BPF_JNE | BPF_K, 0, 0, 2, XDP_DROP), /* goto 9 */
		I(BPF_ALU64 | BPF_MOV | BPF_X, 1, 6, 0, 0),
		I(BPF_JMP | BPF_CALL, 0, BPF_PSEUDO_CALL, 0, 15 - 9),
		I(BPF_JMP | BPF_EXIT, 0, 0, 0, 0), /* 9: every verdict's exit */
	};
	int i;

	assert_int_equal(len, 10);
	assert_int_equal(linked_gen_dispatcher_len(c, 3, NULL), 10);
	assert_int_equal(bases[0], 10);
	assert_int_equal(bases[1], 12);
	assert_int_equal(bases[2], 15);
	for (i = 0; i < len; i++)
		assert_insn(&out[i], want[i], i);
}

/*
 * ncomp single-action (PASS) blocks from first, the trailer ending in vexit,
 * then one out-of-line fix block per component.
 */
static void check_count_blocks(const struct bpf_insn *out, int len, int first, int ncomp)
{
	int vexit = first + ncomp * 10 + 1, k, j;

	assert_int_equal(len, vexit + 1 + 2 * ncomp);
	/* each component: r1 = r6; call; count into its own 64-byte stride; check */
	for (k = 0; k < ncomp; k++) {
		__s16 off = k * XDPL_DISP_STRIDE;
		int start = first + k * 10, fix = vexit + 1 + 2 * k;
		struct bpf_insn count[] = {
			I(BPF_ALU | BPF_MOV | BPF_X, 1, 0, 0, 0),
			/* not an action: out of line, the valid path falls through */
			I(BPF_JMP32 | BPF_JGT | BPF_K, 1, 0, fix - (start + 4), XDP_REDIRECT),
			I(BPF_ALU64 | BPF_LSH | BPF_K, 1, 0, 0, 3),
			I(BPF_ALU64 | BPF_ADD | BPF_X, 1, 7, 0, 0),
			I(BPF_LDX | BPF_MEM | BPF_DW, 2, 1, off, 0),
			I(BPF_ALU64 | BPF_ADD | BPF_K, 2, 0, 0, 1),
			I(BPF_STX | BPF_MEM | BPF_DW, 1, 2, off, 0),
		};

		assert_insn(&out[start], I(BPF_ALU64 | BPF_MOV | BPF_X, 1, 6, 0, 0), start);
		assert_true(is_call(&out[start + 1]));
		for (j = 0; j < 7; j++)
			assert_insn(&out[start + 2 + j], count[j], start + 2 + j);
		/* the count sees the verdict before the check, as it did */
		assert_insn(&out[start + 9],
			    I(BPF_JMP32 | BPF_JNE | BPF_K, 0, 0, vexit - (start + 10), XDP_PASS),
			    start + 9);
		/* fix: w1 = OTHER; goto back (the insn after the JGT) */
		assert_insn(&out[fix], I(BPF_ALU | BPF_MOV | BPF_K, 1, 0, 0, XDPL_DISP_SLOT_OTHER),
			    fix);
		assert_insn(&out[fix + 1], I(BPF_JMP | BPF_JA, 0, 0, start + 4 - (fix + 2), 0),
			    fix + 1);
	}
	assert_insn(&out[vexit - 1], I(BPF_ALU64 | BPF_MOV | BPF_K, 0, 0, 0, XDP_PASS), vexit - 1);
	assert_insn(&out[vexit], I(BPF_JMP | BPF_EXIT, 0, 0, 0, 0), vexit);
}

/* the key is a map value: no stack in the dispatcher */
static void test_exact_counters_key_map(void **state)
{
	struct linked_gen_comp c[2] = { { 4, PASS }, { 4, PASS } };
	struct linked_gen_counters cnt = { .map_fd = 42, .key_fd = 43 };
	struct bpf_insn out[64];
	__u32 bases[2];
	int len = linked_gen_dispatcher(c, 2, &cnt, out, 64, bases), pc;
	struct bpf_insn prologue[] = {
		I(BPF_ALU64 | BPF_MOV | BPF_X, 6, 1, 0, 0),
		I(BPF_LD | BPF_IMM | BPF_DW, 1, BPF_PSEUDO_MAP_FD, 0, 42),
		I(0, 0, 0, 0, 0),
		I(BPF_LD | BPF_IMM | BPF_DW, 2, BPF_PSEUDO_MAP_VALUE, 0, 43), /* &key[0] */
		I(0, 0, 0, 0, 0),
		I(BPF_JMP | BPF_CALL, 0, 0, 0, BPF_FUNC_map_lookup_elem),
		I(BPF_ALU64 | BPF_MOV | BPF_X, 7, 0, 0, 0),
		I(BPF_JMP | BPF_JNE | BPF_K, 7, 0, 2, 0),
		I(BPF_ALU64 | BPF_MOV | BPF_K, 0, 0, 0, XDP_ABORTED),
		I(BPF_JMP | BPF_EXIT, 0, 0, 0, 0),
	};

	assert_int_equal(len, 10 + 2 * (2 + 7 + 1) + 2 + 2 * 2);
	assert_int_equal(linked_gen_dispatcher_len(c, 2, &cnt), len);
	for (pc = 0; pc < 10; pc++)
		assert_insn(&out[pc], prologue[pc], pc);
	/* nothing touches the stack */
	for (pc = 0; pc < len; pc++)
		assert_false(out[pc].dst_reg == BPF_REG_10 || out[pc].src_reg == BPF_REG_10);
	check_count_blocks(out, len, 10, 2);
}

/* without a key map, the key goes on the stack */
static void test_exact_counters_key_stack(void **state)
{
	struct linked_gen_comp c[2] = { { 4, PASS }, { 4, PASS } };
	struct linked_gen_counters cnt = { .map_fd = 42, .key_fd = -1 };
	struct bpf_insn out[64];
	__u32 bases[2];
	int len = linked_gen_dispatcher(c, 2, &cnt, out, 64, bases), pc;
	struct bpf_insn prologue[] = {
		I(BPF_ALU64 | BPF_MOV | BPF_X, 6, 1, 0, 0),
		I(BPF_LD | BPF_IMM | BPF_DW, 1, BPF_PSEUDO_MAP_FD, 0, 42),
		I(0, 0, 0, 0, 0),
		I(BPF_ST | BPF_MEM | BPF_W, 10, 0, -4, 0), /* key = 0 */
		I(BPF_ALU64 | BPF_MOV | BPF_X, 2, 10, 0, 0),
		I(BPF_ALU64 | BPF_ADD | BPF_K, 2, 0, 0, -4),
		I(BPF_JMP | BPF_CALL, 0, 0, 0, BPF_FUNC_map_lookup_elem),
		I(BPF_ALU64 | BPF_MOV | BPF_X, 7, 0, 0, 0),
		I(BPF_JMP | BPF_JNE | BPF_K, 7, 0, 2, 0),
		I(BPF_ALU64 | BPF_MOV | BPF_K, 0, 0, 0, XDP_ABORTED),
		I(BPF_JMP | BPF_EXIT, 0, 0, 0, 0),
	};

	assert_int_equal(len, 11 + 2 * (2 + 7 + 1) + 2 + 2 * 2);
	assert_int_equal(linked_gen_dispatcher_len(c, 2, &cnt), len);
	for (pc = 0; pc < 11; pc++)
		assert_insn(&out[pc], prologue[pc], pc);
	check_count_blocks(out, len, 11, 2);
}

/*
 * Every dispatcher call lands on its component. A block with one chained
 * action ends in its JNE to vexit (the main body's last insn, an exit) and
 * falls through to the next block; any other block has one JEQ per action to
 * the next block, then its own exit. With counters, each block's only other
 * jump is its JGT to its own fix block after vexit, which jumps back to the
 * insn after the JGT.
 */
static void check_blocks(const struct linked_gen_comp *c, unsigned int n,
			 const struct linked_gen_counters *cnt)
{
	struct bpf_insn out[512];
	__u32 bases[8], block[9];
	unsigned int reached = linked_gen_reached(c, n), k, calls = 0;
	bool trailer = reached == n && c[n - 1].chain_mask;
	int len, pc, jeqs, jnes, jgts, vexit, fix;

	len = linked_gen_dispatcher(c, n, cnt, out, 512, bases);
	vexit = len - 1 - (cnt ? 2 * (int)reached : 0);
	assert_true(len > 0);
	assert_int_equal(linked_gen_dispatcher_len(c, n, cnt), len);
	assert_int_equal(bases[0], len);
	for (k = 1; k < reached; k++)
		assert_int_equal(bases[k], bases[k - 1] + c[k - 1].insn_cnt);
	/* block k starts at the "r1 = r6" before its call */
	for (pc = 0; pc < len; pc++) {
		if (!is_call(&out[pc]))
			continue;
		assert_true(calls < reached);
		assert_int_equal(pc + 1 + out[pc].imm, bases[calls]);
		block[calls++] = pc - 1;
	}
	assert_int_equal(calls, reached);
	block[reached] = trailer ? vexit - 1 : vexit + 1;
	assert_int_equal(out[vexit].code, BPF_JMP | BPF_EXIT);
	if (trailer)
		assert_insn(&out[vexit - 1], I(BPF_ALU64 | BPF_MOV | BPF_K, 0, 0, 0, XDP_PASS),
			    vexit - 1);
	for (k = 0; k < reached; k++) {
		jeqs = jnes = jgts = 0;
		for (pc = block[k]; pc < (int)block[k + 1]; pc++) {
			if (out[pc].code == (BPF_JMP32 | BPF_JGT | BPF_K)) {
				fix = vexit + 1 + 2 * k;
				assert_int_equal(pc + 1 + out[pc].off, fix);
				assert_insn(
					&out[fix],
					I(BPF_ALU | BPF_MOV | BPF_K, 1, 0, 0, XDPL_DISP_SLOT_OTHER),
					fix);
				assert_int_equal(out[fix + 1].code, BPF_JMP | BPF_JA);
				assert_int_equal(fix + 2 + out[fix + 1].off, pc + 1);
				jgts++;
			}
			if (out[pc].code == (BPF_JMP32 | BPF_JNE | BPF_K) && !out[pc].dst_reg) {
				assert_int_equal(c[k].chain_mask, 1u << out[pc].imm);
				assert_int_equal(pc + 1 + out[pc].off, vexit);
				assert_int_equal(pc, block[k + 1] - 1); /* then falls through */
				jnes++;
			}
			if (out[pc].code != (BPF_JMP32 | BPF_JEQ | BPF_K) || out[pc].dst_reg)
				continue;
			assert_true(c[k].chain_mask & (1u << out[pc].imm));
			assert_int_equal(pc + 1 + out[pc].off, block[k + 1]);
			jeqs++;
		}
		assert_int_equal(jgts, cnt ? 1 : 0);
		if (__builtin_popcount(c[k].chain_mask) == 1) {
			assert_int_equal(jnes, 1);
			assert_int_equal(jeqs, 0);
		} else {
			assert_int_equal(jnes, 0);
			assert_int_equal(jeqs, __builtin_popcount(c[k].chain_mask));
			/* the block's last insn is the verdict's exit */
			assert_int_equal(out[block[k + 1] - 1].code, BPF_JMP | BPF_EXIT);
		}
	}
}

static void test_call_offsets_and_masks(void **state)
{
	struct linked_gen_comp c[5] = {
		{ 10, PASS }, { 1, PASS | DROP | TX }, { 7, 0xffffffffu },
		{ 2, DROP },  { 100, PASS },
	};
	/* ends in an empty mask: no trailer */
	struct linked_gen_comp notrail[4] = {
		{ 3, TX }, { 4, PASS | DROP }, { 5, PASS }, { 6, 0 }
	};
	/* single- then multi-action last: its JEQs land on the trailer */
	struct linked_gen_comp multilast[2] = { { 3, PASS }, { 4, PASS | TX } };
	struct linked_gen_counters cnt = { .map_fd = 3, .key_fd = 4 };
	struct bpf_insn out[256];
	__u32 bases[5];

	check_blocks(c, 5, NULL);
	check_blocks(c, 5, &cnt);
	check_blocks(notrail, 4, NULL);
	check_blocks(notrail, 4, &cnt);
	check_blocks(multilast, 2, NULL);
	check_blocks(multilast, 2, &cnt);
	/* too small an output buffer */
	assert_int_equal(linked_gen_dispatcher(c, 5, NULL, out, 10, bases), -EINVAL);
	assert_int_equal(linked_gen_dispatcher(c, 0, NULL, out, 256, bases), -EINVAL);
}

static void test_semantics(void **state)
{
	struct linked_gen_comp mixed[5] = {
		{ 10, PASS }, { 1, PASS | DROP | TX }, { 7, TX }, { 2, 0xffffffffu }, { 3, DROP },
	};
	struct linked_gen_comp notrail[3] = { { 3, PASS }, { 4, DROP }, { 5, 0 } };
	struct linked_gen_comp truncated[4] = {
		{ 3, PASS | TX }, { 4, PASS }, { 5, 0 }, { 6, PASS }
	};
	struct linked_gen_comp one[1] = { { 3, PASS } }, one_empty[1] = { { 3, 0 } };
	struct linked_gen_comp one_multi[1] = { { 3, PASS | DROP } };
	const unsigned int slots[5] = { 4, 0, 63, 9, 1 };
	struct linked_gen_counters key_map = { .map_fd = 3, .key_fd = 4 };
	struct linked_gen_counters key_stack = { .map_fd = 3, .key_fd = -1, .slots = slots };
	struct linked_gen_counters bytes = {
		.map_fd = 3, .key_fd = 4, .slots = slots, .bytes = true
	};
	const struct linked_gen_counters *cfgs[4] = { NULL, &key_map, &key_stack, &bytes };
	int i;

	for (i = 0; i < 4; i++) {
		codegen_check_semantics(mixed, 5, cfgs[i]);
		codegen_check_semantics(notrail, 3, cfgs[i]);
		codegen_check_semantics(truncated, 4, cfgs[i]); /* the 4th is never reached */
		codegen_check_semantics(one, 1, cfgs[i]);
		codegen_check_semantics(one_empty, 1, cfgs[i]);
		codegen_check_semantics(one_multi, 1, cfgs[i]);
	}
}

/*
 * The longest dispatcher: 64 components, every action chained, counters. The
 * first fix block's goto crosses nearly the whole body, within 16 bits.
 */
static void test_sixty_four(void **state)
{
	static struct linked_gen_comp c[64];
	static struct bpf_insn out[4096];
	struct linked_gen_counters cnt = { .map_fd = 3, .key_fd = -1 };
	__u32 bases[64];
	int len, pc, jgts = 0, vexit;
	unsigned int k;

	for (k = 0; k < 64; k++)
		c[k] = (struct linked_gen_comp){ 1, 0xffffffffu };
	len = linked_gen_dispatcher(c, 64, &cnt, out, 4096, bases);
	assert_int_equal(len, 11 + 64 * (2 + 7 + 33) + 2 + 64 * 2);
	vexit = len - 1 - 64 * 2;
	for (pc = 0; pc < vexit; pc++) {
		if (out[pc].code != (BPF_JMP32 | BPF_JGT | BPF_K))
			continue;
		assert_int_equal(pc + 1 + out[pc].off, vexit + 1 + 2 * jgts);
		assert_int_equal(vexit + 1 + 2 * jgts + 2 + out[vexit + 2 + 2 * jgts].off, pc + 1);
		jgts++;
	}
	assert_int_equal(jgts, 64);
}

/* After an empty mask nothing runs: the rest is left out (no unreachable code). */
static void test_empty_mask_truncates(void **state)
{
	struct linked_gen_comp c[3] = { { 2, PASS }, { 3, 0 }, { 4, PASS } };
	const struct bpf_insn a[2] = { I(BPF_ALU64 | BPF_MOV | BPF_K, 0, 0, 0, 2),
				       I(BPF_JMP | BPF_EXIT, 0, 0, 0, 0) };
	const struct bpf_insn b[3] = { I(BPF_ALU64 | BPF_MOV | BPF_K, 0, 0, 0, 1),
				       I(BPF_ALU64 | BPF_MOV | BPF_K, 0, 0, 0, 1),
				       I(BPF_JMP | BPF_EXIT, 0, 0, 0, 0) };
	const struct bpf_insn d[4] = {};
	const struct bpf_insn *insns[3] = { a, b, d };
	struct bpf_insn *out;
	__u32 cnt, bases[3];

	assert_int_equal(linked_gen_reached(c, 3), 2);
	assert_int_equal(linked_gen_dispatcher_len(c, 3, NULL), 1 + 3 + 3);
	assert_int_equal(linked_gen_composite(c, insns, 3, NULL, &out, &cnt, bases, NULL), 0);
	assert_int_equal(cnt, 7 + 2 + 3);
	assert_int_equal(bases[0], 7);
	assert_int_equal(bases[1], 9);
	assert_int_equal(bases[2], 0);
	/* the last reached block ends in its exit, no end-of-chain PASS */
	assert_int_equal(out[6].code, BPF_JMP | BPF_EXIT);
	assert_int_equal(out[5].code, BPF_JMP | BPF_CALL);
	/* and the first block's verdict jumps to that exit */
	assert_int_equal(out[3].code, BPF_JMP32 | BPF_JNE | BPF_K);
	assert_int_equal(3 + 1 + out[3].off, 6);
	assert_memory_equal(out + 7, a, sizeof(a));
	assert_memory_equal(out + 9, b, sizeof(b));
	free(out);
	/* the last component with an empty mask: no trailer either */
	c[1].chain_mask = PASS;
	c[2].chain_mask = 0;
	assert_int_equal(linked_gen_reached(c, 3), 3);
	assert_int_equal(linked_gen_dispatcher_len(c, 3, NULL), 1 + 3 + 3 + 3);
}

/* counter slots given per component: each counts into its own slot's 64 bytes */
static void test_counter_slots(void **state)
{
	struct linked_gen_comp c[3] = { { 1, PASS }, { 1, PASS }, { 1, PASS } };
	const unsigned int slots[3] = { 7, 0, 63 };
	struct linked_gen_counters cnt = { .map_fd = 9, .key_fd = 10, .slots = slots };
	struct bpf_insn out[64];
	__u32 bases[3];
	int len = linked_gen_dispatcher(c, 3, &cnt, out, 64, bases), pc, k = 0;

	assert_true(len > 0);
	for (pc = 0; pc < len; pc++) {
		if (out[pc].code != (BPF_LDX | BPF_MEM | BPF_DW))
			continue;
		assert_int_equal(out[pc].off, slots[k] * XDPL_DISP_STRIDE);
		assert_int_equal(out[pc + 2].code, BPF_STX | BPF_MEM | BPF_DW);
		assert_int_equal(out[pc + 2].off, slots[k] * XDPL_DISP_STRIDE);
		k++;
	}
	assert_int_equal(k, 3);
	/* a slot whose offset does not fit the instruction's 16 bits */
	{
		const unsigned int big[3] = { 0, 1, 512 };

		cnt.slots = big;
		assert_int_equal(linked_gen_dispatcher(c, 3, &cnt, out, 64, bases), -E2BIG);
	}
}

static void test_composite_verbatim(void **state)
{
	struct linked_gen_comp c[2] = { { 3, PASS }, { 2, PASS } };
	struct bpf_insn a[3], b[2], *out;
	const struct bpf_insn *insns[2] = { a, b };
	__u32 cnt, bases[2], i;

	for (i = 0; i < 3; i++)
		a[i] = I(BPF_ALU64 | BPF_ADD | BPF_K, 3, 0, 0, 100 + i);
	b[0] = I(BPF_JMP | BPF_CALL, 0, BPF_PSEUDO_CALL, 0, 0); /* PC-relative: unchanged */
	b[1] = I(BPF_JMP | BPF_EXIT, 0, 0, 0, 0);
	struct linked_gen_counters cfg = { .map_fd = 5, .key_fd = 6 };

	assert_int_equal(linked_gen_composite(c, insns, 2, &cfg, &out, &cnt, bases, NULL), 0);
	assert_int_equal(cnt, linked_gen_dispatcher_len(c, 2, &cfg) + 5);
	assert_memory_equal(out + bases[0], a, sizeof(a));
	assert_memory_equal(out + bases[1], b, sizeof(b));
	assert_int_equal(bases[1] + 2, cnt);
	free(out);
}

/* main -> f1 -> f2 -> (callback) f3: 4 frames; ld_imm64 second halves skipped */
static const struct bpf_insn deep_prog[] = {
	/* 0 main */ I(BPF_JMP | BPF_CALL, 0, BPF_PSEUDO_CALL, 0, 3), /* -> 4 */
	/* 1 */ I(BPF_LD | BPF_IMM | BPF_DW, 1, BPF_PSEUDO_MAP_FD, 0, 7),
	/* 2 */ I(0, 0, 0, 0, 0),
	/* 3 */ I(BPF_JMP | BPF_EXIT, 0, 0, 0, 0),
	/* 4 f1 */ I(BPF_JMP | BPF_CALL, 0, BPF_PSEUDO_CALL, 0, 1), /* -> 6 */
	/* 5 */ I(BPF_JMP | BPF_EXIT, 0, 0, 0, 0),
	/* 6 f2 */ I(BPF_LD | BPF_IMM | BPF_DW, 2, BPF_PSEUDO_FUNC, 0, 4), /* -> 11 */
	/* 7 */ I(0, 0, 0, 0, 0),
	/* 8 */ I(BPF_JMP | BPF_CALL, 0, 0, 0, BPF_FUNC_loop),
	/* 9 */ I(BPF_LD | BPF_IMM | BPF_DW, 1, BPF_PSEUDO_MAP_VALUE, 0, 8),
	/* 10 */ I(0, 0, 0, 0, 0),
	/* 11 f3 */ I(BPF_JMP | BPF_CALL, 0, 0, 0, BPF_FUNC_map_lookup_elem),
	/* 12 */ I(BPF_LD | BPF_IMM | BPF_DW, 1, BPF_PSEUDO_MAP_FD, 0, 7),
	/* 13 */ I(0, 0, 0, 0, 0),
	/* 14 */ I(BPF_JMP | BPF_CALL, 0, 0, 0, BPF_FUNC_loop),
	/* 15 */ I(BPF_JMP | BPF_EXIT, 0, 0, 0, 0),
};
#define DEEP_CNT (sizeof(deep_prog) / sizeof(deep_prog[0]))

static void test_funcs_and_depth(void **state)
{
	__u32 starts[8];

	assert_int_equal(linked_insn_funcs(deep_prog, DEEP_CNT, starts, 8), 4);
	assert_int_equal(starts[0], 0);
	assert_int_equal(starts[1], 4);
	assert_int_equal(starts[2], 6);
	assert_int_equal(starts[3], 11);
	assert_int_equal(linked_insn_funcs(deep_prog, DEEP_CNT, starts, 3), -E2BIG);
	assert_int_equal(linked_insn_call_depth(deep_prog, DEEP_CNT), 4);
	/* main alone */
	assert_int_equal(linked_insn_call_depth(deep_prog + 3, 1), 1);
}

static void test_depth_errors(void **state)
{
	struct bpf_insn rec[] = {
		I(BPF_JMP | BPF_CALL, 0, BPF_PSEUDO_CALL, 0, 1), /* -> 2 */
		I(BPF_JMP | BPF_EXIT, 0, 0, 0, 0),
		I(BPF_JMP | BPF_CALL, 0, BPF_PSEUDO_CALL, 0, -1), /* -> 2: recursion */
		I(BPF_JMP | BPF_EXIT, 0, 0, 0, 0),
	};
	struct bpf_insn out_of_range[] = {
		I(BPF_JMP | BPF_CALL, 0, BPF_PSEUDO_CALL, 0, 10),
		I(BPF_JMP | BPF_EXIT, 0, 0, 0, 0),
	};

	assert_int_equal(linked_insn_call_depth(rec, 4), -ELOOP);
	assert_int_equal(linked_insn_call_depth(out_of_range, 2), -EINVAL);
}

/* a chain 8 deep, built as main + 7 functions each calling the next */
static void test_depth_eight(void **state)
{
	struct bpf_insn p[16];
	int f;

	for (f = 0; f < 8; f++) {
		p[2 * f] = f < 7 ? I(BPF_JMP | BPF_CALL, 0, BPF_PSEUDO_CALL, 0, 1)
				 : I(BPF_ALU64 | BPF_MOV | BPF_K, 0, 0, 0, 2);
		p[2 * f + 1] = I(BPF_JMP | BPF_EXIT, 0, 0, 0, 0);
	}
	assert_int_equal(linked_insn_call_depth(p, 16), 8);
	assert_int_equal(linked_insn_call_depth(p + 2, 14), 7);
}

static void test_kfunc_helpers_maps(void **state)
{
	struct bpf_insn k[] = {
		I(BPF_JMP | BPF_CALL, 0, BPF_PSEUDO_KFUNC_CALL, 0, 1234), /* vmlinux kfunc */
		I(BPF_LD | BPF_IMM | BPF_DW, 1, BPF_PSEUDO_MAP_FD, 0, 7),
		/* second half of ld_imm64 that looks like a module kfunc call: not one */
		I(BPF_JMP | BPF_CALL, 0, BPF_PSEUDO_KFUNC_CALL, 3, 0),
		I(BPF_JMP | BPF_CALL, 0, BPF_PSEUDO_KFUNC_CALL, 2, 99), /* module kfunc */
		I(BPF_JMP | BPF_EXIT, 0, 0, 0, 0),
	};
	__u32 ids[8];
	int fds[8];

	assert_int_equal(linked_insn_find_module_kfunc(k, 5), 3);
	assert_int_equal(linked_insn_find_module_kfunc(k, 3), -1);
	assert_int_equal(linked_insn_helpers(deep_prog, DEEP_CNT, ids, 8), 2);
	assert_int_equal(ids[0], BPF_FUNC_loop);
	assert_int_equal(ids[1], BPF_FUNC_map_lookup_elem);
	assert_int_equal(linked_insn_helpers(deep_prog, DEEP_CNT, ids, 1), 1);
	assert_int_equal(linked_insn_map_fds(deep_prog, DEEP_CNT, fds, 8), 2);
	assert_int_equal(fds[0], 7);
	assert_int_equal(fds[1], 8);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_exact_no_counters),
		cmocka_unit_test(test_exact_no_trailer),
		cmocka_unit_test(test_exact_counters_key_map),
		cmocka_unit_test(test_exact_counters_key_stack),
		cmocka_unit_test(test_call_offsets_and_masks),
		cmocka_unit_test(test_semantics),
		cmocka_unit_test(test_sixty_four),
		cmocka_unit_test(test_empty_mask_truncates),
		cmocka_unit_test(test_counter_slots),
		cmocka_unit_test(test_composite_verbatim),
		cmocka_unit_test(test_funcs_and_depth),
		cmocka_unit_test(test_depth_errors),
		cmocka_unit_test(test_depth_eight),
		cmocka_unit_test(test_kfunc_helpers_maps),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}

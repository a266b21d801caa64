// SPDX-License-Identifier: GPL-2.0-only
/*
 * The inlining layout of the linked dispatcher, no kernel needed: exact
 * instructions, an interpreter (support/inline_sim.h) that runs real component
 * code (inlined in the dispatcher's body or called in frames of their own, with
 * subprograms, callbacks and stack) over every verdict combination
 * (support/chain_oracle.h), and the checks that decide what may be inlined and
 * what the stack allows.
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
#include "linked/emit.h"
#include "linked/inline.h"
#include "support/chain_oracle.h"
#include "support/inline_sim.h"
#include "support/insn_assert.h"

#define PASS (1u << XDP_PASS)
#define DROP (1u << XDP_DROP)
#define TX (1u << XDP_TX)

/* ---- test components: component k returns ctx->verdict[k] ---- */

#define MAXI 24

enum kind { PLAIN, CLOBBER, SUBPROG, TAIL };

struct tc {
	enum kind kind;
	struct bpf_insn insns[MAXI * 2];
	__u32 cnt, stack;
};

/* r0 = verdict[k]; exit */
static void make(struct tc *c, enum kind kind, int k)
{
	struct bpf_insn plain[] = {
		BPF_LDX_MEM(BPF_W, BPF_REG_0, BPF_REG_1, 4 * k),
		BPF_EXIT_INSN(),
	};
	/* names r6..r9, keeps values on its stack and checks one back, two exits */
	struct bpf_insn clobber[] = {
		BPF_MOV64_REG(BPF_REG_6, BPF_REG_1),
		BPF_MOV64_IMM(BPF_REG_7, 0x77),
		BPF_MOV64_IMM(BPF_REG_8, 0x88),
		BPF_MOV64_IMM(BPF_REG_9, 0x99),
		BPF_STX_MEM(BPF_DW, BPF_REG_10, BPF_REG_7, -8),
		BPF_STX_MEM(BPF_DW, BPF_REG_10, BPF_REG_8, -64),
		BPF_LDX_MEM(BPF_W, BPF_REG_0, BPF_REG_6, 4 * k),
		BPF_MOV64_IMM(BPF_REG_6, 0x66), /* the context is gone from r6 */
		BPF_JMP_IMM(BPF_JEQ, BPF_REG_0, XDP_DROP, 3),
		BPF_LDX_MEM(BPF_DW, BPF_REG_2, BPF_REG_10, -8),
		BPF_JMP_IMM(BPF_JNE, BPF_REG_2, 0x77, 2),
		BPF_EXIT_INSN(),
		BPF_EXIT_INSN(),
		BPF_MOV64_IMM(BPF_REG_0, 77), /* its stack was not its own */
		BPF_EXIT_INSN(),
	};
	/* bpf_loop(3, cb, &n) counting in its stack, then a subprogram for the verdict */
	struct bpf_insn subprog[] = {
		/* 0 */ BPF_MOV64_REG(BPF_REG_6, BPF_REG_1),
		/* 1 */ BPF_ST_MEM(BPF_DW, BPF_REG_10, -16, 0),
		/* 2 */ BPF_MOV64_IMM(BPF_REG_1, 3),
		/* 3 */ BPF_LD_IMM64_RAW(BPF_REG_2, BPF_PSEUDO_FUNC, 18 - 4),
		/* 5 */ BPF_MOV64_REG(BPF_REG_3, BPF_REG_10),
		/* 6 */ BPF_ALU64_IMM(BPF_ADD, BPF_REG_3, -16),
		/* 7 */ BPF_MOV64_IMM(BPF_REG_4, 0),
		/* 8 */ BPF_EMIT_CALL(BPF_FUNC_loop),
		/* 9 */ BPF_MOV64_REG(BPF_REG_1, BPF_REG_6),
		/* 10 */ BPF_CALL_REL(16 - 11),
		/* 11 */ BPF_LDX_MEM(BPF_DW, BPF_REG_2, BPF_REG_10, -16),
		/* 12 */ BPF_JMP_IMM(BPF_JNE, BPF_REG_2, 3, 1),
		/* 13 */ BPF_EXIT_INSN(),
		/* 14 */ BPF_MOV64_IMM(BPF_REG_0, 78), /* the callback did not count here */
		/* 15 */ BPF_EXIT_INSN(),
		/* 16: the subprogram */ BPF_LDX_MEM(BPF_W, BPF_REG_0, BPF_REG_1, 4 * k),
		/* 17 */ BPF_EXIT_INSN(),
		/* 18: the callback (index, ctx) */ BPF_LDX_MEM(BPF_DW, BPF_REG_3, BPF_REG_2, 0),
		/* 19 */ BPF_ALU64_IMM(BPF_ADD, BPF_REG_3, 1),
		/* 20 */ BPF_STX_MEM(BPF_DW, BPF_REG_2, BPF_REG_3, 0),
		/* 21 */ BPF_MOV64_IMM(BPF_REG_0, 0),
		/* 22 */ BPF_EXIT_INSN(),
	};
	/* a tail call that fails (an empty slot), then the verdict */
	struct bpf_insn tail[] = {
		BPF_MOV64_REG(BPF_REG_6, BPF_REG_1),
		BPF_LD_MAP_FD(BPF_REG_2, 99),
		BPF_MOV64_IMM(BPF_REG_3, 0),
		BPF_EMIT_CALL(BPF_FUNC_tail_call),
		BPF_LDX_MEM(BPF_W, BPF_REG_0, BPF_REG_6, 4 * k),
		BPF_EXIT_INSN(),
	};
	const struct bpf_insn *src[] = { plain, clobber, subprog, tail };
	const __u32 cnts[] = { 2, 15, 23, 7 }, stacks[] = { 0, 64, 16, 0 };

	c->kind = kind;
	c->cnt = cnts[kind];
	c->stack = stacks[kind];
	memcpy(c->insns, src[kind], c->cnt * sizeof(struct bpf_insn));
}

/* ---- every verdict combination, against the chain's meaning ---- */

struct chain {
	unsigned int n;
	enum kind kinds[6];
	__u32 masks[6];
	bool inlined[6];
};

static void build(const struct chain *ch, struct tc *tc, struct linked_gen_comp *gen,
		  const struct bpf_insn **insns)
{
	unsigned int k;

	for (k = 0; k < ch->n; k++) {
		make(&tc[k], ch->kinds[k], k);
		gen[k] = (struct linked_gen_comp){ .insn_cnt = tc[k].cnt,
						   .chain_mask = ch->masks[k],
						   .inlined = ch->inlined[k],
						   .stack = tc[k].stack };
		insns[k] = tc[k].insns;
	}
}

static void check_chain(const struct chain *ch, const struct linked_gen_counters *cnt)
{
	static struct inline_sim s;
	static __u64 want_cnt[64 * XDPL_DISP_WORDS];
	struct linked_gen_comp gen[6];
	const struct bpf_insn *insns[6];
	struct tc tc[6];
	struct bpf_insn *out;
	__u32 len, bases[6], want;
	unsigned int k, j, combo, combos = chain_combos(ch->n);
	__u64 got;

	build(ch, tc, gen, insns);
	assert_int_equal(linked_gen_composite(gen, insns, ch->n, cnt, &out, &len, bases, NULL), 0);
	memset(&s, 0, sizeof(s));
	memset(want_cnt, 0, sizeof(want_cnt));
	s.p = out;
	s.len = (int)len;
	s.bases = bases;
	s.n = linked_gen_reached(gen, ch->n);
	for (combo = 0; combo < combos; combo++) {
		chain_combo(combo, ch->n, s.ctx);
		got = inline_sim_run(&s);
		/* the sim's "data" and "data_end" are the first two verdicts */
		k = chain_expect(gen, ch->n, s.ctx, cnt ? cnt->slots : NULL, cnt && cnt->bytes,
				 (__u64)s.ctx[1] - (__u64)s.ctx[0], want_cnt, &want);
		for (j = 0; j <= k && j < ch->n; j++)
			if (j >= s.nran || s.ran[j] != j)
				fail_msg("combo %u: component %u did not run in its turn", combo,
					 j);
		assert_int_equal(s.nran, k < ch->n ? k + 1 : ch->n);
		if (got != want)
			fail_msg("combo %u: verdict %llu, want %llu", combo,
				 (unsigned long long)got, (unsigned long long)want);
	}
	if (cnt)
		assert_memory_equal(s.cnt, want_cnt, sizeof(s.cnt));
	free(out);
}

static void check_all_counters(const struct chain *ch)
{
	static const unsigned int slots[6] = { 4, 0, 63, 9, 1, 17 };
	struct linked_gen_counters key_map = { .map_fd = 3, .key_fd = 4 };
	struct linked_gen_counters given = { .map_fd = 3, .key_fd = 4, .slots = slots };
	struct linked_gen_counters bytes = {
		.map_fd = 3, .key_fd = 4, .slots = slots, .bytes = true
	};

	check_chain(ch, NULL);
	check_chain(ch, &key_map);
	check_chain(ch, &given);
	check_chain(ch, &bytes);
}

static void test_semantics_inlined(void **state)
{
	/* every kind inlined that can be, the clobbering ones forcing spill slots */
	struct chain all = { 4,
			     { PLAIN, CLOBBER, SUBPROG, CLOBBER },
			     { PASS, PASS | DROP, TX, PASS },
			     { true, true, true, true } };
	struct chain plain = { 3, { PLAIN, PLAIN, PLAIN }, { PASS, PASS, PASS }, { 1, 1, 1 } };
	/* mixed: the tail-calling one and others called between inlined ones */
	struct chain mixed = { 5,
			       { CLOBBER, TAIL, SUBPROG, PLAIN, CLOBBER },
			       { PASS, PASS | TX, PASS, 0xffffffffu, DROP },
			       { true, false, true, false, true } };
	/* an empty mask: the rest is never reached */
	struct chain cut = { 4,
			     { SUBPROG, CLOBBER, PLAIN, PLAIN },
			     { PASS | DROP, 0, PASS, PASS },
			     { true, true, true, true } };
	struct chain one = { 1, { CLOBBER }, { PASS }, { true } };
	struct chain one_empty = { 1, { SUBPROG }, { 0 }, { true } };

	check_all_counters(&all);
	check_all_counters(&plain);
	check_all_counters(&mixed);
	check_all_counters(&cut);
	check_all_counters(&one);
	check_all_counters(&one_empty);
}

/* the same chains called (--no-inline) through the same interpreter */
static void test_semantics_called(void **state)
{
	struct chain mixed = { 5,
			       { CLOBBER, TAIL, SUBPROG, PLAIN, CLOBBER },
			       { PASS, PASS | TX, PASS, 0xffffffffu, DROP },
			       { false, false, false, false, false } };

	check_all_counters(&mixed);
}

/* ---- exact instructions ---- */

/* two plain components inlined, no counters: bodies, gotos to the checks, out-of-line exits */
static void test_exact_plain(void **state)
{
	struct chain ch = { 2, { PLAIN, PLAIN }, { PASS, PASS }, { true, true } };
	struct linked_gen_comp gen[2];
	const struct bpf_insn *insns[2];
	struct tc tc[2];
	struct bpf_insn *out;
	struct linked_gen_place pl[2];
	__u32 len, bases[2];
	struct bpf_insn want[] = {
		I(BPF_ALU64 | BPF_MOV | BPF_X, 6, 1, 0, 0),	   /* 0: r6 = r1 */
		I(BPF_ALU64 | BPF_MOV | BPF_X, 1, 6, 0, 0),	   /* 1: r1 = r6 */
		I(BPF_LDX | BPF_MEM | BPF_W, 0, 1, 0, 0),	   /* 2: comp 0 */
		I(BPF_JMP | BPF_JA, 0, 0, 0, 0),		   /* 3: its exit: goto check */
		I(BPF_JMP32 | BPF_JNE | BPF_K, 0, 0, 6, XDP_PASS), /* 4: goto 11 */
		I(BPF_ALU64 | BPF_MOV | BPF_X, 1, 6, 0, 0),
		I(BPF_LDX | BPF_MEM | BPF_W, 0, 1, 4, 0), /* 6: comp 1 */
		I(BPF_JMP | BPF_JA, 0, 0, 0, 0),
		I(BPF_JMP32 | BPF_JNE | BPF_K, 0, 0, 3, XDP_PASS), /* 8: goto 12 */
		I(BPF_ALU64 | BPF_MOV | BPF_K, 0, 0, 0, XDP_PASS), /* end of chain */
		I(BPF_JMP | BPF_EXIT, 0, 0, 0, 0),
		I(BPF_JMP | BPF_EXIT, 0, 0, 0, 0), /* 11: comp 0's verdict */
		I(BPF_JMP | BPF_EXIT, 0, 0, 0, 0), /* 12: comp 1's */
	};
	__u32 k;

	build(&ch, tc, gen, insns);
	assert_int_equal(linked_gen_composite(gen, insns, 2, NULL, &out, &len, bases, pl), 0);
	assert_int_equal(len, sizeof(want) / sizeof(want[0]));
	for (k = 0; k < len; k++)
		assert_insn(&out[k], want[k], k);
	assert_int_equal(bases[0], 2);
	assert_int_equal(bases[1], 6);
	assert_int_equal(pl[1].main_len, 2);
	assert_int_equal(linked_gen_frame(gen, insns, 2, false), 0);
	/* no dispatcher-alone form: it is interleaved with the components */
	assert_int_equal(linked_gen_dispatcher_len(gen, 2, NULL), 0);
	assert_int_equal(linked_gen_dispatcher(gen, 2, NULL, out, len, bases), -EINVAL);
	free(out);
}

/*
 * A component naming r6..r9 with counters: the counters pointer is spilled
 * under its 64 bytes of stack and reloaded for the chained count, and for the
 * verdict's count out of line. One component: the context needs no slot.
 */
static void test_exact_spill_counters(void **state)
{
	struct chain ch = { 1, { CLOBBER }, { PASS }, { true } };
	struct linked_gen_counters cnt = { .map_fd = 42, .key_fd = 43 };
	struct linked_gen_comp gen[1];
	const struct bpf_insn *insns[1];
	struct tc tc[1];
	struct bpf_insn *out;
	__u32 len, bases[1], k, body;
	struct bpf_insn prologue[] = {
		I(BPF_ALU64 | BPF_MOV | BPF_X, 6, 1, 0, 0),
		I(BPF_LD | BPF_IMM | BPF_DW, 1, BPF_PSEUDO_MAP_FD, 0, 42),
		I(0, 0, 0, 0, 0),
		I(BPF_LD | BPF_IMM | BPF_DW, 2, BPF_PSEUDO_MAP_VALUE, 0, 43),
		I(0, 0, 0, 0, 0),
		I(BPF_JMP | BPF_CALL, 0, 0, 0, BPF_FUNC_map_lookup_elem),
		I(BPF_ALU64 | BPF_MOV | BPF_X, 7, 0, 0, 0),
		I(BPF_JMP | BPF_JNE | BPF_K, 7, 0, 2, 0),
		I(BPF_ALU64 | BPF_MOV | BPF_K, 0, 0, 0, XDP_ABORTED),
		I(BPF_JMP | BPF_EXIT, 0, 0, 0, 0),
		I(BPF_STX | BPF_MEM | BPF_DW, 10, 7, -72, 0), /* spill k below 64 bytes */
		I(BPF_ALU64 | BPF_MOV | BPF_X, 1, 6, 0, 0),
	};

	build(&ch, tc, gen, insns);
	assert_int_equal(linked_gen_frame(gen, insns, 1, true), 72);
	assert_int_equal(linked_gen_frame(gen, insns, 1, false), 64); /* nothing to spill */
	assert_int_equal(linked_gen_composite(gen, insns, 1, &cnt, &out, &len, bases, NULL), 0);
	for (k = 0; k < 12; k++)
		assert_insn(&out[k], prologue[k], k);
	assert_int_equal(bases[0], 12);
	/* the body, its three exits now gotos to the check after it */
	for (k = 0; k < 15; k++) {
		if (tc[0].insns[k].code == (BPF_JMP | BPF_EXIT))
			assert_insn(&out[12 + k], I(BPF_JMP | BPF_JA, 0, 0, 15 - k - 1, 0), 12 + k);
		else
			assert_insn(&out[12 + k], tc[0].insns[k], 12 + k);
	}
	body = 27;
	assert_insn(&out[body + 1], I(BPF_LDX | BPF_MEM | BPF_DW, 7, 10, -72, 0), body + 1);
	assert_insn(&out[body + 2], I(BPF_LDX | BPF_MEM | BPF_DW, 1, 7, XDP_PASS * 8, 0), body + 2);
	assert_insn(&out[body + 3], I(BPF_ALU64 | BPF_ADD | BPF_K, 1, 0, 0, 1), body + 3);
	assert_insn(&out[body + 4], I(BPF_STX | BPF_MEM | BPF_DW, 7, 1, XDP_PASS * 8, 0), body + 4);
	assert_insn(&out[body + 5], I(BPF_ALU64 | BPF_MOV | BPF_K, 0, 0, 0, XDP_PASS), body + 5);
	assert_insn(&out[body + 6], I(BPF_JMP | BPF_EXIT, 0, 0, 0, 0), body + 6);
	/* the verdict: JNE to its out-of-line count, which reloads k first */
	assert_insn(&out[body], I(BPF_JMP32 | BPF_JNE | BPF_K, 0, 0, 6, XDP_PASS), body);
	assert_insn(&out[body + 7], I(BPF_LDX | BPF_MEM | BPF_DW, 7, 10, -72, 0), body + 7);
	assert_insn(&out[body + 8], I(BPF_ALU | BPF_MOV | BPF_X, 1, 0, 0, 0), body + 8);
	assert_int_equal(out[body + 15].code, BPF_JMP | BPF_EXIT);
	assert_int_equal(len, body + 18);
	free(out);
}

/* calls and callback references of an inlined main go to its subprograms, after the body */
static void test_exact_subprogs_moved(void **state)
{
	struct chain ch = { 2, { SUBPROG, PLAIN }, { PASS, PASS }, { true, false } };
	struct linked_gen_comp gen[2];
	const struct bpf_insn *insns[2];
	struct linked_gen_place pl[2];
	struct tc tc[2];
	struct bpf_insn *out;
	__u32 len, bases[2], b;

	build(&ch, tc, gen, insns);
	assert_int_equal(linked_gen_composite(gen, insns, 2, NULL, &out, &len, bases, pl), 0);
	b = bases[0];
	assert_int_equal(pl[0].main_len, 16);
	/* after the body, in chain order: comp 0's subprograms, then the called comp 1 */
	assert_int_equal(pl[1].sub_base, pl[1].base + 2);
	assert_int_equal(pl[1].base, pl[0].sub_base + 7);
	assert_int_equal(pl[1].base + 2, len);
	assert_memory_equal(out + pl[0].sub_base, tc[0].insns + 16, 7 * sizeof(struct bpf_insn));
	assert_memory_equal(out + pl[1].base, tc[1].insns, 2 * sizeof(struct bpf_insn));
	/* the callback reference and the call, re-aimed */
	assert_int_equal(out[b + 3].src_reg, BPF_PSEUDO_FUNC);
	assert_int_equal(b + 3 + out[b + 3].imm + 1, pl[0].sub_base + 2);
	assert_int_equal(out[b + 10].src_reg, BPF_PSEUDO_CALL);
	assert_int_equal(b + 10 + out[b + 10].imm + 1, pl[0].sub_base);
	/* the called component's call lands on it */
	assert_true(linked_gen_frame(gen, insns, 2, true) == 16);
	free(out);
}

/* ---- what may be inlined ---- */

static void test_inline_check(void **state)
{
	struct linked_inline_info info;
	struct tc c;
	struct bpf_insn jump_out[] = {
		BPF_JMP_A(2), /* past main's end, into the subprogram */
		BPF_CALL_REL(1), BPF_EXIT_INSN(), BPF_MOV64_IMM(BPF_REG_0, 2), BPF_EXIT_INSN(),
	};
	struct bpf_insn back_in[] = {
		BPF_CALL_REL(1),
		BPF_EXIT_INSN(),
		BPF_LD_IMM64_RAW(BPF_REG_2, BPF_PSEUDO_FUNC, -3), /* main as a callback */
		BPF_EXIT_INSN(),
	};
	struct bpf_insn no_exit[] = { BPF_MOV64_IMM(BPF_REG_0, 2), BPF_JMP_A(-2) };
	struct bpf_insn ld_abs[] = { BPF_RAW_INSN(BPF_LD | BPF_ABS | BPF_B, 0, 0, 0, 12),
				     BPF_EXIT_INSN() };

	make(&c, PLAIN, 0);
	assert_null(linked_inline_check(c.insns, c.cnt, &info));
	assert_int_equal(info.main_len, 2);
	assert_int_equal(info.regs, 0);
	assert_false(info.uses_stack);
	assert_true(info.uses_ctx);
	make(&c, CLOBBER, 0);
	assert_null(linked_inline_check(c.insns, c.cnt, &info));
	assert_int_equal(info.regs, 0xf << 6);
	assert_true(info.uses_stack);
	make(&c, SUBPROG, 0);
	assert_null(linked_inline_check(c.insns, c.cnt, &info));
	assert_int_equal(info.main_len, 16);
	make(&c, TAIL, 0);
	assert_string_equal(linked_inline_check(c.insns, c.cnt, &info),
			    "tail call in its main function");
	assert_string_equal(linked_inline_check(jump_out, 5, &info),
			    "its main function jumps out of itself");
	assert_string_equal(linked_inline_check(back_in, 4, &info),
			    "a subprogram calls or refers to its main function");
	assert_string_equal(linked_inline_check(no_exit, 2, &info),
			    "its main function never returns");
	assert_string_equal(linked_inline_check(ld_abs, 2, &info),
			    "it reads the packet with LD_ABS/LD_IND");
}

/* ---- stack ---- */

static void test_stack_need(void **state)
{
	struct linked_stack_need need;
	struct tc c;
	const __u32 d3[3] = { 16, 40, 0 };
	/* main (8) -> f1 (100) -> f2 (0), f2 tail-calls */
	struct bpf_insn tails[] = {
		BPF_CALL_REL(1),
		BPF_EXIT_INSN(),
		BPF_CALL_REL(1),
		BPF_EXIT_INSN(),
		BPF_EMIT_CALL(BPF_FUNC_tail_call),
		BPF_EXIT_INSN(),
	};
	const __u32 dt[3] = { 8, 100, 0 };

	make(&c, SUBPROG, 0);
	/* main, the subprogram, the callback: each frame at least 32 */
	assert_int_equal(linked_stack_need(c.insns, c.cnt, d3, 3, &need), 0);
	assert_int_equal(need.chain, 32 + 64);
	assert_int_equal(need.chain_sub, 64);
	assert_int_equal(need.tail, -1);
	assert_int_equal(need.tail_sub, -1);
	assert_int_equal(linked_stack_need(c.insns, c.cnt, d3, 2, &need), -EINVAL);
	assert_int_equal(linked_stack_need(tails, 6, dt, 3, &need), 0);
	assert_int_equal(need.chain, 32 + 128 + 32);
	assert_int_equal(need.tail, 32 + 128); /* the frames below the tail call */
	assert_int_equal(need.tail_sub, 128);
	make(&c, TAIL, 0);
	assert_int_equal(linked_stack_need(c.insns, c.cnt, d3, 1, &need), 0);
	assert_int_equal(need.tail, 0);
	assert_int_equal(need.tail_sub, -1);
}

/*
 * The plan: everything that can be inlined is; when frames do not fit, the
 * largest stack falls back to a call first, and says why.
 */
static void test_plan(void **state)
{
	struct chain ch = { 3, { CLOBBER, TAIL, PLAIN }, { PASS, PASS, PASS }, { 0 } };
	struct linked_plan_comp plan[3] = {};
	struct linked_gen_comp gen[3];
	const struct bpf_insn *insns[3];
	struct tc tc[3];
	unsigned int k;

	build(&ch, tc, gen, insns);
	plan[1].why = "tail call in its main function";
	for (k = 0; k < 3; k++)
		plan[k].need_known = true;
	/* the tail call sits on the dispatcher's frame: 80 bytes are fine */
	plan[1].need = (struct linked_stack_need){ .chain = 32, .tail = 0, .tail_sub = -1 };
	plan[0].need = (struct linked_stack_need){ .chain = 64, .tail = -1, .tail_sub = -1 };
	plan[2].need = (struct linked_stack_need){ .chain = 32, .tail = -1, .tail_sub = -1 };
	linked_inline_plan(gen, insns, 3, true, plan);
	assert_true(gen[0].inlined && !gen[1].inlined && gen[2].inlined);
	assert_int_equal(linked_gen_frame(gen, insns, 3, true), 64 + 16);
	/* a bigger stack: 256 below the tail call, so the big one goes */
	gen[0].stack = 240;
	plan[0].why = plan[2].why = NULL;
	linked_inline_plan(gen, insns, 3, true, plan);
	assert_true(!gen[0].inlined && !gen[1].inlined && gen[2].inlined);
	assert_string_equal(plan[0].why, "stack: frames below a tail call would reach 256 bytes");
	assert_int_equal(linked_gen_frame(gen, insns, 3, true), 0);
	/* an unknown need keeps the frame empty */
	gen[0].stack = 64;
	plan[0].why = NULL;
	plan[2].need_known = false;
	linked_inline_plan(gen, insns, 3, true, plan);
	assert_false(gen[0].inlined);
	assert_true(gen[2].inlined);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_exact_plain),
		cmocka_unit_test(test_exact_spill_counters),
		cmocka_unit_test(test_exact_subprogs_moved),
		cmocka_unit_test(test_semantics_inlined),
		cmocka_unit_test(test_semantics_called),
		cmocka_unit_test(test_inline_check),
		cmocka_unit_test(test_stack_need),
		cmocka_unit_test(test_plan),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}

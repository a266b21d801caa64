// SPDX-License-Identifier: GPL-2.0-only
/*
 * The traced variant of the linked dispatcher (codegen_trace.c), no kernel
 * needed: run on a small interpreter over every verdict combination, it must
 * decide as the untraced chain does, count the same, and call the tracer once,
 * last, with the record saying who ran, what each returned and the verdict.
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
#include <xdpload/trace.h>
#include "linked/codegen.h"

#pragma GCC diagnostic ignored "-Wmissing-field-initializers"

#define PASS (1u << XDP_PASS)
#define DROP (1u << XDP_DROP)
#define TX (1u << XDP_TX)

#define CNT_FD 3
#define KEY_FD 4
#define REC_FD 5
#define CNT_BASE 0x1000u
#define REC_BASE 0x8000u
#define MEM_SIZE 0x9000u

static __u8 mem[MEM_SIZE];

struct sim {
	const __u32 *bases;
	unsigned int n;
	__u32 tracer;
	const __u32 *verdict;
	unsigned int ran[64], nran, traced;
	struct xdpl_trace_rec at_trace; /* the record when the tracer ran */
};

static void *at(__u64 addr, unsigned int size)
{
	assert_true(addr >= CNT_BASE && addr + size <= MEM_SIZE);
	return mem + addr;
}

static bool taken(const struct bpf_insn *i, __u64 dst)
{
	bool w = BPF_CLASS(i->code) == BPF_JMP32;
	__u64 a = w ? (__u32)dst : dst, b = w ? (__u32)i->imm : (__u64)(__s64)i->imm;

	switch (BPF_OP(i->code)) {
	case BPF_JEQ:
		return a == b;
	case BPF_JNE:
		return a != b;
	case BPF_JGT:
		return a > b;
	}
	fail_msg("unexpected jump %#x", i->code);
	return false;
}

static unsigned int sz(__u8 code)
{
	switch (BPF_SIZE(code)) {
	case BPF_B:
		return 1;
	case BPF_H:
		return 2;
	case BPF_W:
		return 4;
	}
	return 8;
}

static __u64 run(const struct bpf_insn *p, int len, struct sim *s)
{
	__u64 r[11] = { 0 }, v;
	int pc = 0, steps = 0;
	unsigned int k;

	s->nran = s->traced = 0;
	r[1] = 0xc7c;  /* the context */
	r[10] = 0x800; /* the stack: below CNT_BASE, never read */
	while (steps++ < 20000) {
		const struct bpf_insn *i = &p[pc];

		assert_true(pc >= 0 && pc < len);
		switch (i->code) {
		case BPF_ALU64 | BPF_MOV | BPF_X:
			r[i->dst_reg] = r[i->src_reg];
			break;
		case BPF_ALU64 | BPF_MOV | BPF_K:
			r[i->dst_reg] = (__u64)(__s64)i->imm;
			break;
		case BPF_ALU | BPF_MOV | BPF_X:
			r[i->dst_reg] = (__u32)r[i->src_reg];
			break;
		case BPF_ALU | BPF_MOV | BPF_K:
			r[i->dst_reg] = (__u32)i->imm;
			break;
		case BPF_ALU64 | BPF_LSH | BPF_K:
			r[i->dst_reg] <<= i->imm;
			break;
		case BPF_ALU64 | BPF_ADD | BPF_K:
			r[i->dst_reg] += (__u64)(__s64)i->imm;
			break;
		case BPF_ALU64 | BPF_ADD | BPF_X:
			r[i->dst_reg] += r[i->src_reg];
			break;
		case BPF_LD | BPF_IMM | BPF_DW:
			r[i->dst_reg] = i->src_reg == BPF_PSEUDO_MAP_FD ? (__u64)i->imm : 0xbad;
			pc++;
			break;
		case BPF_ST | BPF_MEM | BPF_W:
		case BPF_ST | BPF_MEM | BPF_B:
			if (i->dst_reg == BPF_REG_10)
				break; /* a stack key */
			v = (__u64)(__s64)i->imm;
			memcpy(at(r[i->dst_reg] + i->off, sz(i->code)), &v, sz(i->code));
			break;
		case BPF_STX | BPF_MEM | BPF_W:
		case BPF_STX | BPF_MEM | BPF_DW:
			memcpy(at(r[i->dst_reg] + i->off, sz(i->code)), &r[i->src_reg],
			       sz(i->code));
			break;
		case BPF_ALU64 | BPF_SUB | BPF_X:
			r[i->dst_reg] -= r[i->src_reg];
			break;
		case BPF_LDX | BPF_MEM | BPF_W:
			if (r[i->src_reg] == 0xc7c) { /* the context's data, data_end (bytes) */
				assert_true(i->off == 0 || i->off == 4);
				r[i->dst_reg] = 0x5000 + (i->off ? 98 : 0);
				break;
			}
			/* fall through */
		case BPF_LDX | BPF_MEM | BPF_DW:
			v = 0;
			memcpy(&v, at(r[i->src_reg] + i->off, sz(i->code)), sz(i->code));
			r[i->dst_reg] = v;
			break;
		case BPF_JMP | BPF_CALL:
			if (i->src_reg == BPF_PSEUDO_CALL &&
			    (__u32)(pc + 1 + i->imm) == s->tracer) {
				assert_int_equal(r[1], 0xc7c); /* the context */
				s->traced++;
				memcpy(&s->at_trace, mem + REC_BASE, sizeof(s->at_trace));
				r[0] = 0xdead; /* its return means nothing */
			} else if (i->src_reg == BPF_PSEUDO_CALL) {
				assert_int_equal(r[1], 0xc7c);
				for (k = 0; k < s->n && s->bases[k] != (__u32)(pc + 1 + i->imm);
				     k++)
					;
				assert_true(k < s->n);
				s->ran[s->nran++] = k;
				r[0] = s->verdict[k];
			} else {
				assert_int_equal(i->imm, BPF_FUNC_map_lookup_elem);
				assert_true(r[1] == CNT_FD || r[1] == REC_FD);
				r[0] = r[1] == CNT_FD ? CNT_BASE : REC_BASE;
			}
			r[1] = r[2] = r[3] = r[4] = r[5] = 0xdead; /* clobbered */
			break;
		case BPF_JMP32 | BPF_JEQ | BPF_K:
		case BPF_JMP32 | BPF_JNE | BPF_K:
		case BPF_JMP32 | BPF_JGT | BPF_K:
		case BPF_JMP | BPF_JNE | BPF_K:
			assert_true(i->off >= 0);
			if (taken(i, r[i->dst_reg]))
				pc += i->off;
			break;
		case BPF_JMP | BPF_JA:
			pc += i->off;
			break;
		case BPF_JMP | BPF_EXIT:
			return r[0];
		default:
			fail_msg("insn %d: unexpected code %#x", pc, i->code);
		}
		pc++;
	}
	fail_msg("no exit");
	return 0;
}

static const struct bpf_insn exit_insn = { .code = BPF_JMP | BPF_EXIT };

static void check(const struct linked_gen_comp *c, unsigned int n,
		  const struct linked_gen_counters *cnt, const unsigned int *slots)
{
	static const __u32 acts[] = { XDP_ABORTED, XDP_DROP, XDP_PASS, XDP_TX, XDP_REDIRECT, 9 };
	const unsigned int na = sizeof(acts) / sizeof(acts[0]);
	static struct bpf_insn body[64][16];
	const struct bpf_insn *insns[64];
	struct bpf_insn tracer[3] = { exit_insn, exit_insn, exit_insn };
	struct linked_gen_trace t = { .rec_fd = REC_FD,
				      .key_fd = cnt ? KEY_FD : -1,
				      .slots = slots,
				      .insns = tracer,
				      .insn_cnt = 3 };
	struct linked_gen_place places[65];
	static __u64 want_cnt[64 * XDPL_DISP_WORDS];
	unsigned int k, combo, combos = 1, x, j;
	__u32 bases[64], verdict[64];
	struct bpf_insn *out = NULL;
	struct sim s = { .bases = bases, .n = n, .verdict = verdict };
	__u32 out_cnt;
	__u64 got, want;
	int len;

	for (k = 0; k < n; k++) {
		for (j = 0; j < 16; j++)
			body[k][j] = exit_insn;
		insns[k] = body[k];
	}
	len = linked_gen_composite_traced(c, insns, n, cnt, &t, &out, &out_cnt, bases, places);
	assert_true(len > 0);
	s.tracer = places[n].base;
	assert_int_equal(places[n].main_len, 3);
	assert_int_equal(out_cnt, s.tracer + 3);
	assert_memory_equal(out + s.tracer, tracer, sizeof(tracer));
	for (k = 0; k < n; k++)
		combos *= na;
	memset(mem, 0, sizeof(mem));
	memset(want_cnt, 0, sizeof(want_cnt));
	for (combo = 0; combo < combos; combo++) {
		for (k = 0, x = combo; k < n; k++, x /= na)
			verdict[k] = acts[x % na];
		got = run(out, len, &s);
		want = XDP_PASS;
		for (k = 0; k < n; k++) {
			unsigned int slot = slots ? slots[k] : k;

			want_cnt[slot * XDPL_DISP_WORDS +
				 (verdict[k] > XDP_REDIRECT ? XDPL_DISP_SLOT_OTHER : verdict[k])]++;
			if (cnt && cnt->bytes)
				want_cnt[slot * XDPL_DISP_WORDS + XDPL_DISP_SLOTS +
					 (verdict[k] > XDP_REDIRECT ? XDPL_DISP_SLOT_OTHER
								    : verdict[k])] += 98;
			if (!(c[k].chain_mask & (1u << verdict[k]))) {
				want = verdict[k];
				break;
			}
		}
		/* decides as the untraced chain does */
		assert_int_equal(got, want);
		assert_int_equal(s.nran, k < n ? k + 1 : n);
		/* the tracer ran once, and the record says it all */
		assert_int_equal(s.traced, 1);
		assert_int_equal(s.at_trace.verdict, want);
		assert_int_equal(s.at_trace.last, s.nran - 1);
		assert_int_equal(s.at_trace.end, k == n);
		for (j = 0; j < s.nran; j++) {
			assert_int_equal(s.ran[j], j);
			assert_int_equal(s.at_trace.slot[j], slots ? slots[j] : j);
			assert_int_equal(s.at_trace.act[j], verdict[j]);
		}
	}
	if (cnt)
		assert_memory_equal(mem + CNT_BASE, want_cnt, sizeof(want_cnt));
	free(out);
}

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

	check(mixed, 4, NULL, NULL);
	check(mixed, 4, &key_map, NULL);
	check(mixed, 4, &slotted, slots);
	check(notrail, 3, NULL, NULL);
	check(notrail, 3, &slotted, slots);
	check(one, 1, NULL, NULL);
	check(one, 1, &key_map, NULL);
	check(one_empty, 1, &key_map, NULL);
	check(mixed, 4, &bytes, slots);
	check(notrail, 3, &bytes, slots);
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

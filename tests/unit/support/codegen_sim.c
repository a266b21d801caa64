// SPDX-License-Identifier: GPL-2.0-only
/*
 * The called dispatcher's semantics on an interpreter, untraced and traced, for
 * test_linked_codegen and test_linked_codegen_trace: see codegen_sim.h.
 */
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>
#include <linux/bpf.h>
#include <xdpload/dispatcher.h>
#include <xdpload/trace.h>
#include "linked/codegen.h"
#include "chain_oracle.h"
#include "codegen_sim.h"
#include "insn_eval.h"

#define SIM_CTX 0x7c7c0000ull /* the context: data at 0x5000, SIM_LEN bytes */
#define SIM_LEN 98
#define SIM_STACK 0x800ull  /* r10: a stack key is written there, never read */
#define CNT_BASE 0x10000ull /* where the counters "are" */
#define REC_BASE 0x80000ull /* where the trace record "is" */
#define KEY_FD 4
#define REC_FD 5
#define NO_TRACER 0xffffffffu

struct sim {
	const struct bpf_insn *p; /* the program, LEN instructions */
	int len;
	const __u32 *bases; /* the N components start at BASES */
	unsigned int n;
	const __u32 *verdict;		    /* component k returns VERDICT[k] */
	int cnt_fd, rec_fd;		    /* the maps map_lookup_elem may look up (-1: none) */
	__u32 tracer;			    /* where the tracer starts, NO_TRACER untraced */
	unsigned int ran[64], nran, traced; /* components called, in order; tracer calls */
	struct xdpl_trace_rec at_trace;	    /* the record when the tracer was called */
	__u64 cnt[64 * XDPL_DISP_WORDS];    /* the counters map's value */
	struct xdpl_trace_rec rec;	    /* the record map's value */
};

/* only the counters (8-byte words) and, traced, the record are memory */
static void *sim_at(struct sim *s, __u64 a, unsigned int size)
{
	if (a >= CNT_BASE && a < CNT_BASE + sizeof(s->cnt)) {
		assert_true(size == 8 && a % 8 == 0);
		return (char *)s->cnt + (a - CNT_BASE);
	}
	if (s->rec_fd >= 0 && a >= REC_BASE && a + size <= REC_BASE + sizeof(s->rec))
		return (char *)&s->rec + (a - REC_BASE);
	fail_msg("access of %u bytes at %#llx", size, (unsigned long long)a);
	return NULL;
}

static void sim_call(struct sim *s, int pc, const struct bpf_insn *i, __u64 *r)
{
	__u32 to = (__u32)(pc + 1 + i->imm);
	unsigned int k;

	if (i->src_reg != BPF_PSEUDO_CALL) {
		assert_int_equal(i->imm, BPF_FUNC_map_lookup_elem);
		assert_true(r[1] == (__u64)s->cnt_fd ||
			    (s->rec_fd >= 0 && r[1] == (__u64)s->rec_fd));
		r[0] = r[1] == (__u64)s->cnt_fd ? CNT_BASE : REC_BASE;
		return;
	}
	assert_int_equal(r[1], SIM_CTX); /* a component or the tracer gets the context */
	if (to == s->tracer) {
		s->traced++;
		s->at_trace = s->rec;
		r[0] = 0xdead; /* its return means nothing */
		return;
	}
	for (k = 0; k < s->n && s->bases[k] != to; k++)
		;
	assert_true(k < s->n && s->nran < 64);
	s->ran[s->nran++] = k;
	r[0] = s->verdict[k];
}

static __u64 sim_run(struct sim *s)
{
	__u64 r[11] = { 0 }, v;
	int pc = 0, steps = 0, jumped_back = 0;

	s->nran = s->traced = 0;
	r[1] = SIM_CTX;
	r[10] = SIM_STACK;
	while (steps++ < 20000) {
		const struct bpf_insn *i = &s->p[pc];
		bool w = BPF_CLASS(i->code) == BPF_JMP32;

		assert_true(pc >= 0 && pc < s->len);
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
		case BPF_ALU64 | BPF_SUB | BPF_X:
			r[i->dst_reg] -= r[i->src_reg];
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
			memcpy(sim_at(s, r[i->dst_reg] + i->off, insn_size(i->code)), &v,
			       insn_size(i->code));
			break;
		case BPF_STX | BPF_MEM | BPF_W:
		case BPF_STX | BPF_MEM | BPF_DW:
			memcpy(sim_at(s, r[i->dst_reg] + i->off, insn_size(i->code)),
			       &r[i->src_reg], insn_size(i->code));
			break;
		case BPF_LDX | BPF_MEM | BPF_W:
			if (r[i->src_reg] == SIM_CTX) { /* the context's data, data_end (bytes) */
				assert_true(i->off == 0 || i->off == 4);
				r[i->dst_reg] = 0x5000 + (i->off ? SIM_LEN : 0);
				break;
			}
			/* fall through */
		case BPF_LDX | BPF_MEM | BPF_DW:
			v = 0;
			memcpy(&v, sim_at(s, r[i->src_reg] + i->off, insn_size(i->code)),
			       insn_size(i->code));
			r[i->dst_reg] = v;
			break;
		case BPF_JMP | BPF_CALL:
			sim_call(s, pc, i, r);
			r[1] = r[2] = r[3] = r[4] = r[5] = 0xdead; /* clobbered */
			break;
		case BPF_JMP32 | BPF_JEQ | BPF_K:
		case BPF_JMP32 | BPF_JNE | BPF_K:
		case BPF_JMP32 | BPF_JGT | BPF_K:
		case BPF_JMP | BPF_JNE | BPF_K:
			assert_true(i->off >= 0); /* only a goto goes back */
			if (insn_jump_taken(BPF_OP(i->code),
					    w ? (__u32)r[i->dst_reg] : r[i->dst_reg],
					    w ? (__u32)i->imm : (__u64)(__s64)i->imm))
				pc += i->off;
			break;
		case BPF_JMP | BPF_JA:
			/*
			 * back from a fix block, which nothing before it jumps over;
			 * forward only traced, to the tracer's call
			 */
			if (i->off < 0)
				assert_true(jumped_back++ < 64);
			else
				assert_true(s->tracer != NO_TRACER);
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

/*
 * Every combination on S (its program, components and maps set), against the
 * chain's meaning; counters (CNT) at CNT_SLOTS, traced the record's at REC_SLOTS.
 */
static void check_combos(struct sim *s, const struct linked_gen_comp *c,
			 const struct linked_gen_counters *cnt, const unsigned int *cnt_slots,
			 const unsigned int *rec_slots)
{
	static __u64 want_cnt[64 * XDPL_DISP_WORDS];
	unsigned int combo, combos = chain_combos(s->n), k, nran, j;
	__u32 verdict[64], want;
	__u64 got;

	s->verdict = verdict;
	memset(s->cnt, 0, sizeof(s->cnt));
	memset(&s->rec, 0, sizeof(s->rec));
	memset(want_cnt, 0, sizeof(want_cnt));
	for (combo = 0; combo < combos; combo++) {
		chain_combo(combo, s->n, verdict);
		got = sim_run(s);
		k = chain_expect(c, s->n, verdict, cnt_slots, cnt && cnt->bytes, SIM_LEN, want_cnt,
				 &want);
		nran = k < s->n ? k + 1 : s->n;
		/* the components that should have run did, in order */
		assert_int_equal(s->nran, nran);
		for (j = 0; j < nran; j++)
			assert_int_equal(s->ran[j], j);
		assert_int_equal(got, want);
		if (s->tracer == NO_TRACER)
			continue;
		/* the tracer ran once, and the record says it all */
		assert_int_equal(s->traced, 1);
		assert_int_equal(s->at_trace.verdict, want);
		assert_int_equal(s->at_trace.last, nran - 1);
		assert_int_equal(s->at_trace.end, k == s->n);
		for (j = 0; j < nran; j++) {
			assert_int_equal(s->at_trace.slot[j], rec_slots ? rec_slots[j] : j);
			assert_int_equal(s->at_trace.act[j], verdict[j]);
		}
	}
	if (cnt)
		assert_memory_equal(s->cnt, want_cnt, sizeof(s->cnt));
}

void codegen_check_semantics(const struct linked_gen_comp *c, unsigned int n,
			     const struct linked_gen_counters *cnt)
{
	static struct sim s;
	struct bpf_insn out[512];
	__u32 bases[8];
	int len = linked_gen_dispatcher(c, n, cnt, out, 512, bases);

	assert_true(len > 0);
	s = (struct sim){ .p = out,
			  .len = len,
			  .bases = bases,
			  .n = n,
			  .cnt_fd = cnt ? cnt->map_fd : -1,
			  .rec_fd = -1,
			  .tracer = NO_TRACER };
	check_combos(&s, c, cnt, cnt ? cnt->slots : NULL, NULL);
}

void codegen_check_traced(const struct linked_gen_comp *c, unsigned int n,
			  const struct linked_gen_counters *cnt, const unsigned int *slots)
{
	static const struct bpf_insn exit_insn = { .code = BPF_JMP | BPF_EXIT };
	static struct bpf_insn body[64][16];
	static struct sim s;
	const struct bpf_insn *insns[64];
	struct bpf_insn tracer[3] = { exit_insn, exit_insn, exit_insn };
	struct linked_gen_trace t = { .rec_fd = REC_FD,
				      .key_fd = cnt ? KEY_FD : -1,
				      .slots = slots,
				      .insns = tracer,
				      .insn_cnt = 3 };
	struct linked_gen_place places[65];
	struct bpf_insn *out = NULL;
	__u32 bases[64], out_cnt;
	unsigned int k, j;
	int len;

	for (k = 0; k < n; k++) {
		for (j = 0; j < 16; j++)
			body[k][j] = exit_insn;
		insns[k] = body[k];
	}
	len = linked_gen_composite_traced(c, insns, n, cnt, &t, &out, &out_cnt, bases, places);
	assert_true(len > 0);
	/* the tracer, verbatim after the components */
	assert_int_equal(places[n].main_len, 3);
	assert_int_equal(out_cnt, places[n].base + 3);
	assert_memory_equal(out + places[n].base, tracer, sizeof(tracer));
	s = (struct sim){ .p = out,
			  .len = len,
			  .bases = bases,
			  .n = n,
			  .cnt_fd = cnt ? cnt->map_fd : -1,
			  .rec_fd = REC_FD,
			  .tracer = places[n].base };
	check_combos(&s, c, cnt, slots, slots);
	free(out);
}

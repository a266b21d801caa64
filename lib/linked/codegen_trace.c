// SPDX-License-Identifier: GPL-2.0-only
/*
 * The traced variant of the linked dispatcher (xdpload trace), always in the
 * called layout, with rec = the tracer's per-CPU record (<xdpload/trace.h>):
 *
 *	r6 = r1
 *	[counters: r7 = this CPU's counters, as untraced]
 *	r8 = &tr_rec (looked up once; no stack when a key map is given)
 *	rec->end = 0
 *	for each component i:
 *		rec->last = i; rec->slot[i] = its counter slot
 *		r1 = r6; call comp_i
 *		[counters as untraced]
 *		rec->act[i] = w0
 *		chain check as untraced, the verdict going to texit
 *	r0 = XDP_PASS; rec->end = 1
 *	texit: rec->verdict = w0; r1 = r6; call tracer; w0 = rec->verdict; exit
 *	[fix blocks]
 *	components, then the tracer's instructions
 *
 * The untraced dispatcher (codegen.c) is not touched: with no reader the
 * interface runs exactly the program it ran before.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <xdpload/dispatcher.h>
#include <xdpload/trace.h>
#include "linked/codegen.h"
#include "linked/codegen_int.h"
#include "linked/emit.h"

static void emit_rec_lookup(struct linked_emit *e, const struct linked_gen_trace *t)
{
	int ok = linked_emit_new_label(e);

	LINKED_EMIT(e, BPF_LD_MAP_FD(BPF_REG_1, t->rec_fd));
	if (t->key_fd >= 0)
		LINKED_EMIT(e, BPF_LD_MAP_VALUE(BPF_REG_2, t->key_fd, 0));
	else
		LINKED_EMIT(e, BPF_ST_MEM(BPF_W, BPF_REG_10, -4, 0),
			    BPF_MOV64_REG(BPF_REG_2, BPF_REG_10),
			    BPF_ALU64_IMM(BPF_ADD, BPF_REG_2, -4));
	LINKED_EMIT(e, BPF_EMIT_CALL(BPF_FUNC_map_lookup_elem),
		    BPF_MOV64_REG(BPF_REG_8, BPF_REG_0));
	/* a one-entry per-CPU array always has key 0: for the verifier, as the counters' */
	linked_emit_jump(e, BPF_JMP_IMM(BPF_JNE, BPF_REG_8, 0, 0), ok);
	LINKED_EMIT(e, BPF_MOV64_IMM(BPF_REG_0, XDP_ABORTED), BPF_EXIT_INSN());
	linked_emit_label_place(e, ok);
	LINKED_EMIT(e, BPF_ST_MEM(BPF_W, BPF_REG_8, XDPL_TRACE_REC_END, 0));
}

static unsigned int trace_slot(const struct linked_gen_trace *t, unsigned int i)
{
	return t->slots ? t->slots[i] : i;
}

static void emit_traced(struct linked_emit *e, const struct linked_gen_comp *comps, unsigned int n,
			const struct linked_gen_counters *cnt, const struct linked_gen_trace *t,
			int comp, int tracer)
{
	unsigned int i, a, reached = linked_gen_reached(comps, n);
	int texit = linked_emit_new_label(e), next;
	int fix = cnt ? linked_emit_new_labels(e, reached) : -1;
	int back = cnt ? linked_emit_new_labels(e, reached) : -1;

	lgen_emit_prologue(e, cnt, BPF_REG_6, BPF_REG_7);
	emit_rec_lookup(e, t);
	for (i = 0; i < reached; i++) {
		const struct linked_gen_comp *c = &comps[i];

		LINKED_EMIT(e, BPF_ST_MEM(BPF_W, BPF_REG_8, XDPL_TRACE_REC_LAST, i),
			    BPF_ST_MEM(BPF_B, BPF_REG_8, XDPL_TRACE_REC_SLOT + i,
				       trace_slot(t, i) & 0xff),
			    BPF_MOV64_REG(BPF_REG_1, BPF_REG_6));
		linked_emit_call(e, comp + i);
		if (cnt)
			lgen_emit_count(e, cnt, BPF_REG_7, lgen_counter_slot(cnt, i), fix + i,
					back + i, BPF_REG_6);
		LINKED_EMIT(e,
			    BPF_STX_MEM(BPF_W, BPF_REG_8, BPF_REG_0, XDPL_TRACE_REC_ACT + 4 * i));
		if (lgen_falls_through(c)) {
			linked_emit_jump(
				e,
				BPF_JMP32_IMM(BPF_JNE, BPF_REG_0, __builtin_ctz(c->chain_mask), 0),
				texit);
			continue;
		}
		next = linked_emit_new_label(e);
		for (a = 0; a < 32; a++)
			if (c->chain_mask & (1u << a))
				linked_emit_jump(e, BPF_JMP32_IMM(BPF_JEQ, BPF_REG_0, a, 0), next);
		linked_emit_jump(e, BPF_JMP_A(0), texit);
		linked_emit_label_place(e, next);
	}
	if (lgen_has_trailer(comps, n))
		LINKED_EMIT(e, BPF_MOV64_IMM(BPF_REG_0, XDP_PASS),
			    BPF_ST_MEM(BPF_W, BPF_REG_8, XDPL_TRACE_REC_END, 1));
	linked_emit_label_place(e, texit);
	LINKED_EMIT(e, BPF_STX_MEM(BPF_W, BPF_REG_8, BPF_REG_0, XDPL_TRACE_REC_VERDICT),
		    BPF_MOV64_REG(BPF_REG_1, BPF_REG_6));
	linked_emit_call(e, tracer);
	LINKED_EMIT(e, BPF_LDX_MEM(BPF_W, BPF_REG_0, BPF_REG_8, XDPL_TRACE_REC_VERDICT),
		    BPF_EXIT_INSN());
	for (i = 0; cnt && i < reached; i++)
		lgen_emit_fix(e, fix + i, back + i);
}

int linked_gen_composite_traced(const struct linked_gen_comp *comps,
				const struct bpf_insn *const *insns, unsigned int n,
				const struct linked_gen_counters *cnt,
				const struct linked_gen_trace *t, struct bpf_insn **out,
				__u32 *out_cnt, __u32 *bases, struct linked_gen_place *places)
{
	struct linked_emit e = LINKED_EMIT_INIT;
	unsigned int i, reached = linked_gen_reached(comps, n);
	int comp, tracer, err, len;
	__u64 total;

	if (!t || !t->insns || !t->insn_cnt || n > XDPL_TRACE_STEPS)
		return -EINVAL;
	err = lgen_check_input(comps, n, cnt);
	if (err)
		return err;
	for (i = 0; i < n; i++)
		if (!comps[i].insn_cnt || comps[i].insn_cnt > LINKED_MAX_INSNS || comps[i].inlined)
			return -EINVAL;
	comp = linked_emit_new_labels(&e, reached);
	tracer = linked_emit_new_label(&e);
	emit_traced(&e, comps, n, cnt, t, comp, tracer);
	len = (int)e.len;
	total = (__u64)len + t->insn_cnt;
	for (i = 0; i < reached; i++)
		total += comps[i].insn_cnt;
	if (total > LINKED_MAX_INSNS) {
		linked_emit_free(&e);
		return -E2BIG;
	}
	linked_emit_reserve(&e, (__u32)(total - len));
	for (i = 0; i < reached; i++) {
		linked_emit_label_place(&e, comp + i);
		linked_emit_insns(&e, insns[i], comps[i].insn_cnt);
	}
	linked_emit_label_place(&e, tracer);
	linked_emit_insns(&e, t->insns, t->insn_cnt);
	err = linked_emit_finish(&e);
	if (err < 0) {
		linked_emit_free(&e);
		return err;
	}
	for (i = 0; i <= n; i++) {
		struct linked_gen_place pl = {};

		if (i < reached)
			pl = (struct linked_gen_place){
				.base = (__u32)linked_emit_label_pos(&e, comp + i),
				.main_len = comps[i].insn_cnt,
			};
		else if (i == n)
			pl = (struct linked_gen_place){
				.base = (__u32)linked_emit_label_pos(&e, tracer),
				.main_len = t->insn_cnt,
			};
		pl.sub_base = pl.base + pl.main_len;
		if (i < n)
			bases[i] = pl.base;
		if (places)
			places[i] = pl;
	}
	*out = e.insns;
	*out_cnt = e.len;
	e.insns = NULL;
	linked_emit_free(&e);
	return len;
}

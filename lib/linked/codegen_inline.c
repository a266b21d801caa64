// SPDX-License-Identifier: GPL-2.0-only
/*
 * The inlining layout of the linked dispatcher. With c the context's home
 * register and k the counters' (r6 and r7 unless an inlined component names
 * them and another of r6..r9 is free):
 *
 *	c = r1
 *	[counters: k = this CPU's counters, as in the called layout]
 *	[*(u64 *)(r10 - ctx_off) = c; *(u64 *)(r10 - cnt_off) = k: only for a
 *	 register an inlined component names, below every inlined stack]
 *	for each component i:
 *		r1 = c                    (or r1 = *(u64 *)(r10 - ctx_off) once c is gone)
 *		inlined: its main function, each exit a "goto check_i"
 *		called:  call comp_i
 *	check_i:
 *		one chained action a:
 *			counters: if w0 != a goto vcount_i; counters[i][a]++
 *			(a fixed offset from k: the chained path takes no branch)
 *			else: if w0 != a goto vexit
 *		other masks: as in the called layout (counted by w0, JEQs, exit)
 *	r0 = XDP_PASS; vexit: exit
 *	[fix blocks; vcount_i: counters[i][min(w0, OTHER)]++; exit]
 *	called components, and inlined components' subprograms
 *
 * The counters keep their meaning (every component counts each action it
 * returned), but a chained action costs three instructions at a constant
 * offset; the verdict, once per packet, is counted out of line.
 *
 * Why this is safe: an inlined main function sees what it saw as a program
 * of its own, r1 = ctx and r10 its frame (the dispatcher's, whose bytes
 * [r10 - stack, r10) it alone uses while it runs: components run one after
 * another, so they share that region). It may use r0-r9 freely, hence the
 * spill slots under the region for what the dispatcher keeps across it. Its
 * instructions keep their count and order, so its own jumps are unchanged;
 * only its calls and callback references into its subprograms (moved after the
 * body, kept together and in order) and its exits are re-targeted.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <xdpload/dispatcher.h>
#include "linked/codegen.h"
#include "linked/codegen_int.h"
#include "linked/emit.h"
#include "linked/inline.h"

struct icomp {
	const struct bpf_insn *insns;
	__u32 cnt, main_len;
	__u32 *starts; /* of its functions; starts[0] = 0 */
	int nstarts;
	int label;     /* label + f: function f (f = 0: where the component starts) */
	__u16 regs;    /* inlined: the registers r6..r9 its main function names */
	bool uses_ctx; /* inlined: its main function names r1 */
	int chk, fix, back, next;
	bool ctx_ok; /* at its check, the context's home register still holds it */
};

struct regplan {
	int ctx, cnt;	      /* home registers */
	int ctx_off, cnt_off; /* spill slots, bytes below r10; 0: none */
	__u32 frame;
};

static int pick(const int *pref, __u16 taken, int not )
{
	int i;

	for (i = 0; i < 4; i++)
		if (!(taken & (1u << pref[i])) && pref[i] != not )
			return pref[i];
	return -1;
}

/* regs[i]: what inlined component i names (0 for a called one) */
static void plan_regs(const struct linked_gen_comp *comps, const __u16 *regs, unsigned int reached,
		      unsigned int counters, struct regplan *p)
{
	static const int ctx_pref[4] = { 6, 7, 8, 9 }, cnt_pref[4] = { 7, 6, 8, 9 };
	__u32 stack = 0;
	__u16 all = 0;
	unsigned int i;
	bool ctx_slot = false, cnt_slot = false;

	for (i = 0; i < reached; i++) {
		if (!comps[i].inlined)
			continue;
		all |= regs[i];
		if (((comps[i].stack + 7) & ~7u) > stack)
			stack = (comps[i].stack + 7) & ~7u;
	}
	p->ctx = pick(ctx_pref, all, -1);
	if (p->ctx < 0)
		p->ctx = BPF_REG_6;
	p->cnt = pick(cnt_pref, all, p->ctx);
	if (p->cnt < 0)
		p->cnt = p->ctx == BPF_REG_7 ? BPF_REG_6 : BPF_REG_7;
	for (i = 0; i < reached; i++) {
		/* the context is needed again before a later component, or to count bytes */
		if ((i + 1 < reached || (counters & LINKED_GEN_COUNT_BYTES)) &&
		    (regs[i] & (1u << p->ctx)))
			ctx_slot = true;
		if (counters && (regs[i] & (1u << p->cnt)))
			cnt_slot = true;
	}
	p->frame = stack;
	p->ctx_off = p->cnt_off = 0;
	if (ctx_slot)
		p->ctx_off = p->frame += 8;
	if (cnt_slot)
		p->cnt_off = p->frame += 8;
}

static void icomps_free(struct icomp *ic, unsigned int n)
{
	unsigned int i;

	for (i = 0; ic && i < n; i++)
		free(ic[i].starts);
	free(ic);
}

/* Functions and (inlined) registers of each reached component. */
static int icomps_init(const struct linked_gen_comp *comps, const struct bpf_insn *const *insns,
		       unsigned int reached, struct icomp **out, __u16 *regs)
{
	struct icomp *ic = calloc(reached ? reached : 1, sizeof(*ic));
	struct linked_inline_info info;
	unsigned int i;

	if (!ic)
		return -ENOMEM;
	for (i = 0; i < reached; i++) {
		ic[i].insns = insns[i];
		ic[i].cnt = comps[i].insn_cnt;
		regs[i] = 0;
		if (!comps[i].inlined)
			continue;
		/* the caller checked; this check keeps the generator from emitting nonsense */
		if (linked_inline_check(insns[i], comps[i].insn_cnt, &info)) {
			icomps_free(ic, reached);
			return -EINVAL;
		}
		ic[i].starts = calloc(ic[i].cnt, sizeof(*ic[i].starts));
		if (!ic[i].starts) {
			icomps_free(ic, reached);
			return -ENOMEM;
		}
		ic[i].nstarts =
			linked_insn_funcs(insns[i], ic[i].cnt, ic[i].starts, (int)ic[i].cnt);
		ic[i].main_len = info.main_len;
		ic[i].regs = regs[i] = info.regs;
		ic[i].uses_ctx = info.uses_ctx;
	}
	*out = ic;
	return 0;
}

__u32 linked_gen_frame(const struct linked_gen_comp *comps, const struct bpf_insn *const *insns,
		       unsigned int n, unsigned int counters)
{
	unsigned int reached = linked_gen_reached(comps, n);
	__u16 regs[LINKED_GEN_MAX_COMPS];
	struct regplan p;
	struct icomp *ic;

	if (reached > LINKED_GEN_MAX_COMPS || !lgen_any_inlined(comps, n) ||
	    icomps_init(comps, insns, reached, &ic, regs))
		return 0;
	plan_regs(comps, regs, reached, counters, &p);
	icomps_free(ic, reached);
	return p.frame;
}

static int func_label(const struct icomp *c, __u32 target)
{
	int lo = 1, hi = c->nstarts - 1;

	while (lo <= hi) {
		int mid = (lo + hi) / 2;

		if (c->starts[mid] == target)
			return c->label + mid;
		if (c->starts[mid] < target)
			lo = mid + 1;
		else
			hi = mid - 1;
	}
	return -1; /* the emitter fails on it */
}

/* The main function, its exits jumping to its check, its calls to its subprograms' labels. */
static void emit_main(struct linked_emit *e, const struct icomp *c)
{
	const struct bpf_insn *insns = c->insns;
	__u32 k;

	linked_emit_reserve(e, c->main_len);
	for (k = 0; k < c->main_len; k++) {
		const struct bpf_insn *insn = &insns[k];
		__u32 target = k + insn->imm + 1;

		if (linked_insn_is_ld_imm64(insn)) {
			if (insn->src_reg == BPF_PSEUDO_FUNC)
				linked_emit_func_ref(e, insn->dst_reg, func_label(c, target));
			else
				linked_emit_insns(e, insn, 2);
			k++;
		} else if (linked_insn_is_pseudo_call(insn)) {
			linked_emit_call(e, func_label(c, target));
		} else if (insn->code == (BPF_JMP | BPF_EXIT)) {
			/* the last one becomes "goto +0", which the verifier removes */
			linked_emit_jump(e, BPF_JMP_A(0), c->chk);
		} else {
			linked_emit_insns(e, insn, 1);
		}
	}
}

/* Its subprograms (inlined) or all of it (called), each function at its label. */
static void emit_code(struct linked_emit *e, const struct linked_gen_comp *g, const struct icomp *c)
{
	int f;

	if (!g->inlined) {
		linked_emit_label_place(e, c->label);
		linked_emit_insns(e, c->insns, c->cnt);
		return;
	}
	for (f = 1; f < c->nstarts; f++) {
		__u32 end = f + 1 < c->nstarts ? c->starts[f + 1] : c->cnt;

		linked_emit_label_place(e, c->label + f);
		linked_emit_insns(e, c->insns + c->starts[f], end - c->starts[f]);
	}
}

static void emit_reload(struct linked_emit *e, int reg, int off)
{
	LINKED_EMIT(e, BPF_LDX_MEM(BPF_DW, reg, BPF_REG_10, -off));
}

static unsigned int action_slot(unsigned int a)
{
	return a > XDP_REDIRECT ? XDPL_DISP_SLOT_OTHER : a;
}

struct body {
	const struct linked_gen_counters *cnt;
	struct regplan p;
	bool ctx_ok, cnt_ok; /* the home registers hold them */
	int vexit;
};

static void ensure_cnt(struct linked_emit *e, struct body *b)
{
	if (!b->cnt_ok)
		emit_reload(e, b->p.cnt, b->p.cnt_off);
	b->cnt_ok = true;
}

/* A register holding the context, to count bytes at component c's check: home, or r4. */
static int bytes_ctx(struct linked_emit *e, const struct body *b, const struct icomp *c)
{
	if (!b->cnt || !b->cnt->bytes || c->ctx_ok)
		return b->p.ctx;
	emit_reload(e, BPF_REG_4, b->p.ctx_off);
	return BPF_REG_4;
}

static void emit_check(struct linked_emit *e, struct body *b, const struct linked_gen_comp *g,
		       struct icomp *c, unsigned int i)
{
	unsigned int slot = b->cnt ? lgen_counter_slot(b->cnt, i) : 0, a;
	__s16 off;
	int ctx;

	c->ctx_ok = b->ctx_ok;

	if (lgen_falls_through(g)) {
		a = __builtin_ctz(g->chain_mask);
		/*
		 * The verdict goes out of line to this component's own block (fix),
		 * so that for a component whose verdict the verifier knows (a
		 * constant XDP_PASS) the block is dead and the check is removed.
		 */
		if (!b->cnt) {
			linked_emit_jump(e, BPF_JMP32_IMM(BPF_JNE, BPF_REG_0, a, 0), c->fix);
			return;
		}
		/* counted there; the chained action here */
		linked_emit_jump(e, BPF_JMP32_IMM(BPF_JNE, BPF_REG_0, a, 0), c->fix);
		ensure_cnt(e, b);
		off = (__s16)(slot * XDPL_DISP_STRIDE + action_slot(a) * sizeof(__u64));
		LINKED_EMIT(e, BPF_LDX_MEM(BPF_DW, BPF_REG_1, b->p.cnt, off),
			    BPF_ALU64_IMM(BPF_ADD, BPF_REG_1, 1),
			    BPF_STX_MEM(BPF_DW, b->p.cnt, BPF_REG_1, off));
		if (b->cnt->bytes) {
			ctx = bytes_ctx(e, b, c);
			lgen_emit_bytes(e, b->p.cnt, (__s16)(off + XDPL_DISP_BYTES_OFF), ctx);
		}
		return;
	}
	if (b->cnt) {
		ensure_cnt(e, b);
		ctx = bytes_ctx(e, b, c);
		lgen_emit_count(e, b->cnt, b->p.cnt, slot, c->fix, c->back, ctx);
	}
	c->next = linked_emit_new_label(e);
	for (a = 0; a < 32; a++)
		if (g->chain_mask & (1u << a))
			linked_emit_jump(e, BPF_JMP32_IMM(BPF_JEQ, BPF_REG_0, a, 0), c->next);
	if (!g->chain_mask)
		linked_emit_label_place(e, b->vexit);
	LINKED_EMIT(e, BPF_EXIT_INSN());
	linked_emit_label_place(e, c->next);
}

/* Out of line, after the body's last exit: the clamps and the verdicts' counts. */
static void emit_out_of_line(struct linked_emit *e, struct body *b, const struct linked_gen_comp *g,
			     struct icomp *c, unsigned int i)
{
	int vfix, vback;

	if (!b->cnt) {
		if (lgen_falls_through(g)) {
			linked_emit_label_place(e, c->fix);
			LINKED_EMIT(e, BPF_EXIT_INSN());
		}
		return;
	}
	if (!lgen_falls_through(g)) {
		lgen_emit_fix(e, c->fix, c->back);
		return;
	}
	vfix = linked_emit_new_label(e);
	vback = linked_emit_new_label(e);
	linked_emit_label_place(e, c->fix);
	if (b->p.cnt_off)
		emit_reload(e, b->p.cnt, b->p.cnt_off);
	lgen_emit_count(e, b->cnt, b->p.cnt, lgen_counter_slot(b->cnt, i), vfix, vback,
			bytes_ctx(e, b, c));
	LINKED_EMIT(e, BPF_EXIT_INSN());
	lgen_emit_fix(e, vfix, vback);
}

int lgen_inline(struct linked_emit *e, const struct linked_gen_comp *comps,
		const struct bpf_insn *const *insns, unsigned int n,
		const struct linked_gen_counters *cnt, __u32 *bases,
		struct linked_gen_place *places)
{
	unsigned int i, reached = linked_gen_reached(comps, n);
	__u16 regs[LINKED_GEN_MAX_COMPS];
	struct body b = { .cnt = cnt, .ctx_ok = true, .cnt_ok = true };
	struct icomp *ic;
	__u64 total = 0;
	int err, body_len;

	if (reached > LINKED_GEN_MAX_COMPS)
		return -E2BIG;
	err = icomps_init(comps, insns, reached, &ic, regs);
	if (err)
		return err;
	for (i = 0; i < reached; i++)
		total += comps[i].insn_cnt;
	if (total > LINKED_MAX_INSNS) {
		icomps_free(ic, reached);
		return -E2BIG;
	}
	plan_regs(comps, regs, reached,
		  !cnt ? 0 : LINKED_GEN_COUNT_PACKETS | (cnt->bytes ? LINKED_GEN_COUNT_BYTES : 0),
		  &b.p);
	b.vexit = linked_emit_new_label(e);
	for (i = 0; i < reached; i++) {
		ic[i].label = linked_emit_new_labels(e, ic[i].nstarts > 1 ? ic[i].nstarts : 1);
		ic[i].chk = linked_emit_new_label(e);
		ic[i].fix = linked_emit_new_label(e);
		ic[i].back = linked_emit_new_label(e);
	}

	lgen_emit_prologue(e, cnt, b.p.ctx, b.p.cnt);
	if (b.p.ctx_off)
		LINKED_EMIT(e, BPF_STX_MEM(BPF_DW, BPF_REG_10, b.p.ctx, -b.p.ctx_off));
	if (b.p.cnt_off)
		LINKED_EMIT(e, BPF_STX_MEM(BPF_DW, BPF_REG_10, b.p.cnt, -b.p.cnt_off));
	for (i = 0; i < reached; i++) {
		if (comps[i].inlined && !ic[i].uses_ctx)
			; /* it never reads r1 */
		else if (b.ctx_ok)
			LINKED_EMIT(e, BPF_MOV64_REG(BPF_REG_1, b.p.ctx));
		else
			emit_reload(e, BPF_REG_1, b.p.ctx_off);
		if (comps[i].inlined) {
			linked_emit_label_place(e, ic[i].label);
			emit_main(e, &ic[i]);
			b.ctx_ok &= !(ic[i].regs & (1u << b.p.ctx));
			b.cnt_ok &= !(ic[i].regs & (1u << b.p.cnt));
		} else {
			linked_emit_call(e, ic[i].label);
		}
		linked_emit_label_place(e, ic[i].chk);
		emit_check(e, &b, &comps[i], &ic[i], i);
	}
	if (lgen_has_trailer(comps, n)) {
		LINKED_EMIT(e, BPF_MOV64_IMM(BPF_REG_0, XDP_PASS));
		linked_emit_label_place(e, b.vexit);
		LINKED_EMIT(e, BPF_EXIT_INSN());
	}
	for (i = 0; i < reached; i++)
		emit_out_of_line(e, &b, &comps[i], &ic[i], i);
	body_len = (int)e->len;
	for (i = 0; i < reached; i++)
		emit_code(e, &comps[i], &ic[i]);
	err = linked_emit_finish(e);
	for (i = 0; err >= 0 && i < n; i++) {
		struct linked_gen_place pl = {};

		if (i < reached) {
			pl.base = (__u32)linked_emit_label_pos(e, ic[i].label);
			pl.main_len = comps[i].inlined ? ic[i].main_len : ic[i].cnt;
			pl.sub_base = pl.base + pl.main_len;
			if (comps[i].inlined && ic[i].nstarts > 1)
				pl.sub_base = (__u32)linked_emit_label_pos(e, ic[i].label + 1);
		}
		bases[i] = pl.base;
		if (places)
			places[i] = pl;
	}
	icomps_free(ic, reached);
	return err < 0 ? err : body_len;
}

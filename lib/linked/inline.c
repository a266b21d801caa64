// SPDX-License-Identifier: GPL-2.0-only
/* What can be inlined, and the stack that costs (see inline.h). */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include "linked/codegen.h"
#include "linked/inline.h"

#define REGS_CALLEE_SAVED (0xfu << BPF_REG_6) /* r6..r9 */

static bool is_exit(const struct bpf_insn *insn)
{
	return insn->code == (BPF_JMP | BPF_EXIT);
}

static bool is_pseudo_func(const struct bpf_insn *insn)
{
	return linked_insn_is_ld_imm64(insn) && insn->src_reg == BPF_PSEUDO_FUNC;
}

static bool is_tail_call(const struct bpf_insn *insn)
{
	return linked_insn_is_helper_call(insn) && insn->imm == BPF_FUNC_tail_call;
}

/* a jump with a target (not a call, not an exit) */
static bool is_jump(const struct bpf_insn *insn)
{
	__u8 cls = BPF_CLASS(insn->code), op = BPF_OP(insn->code);

	return (cls == BPF_JMP || cls == BPF_JMP32) && op != BPF_CALL && op != BPF_EXIT;
}

static long long jump_target(const struct bpf_insn *insns, __u32 k)
{
	/* gotol keeps its offset in imm */
	if (insns[k].code == (BPF_JMP32 | BPF_JA))
		return (long long)k + insns[k].imm + 1;
	return (long long)k + insns[k].off + 1;
}

/* target of a BPF-to-BPF call or a callback reference, or -1 */
static long long func_target(const struct bpf_insn *insns, __u32 k)
{
	if (linked_insn_is_pseudo_call(&insns[k]) || is_pseudo_func(&insns[k]))
		return (long long)k + insns[k].imm + 1;
	return -1;
}

/*
 * Registers an instruction names, as a mask. Reading counts as well as
 * writing: a register a main function reads it must have written first (the
 * verifier refuses reads of uninitialized registers), so the superset costs
 * nothing and needs no case analysis of atomics and the like.
 */
static __u16 regs_named(const struct bpf_insn *insn)
{
	__u8 cls = BPF_CLASS(insn->code);
	__u16 m = 0;

	switch (cls) {
	case BPF_ALU:
	case BPF_ALU64:
		m = 1u << insn->dst_reg;
		if (BPF_SRC(insn->code) == BPF_X)
			m |= 1u << insn->src_reg;
		break;
	case BPF_LDX:
	case BPF_STX:
		m = 1u << insn->dst_reg | 1u << insn->src_reg;
		break;
	case BPF_ST:
		m = 1u << insn->dst_reg;
		break;
	case BPF_LD: /* ld_imm64: src_reg is the kind of constant, not a register */
		m = 1u << insn->dst_reg;
		break;
	case BPF_JMP:
	case BPF_JMP32:
		if (!is_jump(insn) || BPF_OP(insn->code) == BPF_JA)
			break;
		m = 1u << insn->dst_reg;
		if (BPF_SRC(insn->code) == BPF_X)
			m |= 1u << insn->src_reg;
		break;
	}
	return m & 0x7ff;
}

__u32 linked_insn_main_len(const struct bpf_insn *insns, __u32 cnt)
{
	__u32 *starts = calloc(cnt ? cnt : 1, sizeof(*starts)), len;
	int n;

	if (!starts)
		return 0;
	n = linked_insn_funcs(insns, cnt, starts, (int)cnt);
	len = n <= 0 ? 0 : n > 1 ? starts[1] : cnt;
	free(starts);
	return len;
}

const char *linked_inline_check(const struct bpf_insn *insns, __u32 cnt,
				struct linked_inline_info *info)
{
	__u32 k, m = linked_insn_main_len(insns, cnt), exits = 0, calls = 0;
	long long t;

	memset(info, 0, sizeof(*info));
	if (!m)
		return "its calls cannot be followed";
	if (m > LINKED_INLINE_MAX_LEN)
		return "its main function is too long to inline (over 32767 instructions)";
	info->main_len = m;
	for (k = 0; k < cnt; k++) {
		const struct bpf_insn *insn = &insns[k];

		t = func_target(insns, k);
		if (t >= 0 && t < m)
			return k < m ? "its main function calls itself"
				     : "a subprogram calls or refers to its main function";
		if (linked_insn_is_ld_imm64(insn)) {
			if (k < m)
				info->regs |= regs_named(insn);
			k++;
			continue;
		}
		if (k >= m)
			continue;
		if (BPF_CLASS(insn->code) == BPF_LD)
			/* LD_ABS/LD_IND take the context from r6, implicitly */
			return "it reads the packet with LD_ABS/LD_IND";
		if (is_tail_call(insn))
			return "tail call in its main function";
		if (is_jump(insn)) {
			t = jump_target(insns, k);
			if (t < 0 || t >= m)
				return "its main function jumps out of itself";
		}
		exits += is_exit(insn);
		calls += insn->code == (BPF_JMP | BPF_CALL);
		info->regs |= regs_named(insn);
	}
	if (!exits)
		return "its main function never returns";
	info->uses_stack = info->regs & (1u << BPF_REG_10);
	/* a call reads r1..r5 without naming them */
	info->uses_ctx = (info->regs & (1u << BPF_REG_1)) || calls;
	info->regs &= REGS_CALLEE_SAVED;
	return NULL;
}

/* ---- stack ---- */

struct stack_ctx {
	const struct bpf_insn *insns;
	__u32 cnt;
	const __u32 *starts, *depths;
	int n;
	int *state; /* 0 unvisited, 1 in progress, 2 done */
	__u32 *chain;
	int *tail;
};

static int func_index(const __u32 *starts, int n, __u32 insn)
{
	int lo = 0, hi = n - 1;

	while (lo <= hi) {
		int mid = (lo + hi) / 2;

		if (starts[mid] == insn)
			return mid;
		if (starts[mid] < insn)
			lo = mid + 1;
		else
			hi = mid - 1;
	}
	return -1;
}

/* chain[f], tail[f] for function f; also, with sub, the maxima over f's callees */
static int visit(struct stack_ctx *s, int f, __u32 *sub_chain, int *sub_tail)
{
	__u32 end = f + 1 < s->n ? s->starts[f + 1] : s->cnt, k, best = 0;
	int tail = -1, c, err;

	if (s->state[f] == 2 && !sub_chain)
		return 0;
	if (s->state[f] == 1)
		return -ELOOP;
	s->state[f] = 1;
	for (k = s->starts[f]; k < end; k++) {
		long long t = func_target(s->insns, k);

		if (is_tail_call(&s->insns[k]) && tail < 0)
			tail = 0;
		if (linked_insn_is_ld_imm64(&s->insns[k]))
			k++;
		if (t < 0)
			continue;
		c = func_index(s->starts, s->n, (__u32)t);
		if (c < 0)
			return -EINVAL;
		err = visit(s, c, NULL, NULL);
		if (err)
			return err;
		if (s->chain[c] > best)
			best = s->chain[c];
		if (s->tail[c] >= 0 && (sub_tail && s->tail[c] > *sub_tail))
			*sub_tail = s->tail[c];
		if (s->tail[c] >= 0 && (int)linked_stack_round(s->depths[f]) + s->tail[c] > tail)
			tail = (int)linked_stack_round(s->depths[f]) + s->tail[c];
	}
	if (sub_chain)
		*sub_chain = best;
	s->chain[f] = linked_stack_round(s->depths[f]) + best;
	s->tail[f] = tail;
	s->state[f] = 2;
	return 0;
}

int linked_stack_need(const struct bpf_insn *insns, __u32 cnt, const __u32 *depths, __u32 ndepths,
		      struct linked_stack_need *out)
{
	struct stack_ctx s = { .insns = insns, .cnt = cnt, .depths = depths };
	__u32 *starts = calloc(cnt ? cnt : 1, sizeof(*starts));
	int err = -ENOMEM;

	memset(out, 0, sizeof(*out));
	if (!starts)
		return -ENOMEM;
	s.n = linked_insn_funcs(insns, cnt, starts, (int)cnt);
	if (s.n < 0) {
		free(starts);
		return s.n;
	}
	s.starts = starts;
	s.state = calloc(s.n, sizeof(*s.state));
	s.chain = calloc(s.n, sizeof(*s.chain));
	s.tail = calloc(s.n, sizeof(*s.tail));
	if (!s.state || !s.chain || !s.tail)
		goto out;
	err = -EINVAL;
	if ((__u32)s.n != ndepths)
		goto out;
	out->tail_sub = -1;
	err = visit(&s, 0, &out->chain_sub, &out->tail_sub);
	out->chain = s.chain[0];
	out->tail = s.tail[0];
out:
	free(s.state);
	free(s.chain);
	free(s.tail);
	free(starts);
	return err;
}

/* ---- the plan ---- */

/* Does every reached component's chain of frames fit on top of a frame of fr bytes? */
static const char *frames_fit(const struct linked_gen_comp *gen, unsigned int reached, __u32 frame,
			      const struct linked_plan_comp *plan)
{
	/* the dispatcher's frame, rounded as the kernel rounds it (0 stays 0: as today) */
	__u32 fr = frame ? linked_stack_round(frame) : 0, chain;
	unsigned int i;
	int tail;

	for (i = 0; i < reached && frame; i++) {
		if (!plan[i].need_known)
			return "stack: its frames' depth is unknown";
		chain = gen[i].inlined ? plan[i].need.chain_sub : plan[i].need.chain;
		tail = gen[i].inlined ? plan[i].need.tail_sub : plan[i].need.tail;
		if (fr + chain > LINKED_STACK_MAX)
			return "stack: the chain's frames would pass 512 bytes";
		if (tail >= 0 && fr + tail >= LINKED_STACK_TAIL_MAX)
			return "stack: frames below a tail call would reach 256 bytes";
	}
	return NULL;
}

void linked_inline_plan(struct linked_gen_comp *gen, const struct bpf_insn *const *insns,
			unsigned int n, unsigned int counters, struct linked_plan_comp *plan)
{
	unsigned int i, reached = linked_gen_reached(gen, n), worst;
	const char *why;

	for (i = 0; i < n; i++)
		gen[i].inlined = i < reached && !plan[i].why;
	for (;;) {
		why = frames_fit(gen, reached, linked_gen_frame(gen, insns, n, counters), plan);
		if (!why)
			return;
		/* the largest stack goes first; among equals, the last one */
		worst = reached;
		for (i = 0; i < reached; i++)
			if (gen[i].inlined &&
			    (worst == reached || gen[i].stack >= gen[worst].stack))
				worst = i;
		if (worst == reached)
			return; /* nothing inlined: the layout of today, the kernel judges it */
		gen[worst].inlined = false;
		plan[worst].why = why;
	}
}

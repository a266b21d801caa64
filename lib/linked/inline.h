/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Which components the linked dispatcher inlines, and what that costs in stack:
 * pure functions over a component's instructions (and the stack depths the
 * verifier found for its functions), no kernel.
 *
 * An inlined main function runs in the dispatcher's frame, so:
 *  - its exits must become jumps to its chain check: a bpf_tail_call in it
 *    would leave the whole dispatcher instead of returning to the check, so it
 *    stays a call (a tail call in a subprogram unwinds only that frame: fine);
 *  - every jump must stay inside it and nothing may call or point back into it;
 *  - its stack sits in the dispatcher's frame, under the same 512 bytes (the
 *    kernel sums the frames of every call chain, and below a frame that makes a
 *    tail call the frames may take 256 bytes at most).
 * Anything else the generator cannot prove keeps the component a call; the
 * reason is a phrase status shows.
 */
#ifndef XDPL_LINKED_INLINE_H
#define XDPL_LINKED_INLINE_H

#include <stdbool.h>
#include <linux/bpf.h>
#include <linux/types.h>
#include "linked/codegen.h"

#define LINKED_STACK_MAX 512	  /* MAX_BPF_STACK, all frames of a call chain */
#define LINKED_STACK_TAIL_MAX 256 /* frames below one that tail-calls: less than this */
/* an inlined component's exits jump to its check: a 16-bit offset */
#define LINKED_INLINE_MAX_LEN 32767

struct linked_inline_info {
	__u32 main_len;	 /* instructions of the main function */
	__u16 regs;	 /* registers r6..r9 its main function names (bit r) */
	bool uses_stack; /* its main function names r10 */
	bool uses_ctx;	 /* its main function names r1 (else it needs no "r1 = ctx") */
};

/* Instructions of the main function (up to the first subprogram); 0 on error. */
__u32 linked_insn_main_len(const struct bpf_insn *insns, __u32 cnt);

/*
 * NULL when the main function can be inlined (info filled), else why not: a
 * phrase such as "tail call in its main function".
 */
const char *linked_inline_check(const struct bpf_insn *insns, __u32 cnt,
				struct linked_inline_info *info);

/* A frame as the kernel counts it (round_up(max(d, 1), 32), as kernels up to 6.9 do). */
static inline __u32 linked_stack_round(__u32 depth)
{
	return ((depth ? depth : 1) + 31) & ~31u;
}

/*
 * A component's frames on top of whatever calls it, in bytes, from the stack
 * depth of each of its functions (depths[f] for the f-th function start, as
 * linked_insn_funcs() orders them and the verifier's "stack depth" line
 * lists them). Callbacks count as frames, as the kernel counts them.
 */
struct linked_stack_need {
	__u32 chain;	 /* the deepest chain of its frames, main's included */
	__u32 chain_sub; /* the same from the functions main calls (0: none) */
	int tail;     /* frames below its deepest tail-calling frame, main's included; -1: none */
	int tail_sub; /* the same without main's frame; -1: none below main */
};

int linked_stack_need(const struct bpf_insn *insns, __u32 cnt, const __u32 *depths, __u32 ndepths,
		      struct linked_stack_need *out);

/* What the planner knows of one component. */
struct linked_plan_comp {
	const char *why; /* in: NULL if it may be inlined; out: why it is called */
	bool need_known; /* need is filled (from the verifier's depths) */
	struct linked_stack_need need;
};

/*
 * Decide gen[i].inlined for the reached components: every one whose why is
 * NULL, then, while the frames do not fit (LINKED_STACK_MAX for any chain,
 * LINKED_STACK_TAIL_MAX below a tail call), the inlined one with the largest
 * stack falls back to a call, and says so in why. gen[i].stack must be set
 * for those that may be inlined. A component whose need is unknown is only
 * inlined when the dispatcher's frame stays empty.
 */
void linked_inline_plan(struct linked_gen_comp *gen, const struct bpf_insn *const *insns,
			unsigned int n, unsigned int counters, struct linked_plan_comp *plan);

#endif

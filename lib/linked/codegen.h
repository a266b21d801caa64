/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The linked dispatcher's code generator and instruction analysis: pure functions,
 * no kernel. The composite program is
 *
 *	r6 = r1                          ctx, callee-saved across the calls
 *	[counters: r7 = this CPU's counters (looked up once, key from a map: no stack)]
 *	for each component i:
 *		r1 = r6
 *		call comp_i                  BPF-to-BPF call
 *		[counters: w1 = w0; if w1 > XDP_REDIRECT goto fix_i
 *		 back_i: counters[i][w1]++]
 *		chain mask with one action a:
 *		if w0 != a goto vexit        verdict; a falls through to comp_i+1
 *		any other mask:
 *		if w0 == a goto next         one JMP32 per action in the mask
 *		exit                         first action not in the mask is the verdict
 *	r0 = XDP_PASS; vexit: exit       end of the chain (without it, when the last
 *	                                 reached mask is empty, vexit is that block's exit)
 *	[counters, for each component i:
 *	 fix_i: w1 = OTHER; goto back_i  out of line: not an action]
 *	comp_0 instructions verbatim, comp_1 ..., comp_n-1
 *
 * The chained path and a counted action take no branch. The fix blocks come
 * after vexit, so nothing falls into them.
 *
 * Component instructions are copied unchanged: their jumps, calls and callback
 * references are PC-relative. Only the dispatcher's call immediates are computed.
 *
 * When any component is inlined (linked_gen_comp.inlined), the layout is the
 * inlining one of codegen_inline.c (its picture is there): an inlined
 * component's main function runs in the dispatcher's body, its exits going to
 * its chain check, its subprograms after the body. With no component inlined
 * (--no-inline, or none can be) the layout is exactly the one above.
 */
#ifndef XDPL_LINKED_CODEGEN_H
#define XDPL_LINKED_CODEGEN_H

#include <stdbool.h>
#include <stddef.h>
#include <linux/bpf.h>
#include <linux/types.h>

/* components a dispatcher can hold (the kernel's 256 functions per program bound it) */
#define LINKED_GEN_MAX_COMPS 256

struct linked_gen_comp {
	__u32 insn_cnt;
	__u32 chain_mask; /* bit a set: after action a the next component runs (a < 32) */
	/*
	 * Inline its main function (the caller checked that it can, with
	 * linked_inline_check(), and planned the stack): the generator needs its
	 * instructions then, so only linked_gen_composite() takes it. stack is
	 * the main function's stack depth in bytes (the verifier's figure): its
	 * r10-relative accesses land in the dispatcher's frame, which holds it.
	 */
	bool inlined;
	__u32 stack;
};

/*
 * Where a component landed: its instruction k < main_len at base + k, the
 * rest (an inlined component's subprograms) at sub_base + k - main_len. A
 * called component is one block: main_len is all of it.
 */
struct linked_gen_place {
	__u32 base, main_len, sub_base;
};

/*
 * How many components the dispatcher can reach: after one with an empty chain
 * mask nothing runs, and the kernel refuses unreachable code, so those are left
 * out of the composite (their bases[] are 0).
 */
unsigned int linked_gen_reached(const struct linked_gen_comp *comps, unsigned int n);

/* Per-component counters (layout in <xdpload/dispatcher.h>); NULL for none. */
struct linked_gen_counters {
	int map_fd; /* the per-CPU counters map */
	/*
	 * >= 0: a one-entry array whose value (0) is the lookup key, so the
	 * dispatcher needs no stack; < 0: the key goes on the stack (4 bytes).
	 */
	int key_fd;
	const unsigned int *slots; /* component i counts in slots[i]; NULL: slot i */
	/*
	 * Count bytes too (data_end - data when a component returns, into its
	 * slot's bytes): the kernel allows it to a loader with CAP_PERFMON.
	 */
	bool bytes;
};

/* linked_gen_frame's and linked_inline_plan's counters: what the dispatcher counts */
#define LINKED_GEN_COUNT_PACKETS 1u
#define LINKED_GEN_COUNT_BYTES 2u

/*
 * Instructions of the dispatcher part (before the first component), counted
 * by generating it; 0 when out of memory or when a component is inlined.
 */
__u32 linked_gen_dispatcher_len(const struct linked_gen_comp *comps, unsigned int n,
				const struct linked_gen_counters *cnt);

/*
 * Emit the dispatcher into out (linked_gen_dispatcher_len() slots, -EINVAL
 * when out_cnt is fewer) and set bases[i] to the index in the composite where
 * component i starts. Returns the number of instructions or -errno (-E2BIG:
 * a counter slot's offset, or the composite, too large; -ERANGE: a jump
 * across the dispatcher does not fit its 16-bit offset).
 */
int linked_gen_dispatcher(const struct linked_gen_comp *comps, unsigned int n,
			  const struct linked_gen_counters *cnt, struct bpf_insn *out,
			  __u32 out_cnt, __u32 *bases);

/*
 * The whole composite: dispatcher followed by every component's instructions.
 * *out is allocated (the caller frees it), *cnt set, bases[] as above (an
 * inlined component's: where its main function starts), places[] (may be
 * NULL) where each part of each component went.
 */
int linked_gen_composite(const struct linked_gen_comp *comps, const struct bpf_insn *const *insns,
			 unsigned int n, const struct linked_gen_counters *cnt,
			 struct bpf_insn **out, __u32 *out_cnt, __u32 *bases,
			 struct linked_gen_place *places);

/*
 * The traced variant (xdpload trace, codegen_trace.c has its picture): the
 * called layout (no component may be inlined), recording each program's
 * counter slot and action in the tracer's per-CPU record and calling the
 * tracer function before it returns.
 */
struct linked_gen_trace {
	int rec_fd; /* the tracer's record map (struct xdpl_trace_rec, one per-CPU entry) */
	int key_fd; /* >= 0: a one-entry array holding 0 (the lookup key); < 0: stack */
	const unsigned int *slots;    /* component i's slot as recorded; NULL: i */
	const struct bpf_insn *insns; /* the tracer function, verbatim after the components */
	__u32 insn_cnt;
};

/*
 * As linked_gen_composite, traced. bases[n] entries; places (may be NULL)
 * takes n + 1: places[n] is the tracer's. Returns the dispatcher's length
 * (before the first component) or -errno.
 */
int linked_gen_composite_traced(const struct linked_gen_comp *comps,
				const struct bpf_insn *const *insns, unsigned int n,
				const struct linked_gen_counters *cnt,
				const struct linked_gen_trace *t, struct bpf_insn **out,
				__u32 *out_cnt, __u32 *bases, struct linked_gen_place *places);

/*
 * Bytes of stack the dispatcher's own frame takes in the inlining layout: the
 * largest inlined stack (rounded to 8) plus its spill slots for the context
 * and the counters when an inlined component uses the registers they live in.
 * 0 when nothing is inlined. counters: LINKED_GEN_COUNT_* bits (true: packets).
 */
__u32 linked_gen_frame(const struct linked_gen_comp *comps, const struct bpf_insn *const *insns,
		       unsigned int n, unsigned int counters);

/* ---- instruction analysis (used by the preflight checks) ---- */

static inline bool linked_insn_is_pseudo_call(const struct bpf_insn *insn)
{
	return insn->code == (BPF_JMP | BPF_CALL) && insn->src_reg == BPF_PSEUDO_CALL;
}

static inline bool linked_insn_is_helper_call(const struct bpf_insn *insn)
{
	return insn->code == (BPF_JMP | BPF_CALL) && insn->src_reg == 0;
}

static inline bool linked_insn_is_ld_imm64(const struct bpf_insn *insn)
{
	return insn->code == (BPF_LD | BPF_IMM | BPF_DW);
}

/*
 * Start of every function of a program (0, BPF-to-BPF call targets, callback
 * targets), sorted, into starts[max]. Returns the count, -EINVAL for a target
 * outside the program, -E2BIG when more than max.
 */
int linked_insn_funcs(const struct bpf_insn *insns, __u32 cnt, __u32 *starts, int max);

/*
 * The deepest stack of frames the program can build, the entry being frame 1:
 * BPF-to-BPF calls and callbacks (bpf_loop, timers) each add one, as the kernel
 * counts them against its 8 frames. Returns the depth or -errno.
 */
int linked_insn_call_depth(const struct bpf_insn *insns, __u32 cnt);

/* Index of the first call to a kfunc in a kernel module (needs an fd_array), or -1. */
int linked_insn_find_module_kfunc(const struct bpf_insn *insns, __u32 cnt);

/* Distinct helper IDs called, into ids[max]; returns the count (capped at max). */
int linked_insn_helpers(const struct bpf_insn *insns, __u32 cnt, __u32 *ids, int max);

/* Distinct map fds referenced by ld_imm64 (maps and global data), into fds[max]. */
int linked_insn_map_fds(const struct bpf_insn *insns, __u32 cnt, int *fds, int max);

#endif

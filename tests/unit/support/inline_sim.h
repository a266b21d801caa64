/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * For test_linked_inline: an interpreter of the BPF subset that the linked
 * dispatcher and its test components use, so the inlined and the called layouts
 * run real component code without a kernel. It runs the program from
 * instruction 0 with r1 pointing to ctx, follows BPF-to-BPF calls into frames of
 * their own (512 bytes of stack each, filled with 0xcc; r1-r5 are poisoned after
 * any call), bpf_loop callbacks, an always-empty tail call slot and the counters'
 * map_lookup_elem (its value is cnt). The bytes counters read ctx[0] and ctx[1]
 * as data and data_end. Any access outside ctx, the key, the counters or the
 * frames' stacks, and any instruction it does not know, fail the calling test.
 */
#ifndef XDPL_TESTS_INLINE_SIM_H
#define XDPL_TESTS_INLINE_SIM_H

#include <linux/bpf.h>
#include <xdpload/dispatcher.h>

struct inline_sim {
	const struct bpf_insn *p; /* the program, LEN instructions */
	int len;
	__u32 ctx[16], key;		 /* r1 points to ctx; KEY is the counters' key map value */
	__u64 cnt[64 * XDPL_DISP_WORDS]; /* the counters map's value: packets, then bytes */
	__u8 stack[8][512];		 /* one per call frame */
	/* the N components start at BASES: RAN lists those reached, in order, NRAN of them */
	const __u32 *bases;
	unsigned int n, ran[16], nran;
	int steps; /* instructions run: at most 100000 */
};

/* run S->p once (ran, nran and steps start again): r0 at the main function's exit */
__u64 inline_sim_run(struct inline_sim *s);

#endif

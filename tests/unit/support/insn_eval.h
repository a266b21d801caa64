/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * For the unit tests' BPF interpreters (codegen_sim, inline_sim): the two
 * decisions both make the same way, so they are written once.
 */
#ifndef XDPL_TESTS_INSN_EVAL_H
#define XDPL_TESTS_INSN_EVAL_H

#include <stdbool.h>
#include <linux/bpf.h>

/*
 * Whether a conditional jump of operation OP (BPF_OP of its code: JEQ, JNE,
 * JGT, JGE, JLT or JLE; any other fails the calling test) is taken, comparing
 * A with B unsigned, both already cut to 32 bits for a JMP32.
 */
bool insn_jump_taken(__u8 op, __u64 a, __u64 b);

/* the bytes a load or store of CODE moves (its BPF_SIZE): 1, 2, 4 or 8 */
unsigned int insn_size(__u8 code);

#endif

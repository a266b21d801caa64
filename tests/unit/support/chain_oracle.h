/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * For the dispatcher tests that run a chain over every combination of
 * verdicts (codegen_sim, test_linked_inline): the combinations, and what the
 * chain means for each, independent of any generated code.
 */
#ifndef XDPL_TESTS_CHAIN_ORACLE_H
#define XDPL_TESTS_CHAIN_ORACLE_H

#include <stdbool.h>
#include <linux/bpf.h>
#include "linked/codegen.h"

/* how many combinations N components' verdicts have: each one of the five XDP actions or 9, none */
unsigned int chain_combos(unsigned int n);

/* combination COMBO's verdicts, VERDICT[0..N): component k returns VERDICT[k] */
void chain_combo(unsigned int combo, unsigned int n, __u32 *verdict);

/*
 * The chain's meaning for one packet: component k runs when every one before
 * it returned an action in its mask (C[k].chain_mask); the verdict, in *WANT,
 * is the first action outside a mask, else XDP_PASS. Each component that ran
 * counts its action (a non-action as XDPL_DISP_SLOT_OTHER) in WANT_CNT, a
 * counters map value being built up, at its slot (SLOTS[k], or k with SLOTS
 * NULL), and with BYTES adds LEN to the same action's bytes. Returns the
 * position of the component whose verdict is the chain's, or N when every one
 * chained on: the components up to it ran, in order.
 */
unsigned int chain_expect(const struct linked_gen_comp *c, unsigned int n, const __u32 *verdict,
			  const unsigned int *slots, bool bytes, __u64 len, __u64 *want_cnt,
			  __u32 *want);

#endif

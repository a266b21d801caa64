/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * For test_linked_codegen and test_linked_codegen_trace: run the dispatcher in
 * the called layout, untraced (linked_gen_dispatcher()) or traced
 * (linked_gen_composite_traced()), on a small interpreter of exactly the
 * instructions they emit, each component "returning" a given verdict, over
 * every combination of the five actions and a non-action, and compare with the
 * chain's meaning (chain_oracle.h): a component runs when every one before it
 * returned an action in its mask; the verdict is the first action outside a
 * mask, else XDP_PASS; every component that ran counts its action, and with
 * bytes counters the packet's length (data_end - data, 98 here). This checks
 * every jump target. Failures are cmocka failures of the calling test.
 */
#ifndef XDPL_TESTS_CODEGEN_SIM_H
#define XDPL_TESTS_CODEGEN_SIM_H

#include "linked/codegen.h"

/* the N components C, with counters CNT (NULL: none; its map_fd is the counters map's) */
void codegen_check_semantics(const struct linked_gen_comp *c, unsigned int n,
			     const struct linked_gen_counters *cnt);

/*
 * The same chain traced, each component a body of exits and the tracer three
 * exits after them: it must decide and count as untraced, and call the tracer
 * once, last, with the record saying who ran, what each returned and the
 * verdict. SLOTS are the components' slots, in the record and in the counters
 * (NULL: k is component k's), as given to the generator in T and in CNT.
 */
void codegen_check_traced(const struct linked_gen_comp *c, unsigned int n,
			  const struct linked_gen_counters *cnt, const unsigned int *slots);

#endif

/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * For test_linked_codegen: run the called dispatcher (linked_gen_dispatcher(),
 * every component a call) on a small interpreter of the instructions it emits,
 * each component "returning" a given verdict, over every combination of the
 * five actions and a non-action, and compare with the chain's meaning:
 * a component runs when every one before it returned an action in its mask;
 * the verdict is the first action outside a mask, else XDP_PASS; every
 * component that ran counts its action. This checks every jump target.
 * Failures are cmocka failures of the calling test.
 */
#ifndef XDPL_TESTS_CODEGEN_SIM_H
#define XDPL_TESTS_CODEGEN_SIM_H

#include "linked/codegen.h"

/* the N components C, with counters CNT (NULL: none) */
void codegen_check_semantics(const struct linked_gen_comp *c, unsigned int n,
			     const struct linked_gen_counters *cnt);

#endif

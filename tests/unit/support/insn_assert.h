/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * For the unit tests of the instruction emitter and the linked dispatcher's code
 * generator (test_linked_emit, test_linked_codegen, test_linked_inline): the
 * expected instructions, written field by field with I() so the oracle does not
 * share the macros under test, and assert_insn(), which fails the calling test
 * with both instructions spelled out.
 */
#ifndef XDPL_TESTS_INSN_ASSERT_H
#define XDPL_TESTS_INSN_ASSERT_H

#include <linux/bpf.h>

#define I(c, d, s, o, i) \
	((struct bpf_insn){ .code = (c), .dst_reg = (d), .src_reg = (s), .off = (o), .imm = (i) })

/* GOT must be WANT, byte for byte; PC names it in the failure */
void assert_insn(const struct bpf_insn *got, struct bpf_insn want, int pc);

#endif

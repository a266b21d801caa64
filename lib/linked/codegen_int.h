/* SPDX-License-Identifier: GPL-2.0-only */
/* Shared by the two dispatcher layouts (codegen.c, codegen_inline.c); not an API. */
#ifndef XDPL_LINKED_CODEGEN_INT_H
#define XDPL_LINKED_CODEGEN_INT_H

#include "linked/codegen.h"
#include "linked/emit.h"

/* what the kernel accepts from a privileged loader (BPF_COMPLEXITY_LIMIT_INSNS) */
#define LINKED_MAX_INSNS 1000000

/* one chained action: the check falls through to the next component */
bool lgen_falls_through(const struct linked_gen_comp *c);
/* does the chain end in "r0 = XDP_PASS; exit" (no empty mask cut it short)? */
bool lgen_has_trailer(const struct linked_gen_comp *comps, unsigned int n);
unsigned int lgen_counter_slot(const struct linked_gen_counters *cnt, unsigned int i);
bool lgen_any_inlined(const struct linked_gen_comp *comps, unsigned int n);
int lgen_check_input(const struct linked_gen_comp *comps, unsigned int n,
		     const struct linked_gen_counters *cnt);

/* ctx_reg = r1, then (counters) cnt_reg = this CPU's counters or XDP_ABORTED */
void lgen_emit_prologue(struct linked_emit *e, const struct linked_gen_counters *cnt, int ctx_reg,
			int cnt_reg);
/*
 * counters[slot][min(w0, OTHER)]++ from base = &counters[0]; the clamp at fix.
 * With cnt->bytes, its bytes += data_end - data of the context in ctx (a
 * register; r1-r3 are scratch, r0 is kept).
 */
void lgen_emit_count(struct linked_emit *e, const struct linked_gen_counters *cnt, int base,
		     unsigned int slot, int fix, int back, int ctx);
/* bytes at ptr + off += data_end - data of ctx (uses r2, r3) */
void lgen_emit_bytes(struct linked_emit *e, int ptr, __s16 off, int ctx);
void lgen_emit_fix(struct linked_emit *e, int fix, int back);

/* The inlining layout (codegen_inline.c); returns the dispatcher body's length. */
int lgen_inline(struct linked_emit *e, const struct linked_gen_comp *comps,
		const struct bpf_insn *const *insns, unsigned int n,
		const struct linked_gen_counters *cnt, __u32 *bases,
		struct linked_gen_place *places);

#endif

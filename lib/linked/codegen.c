// SPDX-License-Identifier: GPL-2.0-only
#include <errno.h>
#include <stddef.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <xdpload/dispatcher.h>
#include "linked/codegen.h"
#include "linked/codegen_int.h"
#include "linked/emit.h"

/*
 * One chained action: "if w0 != a goto <exit>", falling through to the next
 * component on the chained path, which the CPU runs faster than a taken branch
 * over an exit (bench/README.md). Otherwise one "if w0 == a goto next" per
 * action, then the block's own exit.
 */
bool lgen_falls_through(const struct linked_gen_comp *c)
{
	return __builtin_popcount(c->chain_mask) == 1;
}

unsigned int linked_gen_reached(const struct linked_gen_comp *comps, unsigned int n)
{
	unsigned int i;

	for (i = 0; i < n; i++)
		if (!comps[i].chain_mask)
			return i + 1;
	return n;
}

/* after a component with an empty mask nothing runs: no end-of-chain PASS either */
bool lgen_has_trailer(const struct linked_gen_comp *comps, unsigned int n)
{
	return linked_gen_reached(comps, n) == n && (!n || comps[n - 1].chain_mask);
}

unsigned int lgen_counter_slot(const struct linked_gen_counters *cnt, unsigned int i)
{
	return cnt->slots ? cnt->slots[i] : i;
}

void lgen_emit_prologue(struct linked_emit *e, const struct linked_gen_counters *cnt, int ctx_reg,
			int cnt_reg)
{
	int counting;

	LINKED_EMIT(e, BPF_MOV64_REG(ctx_reg, BPF_REG_1));
	if (!cnt)
		return;
	LINKED_EMIT(e, BPF_LD_MAP_FD(BPF_REG_1, cnt->map_fd));
	if (cnt->key_fd >= 0)
		/* a pointer to a map value holding 0: the dispatcher keeps a 0-byte stack */
		LINKED_EMIT(e, BPF_LD_MAP_VALUE(BPF_REG_2, cnt->key_fd, 0));
	else
		LINKED_EMIT(e, BPF_ST_MEM(BPF_W, BPF_REG_10, -4, 0),
			    BPF_MOV64_REG(BPF_REG_2, BPF_REG_10),
			    BPF_ALU64_IMM(BPF_ADD, BPF_REG_2, -4));
	LINKED_EMIT(e, BPF_EMIT_CALL(BPF_FUNC_map_lookup_elem), BPF_MOV64_REG(cnt_reg, BPF_REG_0));
	/*
	 * A one-entry per-CPU array always has key 0, so this cannot fail; the
	 * check is for the verifier. Fail closed rather than run the chain
	 * without a way to count.
	 */
	counting = linked_emit_new_label(e);
	linked_emit_jump(e, BPF_JMP_IMM(BPF_JNE, cnt_reg, 0, 0), counting);
	LINKED_EMIT(e, BPF_MOV64_IMM(BPF_REG_0, XDP_ABORTED), BPF_EXIT_INSN());
	linked_emit_label_place(e, counting);
}

/*
 * counters[slot][min(w0, OTHER)] += 1 with base = &counters[0]. An action
 * (w0 <= XDP_REDIRECT, the last one) falls through: the CPU runs that faster
 * than a taken branch over the clamp. Anything else jumps to the fix block
 * (after the main body), which clamps and jumps back. Both paths leave
 * w1 <= OTHER, which is how the verifier bounds the index.
 */
void lgen_emit_bytes(struct linked_emit *e, int ptr, __s16 off, int ctx)
{
	LINKED_EMIT(e, BPF_LDX_MEM(BPF_W, BPF_REG_2, ctx, offsetof(struct xdp_md, data_end)),
		    BPF_LDX_MEM(BPF_W, BPF_REG_3, ctx, offsetof(struct xdp_md, data)),
		    BPF_ALU64_REG(BPF_SUB, BPF_REG_2, BPF_REG_3),
		    BPF_LDX_MEM(BPF_DW, BPF_REG_3, ptr, off),
		    BPF_ALU64_REG(BPF_ADD, BPF_REG_3, BPF_REG_2),
		    BPF_STX_MEM(BPF_DW, ptr, BPF_REG_3, off));
}

void lgen_emit_count(struct linked_emit *e, const struct linked_gen_counters *cnt, int base,
		     unsigned int slot, int fix, int back, int ctx)
{
	__s16 off = (__s16)(slot * XDPL_DISP_STRIDE);

	LINKED_EMIT(e, BPF_MOV32_REG(BPF_REG_1, BPF_REG_0));
	linked_emit_jump(e, BPF_JMP32_IMM(BPF_JGT, BPF_REG_1, XDP_REDIRECT, 0), fix);
	linked_emit_label_place(e, back);
	LINKED_EMIT(e, BPF_ALU64_IMM(BPF_LSH, BPF_REG_1, 3),
		    BPF_ALU64_REG(BPF_ADD, BPF_REG_1, base),
		    BPF_LDX_MEM(BPF_DW, BPF_REG_2, BPF_REG_1, off),
		    BPF_ALU64_IMM(BPF_ADD, BPF_REG_2, 1),
		    BPF_STX_MEM(BPF_DW, BPF_REG_1, BPF_REG_2, off));
	if (cnt->bytes)
		lgen_emit_bytes(e, BPF_REG_1, (__s16)(off + XDPL_DISP_BYTES_OFF), ctx);
}

void lgen_emit_fix(struct linked_emit *e, int fix, int back)
{
	linked_emit_label_place(e, fix);
	LINKED_EMIT(e, BPF_MOV32_IMM(BPF_REG_1, XDPL_DISP_SLOT_OTHER));
	linked_emit_jump(e, BPF_JMP_A(0), back);
}

/* The dispatcher, its call to component i going to label comp + i. */
static void emit_dispatcher(struct linked_emit *e, const struct linked_gen_comp *comps,
			    unsigned int n, const struct linked_gen_counters *cnt, int comp)
{
	unsigned int i, a, reached = linked_gen_reached(comps, n);
	int vexit = linked_emit_new_label(e), next;
	int fix = cnt ? linked_emit_new_labels(e, reached) : -1;
	int back = cnt ? linked_emit_new_labels(e, reached) : -1;

	lgen_emit_prologue(e, cnt, BPF_REG_6, BPF_REG_7);
	for (i = 0; i < reached; i++) {
		const struct linked_gen_comp *c = &comps[i];

		LINKED_EMIT(e, BPF_MOV64_REG(BPF_REG_1, BPF_REG_6));
		linked_emit_call(e, comp + i);
		if (cnt)
			lgen_emit_count(e, cnt, BPF_REG_7, lgen_counter_slot(cnt, i), fix + i,
					back + i, BPF_REG_6);
		/*
		 * Only the low 32 bits of r0 are the action. vexit, the main
		 * body's last insn, is an exit that leaves r0 alone: the
		 * trailer's, after its r0 = XDP_PASS, or, with no trailer, the
		 * exit of the last block, whose mask is empty. So the verdict can
		 * jump straight to it.
		 */
		if (lgen_falls_through(c)) {
			linked_emit_jump(
				e,
				BPF_JMP32_IMM(BPF_JNE, BPF_REG_0, __builtin_ctz(c->chain_mask), 0),
				vexit);
			continue;
		}
		next = linked_emit_new_label(e);
		for (a = 0; a < 32; a++)
			if (c->chain_mask & (1u << a))
				linked_emit_jump(e, BPF_JMP32_IMM(BPF_JEQ, BPF_REG_0, a, 0), next);
		if (!c->chain_mask)
			linked_emit_label_place(e, vexit);
		LINKED_EMIT(e, BPF_EXIT_INSN());
		linked_emit_label_place(e, next);
	}
	if (lgen_has_trailer(comps, n)) {
		LINKED_EMIT(e, BPF_MOV64_IMM(BPF_REG_0, XDP_PASS));
		linked_emit_label_place(e, vexit);
		LINKED_EMIT(e, BPF_EXIT_INSN());
	}
	/*
	 * The fix blocks follow an exit, so nothing falls into them, and the
	 * main subprogram ends in an exit or a goto, as the verifier requires.
	 */
	for (i = 0; cnt && i < reached; i++)
		lgen_emit_fix(e, fix + i, back + i);
}

int lgen_check_input(const struct linked_gen_comp *comps, unsigned int n,
		     const struct linked_gen_counters *cnt)
{
	unsigned int i;

	if (!n)
		return -EINVAL;
	/* the counter offsets are 16-bit */
	for (i = 0; cnt && i < n; i++)
		if ((lgen_counter_slot(cnt, i) + 1) * XDPL_DISP_STRIDE > 0x7fff)
			return -E2BIG;
	return 0;
}

bool lgen_any_inlined(const struct linked_gen_comp *comps, unsigned int n)
{
	unsigned int i, reached = linked_gen_reached(comps, n);

	for (i = 0; i < reached; i++)
		if (comps[i].inlined)
			return true;
	return false;
}

/*
 * The composite into e: the dispatcher, then each reached component from
 * its label. insns NULL leaves the components' slots zero, for a caller that
 * wants the dispatcher alone. Returns the dispatcher's length or -errno.
 */
static int generate(struct linked_emit *e, const struct linked_gen_comp *comps,
		    const struct bpf_insn *const *insns, unsigned int n,
		    const struct linked_gen_counters *cnt, __u32 *bases,
		    struct linked_gen_place *places)
{
	unsigned int i, reached = linked_gen_reached(comps, n);
	int comp, len, err = lgen_check_input(comps, n, cnt);
	__u64 total;

	if (err)
		return err;
	if (lgen_any_inlined(comps, n))
		return insns ? lgen_inline(e, comps, insns, n, cnt, bases, places) : -EINVAL;
	comp = linked_emit_new_labels(e, reached);
	emit_dispatcher(e, comps, n, cnt, comp);
	len = (int)e->len;
	total = len;
	for (i = 0; i < reached; i++)
		total += comps[i].insn_cnt;
	if (total > LINKED_MAX_INSNS)
		return -E2BIG;
	linked_emit_reserve(e, (__u32)(total - len));
	for (i = 0; i < reached; i++) {
		linked_emit_label_place(e, comp + i);
		if (insns)
			linked_emit_insns(e, insns[i], comps[i].insn_cnt);
		else
			linked_emit_space(e, comps[i].insn_cnt);
	}
	err = linked_emit_finish(e);
	if (err < 0)
		return err;
	for (i = 0; i < n; i++) {
		bases[i] = i < reached ? (__u32)linked_emit_label_pos(e, comp + i) : 0;
		if (places)
			places[i] = (struct linked_gen_place){
				.base = bases[i],
				.main_len = i < reached ? comps[i].insn_cnt : 0,
				.sub_base = bases[i] + (i < reached ? comps[i].insn_cnt : 0),
			};
	}
	return len;
}

__u32 linked_gen_dispatcher_len(const struct linked_gen_comp *comps, unsigned int n,
				const struct linked_gen_counters *cnt)
{
	struct linked_emit e = LINKED_EMIT_INIT;
	__u32 len;

	if (lgen_any_inlined(comps, n))
		return 0; /* interleaved with the components: see linked_gen_composite */
	/* the length is known before the labels are: no need to resolve them */
	emit_dispatcher(&e, comps, n, cnt,
			linked_emit_new_labels(&e, linked_gen_reached(comps, n)));
	len = e.err ? 0 : e.len;
	linked_emit_free(&e);
	return len;
}

int linked_gen_dispatcher(const struct linked_gen_comp *comps, unsigned int n,
			  const struct linked_gen_counters *cnt, struct bpf_insn *out,
			  __u32 out_cnt, __u32 *bases)
{
	struct linked_emit e = LINKED_EMIT_INIT;
	int len = generate(&e, comps, NULL, n, cnt, bases, NULL);

	if (len >= 0 && out_cnt < (__u32)len)
		len = -EINVAL;
	if (len >= 0)
		memcpy(out, e.insns, len * sizeof(*out));
	linked_emit_free(&e);
	return len;
}

int linked_gen_composite(const struct linked_gen_comp *comps, const struct bpf_insn *const *insns,
			 unsigned int n, const struct linked_gen_counters *cnt,
			 struct bpf_insn **out, __u32 *out_cnt, __u32 *bases,
			 struct linked_gen_place *places)
{
	struct linked_emit e = LINKED_EMIT_INIT;
	unsigned int i;
	int err;

	for (i = 0; i < n; i++)
		if (!comps[i].insn_cnt || comps[i].insn_cnt > LINKED_MAX_INSNS)
			return -EINVAL;
	err = generate(&e, comps, insns, n, cnt, bases, places);
	if (err < 0) {
		linked_emit_free(&e);
		return err;
	}
	*out = e.insns;
	*out_cnt = e.len;
	e.insns = NULL; /* the caller's now */
	linked_emit_free(&e);
	return 0;
}

/* ---- analysis ---- */

static bool is_pseudo_func(const struct bpf_insn *insn)
{
	return linked_insn_is_ld_imm64(insn) && insn->src_reg == BPF_PSEUDO_FUNC;
}

/* target of a BPF-to-BPF call or a callback reference at i, or -1 */
static long long call_target(const struct bpf_insn *insns, __u32 i)
{
	if (linked_insn_is_pseudo_call(&insns[i]) || is_pseudo_func(&insns[i]))
		return (long long)i + insns[i].imm + 1;
	return -1;
}

static int cmp_u32(const void *a, const void *b)
{
	__u32 x = *(const __u32 *)a, y = *(const __u32 *)b;

	return x < y ? -1 : x > y;
}

int linked_insn_funcs(const struct bpf_insn *insns, __u32 cnt, __u32 *starts, int max)
{
	int n = 0, j;
	__u32 k;

	if (!cnt || max < 1)
		return -EINVAL;
	starts[n++] = 0;
	for (k = 0; k < cnt; k++) {
		long long t = call_target(insns, k);

		if (linked_insn_is_ld_imm64(&insns[k]))
			k++;
		if (t < 0)
			continue;
		if (t >= cnt)
			return -EINVAL;
		for (j = 0; j < n && starts[j] != t; j++)
			;
		if (j < n)
			continue;
		if (n == max)
			return -E2BIG;
		starts[n++] = (__u32)t;
	}
	qsort(starts, n, sizeof(*starts), cmp_u32);
	return n;
}

static int func_of(const __u32 *starts, int n, __u32 insn)
{
	int lo = 0, hi = n - 1;

	while (lo < hi) {
		int mid = (lo + hi + 1) / 2;

		if (starts[mid] <= insn)
			lo = mid;
		else
			hi = mid - 1;
	}
	return lo;
}

struct depth_ctx {
	const struct bpf_insn *insns;
	__u32 cnt;
	const __u32 *starts;
	int n;
	int *depth; /* 0 unknown, -1 in progress */
};

static int func_depth(struct depth_ctx *d, int f)
{
	__u32 end = f + 1 < d->n ? d->starts[f + 1] : d->cnt, i;
	int best = 0;

	if (d->depth[f] > 0)
		return d->depth[f];
	if (d->depth[f] < 0)
		return -ELOOP; /* the verifier refuses recursion too */
	d->depth[f] = -1;
	for (i = d->starts[f]; i < end; i++) {
		long long t = call_target(d->insns, i);
		int sub;

		if (linked_insn_is_ld_imm64(&d->insns[i]))
			i++;
		if (t < 0)
			continue;
		sub = func_depth(d, func_of(d->starts, d->n, (__u32)t));
		if (sub < 0)
			return sub;
		if (sub > best)
			best = sub;
	}
	d->depth[f] = best + 1;
	return best + 1;
}

int linked_insn_call_depth(const struct bpf_insn *insns, __u32 cnt)
{
	struct depth_ctx d = { .insns = insns, .cnt = cnt };
	__u32 *starts;
	int n, ret;

	starts = calloc(cnt, sizeof(*starts));
	if (!starts)
		return -ENOMEM;
	n = linked_insn_funcs(insns, cnt, starts, (int)cnt);
	if (n < 0) {
		free(starts);
		return n;
	}
	d.starts = starts;
	d.n = n;
	d.depth = calloc(n, sizeof(*d.depth));
	if (!d.depth) {
		free(starts);
		return -ENOMEM;
	}
	ret = func_depth(&d, 0);
	free(d.depth);
	free(starts);
	return ret;
}

int linked_insn_find_module_kfunc(const struct bpf_insn *insns, __u32 cnt)
{
	__u32 i;

	for (i = 0; i < cnt; i++) {
		/* off selects a module BTF through the program's fd_array */
		if (insns[i].code == (BPF_JMP | BPF_CALL) &&
		    insns[i].src_reg == BPF_PSEUDO_KFUNC_CALL && insns[i].off)
			return (int)i;
		if (linked_insn_is_ld_imm64(&insns[i]))
			i++;
	}
	return -1;
}

int linked_insn_helpers(const struct bpf_insn *insns, __u32 cnt, __u32 *ids, int max)
{
	int n = 0, j;
	__u32 i;

	for (i = 0; i < cnt; i++) {
		if (linked_insn_is_ld_imm64(&insns[i])) {
			i++;
			continue;
		}
		if (!linked_insn_is_helper_call(&insns[i]))
			continue;
		for (j = 0; j < n && ids[j] != (__u32)insns[i].imm; j++)
			;
		if (j == n && n < max)
			ids[n++] = (__u32)insns[i].imm;
	}
	return n;
}

int linked_insn_map_fds(const struct bpf_insn *insns, __u32 cnt, int *fds, int max)
{
	int n = 0, j;
	__u32 i;

	for (i = 0; i + 1 < cnt; i++) {
		if (!linked_insn_is_ld_imm64(&insns[i]))
			continue;
		if (insns[i].src_reg == BPF_PSEUDO_MAP_FD ||
		    insns[i].src_reg == BPF_PSEUDO_MAP_VALUE) {
			for (j = 0; j < n && fds[j] != insns[i].imm; j++)
				;
			if (j == n && n < max)
				fds[n++] = insns[i].imm;
		}
		i++;
	}
	return n;
}

// SPDX-License-Identifier: GPL-2.0-only
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <xdpload/dispatcher.h>
#include "linked/codegen.h"

/* The kernel's instruction macros (filter.h) are not UAPI. */
#define INSN(c, d, s, o, i) \
	((struct bpf_insn){ .code = (c), .dst_reg = (d), .src_reg = (s), .off = (o), .imm = (i) })
#define MOV64_REG(d, s) INSN(BPF_ALU64 | BPF_MOV | BPF_X, d, s, 0, 0)
#define MOV32_REG(d, s) INSN(BPF_ALU | BPF_MOV | BPF_X, d, s, 0, 0)
#define MOV64_IMM(d, i) INSN(BPF_ALU64 | BPF_MOV | BPF_K, d, 0, 0, i)
#define MOV32_IMM(d, i) INSN(BPF_ALU | BPF_MOV | BPF_K, d, 0, 0, i)
#define ALU64_IMM(op, d, i) INSN(BPF_ALU64 | (op) | BPF_K, d, 0, 0, i)
#define ALU64_REG(op, d, s) INSN(BPF_ALU64 | (op) | BPF_X, d, s, 0, 0)
#define LDX_DW(d, s, o) INSN(BPF_LDX | BPF_MEM | BPF_DW, d, s, o, 0)
#define STX_DW(d, s, o) INSN(BPF_STX | BPF_MEM | BPF_DW, d, s, o, 0)
#define ST_W(d, o, i) INSN(BPF_ST | BPF_MEM | BPF_W, d, 0, o, i)
#define LD_MAP_FD(d, fd) INSN(BPF_LD | BPF_IMM | BPF_DW, d, BPF_PSEUDO_MAP_FD, 0, fd)
#define LD_MAP_VALUE(d, fd) INSN(BPF_LD | BPF_IMM | BPF_DW, d, BPF_PSEUDO_MAP_VALUE, 0, fd)
#define LD_IMM64_HI() INSN(0, 0, 0, 0, 0)
#define CALL_HELPER(id) INSN(BPF_JMP | BPF_CALL, 0, 0, 0, id)
#define CALL_PSEUDO(rel) INSN(BPF_JMP | BPF_CALL, 0, BPF_PSEUDO_CALL, 0, rel)
#define JNE_IMM(d, i, o) INSN(BPF_JMP | BPF_JNE | BPF_K, d, 0, o, i)
#define JEQ32_IMM(d, i, o) INSN(BPF_JMP32 | BPF_JEQ | BPF_K, d, 0, o, i)
#define JNE32_IMM(d, i, o) INSN(BPF_JMP32 | BPF_JNE | BPF_K, d, 0, o, i)
#define JGT32_IMM(d, i, o) INSN(BPF_JMP32 | BPF_JGT | BPF_K, d, 0, o, i)
#define JA(o) INSN(BPF_JMP | BPF_JA, 0, 0, o, 0)
#define EXIT_INSN() INSN(BPF_JMP | BPF_EXIT, 0, 0, 0, 0)

#define XDP_ABORTED_ 0
#define XDP_PASS_ 2
#define LAST_ACTION 4 /* XDP_REDIRECT */
/* what the kernel accepts from a privileged loader (BPF_COMPLEXITY_LIMIT_INSNS) */
#define LINKED_MAX_INSNS 1000000

/* r6 = ctx; r1 = map; r2 = &key (a map value, or the stack); call; r7 = r0; null check */
#define PROLOGUE_KEY_MAP 10
#define PROLOGUE_KEY_STACK 11
/* the count in line: w1 = w0; if w1 > LAST goto fix; r1 <<= 3; ...; *(r1 + off) = r2 */
#define COUNT_INSNS 7
/* out of line, after the main body: fix: w1 = OTHER; goto back */
#define COUNT_FIX_INSNS 2
/* jump offsets are 16-bit and the fix blocks jump back across the whole body */
#define LINKED_MAX_DISPATCHER 0x7fff

/*
 * One chained action: "if w0 != a goto <exit>", falling through to the next
 * component on the chained path, which the CPU runs faster than a taken branch
 * over an exit (bench/README.md). Otherwise one "if w0 == a goto next" per
 * action, then the block's own exit.
 */
static bool falls_through(const struct linked_gen_comp *c)
{
	return __builtin_popcount(c->chain_mask) == 1;
}

static __u32 comp_dispatch_len(const struct linked_gen_comp *c, bool counters)
{
	__u32 checks = falls_through(c) ? 1 : __builtin_popcount(c->chain_mask) + 1;

	return 2 + (counters ? COUNT_INSNS : 0) + checks;
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
static bool has_trailer(const struct linked_gen_comp *comps, unsigned int n)
{
	return linked_gen_reached(comps, n) == n && (!n || comps[n - 1].chain_mask);
}

static __u32 prologue_len(const struct linked_gen_counters *cnt)
{
	if (!cnt)
		return 1;
	return cnt->key_fd >= 0 ? PROLOGUE_KEY_MAP : PROLOGUE_KEY_STACK;
}

/* the fix blocks of the counters, after the main body's last exit */
static __u32 fix_len(const struct linked_gen_comp *comps, unsigned int n, bool counters)
{
	return counters ? linked_gen_reached(comps, n) * COUNT_FIX_INSNS : 0;
}

__u32 linked_gen_dispatcher_len(const struct linked_gen_comp *comps, unsigned int n,
				const struct linked_gen_counters *cnt)
{
	bool counters = cnt != NULL;
	__u32 len = prologue_len(cnt);
	unsigned int i, reached = linked_gen_reached(comps, n);

	for (i = 0; i < reached; i++)
		len += comp_dispatch_len(&comps[i], counters);
	return len + (has_trailer(comps, n) ? 2 : 0) + fix_len(comps, n, counters);
}

static __u32 emit_prologue(struct bpf_insn *out, const struct linked_gen_counters *cnt)
{
	__u32 pos = 0;

	out[pos++] = MOV64_REG(BPF_REG_6, BPF_REG_1);
	if (!cnt)
		return pos;
	out[pos++] = LD_MAP_FD(BPF_REG_1, cnt->map_fd);
	out[pos++] = LD_IMM64_HI();
	if (cnt->key_fd >= 0) {
		/* a pointer to a map value holding 0: the dispatcher keeps a 0-byte stack */
		out[pos++] = LD_MAP_VALUE(BPF_REG_2, cnt->key_fd);
		out[pos++] = LD_IMM64_HI();
	} else {
		out[pos++] = ST_W(BPF_REG_10, -4, 0);
		out[pos++] = MOV64_REG(BPF_REG_2, BPF_REG_10);
		out[pos++] = ALU64_IMM(BPF_ADD, BPF_REG_2, -4);
	}
	out[pos++] = CALL_HELPER(BPF_FUNC_map_lookup_elem);
	out[pos++] = MOV64_REG(BPF_REG_7, BPF_REG_0);
	/*
	 * A one-entry per-CPU array always has key 0, so this cannot fail; the
	 * check is for the verifier. Fail closed rather than run the chain
	 * without a way to count.
	 */
	out[pos++] = JNE_IMM(BPF_REG_7, 0, 2);
	out[pos++] = MOV64_IMM(BPF_REG_0, XDP_ABORTED_);
	out[pos++] = EXIT_INSN();
	return pos;
}

/*
 * counters[idx][min(w0, OTHER)] += 1 with r7 = &counters[0], at out[pos]. An
 * action (w0 <= LAST_ACTION) falls through: the CPU runs that faster than a
 * taken branch over the clamp. Anything else jumps to its fix block at
 * out[fix] (after the main body), which clamps and jumps back. Both paths
 * leave w1 <= OTHER, which is how the verifier bounds the index.
 */
static __u32 emit_count(struct bpf_insn *out, __u32 pos, __u32 fix, unsigned int idx)
{
	__s16 off = (__s16)(idx * XDPL_DISP_STRIDE);
	__u32 start = pos, back;

	out[pos++] = MOV32_REG(BPF_REG_1, BPF_REG_0);
	out[pos] = JGT32_IMM(BPF_REG_1, LAST_ACTION, (__s16)(fix - (pos + 1)));
	back = ++pos;
	out[fix] = MOV32_IMM(BPF_REG_1, XDPL_DISP_SLOT_OTHER);
	out[fix + 1] = JA((__s16)(back - (fix + 2)));
	out[pos++] = ALU64_IMM(BPF_LSH, BPF_REG_1, 3);
	out[pos++] = ALU64_REG(BPF_ADD, BPF_REG_1, BPF_REG_7);
	out[pos++] = LDX_DW(BPF_REG_2, BPF_REG_1, off);
	out[pos++] = ALU64_IMM(BPF_ADD, BPF_REG_2, 1);
	out[pos++] = STX_DW(BPF_REG_1, BPF_REG_2, off);
	return pos - start;
}

int linked_gen_dispatcher(const struct linked_gen_comp *comps, unsigned int n,
			  const struct linked_gen_counters *cnt, struct bpf_insn *out,
			  __u32 out_cnt, __u32 *bases)
{
	const unsigned int *slots = cnt ? cnt->slots : NULL;
	bool counters = cnt != NULL;
	__u32 len = linked_gen_dispatcher_len(comps, n, cnt), pos, base, vexit, fix;
	unsigned int i, a, reached = linked_gen_reached(comps, n);

	if (!n || out_cnt < len)
		return -EINVAL;
	if (len > LINKED_MAX_DISPATCHER)
		return -E2BIG;
	/* the main body's last insn: the exit every single-action verdict takes */
	vexit = len - 1 - fix_len(comps, n, counters);
	fix = vexit + 1;
	/* the counter offsets are 16-bit */
	for (i = 0; counters && i < n; i++)
		if (((slots ? slots[i] : i) + 1) * XDPL_DISP_STRIDE > 0x7fff)
			return -E2BIG;
	base = len;
	for (i = 0; i < n; i++) {
		bases[i] = i < reached ? base : 0;
		base += i < reached ? comps[i].insn_cnt : 0;
	}

	pos = emit_prologue(out, cnt);
	for (i = 0; i < reached; i++) {
		const struct linked_gen_comp *c = &comps[i];
		__u32 next = pos + comp_dispatch_len(c, counters);

		out[pos++] = MOV64_REG(BPF_REG_1, BPF_REG_6);
		out[pos] = CALL_PSEUDO((__s32)(bases[i] - (pos + 1)));
		pos++;
		if (counters) {
			pos += emit_count(out, pos, fix, slots ? slots[i] : i);
			fix += COUNT_FIX_INSNS;
		}
		/*
		 * Only the low 32 bits of r0 are the action. The main body's last
		 * insn (vexit, before the fix blocks) is always an exit that leaves
		 * r0 alone: the trailer's, after its r0 = XDP_PASS, or, with no
		 * trailer, the exit of the last block, whose mask is empty. So the
		 * verdict can jump straight to it.
		 */
		if (falls_through(c)) {
			out[pos] = JNE32_IMM(BPF_REG_0, __builtin_ctz(c->chain_mask),
					     (__s16)(vexit - (pos + 1)));
			pos++;
			continue;
		}
		for (a = 0; a < 32; a++) {
			if (!(c->chain_mask & (1u << a)))
				continue;
			out[pos] = JEQ32_IMM(BPF_REG_0, a, (__s16)(next - (pos + 1)));
			pos++;
		}
		out[pos++] = EXIT_INSN();
	}
	if (has_trailer(comps, n)) {
		out[pos++] = MOV64_IMM(BPF_REG_0, XDP_PASS_);
		out[pos++] = EXIT_INSN();
	}
	/*
	 * The fix blocks follow an exit, so nothing falls into them, and the
	 * main subprogram ends in an exit or a goto, as the verifier requires.
	 */
	if (pos != vexit + 1 || fix != len || out[vexit].code != (BPF_JMP | BPF_EXIT))
		return -EFAULT;
	return (int)len;
}

int linked_gen_composite(const struct linked_gen_comp *comps, const struct bpf_insn *const *insns,
			 unsigned int n, const struct linked_gen_counters *cnt,
			 struct bpf_insn **out, __u32 *out_cnt, __u32 *bases)
{
	__u32 len = linked_gen_dispatcher_len(comps, n, cnt), total = len;
	unsigned int i, reached = linked_gen_reached(comps, n);
	struct bpf_insn *buf;
	int err;

	for (i = 0; i < n; i++) {
		if (!comps[i].insn_cnt || comps[i].insn_cnt > LINKED_MAX_INSNS)
			return -EINVAL;
		if (i < reached)
			total += comps[i].insn_cnt;
	}
	if (total > LINKED_MAX_INSNS)
		return -E2BIG;
	buf = calloc(total, sizeof(*buf));
	if (!buf)
		return -ENOMEM;
	err = linked_gen_dispatcher(comps, n, cnt, buf, len, bases);
	if (err < 0) {
		free(buf);
		return err;
	}
	for (i = 0; i < reached; i++)
		memcpy(buf + bases[i], insns[i], comps[i].insn_cnt * sizeof(*buf));
	*out = buf;
	*out_cnt = total;
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

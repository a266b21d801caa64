// SPDX-License-Identifier: GPL-2.0-only
#include <errno.h>
#include <limits.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include "linked/emit.h"

struct linked_emit_ref {
	__u32 slot;
	int label;
};

/* kept to int so every slot index and every distance between two is an int */
#define EMIT_MAX_SLOTS INT_MAX

static void fail(struct linked_emit *e, int err)
{
	if (!e->err)
		e->err = err;
}

/* Make room for need elements of size sz in *buf of *cap; false once failed. */
static bool grow(struct linked_emit *e, void **buf, __u32 *cap, size_t need, size_t sz)
{
	size_t n = *cap ? *cap : 16;
	void *p;

	if (e->err)
		return false;
	if (need <= *cap)
		return true;
	if (need > EMIT_MAX_SLOTS) {
		fail(e, -E2BIG);
		return false;
	}
	while (n < need)
		n = n * 2 > EMIT_MAX_SLOTS ? EMIT_MAX_SLOTS : n * 2;
	p = realloc(*buf, n * sz);
	if (!p) {
		fail(e, -ENOMEM);
		return false;
	}
	*buf = p;
	*cap = (__u32)n;
	return true;
}

void linked_emit_free(struct linked_emit *e)
{
	free(e->insns);
	free(e->label_pos);
	free(e->refs);
	*e = LINKED_EMIT_INIT;
}

void linked_emit_reserve(struct linked_emit *e, __u32 cnt)
{
	grow(e, (void **)&e->insns, &e->cap, (size_t)e->len + cnt, sizeof(*e->insns));
}

void linked_emit_insns(struct linked_emit *e, const struct bpf_insn *insns, __u32 cnt)
{
	if (!grow(e, (void **)&e->insns, &e->cap, (size_t)e->len + cnt, sizeof(*e->insns)))
		return;
	memcpy(e->insns + e->len, insns, cnt * sizeof(*insns));
	e->len += cnt;
}

void linked_emit_space(struct linked_emit *e, __u32 cnt)
{
	if (!grow(e, (void **)&e->insns, &e->cap, (size_t)e->len + cnt, sizeof(*e->insns)))
		return;
	memset(e->insns + e->len, 0, cnt * sizeof(*e->insns));
	e->len += cnt;
}

int linked_emit_new_labels(struct linked_emit *e, __u32 cnt)
{
	int first = (int)e->nlabels;
	__u32 i;

	if (!grow(e, (void **)&e->label_pos, &e->labels_cap, (size_t)e->nlabels + cnt,
		  sizeof(*e->label_pos)))
		return -1;
	for (i = 0; i < cnt; i++)
		e->label_pos[e->nlabels++] = -1;
	return first;
}

static bool label_valid(const struct linked_emit *e, int label)
{
	return label >= 0 && (__u32)label < e->nlabels;
}

void linked_emit_label_place(struct linked_emit *e, int label)
{
	if (e->err)
		return;
	if (!label_valid(e, label) || e->label_pos[label] >= 0) {
		fail(e, -EINVAL);
		return;
	}
	e->label_pos[label] = (int)e->len;
}

int linked_emit_label_pos(const struct linked_emit *e, int label)
{
	return label_valid(e, label) ? e->label_pos[label] : -1;
}

static bool is_call(const struct bpf_insn *insn)
{
	return insn->code == (BPF_JMP | BPF_CALL);
}

/* gotol: the 32-bit form of goto, its offset in imm */
static bool is_long_goto(const struct bpf_insn *insn)
{
	return insn->code == (BPF_JMP32 | BPF_JA);
}

static bool is_jump(const struct bpf_insn *insn)
{
	__u8 cls = BPF_CLASS(insn->code), op = BPF_OP(insn->code);

	return (cls == BPF_JMP || cls == BPF_JMP32) && op != BPF_CALL && op != BPF_EXIT;
}

static bool is_func_ref(const struct bpf_insn *insn)
{
	return insn->code == (BPF_LD | BPF_IMM | BPF_DW) && insn->src_reg == BPF_PSEUDO_FUNC;
}

/* insns[0] refers to label; an ld_imm64 brings its second slot along */
static void emit_ref(struct linked_emit *e, const struct bpf_insn *insns, __u32 cnt, int label)
{
	if (!grow(e, (void **)&e->refs, &e->refs_cap, (size_t)e->nrefs + 1, sizeof(*e->refs)))
		return;
	e->refs[e->nrefs++] = (struct linked_emit_ref){ .slot = e->len, .label = label };
	linked_emit_insns(e, insns, cnt);
}

void linked_emit_jump(struct linked_emit *e, struct bpf_insn jump, int label)
{
	if (!is_jump(&jump)) {
		fail(e, -EINVAL);
		return;
	}
	emit_ref(e, &jump, 1, label);
}

void linked_emit_call(struct linked_emit *e, int label)
{
	const struct bpf_insn call = BPF_CALL_REL(0);

	emit_ref(e, &call, 1, label);
}

void linked_emit_func_ref(struct linked_emit *e, __u8 dst, int label)
{
	const struct bpf_insn ld[] = { BPF_LD_IMM64_RAW(dst, BPF_PSEUDO_FUNC, 0) };

	emit_ref(e, ld, 2, label);
}

int linked_emit_finish(struct linked_emit *e)
{
	__u32 i;

	if (e->err)
		return e->err;
	for (i = 0; i < e->nrefs; i++) {
		struct bpf_insn *insn = &e->insns[e->refs[i].slot];
		int target = linked_emit_label_pos(e, e->refs[i].label);
		/* both fit an int (EMIT_MAX_SLOTS): so does their distance, in 64 bits */
		long long rel = (long long)target - e->refs[i].slot - 1;

		if (target < 0)
			return e->err = -EINVAL;
		if (is_call(insn) || is_long_goto(insn) || is_func_ref(insn)) {
			if (rel < INT_MIN || rel > INT_MAX)
				return e->err = -ERANGE;
			insn->imm = (__s32)rel;
		} else {
			if (rel < SHRT_MIN || rel > SHRT_MAX)
				return e->err = -ERANGE;
			insn->off = (__s16)rel;
		}
	}
	return (int)e->len;
}

/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * eBPF instructions by the kernel's names (include/linux/filter.h, which is
 * not UAPI) and an emitter whose jumps and calls target labels.
 *
 * The macros have the kernel's names and meaning, so code reads the same as
 * the kernel's and the selftests'; each is guarded in case a header that
 * defines them is included first. The two-slot ld_imm64 forms expand to two
 * instructions separated by a comma, as the kernel's do: they go in an array
 * initializer or in LINKED_EMIT().
 *
 * The emitter keeps no lengths by hand: a label is a slot index recorded when
 * it is placed, and linked_emit_finish() fills every jump offset and call
 * immediate from the labels. Errors are sticky: emitting never needs a
 * check, finish reports the first failure.
 */
#ifndef XDPL_LINKED_EMIT_H
#define XDPL_LINKED_EMIT_H

#include <stddef.h>
#include <linux/bpf.h>
#include <linux/types.h>

#ifndef BPF_RAW_INSN
#define BPF_RAW_INSN(CODE, DST, SRC, OFF, IMM) \
	((struct bpf_insn){                    \
		.code = (CODE), .dst_reg = (DST), .src_reg = (SRC), .off = (OFF), .imm = (IMM) })
#endif

/* dst = src, dst op= src and dst op= imm, on 64 bits */
#ifndef BPF_MOV64_REG
#define BPF_MOV64_REG(DST, SRC) BPF_RAW_INSN(BPF_ALU64 | BPF_MOV | BPF_X, DST, SRC, 0, 0)
#endif
#ifndef BPF_MOV64_IMM
#define BPF_MOV64_IMM(DST, IMM) BPF_RAW_INSN(BPF_ALU64 | BPF_MOV | BPF_K, DST, 0, 0, IMM)
#endif
#ifndef BPF_ALU64_REG
#define BPF_ALU64_REG(OP, DST, SRC) BPF_RAW_INSN(BPF_ALU64 | BPF_OP(OP) | BPF_X, DST, SRC, 0, 0)
#endif
#ifndef BPF_ALU64_IMM
#define BPF_ALU64_IMM(OP, DST, IMM) BPF_RAW_INSN(BPF_ALU64 | BPF_OP(OP) | BPF_K, DST, 0, 0, IMM)
#endif

/* the same on the low 32 bits, the upper 32 of dst zeroed */
#ifndef BPF_MOV32_REG
#define BPF_MOV32_REG(DST, SRC) BPF_RAW_INSN(BPF_ALU | BPF_MOV | BPF_X, DST, SRC, 0, 0)
#endif
#ifndef BPF_MOV32_IMM
#define BPF_MOV32_IMM(DST, IMM) BPF_RAW_INSN(BPF_ALU | BPF_MOV | BPF_K, DST, 0, 0, IMM)
#endif

/* dst = *(size *)(src + off), *(size *)(dst + off) = src, *(size *)(dst + off) = imm */
#ifndef BPF_LDX_MEM
#define BPF_LDX_MEM(SIZE, DST, SRC, OFF) \
	BPF_RAW_INSN(BPF_LDX | BPF_SIZE(SIZE) | BPF_MEM, DST, SRC, OFF, 0)
#endif
#ifndef BPF_STX_MEM
#define BPF_STX_MEM(SIZE, DST, SRC, OFF) \
	BPF_RAW_INSN(BPF_STX | BPF_SIZE(SIZE) | BPF_MEM, DST, SRC, OFF, 0)
#endif
#ifndef BPF_ST_MEM
#define BPF_ST_MEM(SIZE, DST, OFF, IMM) \
	BPF_RAW_INSN(BPF_ST | BPF_SIZE(SIZE) | BPF_MEM, DST, 0, OFF, IMM)
#endif

/* ld_imm64: two slots, the second holding the upper 32 bits of the constant */
#ifndef BPF_LD_IMM64_RAW_FULL
#define BPF_LD_IMM64_RAW_FULL(DST, SRC, OFF1, OFF2, IMM1, IMM2)        \
	BPF_RAW_INSN(BPF_LD | BPF_DW | BPF_IMM, DST, SRC, OFF1, IMM1), \
		BPF_RAW_INSN(0, 0, 0, OFF2, IMM2)
#endif
#ifndef BPF_LD_IMM64_RAW
#define BPF_LD_IMM64_RAW(DST, SRC, IMM) \
	BPF_LD_IMM64_RAW_FULL(DST, SRC, 0, 0, (__u32)(IMM), (__u32)((__u64)(IMM) >> 32))
#endif
#ifndef BPF_LD_IMM64
#define BPF_LD_IMM64(DST, IMM) BPF_LD_IMM64_RAW(DST, 0, IMM)
#endif
/* dst = the map (the kernel swaps the fd for its pointer) */
#ifndef BPF_LD_MAP_FD
#define BPF_LD_MAP_FD(DST, MAP_FD) BPF_LD_IMM64_RAW(DST, BPF_PSEUDO_MAP_FD, MAP_FD)
#endif
/* dst = the address of the map's value at VALUE_OFF (an array's element 0) */
#ifndef BPF_LD_MAP_VALUE
#define BPF_LD_MAP_VALUE(DST, MAP_FD, VALUE_OFF) \
	BPF_LD_IMM64_RAW_FULL(DST, BPF_PSEUDO_MAP_VALUE, 0, 0, MAP_FD, VALUE_OFF)
#endif

/* if (dst op imm) goto pc + 1 + off; JMP32 compares the low 32 bits */
#ifndef BPF_JMP_IMM
#define BPF_JMP_IMM(OP, DST, IMM, OFF) BPF_RAW_INSN(BPF_JMP | BPF_OP(OP) | BPF_K, DST, 0, OFF, IMM)
#endif
#ifndef BPF_JMP_REG
#define BPF_JMP_REG(OP, DST, SRC, OFF) BPF_RAW_INSN(BPF_JMP | BPF_OP(OP) | BPF_X, DST, SRC, OFF, 0)
#endif
#ifndef BPF_JMP32_IMM
#define BPF_JMP32_IMM(OP, DST, IMM, OFF) \
	BPF_RAW_INSN(BPF_JMP32 | BPF_OP(OP) | BPF_K, DST, 0, OFF, IMM)
#endif
#ifndef BPF_JMP_A
#define BPF_JMP_A(OFF) BPF_RAW_INSN(BPF_JMP | BPF_JA, 0, 0, OFF, 0)
#endif

/* a helper by its ID (the kernel's form takes a function: the ID is what reaches it) */
#ifndef BPF_EMIT_CALL
#define BPF_EMIT_CALL(FUNC) BPF_RAW_INSN(BPF_JMP | BPF_CALL, 0, 0, 0, (FUNC)-BPF_FUNC_unspec)
#endif
/* a BPF-to-BPF call to pc + 1 + TGT */
#ifndef BPF_CALL_REL
#define BPF_CALL_REL(TGT) BPF_RAW_INSN(BPF_JMP | BPF_CALL, 0, BPF_PSEUDO_CALL, 0, TGT)
#endif
#ifndef BPF_EXIT_INSN
#define BPF_EXIT_INSN() BPF_RAW_INSN(BPF_JMP | BPF_EXIT, 0, 0, 0, 0)
#endif

/* ---- the emitter ---- */

struct linked_emit_ref; /* an instruction whose target is a label */

struct linked_emit {
	struct bpf_insn *insns;
	__u32 len; /* slots emitted (an ld_imm64 counts 2) */
	__u32 cap;
	int *label_pos; /* slot a label was placed at, -1 while unplaced */
	__u32 nlabels, labels_cap;
	struct linked_emit_ref *refs;
	__u32 nrefs, refs_cap;
	int err; /* the first failure, 0 while none */
};

#define LINKED_EMIT_INIT ((struct linked_emit){ 0 })

void linked_emit_free(struct linked_emit *e);

/* Room for cnt more slots, so a large append does not grow the buffer in steps. */
void linked_emit_reserve(struct linked_emit *e, __u32 cnt);

/* Append cnt instructions as they are (a component copied verbatim, say). */
void linked_emit_insns(struct linked_emit *e, const struct bpf_insn *insns, __u32 cnt);

/* Append cnt zeroed slots, for instructions the caller writes after finish. */
void linked_emit_space(struct linked_emit *e, __u32 cnt);

/* Append one macro's instructions: one slot, or two for the ld_imm64 forms. */
#define LINKED_EMIT(e, ...)                                                  \
	linked_emit_insns(e, (const struct bpf_insn[]){ __VA_ARGS__ },       \
			  sizeof((const struct bpf_insn[]){ __VA_ARGS__ }) / \
				  sizeof(struct bpf_insn))

/*
 * cnt new labels, numbered from the returned one: a per-component label i is
 * first + i. Returns -1 (and the emitter fails) when out of memory.
 */
int linked_emit_new_labels(struct linked_emit *e, __u32 cnt);

static inline int linked_emit_new_label(struct linked_emit *e)
{
	return linked_emit_new_labels(e, 1);
}

/* The label names the next slot emitted. A label is placed once. */
void linked_emit_label_place(struct linked_emit *e, int label);

/* Slot a label was placed at, or -1. */
int linked_emit_label_pos(const struct linked_emit *e, int label);

/*
 * A conditional jump or a goto (BPF_JMP_IMM, BPF_JMP32_IMM, BPF_JMP_A ...,
 * any offset) to label: finish sets its 16-bit offset.
 */
void linked_emit_jump(struct linked_emit *e, struct bpf_insn jump, int label);

/* A BPF-to-BPF call to label: finish sets its immediate. */
void linked_emit_call(struct linked_emit *e, int label);

/*
 * dst = the function at label (ld_imm64 with src_reg BPF_PSEUDO_FUNC, a
 * callback for bpf_loop and the like): finish sets its immediate, which is
 * PC-relative like a call's.
 */
void linked_emit_func_ref(struct linked_emit *e, __u8 dst, int label);

/*
 * Resolve every jump and call. Returns the number of slots, or -ENOMEM,
 * -EINVAL (a label never placed, placed twice or not made by this emitter,
 * or a jump that is not one), -ERANGE (a jump offset outside 16 bits),
 * -E2BIG (more slots than an int holds).
 */
int linked_emit_finish(struct linked_emit *e);

#endif

// SPDX-License-Identifier: GPL-2.0-only
/* The BPF interpreter test_linked_inline runs the dispatcher on: see inline_sim.h. */
#include <errno.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <setjmp.h>
#include <string.h>
#include <cmocka.h>
#include "inline_sim.h"
#include "insn_eval.h"

#define CTX_BASE 0x1000ull
#define KEY_BASE 0x2000ull
#define CNT_BASE 0x100000ull
#define STK_BASE 0x10000000ull /* frame f: [STK_BASE + f * 0x1000, + 512) */
#define FN_BASE 0x20000000ull
#define POISON 0xdeadbeefdeadbeefull

static void *sim_addr(struct inline_sim *s, __u64 a, int size)
{
	if (a >= CTX_BASE && a + size <= CTX_BASE + sizeof(s->ctx))
		return (char *)s->ctx + (a - CTX_BASE);
	if (a == KEY_BASE && size == 4)
		return &s->key;
	if (a >= CNT_BASE && a + size <= CNT_BASE + sizeof(s->cnt))
		return (char *)s->cnt + (a - CNT_BASE);
	if (a >= STK_BASE && a < STK_BASE + 8 * 0x1000) {
		__u64 f = (a - STK_BASE) / 0x1000, off = (a - STK_BASE) % 0x1000;

		if (off + size <= 512)
			return &s->stack[f][off];
	}
	fail_msg("access of %d bytes at %#llx", size, (unsigned long long)a);
	return NULL;
}

static __u64 sim_load(struct inline_sim *s, __u64 a, int sz)
{
	void *p = sim_addr(s, a, sz);

	return sz == 8 ? *(__u64 *)p : sz == 4 ? *(__u32 *)p : sz == 2 ? *(__u16 *)p : *(__u8 *)p;
}

static void sim_store(struct inline_sim *s, __u64 a, int sz, __u64 v)
{
	void *p = sim_addr(s, a, sz);

	if (sz == 8)
		*(__u64 *)p = v;
	else if (sz == 4)
		*(__u32 *)p = (__u32)v;
	else
		fail_msg("store of %d bytes", sz);
}

static __u64 sim_exec(struct inline_sim *s, int pc, const __u64 *args, int frame);

static __u64 sim_helper(struct inline_sim *s, __s32 id, __u64 *r, int frame)
{
	__u64 i, args[5];

	switch (id) {
	case BPF_FUNC_map_lookup_elem:
		assert_int_equal(r[2], KEY_BASE); /* the key map's value: 0 */
		return CNT_BASE;
	case BPF_FUNC_tail_call:
		return -ENOENT; /* an empty slot: the caller goes on */
	case BPF_FUNC_loop:
		assert_true(r[2] >= FN_BASE);
		for (i = 0; i < r[1]; i++) {
			args[0] = i;
			args[1] = r[3];
			if (sim_exec(s, (int)(r[2] - FN_BASE), args, frame + 1))
				break;
		}
		return i;
	}
	fail_msg("helper %d", id);
	return 0;
}

static __u64 sim_exec(struct inline_sim *s, int pc, const __u64 *args, int frame)
{
	__u64 r[11], src, dst, v = 0;
	unsigned int k;

	assert_true(frame < 8);
	for (k = 0; k < 11; k++)
		r[k] = POISON;
	memcpy(&r[1], args, 5 * sizeof(*args));
	r[10] = STK_BASE + frame * 0x1000 + 512;
	memset(s->stack[frame], 0xcc, sizeof(s->stack[frame]));
	for (;;) {
		const struct bpf_insn *i = &s->p[pc];
		__u8 cls = BPF_CLASS(i->code), op = BPF_OP(i->code);
		bool w = cls == BPF_ALU || cls == BPF_JMP32;

		assert_true(pc >= 0 && pc < s->len && s->steps++ < 100000);
		for (k = 0; k < s->n; k++)
			if (s->bases[k] == (__u32)pc)
				s->ran[s->nran++] = k;
		src = BPF_SRC(i->code) == BPF_X ? r[i->src_reg] : (__u64)(__s64)i->imm;
		switch (cls) {
		case BPF_ALU:
		case BPF_ALU64:
			dst = r[i->dst_reg];
			if (w) {
				dst = (__u32)dst;
				src = (__u32)src;
			}
			switch (op) {
			case BPF_MOV:
				v = src;
				break;
			case BPF_ADD:
				v = dst + src;
				break;
			case BPF_SUB: /* the bytes count: data_end - data */
				v = dst - src;
				break;
			case BPF_LSH:
				v = dst << src;
				break;
			case BPF_AND:
				v = dst & src;
				break;
			default:
				fail_msg("insn %d: alu op %#x", pc, op);
			}
			r[i->dst_reg] = w ? (__u32)v : v;
			break;
		case BPF_LDX:
			r[i->dst_reg] = sim_load(s, r[i->src_reg] + i->off, insn_size(i->code));
			break;
		case BPF_STX:
			sim_store(s, r[i->dst_reg] + i->off, insn_size(i->code), r[i->src_reg]);
			break;
		case BPF_ST:
			sim_store(s, r[i->dst_reg] + i->off, insn_size(i->code),
				  (__u64)(__s64)i->imm);
			break;
		case BPF_LD:
			assert_int_equal(i->code, BPF_LD | BPF_IMM | BPF_DW);
			r[i->dst_reg] = i->src_reg == BPF_PSEUDO_FUNC ? FN_BASE + pc + i->imm + 1
					: i->src_reg == BPF_PSEUDO_MAP_VALUE ? KEY_BASE
									     : 0xbad;
			pc++;
			break;
		case BPF_JMP:
		case BPF_JMP32:
			if (op == BPF_EXIT)
				return r[0];
			if (op == BPF_CALL) {
				if (i->src_reg == BPF_PSEUDO_CALL)
					r[0] = sim_exec(s, pc + i->imm + 1, &r[1], frame + 1);
				else
					r[0] = sim_helper(s, i->imm, r, frame);
				for (k = 1; k <= 5; k++)
					r[k] = POISON; /* clobbered by any call */
				break;
			}
			if (op == BPF_JA) {
				pc += i->off;
				break;
			}
			dst = w ? (__u32)r[i->dst_reg] : r[i->dst_reg];
			if (insn_jump_taken(op, dst, w ? (__u32)src : src))
				pc += i->off;
			break;
		default:
			fail_msg("insn %d: class %#x", pc, cls);
		}
		pc++;
	}
}

__u64 inline_sim_run(struct inline_sim *s)
{
	const __u64 args[5] = { CTX_BASE, POISON, POISON, POISON, POISON };

	s->nran = 0;
	s->steps = 0;
	return sim_exec(s, 0, args, 0);
}

// SPDX-License-Identifier: GPL-2.0-only
/* The dispatcher's semantics on an interpreter, for test_linked_codegen: see codegen_sim.h. */
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <setjmp.h>
#include <string.h>
#include <cmocka.h>
#include <linux/bpf.h>
#include <xdpload/dispatcher.h>
#include "linked/codegen.h"
#include "codegen_sim.h"

#define SIM_BASE 0x10000ull /* where the counters "are" */
#define SIM_WORDS (64 * XDPL_DISP_SLOTS)

static bool sim_taken(const struct bpf_insn *i, __u64 dst)
{
	bool w = BPF_CLASS(i->code) == BPF_JMP32;
	__u64 a = w ? (__u32)dst : dst, b = w ? (__u32)i->imm : (__u64)(__s64)i->imm;

	switch (BPF_OP(i->code)) {
	case BPF_JEQ:
		return a == b;
	case BPF_JNE:
		return a != b;
	case BPF_JGT:
		return a > b;
	}
	fail_msg("unexpected jump %#x", i->code);
	return false;
}

static __u64 sim_run(const struct bpf_insn *p, int len, const __u32 *bases, unsigned int n,
		     const __u32 *verdict, unsigned int *ran, unsigned int *nran, __u64 *mem)
{
	__u64 r[11] = { 0 };
	int pc = 0, steps = 0, jumped_back = 0;
	unsigned int k;

	*nran = 0;
	while (steps++ < 10000) {
		const struct bpf_insn *i = &p[pc];

		assert_true(pc >= 0 && pc < len);
		switch (i->code) {
		case BPF_ALU64 | BPF_MOV | BPF_X:
			r[i->dst_reg] = r[i->src_reg];
			break;
		case BPF_ALU64 | BPF_MOV | BPF_K:
			r[i->dst_reg] = (__u64)(__s64)i->imm;
			break;
		case BPF_ALU | BPF_MOV | BPF_X:
			r[i->dst_reg] = (__u32)r[i->src_reg];
			break;
		case BPF_ALU | BPF_MOV | BPF_K:
			r[i->dst_reg] = (__u32)i->imm;
			break;
		case BPF_ALU64 | BPF_LSH | BPF_K:
			r[i->dst_reg] <<= i->imm;
			break;
		case BPF_ALU64 | BPF_ADD | BPF_K:
			r[i->dst_reg] += (__u64)(__s64)i->imm;
			break;
		case BPF_ALU64 | BPF_ADD | BPF_X:
			r[i->dst_reg] += r[i->src_reg];
			break;
		case BPF_LD | BPF_IMM | BPF_DW:
			r[i->dst_reg] = 0xbad;
			pc++;
			break;
		case BPF_ST | BPF_MEM | BPF_W:
			assert_int_equal(i->dst_reg, BPF_REG_10);
			break;
		case BPF_LDX | BPF_MEM | BPF_DW:
			r[i->dst_reg] = mem[(r[i->src_reg] + i->off - SIM_BASE) / 8];
			break;
		case BPF_STX | BPF_MEM | BPF_DW:
			mem[(r[i->dst_reg] + i->off - SIM_BASE) / 8] = r[i->src_reg];
			break;
		case BPF_JMP | BPF_CALL:
			if (i->src_reg == BPF_PSEUDO_CALL) {
				for (k = 0; k < n && bases[k] != (__u32)(pc + 1 + i->imm); k++)
					;
				assert_true(k < n);
				ran[(*nran)++] = k;
				r[0] = verdict[k];
			} else {
				assert_int_equal(i->imm, BPF_FUNC_map_lookup_elem);
				r[0] = SIM_BASE;
			}
			r[1] = r[2] = r[3] = r[4] = r[5] = 0xdead; /* clobbered */
			break;
		case BPF_JMP32 | BPF_JEQ | BPF_K:
		case BPF_JMP32 | BPF_JNE | BPF_K:
		case BPF_JMP32 | BPF_JGT | BPF_K:
		case BPF_JMP | BPF_JNE | BPF_K:
			assert_true(i->off >= 0); /* only a goto goes back */
			if (sim_taken(i, r[i->dst_reg]))
				pc += i->off;
			break;
		case BPF_JMP | BPF_JA:
			/* back from a fix block, which nothing before it jumps over */
			assert_true(i->off < 0 && jumped_back < 64);
			jumped_back++;
			pc += i->off;
			break;
		case BPF_JMP | BPF_EXIT:
			return r[0];
		default:
			fail_msg("insn %d: unexpected code %#x", pc, i->code);
		}
		pc++;
	}
	fail_msg("no exit");
	return 0;
}

void codegen_check_semantics(const struct linked_gen_comp *c, unsigned int n,
			     const struct linked_gen_counters *cnt)
{
	static const __u32 acts[] = { XDP_ABORTED, XDP_DROP, XDP_PASS, XDP_TX, XDP_REDIRECT, 9 };
	const unsigned int na = sizeof(acts) / sizeof(acts[0]);
	struct bpf_insn out[512];
	__u32 bases[8], verdict[8];
	unsigned int ran[8], nran, k, combo, combos = 1, x;
	static __u64 mem[SIM_WORDS], want_mem[SIM_WORDS];
	__u64 got, want;
	int len = linked_gen_dispatcher(c, n, cnt, out, 512, bases);

	assert_true(len > 0);
	for (k = 0; k < n; k++)
		combos *= na;
	memset(mem, 0, sizeof(mem));
	memset(want_mem, 0, sizeof(want_mem));
	for (combo = 0; combo < combos; combo++) {
		for (k = 0, x = combo; k < n; k++, x /= na)
			verdict[k] = acts[x % na];
		got = sim_run(out, len, bases, n, verdict, ran, &nran, mem);
		want = XDP_PASS;
		for (k = 0; k < n; k++) {
			unsigned int slot = cnt && cnt->slots ? cnt->slots[k] : k;

			assert_true(k < nran);
			assert_int_equal(ran[k], k);
			want_mem[slot * XDPL_DISP_SLOTS +
				 (verdict[k] > XDP_REDIRECT ? XDPL_DISP_SLOT_OTHER : verdict[k])]++;
			if (!(c[k].chain_mask & (1u << verdict[k]))) {
				want = verdict[k];
				break;
			}
		}
		assert_int_equal(nran, k < n ? k + 1 : n);
		assert_int_equal(got, want);
	}
	if (cnt)
		assert_memory_equal(mem, want_mem, sizeof(mem));
}

// SPDX-License-Identifier: GPL-2.0-only
/* Jumps and access sizes for the unit tests' interpreters: see insn_eval.h. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>
#include "insn_eval.h"

bool insn_jump_taken(__u8 op, __u64 a, __u64 b)
{
	switch (op) {
	case BPF_JEQ:
		return a == b;
	case BPF_JNE:
		return a != b;
	case BPF_JGT:
		return a > b;
	case BPF_JGE:
		return a >= b;
	case BPF_JLT:
		return a < b;
	case BPF_JLE:
		return a <= b;
	}
	fail_msg("jump op %#x", op);
	return false;
}

unsigned int insn_size(__u8 code)
{
	switch (BPF_SIZE(code)) {
	case BPF_DW:
		return 8;
	case BPF_W:
		return 4;
	case BPF_H:
		return 2;
	}
	return 1;
}

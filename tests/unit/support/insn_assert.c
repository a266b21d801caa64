// SPDX-License-Identifier: GPL-2.0-only
/* Instruction comparison for the unit tests: see insn_assert.h. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <string.h>
#include <cmocka.h>
#include "insn_assert.h"

void assert_insn(const struct bpf_insn *got, struct bpf_insn want, int pc)
{
	if (memcmp(got, &want, sizeof(want)))
		fail_msg("insn %d: got code %#x dst %u src %u off %d imm %d, want code %#x dst %u "
			 "src %u off %d imm %d",
			 pc, got->code, got->dst_reg, got->src_reg, got->off, got->imm, want.code,
			 want.dst_reg, want.src_reg, want.off, want.imm);
}

// SPDX-License-Identifier: GPL-2.0-only
/* The chain's license, and what it asks of the bundled count (see linked_license.h). */
#include <string.h>
#include <bpf/libbpf.h>
#include <xdpload/counters.h>
#include "backend/linked_license.h"
#include "component.h"
#include "linked/capture.h"
#include "linked/codegen.h"
#include "linked/emit.h"
#include "objfile.h"
#include "progs/count.h"

/* The bundled count, however it came (by name, a saved copy, its object file). */
static bool is_count(const struct component *c)
{
	return !strcmp(bpf_program__name(c->prog), "count") &&
	       bpf_object__find_map_by_name(c->obj, XDPL_COUNT_RO_SECTION);
}

bool linked_license_prepare(struct component *const *comps, int n)
{
	bool gpl = true;
	int i;

	for (i = 0; i < n; i++)
		gpl &= objfile_gpl_compatible(comps[i]->buf, comps[i]->len);
	for (i = 0; i < n; i++)
		if (is_count(comps[i]))
			count_use_xdp_buff(comps[i]->obj, gpl);
	return gpl;
}

void linked_license_strip_count(const struct component *c, struct linked_prog *lp)
{
	__u32 k;

	if (!is_count(c))
		return;
	for (k = 0; k < lp->insn_cnt; k++) {
		if (lp->insns[k].code == (BPF_JMP | BPF_CALL) &&
		    lp->insns[k].src_reg == BPF_PSEUDO_KFUNC_CALL)
			lp->insns[k] = (struct bpf_insn)BPF_MOV64_IMM(BPF_REG_0, 0);
		else if (linked_insn_is_ld_imm64(&lp->insns[k]))
			k++;
	}
}

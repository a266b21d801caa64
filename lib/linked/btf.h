/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * BTF for the linked dispatcher's composite program: every component's BTF (as
 * the kernel accepted it) appended into one, their func_info and line_info moved
 * to where each component sits in the composite, and the dispatcher's own records
 * at instruction 0. Without func_info the kernel refuses bpf_loop callbacks and
 * tail calls from subprograms, so this is not optional in practice.
 */
#ifndef XDPL_LINKED_BTF_H
#define XDPL_LINKED_BTF_H

#include <stdbool.h>
#include <linux/bpf.h>
#include <bpf/btf.h>
#include "linked/codegen.h"

struct linked_btf_comp {
	const char *name;		       /* for messages and generated function names */
	const struct btf *btf;		       /* NULL: the component has none (built without -g) */
	const struct bpf_func_info *func_info; /* insn_off relative to the component */
	__u32 func_info_cnt;
	const struct bpf_line_info *line_info;
	__u32 line_info_cnt;
	const struct bpf_insn *insns; /* to find the functions of a component without BTF */
	__u32 insn_cnt;
	__u32 base; /* where the component starts in the composite */
	/*
	 * Inlined: its main function (main_len instructions, at base) is part of
	 * the dispatcher's, so its func_info record goes (its line_info moves
	 * with it); the rest of it starts at sub_base.
	 */
	bool inlined;
	__u32 main_len, sub_base;
};

struct linked_btf {
	struct btf *btf;
	struct bpf_func_info *func_info; /* sorted, [0] is the dispatcher at insn 0 */
	__u32 func_info_cnt;
	struct bpf_line_info *line_info; /* empty unless every component has line info */
	__u32 line_info_cnt;
};

/*
 * Merge. An entry function whose first argument is not `struct xdp_md *` is
 * re-declared static: the kernel checks a global function's arguments on their
 * own and would refuse the dispatcher's call. disp_name names the dispatcher's
 * FUNC. A component without BTF gets generated static FUNC records.
 */
int linked_btf_merge(const struct linked_btf_comp *comps, unsigned int n, const char *disp_name,
		     struct linked_btf *out);
void linked_btf_free(struct linked_btf *m);

/* Is FUNC id in b declared with `struct xdp_md *` as its first argument? */
bool linked_btf_func_takes_xdp_md(const struct btf *b, __u32 id);

/* The BTF behind a loaded BTF object's fd, as the kernel holds it (caller frees). */
int linked_btf_from_fd(int btf_fd, struct btf **out);

#endif

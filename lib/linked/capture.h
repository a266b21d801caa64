/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Capture a component's fully relocated program from libbpf without loading it.
 *
 * libbpf 1.1 has no "relocate but don't load" step, so xdpload registers its own
 * handler for SEC("xdp"), SEC("xdp.frags") and every section libbpf does not
 * know (left untyped unless component.c types it XDP). For a program armed with
 * linked_capture_arm(), the handler copies what libbpf is about to load (map fds
 * and global data already in the instructions, subprograms appended, CO-RE
 * applied, func_info, line_info, BTF, flags) and has libbpf load a two-instruction
 * stub instead: failing the load would make libbpf unload the whole object, maps
 * included. Programs that are not armed (tail-call targets, other backends'
 * programs) load exactly as with libbpf's own handler.
 */
#ifndef XDPL_LINKED_CAPTURE_H
#define XDPL_LINKED_CAPTURE_H

#include <stdbool.h>
#include <linux/bpf.h>
#include <bpf/libbpf.h>
#include "linked/codegen.h"

struct linked_prog {
	char name[BPF_OBJ_NAME_LEN];
	struct bpf_insn *insns;
	__u32 insn_cnt;
	struct bpf_func_info *func_info; /* insn_off relative to the program */
	__u32 func_info_cnt;
	struct bpf_line_info *line_info;
	__u32 line_info_cnt;
	int btf_fd;	  /* our own fd of the program's BTF as the kernel accepted it, or -1 */
	__u32 prog_flags; /* BPF_F_XDP_HAS_FRAGS for SEC("xdp.frags") */
	enum bpf_attach_type expected_attach_type;
	__u32 kern_version;
	bool gpl_compatible; /* the object's license, as the kernel judged it */
	/*
	 * The stack depth of each of its functions, in bytes, as the verifier
	 * found it when it loaded the standalone copy (its "stack depth a+b+..."
	 * statistics line; function order of linked_insn_funcs()); NULL until then.
	 */
	__u32 *func_stack;
	__u32 func_stack_cnt;
};

/*
 * Register the handlers. Process-wide: call it before any bpf_object is opened
 * (libbpf binds a program to its handler at open time). Idempotent.
 */
int linked_capture_init(void);

/*
 * Capture prog at the next bpf_object__load() of its object instead of loading it.
 * The object must have been opened after linked_capture_init().
 */
int linked_capture_arm(struct bpf_program *prog);

/* Forget prog (armed or captured): call before closing its object if not taken. */
void linked_capture_disarm(const struct bpf_program *prog);

/*
 * After bpf_object__load(): hand over the captured program (the caller frees it
 * with linked_prog_free). The map fds inside stay owned by the object: keep it
 * open, or the maps otherwise referenced, until the composite is loaded.
 */
int linked_capture_take(struct bpf_program *prog, struct linked_prog **out);

void linked_prog_free(struct linked_prog *lp);

/*
 * Load a verified standalone copy of a captured program (its own kernel ID and
 * tag, verifier errors that name this component alone), and keep the stack
 * depths the verifier found in lp->func_stack. Returns the fd or -errno with
 * e->msg and the trimmed verifier log in e->log.
 */
int linked_prog_load_standalone(struct linked_prog *lp, const char *label);

/*
 * The stack depths of lp's functions into depths[max]: lp->func_stack, or, when
 * the standalone copy was not loaded by this process (it was pinned), from
 * verifying it once more. Returns the count or -errno.
 */
int linked_prog_stack_depths(const struct linked_prog *lp, __u32 *depths, __u32 max);

/* License string given to the kernel for a set of programs. */
static inline const char *linked_license(bool gpl_compatible)
{
	return gpl_compatible ? "GPL" : "Proprietary";
}

#endif

/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Compose captured components into one XDP program (the linked dispatcher) and
 * load it: preflight checks that name the component at fault, code generation,
 * BTF merge, bpf_prog_load.
 *
 * Limits (checked before anything is loaded, each reported with the component):
 *  - LINKED_MAX_COMPONENTS (XDPL_CHAIN_MAX, 64: what status can show) components.
 *    The kernel's real limits are per program: 256 functions (BPF_MAX_SUBPROGS;
 *    the dispatcher is one, each component entry and each of its subprograms and
 *    callbacks one more) and 64 distinct maps (MAX_USED_MAPS; the counters take
 *    two, the map and its key, each component map and global data section one). Measured on
 *    kernel 6.18: 255 single-function components compose, with or without the
 *    counters; the 256th is refused by the function count. So 64 is ours, and a
 *    chain of components with subprograms or maps reaches the kernel's first.
 *  - call depth: the dispatcher takes one of the kernel's 8 call frames, so a
 *    component may nest calls (and bpf_loop callbacks) 7 frames deep, entry
 *    included.
 *  - tail calls: the kernel's budget of 33 per packet is shared by the whole
 *    chain (a tail call replaces only the calling component's frame; its target's
 *    return goes back to the dispatcher and is checked against the chain mask).
 *  - stack: 512 bytes across all frames (below a tail-calling frame, 256). In
 *    the called layout the dispatcher's frame uses none (the counters' lookup
 *    key is a map value), so a component has all of it; inlined components'
 *    stacks share one region of the dispatcher's frame, and when that does not
 *    fit with every chain of frames the largest fall back to calls (inline.h).
 *  - kfuncs from kernel modules are refused (vmlinux kfuncs are fine).
 *  - frags: the composite takes multi-buffer packets only if every component
 *    does (SEC("xdp.frags")); a mix is allowed, as in libxdp.
 *  - license: the composite is GPL only if every component is GPL-compatible;
 *    otherwise no component may call a GPL-only helper (probed on this kernel).
 */
#ifndef XDPL_LINKED_COMPOSE_H
#define XDPL_LINKED_COMPOSE_H

#include <stdbool.h>
#include "chain.h"
#include "linked/capture.h"
#include "linked/codegen.h"
#include "linked/counters.h"

#define LINKED_MAX_COMPONENTS XDPL_CHAIN_MAX /* chain.h: what a chain holds */
#define LINKED_MAX_FUNCS 256		     /* BPF_MAX_SUBPROGS */
#define LINKED_MAX_MAPS 64		     /* MAX_USED_MAPS */
#define LINKED_MAX_FRAMES 8		     /* MAX_CALL_FRAMES */
#define LINKED_MAX_COMP_DEPTH (LINKED_MAX_FRAMES - 1)

struct linked_input {
	const char *label;		/* names the component in messages */
	const struct linked_prog *prog; /* captured (linked_capture_take) */
	__u32 chain_mask;		/* 1 << XDP_* after which the next one runs */
	unsigned int counter_slot;	/* with opts.counter_slots: where it counts */
};

struct linked_compose_opts {
	bool no_counters; /* leave out the per-component counters */
	bool no_bytes;	  /* count packets only (bytes need CAP_PERFMON anyway) */
	int counters_fd;  /* > 0: count into this map (value size >= n * XDPL_DISP_STRIDE) */
	/*
	 * Count component i into in[i].counter_slot instead of slot i: slots that
	 * stay with a component across rebuilds keep its counters in one map.
	 */
	bool counter_slots;
	const char *name; /* composite program name, default XDPL_DISP_PROG_NAME */
	bool no_inline;	  /* call every component (the layout before inlining) */
	/*
	 * The traced variant (xdpload trace): the tracer function, captured,
	 * with flags matching the chain's, and its record map. Implies no_inline.
	 */
	const struct linked_prog *trace;
	int trace_rec_fd;
};

struct linked_composite {
	int prog_fd;
	int counters_fd; /* -1 without counters; created unless given, the caller closes it */
	bool counters_owned;
	bool bytes; /* the counters count bytes too */
	__u32 insn_cnt;
	__u32 dispatcher_len; /* the dispatcher's main function, inlined components included */
	__u32 bases[LINKED_MAX_COMPONENTS];
	/* [n]: the tracer's, in the traced variant */
	struct linked_gen_place places[LINKED_MAX_COMPONENTS + 1];
	bool traced;
	/* inlined into the dispatcher, or called: why (a phrase; NULL when inlined) */
	bool inlined[LINKED_MAX_COMPONENTS];
	const char *call_reason[LINKED_MAX_COMPONENTS];
	__u32 frame;	      /* bytes of stack in the dispatcher's own frame */
	unsigned int reached; /* components after one with an empty chain mask never run */
	__u32 prog_flags;
	bool gpl;
	__u32 func_info_cnt, line_info_cnt;
};

/* The checks alone (no program is loaded; the GPL probe loads tiny test programs). */
int linked_compose_check(const struct linked_input *in, unsigned int n, bool counters);

/*
 * Check, generate, merge BTF and load. On success out->prog_fd is the composite
 * (not attached). On error returns -errno, e says why (and which component).
 */
int linked_compose(const struct linked_input *in, unsigned int n,
		   const struct linked_compose_opts *opts, struct linked_composite *out);

/* Close the fds of a composite (the counters map only when we created it). */
void linked_composite_close(struct linked_composite *c);

#endif

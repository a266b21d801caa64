/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * For the unit tests that run the linked dispatcher in the running kernel
 * (test_linked_kernel, test_linked_kernel_inline): open a test component from
 * build/tests/progs (tests/progs/linked_*.bpf.c) and capture its program,
 * compose components with lib/linked/compose.h, run a packet through the
 * composite with BPF_PROG_TEST_RUN, and read the maps and counters back.
 * Failures are cmocka failures of the calling test. Needs root.
 */
#ifndef XDPL_TESTS_KERNEL_CHAIN_H
#define XDPL_TESTS_KERNEL_CHAIN_H

#include <stdbool.h>
#include <stddef.h>
#include <linux/bpf.h>
#include <bpf/libbpf.h>
#include "linked/compose.h"

#define MAXC LINKED_MAX_COMPONENTS
#define PASS_MASK (1u << XDP_PASS)

/* a component: its loaded object, the captured program, its label in the chain */
struct tcomp {
	struct bpf_object *obj;
	struct linked_prog *lp;
	char label[64];
};

/* the test objects' directory: $LINKED_PROGS_DIR, else build/tests/progs (from the top) */
const char *progs_dir(void);

/* called between open and load, e.g. to set initial values */
typedef void (*tweak_fn)(struct bpf_object *obj, const void *arg);

/*
 * Open FILE (a name in progs_dir() without .o, or a path), capture program PROG (NULL:
 * the first), run TWEAK (if any) on the object, load it and take the program. The label
 * is FILE's base name.
 */
void open_comp_tweak(struct tcomp *t, const char *file, const char *prog, tweak_fn tweak,
		     const void *arg);
void open_comp(struct tcomp *t, const char *file, const char *prog);
void close_comp(struct tcomp *t);

/* a tweak_fn: the first __u32 of every .rodata (linked_global's action) becomes *arg */
void set_rodata_action(struct bpf_object *obj, const void *arg);

/*
 * Compose N components, each chained on MASKS[i] (NULL: XDP_PASS), with counters or
 * not, every component called (--no-inline) or inlined where it can be. compose()
 * returns linked_compose()'s result; compose_ok() fails the test unless it composed.
 */
int compose(struct tcomp *t, const __u32 *masks, unsigned int n, bool counters, bool no_inline,
	    struct linked_composite *out);
void compose_ok(struct tcomp *t, const __u32 *masks, unsigned int n, bool counters, bool no_inline,
		struct linked_composite *out);

/* a 64-byte Ethernet + IPv4 + UDP frame from 10.0.0.1 to 10.0.0.2 */
void make_packet(unsigned char *buf, size_t len);

/*
 * make_packet()'s frame through FD REPEAT times: the verdict, and in DURATION (if not
 * NULL) the kernel's mean time per run in ns.
 */
int run(int fd, __u32 repeat, __u32 *duration);

/* the fd of OBJ's map whose name ends in SUFFIX */
int map_fd(struct bpf_object *obj, const char *suffix);
/* a per-CPU array's value at KEY summed over the CPUs */
__u64 percpu_sum(int map_fd, __u32 key);
/* an array's __u64 value at KEY */
__u64 array_u64(int map_fd, __u32 key);
/* component IDX's counter slots (XDPL_DISP_SLOTS of them) */
void counters(const struct linked_composite *c, unsigned int idx, __u64 *slots);

#endif

/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The bundled "count" program's own counters (its per-CPU "xdpl_count" map of
 * packets and bytes, <xdpload/counters.h>): the one place bytes are counted
 * today, and the one count a libxdp chain has.
 */
#ifndef XDPLOAD_LIB_COUNT_H
#define XDPLOAD_LIB_COUNT_H

#include <stdbool.h>
#include <linux/types.h>

/* The map's name as the kernel shows it. */
#define XDPL_COUNT_MAP_NAME "xdpl_count_map"

/*
 * The packets and bytes program prog_id (the bundled count, or any program
 * with such a map) counted, summed over CPUs: 0, or -ENOENT when it has no
 * such map.
 */
int count_read(__u32 prog_id, __u64 *packets, __u64 *bytes);

struct bpf_object;
/*
 * Let the bundled count (opened, not loaded) read the kernel's xdp_buff, or
 * not: a kfunc call, which a program that is not GPL-compatible cannot make
 * (the linked backend turns it off in such a chain). 0, or -ENOENT for an
 * object without count's settings (the build for kernels without BTF).
 */
int count_use_xdp_buff(struct bpf_object *obj, bool on);

#endif

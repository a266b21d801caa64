/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * The linked dispatcher's per-component, per-action packet counters.
 *
 * The dispatcher owns one BPF_MAP_TYPE_PERCPU_ARRAY with a single entry (key 0).
 * Its value is an array of XDPL_DISP_SLOTS __u64 per component, in chain order
 * (component 0 is the first one the dispatcher calls). Slot a (0..4) counts the
 * packets for which the component returned action a (XDP_ABORTED..XDP_REDIRECT);
 * slot XDPL_DISP_SLOT_OTHER counts any other return value. The remaining slots
 * are reserved (always 0). The value size is ncomponents * XDPL_DISP_STRIDE, so
 * a reader gets the component count from the map's value_size.
 *
 * One stride is one 64-byte cache line: each component's counters sit in their
 * own line. Sum the per-CPU values to get totals.
 */
#ifndef XDPLOAD_DISPATCHER_H
#define XDPLOAD_DISPATCHER_H

#include <linux/types.h>

#define XDPL_DISP_SLOTS 8
#define XDPL_DISP_SLOT_OTHER 5 /* return values outside XDP_ABORTED..XDP_REDIRECT */
#define XDPL_DISP_STRIDE (XDPL_DISP_SLOTS * sizeof(__u64))

/* The counters map's name as the kernel shows it (bpftool map). */
#define XDPL_DISP_COUNTERS_MAP_NAME "xdpl_disp_cnt"
/* A one-entry array holding the key 0: the dispatcher looks the counters up without stack. */
#define XDPL_DISP_KEY_MAP_NAME "xdpl_disp_key"
/* The composite program's name as the kernel shows it (bpftool prog). */
#define XDPL_DISP_PROG_NAME "xdpl_dispatch"

#endif

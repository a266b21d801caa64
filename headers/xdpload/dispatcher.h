/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * The linked dispatcher's per-component, per-action packet and byte counters.
 *
 * The dispatcher owns one BPF_MAP_TYPE_PERCPU_ARRAY with a single entry (key 0).
 * Its value is, per component (its counter slot), XDPL_DISP_SLOTS __u64 of
 * packets then XDPL_DISP_SLOTS __u64 of bytes. Slot a (0..4) counts the packets
 * for which the component returned action a (XDP_ABORTED..XDP_REDIRECT), and
 * their bytes (the frame's first buffer, data_end - data, when the component
 * returned: all of it unless the frame is multi-buffer); slot
 * XDPL_DISP_SLOT_OTHER counts any other return value. The remaining slots are
 * reserved (always 0). Bytes are counted where the kernel lets the loader
 * subtract packet pointers (CAP_PERFMON or CAP_SYS_ADMIN: root); without, their
 * slots stay 0. The value size is ncomponents * XDPL_DISP_STRIDE, so a reader
 * gets the component count from the map's value_size.
 *
 * One stride is two 64-byte cache lines. Sum the per-CPU values to get totals.
 */
#ifndef XDPLOAD_DISPATCHER_H
#define XDPLOAD_DISPATCHER_H

#include <linux/types.h>

#define XDPL_DISP_SLOTS 8
#define XDPL_DISP_SLOT_OTHER 5 /* return values outside XDP_ABORTED..XDP_REDIRECT */
/* bytes of one component's counters, and where its bytes start in them */
#define XDPL_DISP_STRIDE (2 * XDPL_DISP_SLOTS * sizeof(__u64))
#define XDPL_DISP_BYTES_OFF (XDPL_DISP_SLOTS * sizeof(__u64))
/* __u64 words of one component's counters */
#define XDPL_DISP_WORDS (2 * XDPL_DISP_SLOTS)

/* The counters map's name as the kernel shows it (bpftool map). */
#define XDPL_DISP_COUNTERS_MAP_NAME "xdpl_disp_cnt"
/* A one-entry array holding the key 0: the dispatcher looks the counters up without stack. */
#define XDPL_DISP_KEY_MAP_NAME "xdpl_disp_key"
/* The composite program's name as the kernel shows it (bpftool prog). */
#define XDPL_DISP_PROG_NAME "xdpl_dispatch"

#endif

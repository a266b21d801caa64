/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/* Map value layouts shared by the bundled programs and xdpload. */
#ifndef XDPLOAD_COUNTERS_H
#define XDPLOAD_COUNTERS_H

#include <linux/types.h>

/* Value of the count program's per-CPU "xdpl_count" array (one entry, key 0). */
struct xdpl_count {
	__u64 packets;
	__u64 bytes;
};

/*
 * count's load-time settings (a read-only global in its own section): xdp_buff
 * 1 lets it read the kernel's xdp_buff (6.2+) to skip bpf_xdp_get_buff_len()
 * for single-buffer frames; 0 for a chain that is not GPL-compatible.
 */
#define XDPL_COUNT_RO_SECTION ".rodata.count"

struct xdpl_count_ro {
	__u32 xdp_buff;
};

#endif

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

#endif

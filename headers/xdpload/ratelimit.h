/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * Map layouts of the bundled "ratelimit" program, shared with lib/ratelimit.c.
 *
 * One token bucket per source address (IPv4 as IPv4-mapped IPv6) in an LRU
 * hash, so a flood of sources recycles old buckets instead of exhausting
 * the map. The bucket is kept as a GCRA "theoretical arrival time", a single
 * 64-bit value, which is equivalent to a token bucket of the same rate and
 * burst.
 */
#ifndef XDPLOAD_RATELIMIT_H
#define XDPLOAD_RATELIMIT_H

#include <linux/types.h>

/*
 * The settings are the program's global data section ".data.rl_cfg" (libbpf names
 * its map after the section): xdpload sets them in the object before it is loaded
 * and changes them at run time through that map.
 */
#define XDPL_RL_CFG_SECTION ".data.rl_cfg"
#define XDPL_RL_MAP_CFG XDPL_RL_CFG_SECTION
#define XDPL_RL_MAP_BUCKETS "rl_buckets"
#define XDPL_RL_MAP_STATS "rl_stats"

#define XDPL_RL_MAX_SOURCES 65536

/* The settings of a program loaded without options. */
#define XDPL_RL_DEFAULT_RATE 1000
#define XDPL_RL_DEFAULT_BURST 100

/* The ".data.rl_cfg" section, the one value of its map (key 0). Zero means the default. */
struct xdpl_rl_config {
	__u64 rate_pps; /* packets per second per source */
	__u64 burst;	/* packets a source may send at once after being idle */
};

/* Key of "rl_buckets". */
struct xdpl_rl_key {
	__u8 addr[16];
};

/* Value of "rl_buckets". */
struct xdpl_rl_bucket {
	__u64 tat_ns; /* theoretical arrival time of the next conforming packet */
};

/* Value of "rl_stats" (per-CPU array, one entry, key 0). */
struct xdpl_rl_stats {
	__u64 passed;  /* IP packets within their source's rate */
	__u64 dropped; /* IP packets over their source's rate */
	__u64 other;   /* non-IP frames, always passed */
};

#endif

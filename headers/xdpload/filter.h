/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * Map layouts of the bundled "filter" program, shared with lib/filter.c.
 *
 * Every rule lives in one of the match maps (an LPM trie per address family
 * and direction, a hash for ports, a hash for MACs); its value is a rule id,
 * the index of the rule's hit counter in the per-CPU "flt_hits" array. Id 0
 * is not a rule: it counts the frames that matched no rule.
 */
#ifndef XDPLOAD_FILTER_H
#define XDPLOAD_FILTER_H

#include <linux/types.h>

/* Map names as the kernel reports them (at most 15 characters). */
#define XDPL_FILTER_MAP_CFG "flt_cfg"
#define XDPL_FILTER_MAP_SRC4 "flt_src4"
#define XDPL_FILTER_MAP_DST4 "flt_dst4"
#define XDPL_FILTER_MAP_SRC6 "flt_src6"
#define XDPL_FILTER_MAP_DST6 "flt_dst6"
#define XDPL_FILTER_MAP_PORT "flt_port"
#define XDPL_FILTER_MAP_ETHER "flt_ether"
#define XDPL_FILTER_MAP_HITS "flt_hits"

/* Rules per match map, and the size of the id space shared by all maps. */
#define XDPL_FILTER_MAX_RULES 4096
#define XDPL_FILTER_NO_MATCH 0

enum xdpl_filter_policy {
	XDPL_FILTER_DENY = 0,  /* drop frames that match a rule (the default) */
	XDPL_FILTER_ALLOW = 1, /* drop frames that match no rule */
};

enum xdpl_filter_dir {
	XDPL_FILTER_SRC = 0,
	XDPL_FILTER_DST = 1,
};

/*
 * Which match maps hold rules: the program skips the lookups of empty ones
 * (an empty LPM trie still costs a lookup per packet). Whoever changes a
 * match map updates these bits; lib/filter.c does it under its lock.
 */
enum xdpl_filter_active {
	XDPL_FILTER_HAS_ETHER_SRC = 1 << 0,
	XDPL_FILTER_HAS_ETHER_DST = 1 << 1,
	XDPL_FILTER_HAS_SRC4 = 1 << 2,
	XDPL_FILTER_HAS_DST4 = 1 << 3,
	XDPL_FILTER_HAS_SRC6 = 1 << 4,
	XDPL_FILTER_HAS_DST6 = 1 << 5,
	XDPL_FILTER_HAS_PORT_SRC = 1 << 6,
	XDPL_FILTER_HAS_PORT_DST = 1 << 7,
};

/* Value of "flt_cfg" (array, one entry, key 0). */
struct xdpl_filter_config {
	__u32 policy; /* enum xdpl_filter_policy */
	__u32 active; /* enum xdpl_filter_active bits */
};

/* Key of the LPM tries: prefixlen counts bits of addr, network byte order. */
struct xdpl_filter_lpm4 {
	__u32 prefixlen;
	__u8 addr[4];
};

struct xdpl_filter_lpm6 {
	__u32 prefixlen;
	__u8 addr[16];
};

/* Key of "flt_port": one entry per port, protocol and direction. */
struct xdpl_filter_port {
	__u16 port; /* host byte order */
	__u8 proto; /* IPPROTO_TCP or IPPROTO_UDP */
	__u8 dir;   /* enum xdpl_filter_dir */
};

/* Key of "flt_ether". */
struct xdpl_filter_ether {
	__u8 addr[6];
	__u8 dir; /* enum xdpl_filter_dir */
	__u8 pad;
};

/* Value of every match map. */
struct xdpl_filter_rule {
	__u32 id; /* 1 .. XDPL_FILTER_MAX_RULES, index into flt_hits */
};

#endif

/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * Map layouts of the bundled "filter" program, shared with lib/progs/filter*.c.
 *
 * Every rule lives in one of the match maps (an LPM trie per address family
 * and direction, a hash for ports, a hash for MACs); its value is a rule id,
 * the index of the rule's counter (packets and bytes) in the per-CPU
 * "flt_hits" array. Id 0 is not a rule: it counts the frames that matched no
 * rule. "flt_stats" counts packets and bytes per verdict (XDP action).
 *
 * The policy is xdp-filter's: what happens to a frame that matches NO rule.
 * allow (the default) passes it, so rules drop; deny drops it, so rules pass.
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
#define XDPL_FILTER_MAP_STATS "flt_stats"
#define XDPL_FILTER_MAP_COMBO "flt_combo"
#define XDPL_FILTER_MAP_SKIP "flt_skip"

/* Rules per match map, and the size of the id space shared by all maps. */
#define XDPL_FILTER_MAX_RULES 4096
#define XDPL_FILTER_NO_MATCH 0

enum xdpl_filter_policy {
	XDPL_FILTER_POLICY_ALLOW = 0, /* frames matching no rule pass; rules drop (default) */
	XDPL_FILTER_POLICY_DENY = 1,  /* frames matching no rule drop; rules pass */
};

enum xdpl_filter_dir {
	XDPL_FILTER_SRC = 0,
	XDPL_FILTER_DST = 1,
};

/*
 * Which match maps hold rules: the program skips the lookups of empty ones
 * (an empty LPM trie still costs a lookup per packet). Whoever changes a
 * match map updates these bits; lib/progs/filter.c does it under its lock.
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

/*
 * "flt_skip" (an mmap-able array of __u64): per match class, a bitmap of
 * 65536 buckets of a key (XDPL_FILTER_SKIP_WORDS words each, class c at
 * words c * XDPL_FILTER_SKIP_WORDS ...). A set bit says that no entry of the
 * class's map can match a key of that bucket, so the program skips the map
 * lookup (a call, and a walk of an LPM trie) for it: a frame that matches no
 * rule, the common case of a deny list, costs an array read. A clear bit only
 * means "look it up", so an all-zero map (new, or an old rule set's) is always
 * right. User space clears a rule's buckets before it writes the rule, and
 * sets the bits of empty buckets after every change (lib/progs/filter_skip.c).
 *
 * Buckets: IPv4, the first 16 bits of the address (a /16); IPv6, bits 16..31
 * (the first 16 are shared by most of the Internet); a port, the port; a MAC,
 * its last two bytes. A prefix shorter than its bucket's bits covers every
 * bucket its bits agree with.
 */
enum xdpl_filter_class {
	XDPL_FILTER_CLASS_SRC4,
	XDPL_FILTER_CLASS_DST4,
	XDPL_FILTER_CLASS_SRC6,
	XDPL_FILTER_CLASS_DST6,
	XDPL_FILTER_CLASS_PORT_SRC,
	XDPL_FILTER_CLASS_PORT_DST,
	XDPL_FILTER_CLASS_ETHER_SRC,
	XDPL_FILTER_CLASS_ETHER_DST,
	XDPL_FILTER_NR_CLASSES,
};

#define XDPL_FILTER_SKIP_WORDS 1024 /* 65536 buckets of 64 bits */
#define XDPL_FILTER_SKIP_BUCKET4(a) (((__u32)(a)[0] << 8) | (a)[1])
#define XDPL_FILTER_SKIP_BUCKET6(a) (((__u32)(a)[2] << 8) | (a)[3])
#define XDPL_FILTER_SKIP_BUCKET_ETHER(a) (((__u32)(a)[4] << 8) | (a)[5])
#define XDPL_FILTER_SKIP_V6_FIRST_BIT 16 /* the bucket's first bit in an IPv6 address */

/* xdpl_filter_config.flags and xdpl_filter_ro.flags */
enum xdpl_filter_flags {
	/*
	 * ARP and IPv6 neighbour discovery are not matched against IP rules and
	 * never dropped by the deny policy (only Ethernet rules apply to them).
	 */
	XDPL_FILTER_NEIGH_OFF = 1 << 0,
	/*
	 * flt_cfg holds the policy and flags. Until user space first writes it
	 * the program uses the load-time ones of flt_ro.
	 */
	XDPL_FILTER_CFG_SET = 1 << 31,
};

/*
 * Features compiled in at load time (the read-only "flt_features" global,
 * load --features): the verifier removes the code of the others.
 */
enum xdpl_filter_feature {
	XDPL_FILTER_FEAT_TCP = 1 << 0,
	XDPL_FILTER_FEAT_UDP = 1 << 1,
	XDPL_FILTER_FEAT_IPV4 = 1 << 2,
	XDPL_FILTER_FEAT_IPV6 = 1 << 3,
	XDPL_FILTER_FEAT_ETHER = 1 << 4,
	XDPL_FILTER_FEAT_ALL = 0x1f,
};

/*
 * Value of "flt_cfg" (array, one entry, key 0): changed at runtime.
 *
 * A rule set has two generations (gen 0 and 1), so a whole new set replaces
 * the old one atomically: user space writes the entries of the next
 * generation next to the current ones (each entry has an id per generation),
 * then flips gen, the one value a packet reads first; then it removes what
 * only the old generation had. A packet sees the old set or the new one.
 */
struct xdpl_filter_config {
	__u32 policy;	 /* enum xdpl_filter_policy (when flags has XDPL_FILTER_CFG_SET) */
	__u32 flags;	 /* enum xdpl_filter_flags */
	__u32 gen;	 /* the generation packets use: 0 or 1 */
	__u32 active[2]; /* per generation: enum xdpl_filter_active bits */
	__u32 ncombo;	 /* combined rules: slots 0 .. ncombo-1 of flt_combo are looked at */
};

/*
 * Combined rules ("flt_combo", an array of XDPL_FILTER_MAX_COMBO slots): every
 * field given must match (source and destination prefix, protocol, source and
 * destination port range, outer VLAN id); they are checked in slot order
 * before the other rules, and each has its own counters (id). A slot is a rule
 * of generation g when id[g] is not 0 (free when both are 0). User space
 * writes a new slot with both ids 0 first, then the id alone, so a packet
 * never sees half a rule; a swap (rules FILE) gives the next generation's
 * rules their id[next] before it flips the generation.
 */
#define XDPL_FILTER_MAX_COMBO 64

struct xdpl_filter_combo {
	__u32 id[2];  /* per generation; 0: not a rule of that generation */
	__u8 family;  /* 0 (any), 4 or 6: the family of the prefixes */
	__u8 proto;   /* 0 (any) or IPPROTO_* */
	__u8 src_len; /* prefix lengths; 0 with the address all zero: any */
	__u8 dst_len;
	__u16 sport_lo, sport_hi; /* 0, 0: any */
	__u16 dport_lo, dport_hi;
	__u16 vlan; /* outer VLAN id + 1; 0: any */
	__u16 pad;
	__u8 src[16]; /* network byte order, IPv4 in the first 4 bytes */
	__u8 dst[16];
};

/*
 * The load-time settings (load --policy, --features, --neigh): a read-only
 * global in its own section, so the verifier knows them and prunes.
 */
#define XDPL_FILTER_RO_SECTION ".rodata.flt"
#define XDPL_FILTER_MAP_RO XDPL_FILTER_RO_SECTION

#define XDPL_FILTER_SET_LEN 40

struct xdpl_filter_ro {
	__u32 features; /* enum xdpl_filter_feature bits */
	__u32 policy;	/* the policy until one is set at runtime */
	__u32 flags;	/* XDPL_FILTER_NEIGH_OFF, likewise */
	__u32 pad;
	/*
	 * The rule set whose maps the program uses (<bpffs>/xdpload/sets/NAME),
	 * "" for its own. Not read by the program: user space finds it here.
	 */
	char set[XDPL_FILTER_SET_LEN];
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

/*
 * Value of every match map. id[g] is what a lookup that finds this entry
 * means in generation g: the rule's own id (1 .. XDPL_FILTER_MAX_RULES, the
 * index into flt_hits) when the entry is a rule of generation g (bit g of
 * own); during a swap, for an entry of the other generation only, the id of
 * the rule that generation g's own entries give for it (in an LPM trie the
 * longest prefix of g covering this one), or 0 for none.
 */
struct xdpl_filter_rule {
	__u32 id[2];
	__u32 own; /* bit g: a rule of generation g */
};

/* Value of "flt_hits" (per rule) and "flt_stats" (per XDP action), per CPU. */
struct xdpl_filter_counter {
	__u64 packets;
	__u64 bytes;
};

#define XDPL_FILTER_NR_ACTIONS 5 /* XDP_ABORTED .. XDP_REDIRECT */

#endif

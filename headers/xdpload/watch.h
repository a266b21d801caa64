/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * Map and event layouts of the bundled "watch" program, shared with
 * lib/watch.c.
 *
 * Events go to a ring buffer. A per-CPU token bucket caps how many events
 * each CPU may report per second, so a flood costs user space a bounded
 * amount of work; what the bucket refuses, or what does not fit in the ring,
 * is counted as not reported.
 *
 * The settings belong to the one reader (xdpload watch): it claims the
 * program with its rate and protocols and renews a lease while it reads; with
 * no reader, or once the lease ran out (a reader killed -9), the program
 * reports nothing and costs one lookup and a clock read per frame.
 */
#ifndef XDPLOAD_WATCH_H
#define XDPLOAD_WATCH_H

#include <linux/types.h>

#define XDPL_WATCH_MAP_EVENTS "wt_events"
#define XDPL_WATCH_MAP_CFG "wt_cfg"
#define XDPL_WATCH_MAP_BUCKET "wt_bucket"
#define XDPL_WATCH_MAP_STATS "wt_stats"

#define XDPL_WATCH_RING_BYTES (256 * 1024)
/* Used while the config map still holds zeros. */
#define XDPL_WATCH_DEFAULT_RATE 1000

/*
 * Verdict of an event the program reports itself (a libxdp chain): the action
 * watch returns, i.e. every program before it in the chain passed the frame;
 * programs after watch may still drop it. On a linked chain xdpload watch
 * reads the trace instead (<xdpload/trace.h>), whose verdict is the chain's.
 */
#define XDPL_WATCH_VERDICT_UNKNOWN 0xff

/* Which frames a reader wants (xdpl_watch_config.protos); 0: every frame. */
enum xdpl_watch_proto {
	XDPL_WATCH_P_TCP = 1 << 0,
	XDPL_WATCH_P_UDP = 1 << 1,
	XDPL_WATCH_P_ICMP = 1 << 2,  /* ICMP over IPv4 */
	XDPL_WATCH_P_ICMP6 = 1 << 3, /* ICMPv6, neighbour discovery included */
	XDPL_WATCH_P_SCTP = 1 << 4,
	XDPL_WATCH_P_ARP = 1 << 5,
	XDPL_WATCH_P_IPV4 = 1 << 6,  /* any IPv4 frame */
	XDPL_WATCH_P_IPV6 = 1 << 7,  /* any IPv6 frame */
	XDPL_WATCH_P_OTHER = 1 << 8, /* neither IP nor ARP */
	XDPL_WATCH_P_NONE = 1 << 30, /* no frame: the reader gets its events from the trace */
};

/* How long a reader's claim lasts unless renewed (it renews every poll). */
#define XDPL_WATCH_LEASE_NS (2ULL * 1000000000ULL)

/* Value of "wt_cfg" (array, one entry, key 0): the reader's settings. */
struct xdpl_watch_config {
	__u64 events_per_sec;  /* per CPU, also the burst; 0: the default */
	__u64 reader_until_ns; /* CLOCK_MONOTONIC: a reader reads until then; 0: none */
	__u32 protos;	       /* XDPL_WATCH_P_* bits, 0 for all */
	__u32 reader_pid;      /* who claimed it, for the message to a second reader */
};

/* Value of "wt_bucket" (per-CPU array, one entry). */
struct xdpl_watch_bucket {
	__u64 tat_ns;
};

/* Value of "wt_stats" (per-CPU array, one entry). */
struct xdpl_watch_stats {
	__u64 seen;	    /* frames that went through watch */
	__u64 filtered;	    /* not reported: not of the reader's protocols */
	__u64 reported;	    /* events written to the ring */
	__u64 rate_limited; /* not reported: over the per-CPU event rate */
	__u64 ring_full;    /* not reported: ring buffer full */
};

/* One ring buffer record. Numbers in host byte order, addresses as on the wire. */
struct xdpl_watch_event {
	__u64 ts_ns; /* bpf_ktime_get_ns() */
	__u32 ifindex;
	__u32 rx_queue;
	__u32 len; /* frame length */
	__u16 eth_proto;
	__u8 family; /* 0 (not IP), 2 (IPv4), 10 (IPv6) */
	__u8 l4proto;
	__u16 sport;
	__u16 dport;
	__u8 has_ports;
	__u8 icmp_type;
	__u8 vlans;
	__u8 verdict; /* XDP_* action, or XDPL_WATCH_VERDICT_UNKNOWN */
	__u8 smac[6];
	__u8 dmac[6];
	__u8 saddr[16]; /* IPv4 in the first 4 bytes */
	__u8 daddr[16];
};

#endif

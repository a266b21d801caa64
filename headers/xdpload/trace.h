/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * The live trace of a linked chain (xdpload trace): layouts shared by the
 * traced dispatcher (lib/linked/codegen.c), its tracer function
 * (progs/internal/tracer.bpf.c) and the reader (lib/trace.c).
 *
 * The traced dispatcher records, in the per-CPU "tr_rec" value, which program
 * ran at each position (its counter slot, stable for the program's life) and
 * the action it returned; before its exit it stores the verdict and calls the
 * tracer. The tracer matches the packet against each reader's filters
 * ("tr_cfg", one entry per reader), samples, rate-limits per reader and CPU,
 * and writes an event to that reader's ring buffer. A reader holds its slot
 * with a lease (until_ns) that it renews; a reader killed -9 stops costing
 * anything when the lease runs out, and the next xdpload command swaps the
 * untraced dispatcher back.
 */
#ifndef XDPLOAD_TRACE_H
#define XDPLOAD_TRACE_H

#include <linux/types.h>

#define XDPL_TRACE_READERS 4 /* readers at once: one ring buffer each */
#define XDPL_TRACE_STEPS 64  /* positions recorded (XDPL_CHAIN_MAX) */
#define XDPL_TRACE_SNAP 128  /* bytes of the frame an event carries */
#define XDPL_TRACE_RING_BYTES (256 * 1024)
#define XDPL_TRACE_DEFAULT_RATE 1000
#define XDPL_TRACE_LEASE_NS (2ULL * 1000000000ULL)
#define XDPL_TRACE_ACT_OTHER 5 /* a return value outside XDP_ABORTED..XDP_REDIRECT */

#define XDPL_TRACE_MAP_REC "tr_rec"
#define XDPL_TRACE_MAP_CFG "tr_cfg"
#define XDPL_TRACE_MAP_STATE "tr_state"
#define XDPL_TRACE_MAP_STATS "tr_stats"
#define XDPL_TRACE_MAP_RING "tr_ring" /* tr_ring0 .. tr_ring3 */
/* The tracer's function name in the composite (bpftool prog dump). */
#define XDPL_TRACE_PROG_NAME "xdpl_tracer"

/* Value of "tr_rec" (per-CPU array, one entry): written by the dispatcher. */
struct xdpl_trace_rec {
	__u32 last;    /* position of the last program that ran */
	__u32 end;     /* 1: every program chained on, the verdict is the chain's end */
	__u32 verdict; /* what the dispatcher returns */
	__u32 pad;
	__u8 slot[XDPL_TRACE_STEPS]; /* counter slot of the program at each position */
	__u32 act[XDPL_TRACE_STEPS]; /* the action it returned */
};

#define XDPL_TRACE_REC_LAST 0
#define XDPL_TRACE_REC_END 4
#define XDPL_TRACE_REC_VERDICT 8
#define XDPL_TRACE_REC_SLOT 16
#define XDPL_TRACE_REC_ACT (16 + XDPL_TRACE_STEPS)

enum xdpl_trace_dir {
	XDPL_TRACE_DIR_ANY = 0,
	XDPL_TRACE_DIR_SRC = 1,
	XDPL_TRACE_DIR_DST = 2,
};

/* Value of "tr_cfg" (array, XDPL_TRACE_READERS entries): one reader's filters. */
struct xdpl_trace_reader {
	__u64 until_ns; /* CLOCK_MONOTONIC lease; 0 or past: no reader */
	__u64 rate;	/* events per second and CPU (also the burst); 0: default */
	__u64 decided;	/* counter-slot mask: the deciding program is one of them; 0 any */
	__u64 ran;	/* counter-slot mask: one of them ran; 0 any */
	__u32 sample;	/* report one in SAMPLE matching packets; 0 or 1: all */
	__u32 protos;	/* XDPL_WATCH_P_* bits (<xdpload/watch.h>); 0 any */
	__u32 verdicts; /* 1 << XDP_* (bit XDPL_TRACE_ACT_OTHER: other); 0 any */
	__u32 pid;	/* the reader's */
	__u16 port;	/* 0: any */
	__u8 port_dir;	/* enum xdpl_trace_dir */
	__u8 addr_dir;	/* enum xdpl_trace_dir */
	__u8 family;	/* 0 any, 2 IPv4, 10 IPv6 */
	__u8 prefix;	/* bits of addr that must match */
	__u8 pad[2];
	__u8 addr[16]; /* IPv4 in the first 4 bytes, network order */
	__u8 mask[16]; /* prefix as a mask over addr (set by the reader) */
};

/* Value of "tr_state" (per-CPU array, XDPL_TRACE_READERS entries). */
struct xdpl_trace_bucket {
	__u64 tat_ns; /* GCRA theoretical arrival time */
	__u64 matched;
};

/* Value of "tr_stats" (per-CPU array, XDPL_TRACE_READERS entries). */
struct xdpl_trace_stats {
	__u64 seen;	    /* packets while the reader's lease ran */
	__u64 filtered;	    /* not of its filters */
	__u64 sampled;	    /* left out by its sampling */
	__u64 reported;	    /* events written */
	__u64 rate_limited; /* not reported: over its rate */
	__u64 ring_full;    /* not reported: its ring was full */
};

/* One ring buffer record. */
struct xdpl_trace_event {
	__u64 ts_ns; /* bpf_ktime_get_ns() */
	__u32 ifindex;
	__u32 rx_queue;
	__u32 len;     /* frame length when the chain returned */
	__u32 caplen;  /* bytes of it in data[] */
	__u32 verdict; /* what the chain returned */
	__u32 nsteps;  /* programs that ran */
	__u32 end;     /* 1: the verdict is the end of the chain's */
	__u32 pad;
	__u8 slot[XDPL_TRACE_STEPS];
	__u32 act[XDPL_TRACE_STEPS]; /* what each returned (only the first nsteps count) */
	__u8 data[XDPL_TRACE_SNAP];
};

#endif

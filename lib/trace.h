/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * xdpload trace: a live reader of a linked chain's traced dispatcher. Starting
 * one (under the interface lock, after recovery) claims a reader slot, swaps
 * the traced variant in when it is the first, and sets the reader's filters;
 * each event becomes a struct pktrec (the record `xdpload test` fills), with
 * the chain's programs as they were when it was taken. Stopping gives the slot
 * back and, for the last reader, swaps the untraced dispatcher back; a reader
 * that cannot stop (kill -9) is cleaned up by the next command's recovery
 * (backend/linked_trace.h).
 */
#ifndef XDPL_TRACE_H
#define XDPL_TRACE_H

#include <stdbool.h>
#include <linux/types.h>
#include <xdpload/trace.h>
#include "iface.h"
#include "pktrec.h"

#define TRACE_MAX_RATE 1000000ULL

/* What one reader asks for (0 / NULL: any). */
struct xdpl_trace_req {
	__u32 protos;	     /* XDPL_WATCH_P_* bits */
	__u32 verdicts;	     /* 1 << XDP_*, 1 << XDPL_TRACE_ACT_OTHER for other values */
	const char *decided; /* the program (by name) that decided */
	const char *ran;     /* a program (by name) that ran */
	__u8 family;	     /* 2 or 10: addr/prefix below */
	__u8 prefix;
	__u8 addr_dir; /* enum xdpl_trace_dir */
	__u8 addr[16];
	__u16 port;
	__u8 port_dir;
	__u32 sample; /* one in SAMPLE matching packets */
	__u64 rate;   /* events per second and CPU; 0: XDPL_TRACE_DEFAULT_RATE */
};

struct trace_session;

/* Called for each packet; a negative return stops trace_poll() with that value. */
typedef int (*trace_event_fn)(const struct pktrec *r, const struct pktrec_prog *progs, void *ctx);

/*
 * Start reading iface. Errors: not a linked chain (XDPL_ERR_CHAIN, with what
 * to do), no chain (NOTFOUND), every slot taken (BUSY), a --decided/--ran name
 * not in the chain (NOPROG).
 */
int trace_start(const struct xdpl_iface *iface, const struct xdpl_trace_req *req, trace_event_fn fn,
		void *ctx, struct trace_session **out);
/*
 * Wait up to timeout_ms for events and deliver them; renews the lease and
 * follows chain changes. Returns the count, -ENOENT when the chain is gone, or
 * the callback's negative value.
 */
int trace_poll(struct trace_session *s, int timeout_ms);
/* This reader's counters (summed over CPUs) since it started. */
int trace_stats(struct trace_session *s, struct xdpl_trace_stats *st);
/* Stop: the slot goes back; the last reader swaps the untraced dispatcher in. */
int trace_stop(struct trace_session *s);

#endif

/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * What happened to one packet in a chain: every program that ran with the
 * action it returned, the one that decided, the chain's verdict, and the
 * packet's header summary. `xdpload test` fills it from a test run; the live
 * trace fills the same record from the dispatcher's events, so both print
 * alike (loader/pktrec.c).
 */
#ifndef XDPL_PKTREC_H
#define XDPL_PKTREC_H

#include <stdbool.h>
#include <linux/types.h>
#include "chain.h"
#include "pktsum.h"

/* Action "slot" for a return value outside XDP_ABORTED..XDP_REDIRECT. */
#define PKTREC_ACTION_OTHER 5

/* The chain's verdict came from its end (every program chained on), not a program. */
#define PKTREC_END_OF_CHAIN (-1)
/* Which program decided is not known (the backend cannot tell). */
#define PKTREC_UNKNOWN (-2)

/* A program of the chain, in run order. */
struct pktrec_prog {
	char name[XDPL_NAME_LEN];
	char label[XDPL_LABEL_LEN]; /* what was loaded: a bundled name or a file */
	unsigned int prio;
	unsigned int actions; /* chain-call actions, 1 << XDP_* */
	__u32 id;	      /* its kernel ID where it has one of its own, else 0 */
};

struct pktrec_step {
	unsigned int prog;   /* index in the chain's programs */
	unsigned int action; /* XDP_*, or PKTREC_ACTION_OTHER */
};

struct pktrec {
	__u64 index;	       /* packet number, from 1 */
	__u64 time_ns;	       /* when it was captured (or seen) */
	const char *interface; /* trace: where it came in (NULL for test) */
	__u32 rx_queue;	       /* trace: its receive queue */
	__u32 len;	       /* bytes that went into the chain */
	__u32 wire_len;	       /* bytes the frame had on the wire (a capture may cut it) */
	struct pkt_summary hdr;
	bool traced; /* steps[] is known */
	unsigned int nsteps;
	struct pktrec_step steps[XDPL_CHAIN_MAX];
	int decider;   /* index in the programs, or PKTREC_END_OF_CHAIN, PKTREC_UNKNOWN */
	__u32 verdict; /* what the chain returned */
	bool modified; /* a program rewrote the packet (or changed its length) */
	__u32 out_len; /* length after the chain */
	int error;     /* not run: a positive errno (too short, too long) */
};

#endif

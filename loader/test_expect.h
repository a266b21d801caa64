/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * What `xdpload test` expects of each packet: one verdict for all (--expect), or
 * per packet from a file (--expect-file), one line each:
 *
 *   # comments and blank lines are skipped
 *   XDP_DROP filter     the next packet: dropped, and by filter
 *   pass -              the next: passed by the end of the chain
 *   7 tx                packet 7 (from 1): XDP_TX, by any program
 *
 * A verdict is an action name as -A takes them; the program is the name of the
 * one that decided, or "-" for the end of the chain.
 */
#ifndef XDPL_TEST_EXPECT_H
#define XDPL_TEST_EXPECT_H

#include <stdbool.h>
#include <stddef.h>
#include <linux/types.h>
#include "chain.h"
#include "pktrec.h"

#define EXPECT_ANY_PROG ""
#define EXPECT_END_OF_CHAIN "-"

struct expect {
	__u64 packet; /* from 1; 0 for every packet */
	unsigned int verdict;
	char prog[XDPL_NAME_LEN]; /* the decider's name, "-" or "" for any */
	unsigned long line;	  /* in the file, for messages */
};

struct expects {
	struct expect *v; /* sorted by packet */
	size_t n, next;
	bool every; /* v[0] applies to every packet */
};

/* One verdict for every packet (--expect). */
int expect_every(struct expects *ex, unsigned int verdict);
/* Read an expectations file; errors are recorded (USAGE with the line, NOFILE). */
int expect_read_file(struct expects *ex, const char *path);
void expect_free(struct expects *ex);

/* What is expected of packet index (NULL: nothing). Packets come in order. */
const struct expect *expect_for(struct expects *ex, __u64 index);
/* Does the record meet it? */
bool expect_met(const struct expect *e, const struct pktrec *r, const struct pktrec_prog *progs);
/* Expectations left for packets past the last one (the input was shorter). */
size_t expect_unmatched(const struct expects *ex, __u64 npackets);

/* "XDP_DROP by filter", "XDP_PASS by the end of the chain", "XDP_TX". */
void expect_describe(const struct expect *e, char *buf, size_t sz);

#endif

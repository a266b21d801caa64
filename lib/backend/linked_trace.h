/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Trace readers of a linked chain and the traced dispatcher's life.
 *
 * Reader N (0 <= N < XDPL_TRACE_READERS) holds an exclusive flock on
 * /run/xdpload/KEY/reader.N for as long as it reads; a reader that dies, by
 * kill -9 too, drops it with its last fd. The traced variant is a generation
 * like any other (manifest "traced": true): the first reader swaps it in, the
 * last one swaps the untraced dispatcher back, and every command's recovery
 * (linked_trace_recover, under the interface lock) does the same when the
 * manifest says traced and no reader file is locked any more.
 */
#ifndef XDPL_LINKED_TRACE_H
#define XDPL_LINKED_TRACE_H

#include <stdbool.h>
#include "backend/linked_state.h"

/* Is any reader alive (its reader.N flocked by someone)? */
bool linked_trace_readers_alive(const struct linked_state *st);

/*
 * Claim a free reader slot: *slot and *lock_fd (the flocked reader.N; closing
 * it releases the slot). -EBUSY when every slot has a live reader.
 */
int linked_trace_claim(const struct linked_state *st, int *slot, int *lock_fd);

/* Rebuild the committed chain traced or not and swap it in (nothing when it already is). */
int linked_trace_set(struct linked_state *st, bool traced);

/* Recovery's part: a traced chain with no live reader gets its untraced dispatcher back. */
int linked_trace_recover(struct linked_state *st);

#endif

/* SPDX-License-Identifier: GPL-2.0-only */
/* Reading the bundled "watch" program's events and counters. */
#ifndef XDPLOAD_LIB_WATCH_H
#define XDPLOAD_LIB_WATCH_H

#include <stddef.h>
#include <linux/types.h>
#include <xdpload/watch.h>
#include "iface.h"

#define WATCH_MAX_RATE 1000000ULL

struct watch;

/* Called for each event; a negative return stops watch_poll() with that value. */
typedef int (*watch_event_fn)(const struct xdpl_watch_event *ev, void *ctx);

/* Subscribe to the ring buffer of watch program @prog_fd: 0, -ENOENT if not a watch. */
int watch_open(int prog_fd, watch_event_fn fn, void *ctx, struct watch **w);
/* Wait up to @timeout_ms for events and deliver them: count, or negative. */
int watch_poll(struct watch *w, int timeout_ms);
void watch_close(struct watch *w);

/* What one reader asks of the program: its events per second and CPU, its protocols. */
struct watch_settings {
	__u64 rate;   /* 1..WATCH_MAX_RATE, or 0 for the default */
	__u32 protos; /* XDPL_WATCH_P_* bits, 0 for every frame */
};

/*
 * Claim the program for this reader with its settings: the program reports for
 * it until the lease (XDPL_WATCH_LEASE_NS) runs out; watch_renew() extends it.
 * -EBUSY when another reader's lease runs (*other_pid says whose).
 */
int watch_claim(struct watch *w, const struct watch_settings *s, __u32 *other_pid);
int watch_renew(struct watch *w);
/* Give the program back: it reports nothing until the next reader. */
void watch_release(struct watch *w);

/*
 * Is the program w reads still attached to ifindex's chain (the same events
 * map)? 1 or 0. Cheap while the interface's XDP program does not change.
 */
int watch_attached(struct watch *w, const struct xdpl_iface *iface);

/* "tcp,udp,icmp6": a mask of XDPL_WATCH_P_*; -EINVAL with *bad the word refused. */
int watch_parse_protos(const char *list, __u32 *mask, char **bad);
/* Counters summed over CPUs. */
int watch_get_stats(int prog_fd, struct xdpl_watch_stats *st);

/* Wall-clock nanoseconds for an event's bpf_ktime_get_ns() timestamp. */
__u64 watch_event_realtime_ns(__u64 ktime_ns);

/* Short names: "tcp", "udp", "icmp", "icmp6" (pkt_proto_name) or the number; "pass" etc. */
const char *watch_proto_str(__u8 proto, char *buf, size_t len);
const char *watch_verdict_str(__u8 verdict);
/* Address as text ("10.0.0.1", "fe80::1"), or "" when the event is not IP. */
const char *watch_addr_str(const struct xdpl_watch_event *ev, const __u8 *addr, char *buf,
			   size_t len);

#endif

/* SPDX-License-Identifier: GPL-2.0-only */
/* Reading the bundled "watch" program's events and counters. */
#ifndef XDPLOAD_LIB_WATCH_H
#define XDPLOAD_LIB_WATCH_H

#include <stddef.h>
#include <linux/types.h>
#include <xdpload/watch.h>

#define WATCH_MAX_RATE 1000000ULL

struct watch;

/* Called for each event; a negative return stops watch_poll() with that value. */
typedef int (*watch_event_fn)(const struct xdpl_watch_event *ev, void *ctx);

/* Subscribe to the ring buffer of watch program @prog_fd: 0, -ENOENT if not a watch. */
int watch_open(int prog_fd, watch_event_fn fn, void *ctx, struct watch **w);
/* Wait up to @timeout_ms for events and deliver them: count, or negative. */
int watch_poll(struct watch *w, int timeout_ms);
void watch_close(struct watch *w);

/* Per-CPU event rate limit (also the burst); 1..WATCH_MAX_RATE. */
int watch_set_rate(int prog_fd, __u64 events_per_sec);
int watch_get_rate(int prog_fd, __u64 *events_per_sec);
/* Counters summed over CPUs. */
int watch_get_stats(int prog_fd, struct xdpl_watch_stats *st);

/* Wall-clock nanoseconds for an event's bpf_ktime_get_ns() timestamp. */
__u64 watch_event_realtime_ns(__u64 ktime_ns);

/* Short names: "tcp", "udp", "icmp", "ipv6-icmp" or the number; "pass" etc. */
const char *watch_proto_str(__u8 proto, char *buf, size_t len);
const char *watch_verdict_str(__u8 verdict);
/* Address as text ("10.0.0.1", "fe80::1"), or "" when the event is not IP. */
const char *watch_addr_str(const struct xdpl_watch_event *ev, const __u8 *addr, char *buf,
			   size_t len);

#endif

// SPDX-License-Identifier: GPL-2.0-only
/* Reading the bundled "watch" program's events and counters (see watch.h). */
#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <netinet/in.h>
#include <linux/bpf.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include "attached.h"
#include "percpu.h"
#include "progs/watch.h"

struct watch {
	struct ring_buffer *rb;
	int map_fd;
	watch_event_fn fn;
	void *ctx;
};

static int on_sample(void *ctx, void *data, size_t size)
{
	struct watch *w = ctx;
	struct xdpl_watch_event ev;

	/* A shorter record would come from another layout: skip rather than misread it. */
	if (size < sizeof(ev))
		return 0;
	memcpy(&ev, data, sizeof(ev));
	return w->fn(&ev, w->ctx);
}

int watch_open(int prog_fd, watch_event_fn fn, void *ctx, struct watch **out)
{
	struct watch *w;
	int err;

	w = calloc(1, sizeof(*w));
	if (!w)
		return -ENOMEM;
	w->fn = fn;
	w->ctx = ctx;
	w->map_fd = prog_map_fd_by_name(prog_fd, XDPL_WATCH_MAP_EVENTS);
	if (w->map_fd < 0) {
		err = w->map_fd;
		free(w);
		return err;
	}
	w->rb = ring_buffer__new(w->map_fd, on_sample, w, NULL);
	if (!w->rb) {
		err = -errno;
		close(w->map_fd);
		free(w);
		return err;
	}
	*out = w;
	return 0;
}

int watch_poll(struct watch *w, int timeout_ms)
{
	return ring_buffer__poll(w->rb, timeout_ms);
}

void watch_close(struct watch *w)
{
	if (!w)
		return;
	ring_buffer__free(w->rb);
	close(w->map_fd);
	free(w);
}

int watch_set_rate(int prog_fd, __u64 events_per_sec)
{
	struct xdpl_watch_config cfg = { .events_per_sec = events_per_sec };
	__u32 key = 0;
	int fd, err = 0;

	if (!events_per_sec || events_per_sec > WATCH_MAX_RATE)
		return -EINVAL;
	fd = prog_map_fd_by_name(prog_fd, XDPL_WATCH_MAP_CFG);
	if (fd < 0)
		return fd;
	if (bpf_map_update_elem(fd, &key, &cfg, BPF_ANY))
		err = -errno;
	close(fd);
	return err;
}

int watch_get_rate(int prog_fd, __u64 *events_per_sec)
{
	struct xdpl_watch_config cfg;
	__u32 key = 0;
	int fd, err = 0;

	fd = prog_map_fd_by_name(prog_fd, XDPL_WATCH_MAP_CFG);
	if (fd < 0)
		return fd;
	if (bpf_map_lookup_elem(fd, &key, &cfg))
		err = -errno;
	close(fd);
	if (!err)
		*events_per_sec = cfg.events_per_sec ? cfg.events_per_sec : XDPL_WATCH_DEFAULT_RATE;
	return err;
}

int watch_get_stats(int prog_fd, struct xdpl_watch_stats *st)
{
	struct xdpl_watch_stats *vals;
	int ncpu, fd, i, err = 0;
	__u32 key = 0;

	fd = prog_map_fd_by_name(prog_fd, XDPL_WATCH_MAP_STATS);
	if (fd < 0)
		return fd;
	memset(st, 0, sizeof(*st));
	vals = percpu_lookup(fd, &key, sizeof(*vals), &ncpu);
	if (!vals) {
		err = -errno;
	} else {
		for (i = 0; i < ncpu; i++) {
			st->seen += vals[i].seen;
			st->reported += vals[i].reported;
			st->rate_limited += vals[i].rate_limited;
			st->ring_full += vals[i].ring_full;
		}
	}
	free(vals);
	close(fd);
	return err;
}

__u64 watch_event_realtime_ns(__u64 ktime_ns)
{
	struct timespec mono, real;
	__s64 offset;

	/* bpf_ktime_get_ns() is CLOCK_MONOTONIC. */
	clock_gettime(CLOCK_MONOTONIC, &mono);
	clock_gettime(CLOCK_REALTIME, &real);
	offset = ((__s64)real.tv_sec - mono.tv_sec) * 1000000000LL + real.tv_nsec - mono.tv_nsec;
	return ktime_ns + offset;
}

const char *watch_proto_str(__u8 proto, char *buf, size_t len)
{
	switch (proto) {
	case IPPROTO_TCP:
		return "tcp";
	case IPPROTO_UDP:
		return "udp";
	case IPPROTO_ICMP:
		return "icmp";
	case IPPROTO_ICMPV6:
		return "ipv6-icmp";
	case IPPROTO_SCTP:
		return "sctp";
	}
	snprintf(buf, len, "%u", proto);
	return buf;
}

const char *watch_verdict_str(__u8 verdict)
{
	switch (verdict) {
	case XDP_ABORTED:
		return "aborted";
	case XDP_DROP:
		return "drop";
	case XDP_PASS:
		return "pass";
	case XDP_TX:
		return "tx";
	case XDP_REDIRECT:
		return "redirect";
	}
	return "unknown";
}

const char *watch_addr_str(const struct xdpl_watch_event *ev, const __u8 *addr, char *buf,
			   size_t len)
{
	if (ev->family == 2)
		inet_ntop(AF_INET, addr, buf, len);
	else if (ev->family == 10)
		inet_ntop(AF_INET6, addr, buf, len);
	else if (len)
		buf[0] = '\0';
	return buf;
}

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
#include "error.h"
#include "ops.h"
#include "percpu.h"
#include "pktsum.h"
#include "progs/watch.h"

struct watch {
	struct ring_buffer *rb;
	int map_fd, cfg_fd;
	__u32 map_id;	   /* the events map: the same program still has it */
	__u32 attached_id; /* the interface's XDP program when last checked */
	struct xdpl_watch_config cfg;
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

static __u32 map_id_of(int fd)
{
	struct bpf_map_info info = {};
	__u32 len = sizeof(info);

	return bpf_obj_get_info_by_fd(fd, &info, &len) ? 0 : info.id;
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
	w->cfg_fd = prog_map_fd_by_name(prog_fd, XDPL_WATCH_MAP_CFG);
	w->map_id = map_id_of(w->map_fd);
	w->rb = w->cfg_fd < 0 ? NULL : ring_buffer__new(w->map_fd, on_sample, w, NULL);
	if (!w->rb) {
		err = w->cfg_fd < 0 ? w->cfg_fd : -errno;
		if (w->cfg_fd >= 0)
			close(w->cfg_fd);
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
	close(w->cfg_fd);
	close(w->map_fd);
	free(w);
}

static __u64 mono_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000000000ULL + ts.tv_nsec;
}

static int write_cfg(struct watch *w)
{
	__u32 key = 0;

	return bpf_map_update_elem(w->cfg_fd, &key, &w->cfg, BPF_ANY) ? -errno : 0;
}

int watch_claim(struct watch *w, const struct watch_settings *s, __u32 *other_pid)
{
	struct xdpl_watch_config cur;
	__u32 key = 0;

	if (s->rate > WATCH_MAX_RATE)
		return -EINVAL;
	if (bpf_map_lookup_elem(w->cfg_fd, &key, &cur))
		return -errno;
	/* another reader's lease runs: the ring has one consumer, and the settings are its */
	if (cur.reader_until_ns > mono_ns() && cur.reader_pid != (__u32)getpid()) {
		*other_pid = cur.reader_pid;
		return -EBUSY;
	}
	w->cfg = (struct xdpl_watch_config){ .events_per_sec = s->rate ?: XDPL_WATCH_DEFAULT_RATE,
					     .protos = s->protos,
					     .reader_pid = getpid(),
					     .reader_until_ns = mono_ns() + XDPL_WATCH_LEASE_NS };
	return write_cfg(w);
}

int watch_renew(struct watch *w)
{
	w->cfg.reader_until_ns = mono_ns() + XDPL_WATCH_LEASE_NS;
	return write_cfg(w);
}

void watch_release(struct watch *w)
{
	struct xdpl_watch_config cur;
	__u32 key = 0;

	/* only our own claim: a reader that took over after our lease ran out keeps its */
	if (bpf_map_lookup_elem(w->cfg_fd, &key, &cur) || cur.reader_pid != (__u32)getpid())
		return;
	memset(&w->cfg, 0, sizeof(w->cfg));
	write_cfg(w);
}

int watch_attached(struct watch *w, const struct xdpl_iface *iface)
{
	LIBBPF_OPTS(bpf_xdp_query_opts, q);
	const struct prog_status *ps;
	struct iface_status *st;
	int fd, mfd, found = 0;

	if (bpf_xdp_query(iface->ifindex, 0, &q))
		return 0; /* the interface is gone */
	if (q.prog_id && q.prog_id == w->attached_id)
		return 1;
	/* the chain changed (or this is the first look): is our watch still in it? */
	st = calloc(1, sizeof(*st));
	if (!st)
		return -ENOMEM;
	if (!xdpl_status(iface, st) && (ps = status_find(st, 0, "watch"))) {
		fd = bpf_prog_get_fd_by_id(ps->id);
		mfd = fd < 0 ? -1 : prog_map_fd_by_name(fd, XDPL_WATCH_MAP_EVENTS);
		found = mfd >= 0 && map_id_of(mfd) == w->map_id;
		if (mfd >= 0)
			close(mfd);
		if (fd >= 0)
			close(fd);
	}
	xdpl_err_clear(); /* a status that failed here says nothing to the user */
	free(st);
	if (found)
		w->attached_id = q.prog_id;
	return found;
}

static const struct {
	const char *name;
	__u32 bit;
} proto_words[] = {
	{ "tcp", XDPL_WATCH_P_TCP },	     { "udp", XDPL_WATCH_P_UDP },
	{ "icmp", XDPL_WATCH_P_ICMP },	     { "icmp6", XDPL_WATCH_P_ICMP6 },
	{ "ipv6-icmp", XDPL_WATCH_P_ICMP6 }, { "sctp", XDPL_WATCH_P_SCTP },
	{ "arp", XDPL_WATCH_P_ARP },	     { "ipv4", XDPL_WATCH_P_IPV4 },
	{ "ip", XDPL_WATCH_P_IPV4 },	     { "ipv6", XDPL_WATCH_P_IPV6 },
	{ "ip6", XDPL_WATCH_P_IPV6 },	     { "other", XDPL_WATCH_P_OTHER },
};

int watch_parse_protos(const char *list, __u32 *mask, char **bad)
{
	char *copy = strdup(list), *w, *save = NULL;
	size_t i;

	if (!copy)
		return -ENOMEM;
	*mask = 0;
	*bad = NULL;
	for (w = strtok_r(copy, ",", &save); w; w = strtok_r(NULL, ",", &save)) {
		for (i = 0; i < sizeof(proto_words) / sizeof(proto_words[0]); i++)
			if (!strcmp(w, proto_words[i].name))
				break;
		if (i == sizeof(proto_words) / sizeof(proto_words[0])) {
			*bad = strdup(w);
			free(copy);
			return -EINVAL;
		}
		*mask |= proto_words[i].bit;
	}
	free(copy);
	return *mask ? 0 : -EINVAL;
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
			st->filtered += vals[i].filtered;
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
	/* the names every command uses (test, trace, watch) */
	return pkt_proto_name(proto, buf, len);
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

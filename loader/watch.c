// SPDX-License-Identifier: GPL-2.0-only
/* xdpload watch: print the events of the bundled watch program live. */
#include <errno.h>
#include <net/if.h>
#include <signal.h>
#include <stdio.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include "actions.h"
#include "attached.h"
#include "commands.h"
#include "pktprint.h"
#include "json_writer.h"
#include "log.h"
#include "output.h"
#include "pktsum.h"
#include "progs/watch.h"
#include "trace.h"

static volatile sig_atomic_t stop;

static void on_signal(int sig)
{
	stop = 1;
}

struct watch_ctx {
	int json;
	int ifindex;
	unsigned long long count, max;
	__u64 start_ns; /* CLOCK_MONOTONIC when watching began */
	char ifname[IF_NAMESIZE];
};

#define WATCH_DONE (-ECANCELED)

static void fmt_mac(const __u8 *m, char *buf, size_t len)
{
	snprintf(buf, len, "%02x:%02x:%02x:%02x:%02x:%02x", m[0], m[1], m[2], m[3], m[4], m[5]);
}

static void print_json(const struct xdpl_watch_event *ev, __u64 when_ns, const struct watch_ctx *c)
{
	struct json_writer *jw = jw_new(stdout);
	char src[64], dst[64], proto[8], smac[18], dmac[18], eth[8];

	fmt_mac(ev->smac, smac, sizeof(smac));
	fmt_mac(ev->dmac, dmac, sizeof(dmac));
	snprintf(eth, sizeof(eth), "0x%04x", ev->eth_proto);
	jw_start_object(jw);
	jw_uint_field(jw, "time_ns", when_ns);
	jw_string_field(jw, "interface", c->ifname);
	jw_uint_field(jw, "ifindex", ev->ifindex);
	jw_uint_field(jw, "rx_queue", ev->rx_queue);
	jw_uint_field(jw, "len", ev->len);
	jw_string_field(jw, "smac", smac);
	jw_string_field(jw, "dmac", dmac);
	jw_uint_field(jw, "vlans", ev->vlans);
	jw_string_field(jw, "eth_proto", eth);
	if (ev->family) {
		jw_string_field(jw, "family", ev->family == 2 ? "ipv4" : "ipv6");
		jw_string_field(jw, "src", watch_addr_str(ev, ev->saddr, src, sizeof(src)));
		jw_string_field(jw, "dst", watch_addr_str(ev, ev->daddr, dst, sizeof(dst)));
		jw_string_field(jw, "proto", watch_proto_str(ev->l4proto, proto, sizeof(proto)));
		if (ev->has_ports) {
			jw_uint_field(jw, "sport", ev->sport);
			jw_uint_field(jw, "dport", ev->dport);
		}
		if (ev->l4proto == 1 || ev->l4proto == 58)
			jw_uint_field(jw, "icmp_type", ev->icmp_type);
	}
	/* action names as every command's JSON has them (XDP_PASS) */
	jw_string_field(jw, "verdict", action_name(ev->verdict) ?: "unknown");
	jw_end_object(jw);
	jw_destroy(&jw);
}

static void print_text(const struct xdpl_watch_event *ev, __u64 ns, const struct watch_ctx *c)
{
	char src[64], dst[64], proto[8], smac[18], dmac[18], when[32];
	time_t sec = ns / 1000000000ULL;
	struct tm tm;

	localtime_r(&sec, &tm);
	strftime(when, sizeof(when), "%H:%M:%S", &tm);
	printf("%s.%06llu %s ", when, (unsigned long long)(ns % 1000000000ULL) / 1000, c->ifname);
	if (!ev->family) {
		fmt_mac(ev->smac, smac, sizeof(smac));
		fmt_mac(ev->dmac, dmac, sizeof(dmac));
		printf("ether 0x%04x %s > %s", ev->eth_proto, smac, dmac);
	} else {
		const char *p = watch_proto_str(ev->l4proto, proto, sizeof(proto));

		watch_addr_str(ev, ev->saddr, src, sizeof(src));
		watch_addr_str(ev, ev->daddr, dst, sizeof(dst));
		if (ev->has_ports && ev->family == 10)
			printf("%s [%s]:%u > [%s]:%u", p, src, ev->sport, dst, ev->dport);
		else if (ev->has_ports)
			printf("%s %s:%u > %s:%u", p, src, ev->sport, dst, ev->dport);
		else if (ev->l4proto == 1 || ev->l4proto == 58)
			printf("%s %s > %s type %u", p, src, dst, ev->icmp_type);
		else
			printf("%s %s > %s", p, src, dst);
	}
	if (ev->vlans)
		printf(" vlans %u", ev->vlans);
	printf(" len %u %s\n", ev->len, watch_verdict_str(ev->verdict));
}

static int show(const struct xdpl_watch_event *ev, __u64 when_ns, struct watch_ctx *c)
{
	if (c->max && c->count >= c->max)
		return WATCH_DONE;
	if (c->json)
		print_json(ev, when_ns, c);
	else
		print_text(ev, when_ns, c);
	c->count++;
	return c->max && c->count >= c->max ? WATCH_DONE : 0;
}

static int on_event(const struct xdpl_watch_event *ev, void *ctx)
{
	struct watch_ctx *c = ctx;

	/* The ring keeps what nobody read: a live view starts now, not minutes ago. */
	if (ev->ts_ns < c->start_ns)
		return 0;
	return show(ev, watch_event_realtime_ns(ev->ts_ns), c);
}

/*
 * A linked chain: watch is a view of the trace (the packets that reached the
 * watch program), and its verdict is the chain's.
 */
static int on_trace(const struct pktrec *r, const struct pktrec_prog *progs, void *ctx)
{
	const struct pkt_summary *h = &r->hdr;
	struct xdpl_watch_event ev = {
		.ifindex = 0,
		.rx_queue = r->rx_queue,
		.len = r->len,
		.eth_proto = h->ethertype,
		.vlans = h->nvlans,
		.verdict = r->verdict <= XDP_REDIRECT ? r->verdict : XDPL_WATCH_VERDICT_UNKNOWN,
	};
	struct watch_ctx *c = ctx;

	ev.ifindex = c->ifindex;
	memcpy(ev.smac, h->smac, 6);
	memcpy(ev.dmac, h->dmac, 6);
	if (h->l3 == PKTSUM_L3_IPV4 || h->l3 == PKTSUM_L3_IPV6) {
		ev.family = h->l3 == PKTSUM_L3_IPV4 ? 2 : 10;
		memcpy(ev.saddr, h->saddr, 16);
		memcpy(ev.daddr, h->daddr, 16);
		ev.l4proto = h->has_l4 ? h->l4proto : 0;
		ev.has_ports = h->has_ports && (h->l4proto == 6 || h->l4proto == 17);
		ev.sport = h->sport;
		ev.dport = h->dport;
		ev.icmp_type = h->has_icmp ? h->icmp_type : 0;
	}
	return show(&ev, r->time_ns, c);
}

static void summary(const char *ifname, const struct watch_ctx *c, const struct xdpl_watch_stats *a,
		    const struct xdpl_watch_stats *b)
{
	unsigned long long rl = b->rate_limited - a->rate_limited,
			   full = b->ring_full - a->ring_full, other = b->filtered - a->filtered;

	fprintf(stderr,
		"xdpload: watch %s: %llu events shown, %llu frames seen, %llu not reported "
		"(%llu over the event rate, %llu ring full), %llu not of --proto\n",
		ifname, c->count, (unsigned long long)(b->seen - a->seen), rl + full, rl, full,
		other);
}

struct watch_cfg {
	__u64 count, rate;
	__u32 protos;
};

static const struct opt_def watch_opts[] = {
	{ "count", 'c', OPT_U64, offsetof(struct watch_cfg, count), .metavar = "COUNT",
	  .noun = "count", .min = 1, .max = UINT64_MAX,
	  .help = "stop after COUNT events; by default runs until interrupted" },
	{ "rate", 0, OPT_U64, offsetof(struct watch_cfg, rate), .metavar = "EVENTS", .min = 1,
	  .max = WATCH_MAX_RATE,
	  .help = "events per second and CPU the program reports to this reader; by "
		  "default 1000" },
	{ "proto", 0, OPT_CUSTOM, offsetof(struct watch_cfg, protos), .metavar = "PROTOS",
	  .parse = opt_parse_protos,
	  .help = "only these frames, comma-separated: tcp, udp, icmp, icmp6, sctp, arp, "
		  "ipv4, ipv6, other; the rest spend none of the rate" },
	OPT_END,
};

static int watch_run(struct cmd_ctx *cmd, void *cfg)
{
	const struct watch_cfg *c = cfg;
	const char *ifname = cmd->iface.name;
	struct xdpl_watch_stats before = {}, after = {};
	struct watch_ctx ctx = { .json = output_json };
	struct sigaction sa = {};
	struct watch_settings set = { .rate = c->rate, .protos = c->protos };
	struct timespec now;
	struct xdpl_trace_req req = { .protos = c->protos, .ran = "watch", .rate = c->rate };
	struct trace_session *ts = NULL;
	struct watch *w = NULL;
	bool gone = false;
	__u32 other = 0;
	int prog_fd, ret;

	ctx.max = c->count;
	ctx.ifindex = cmd->iface.ifindex;
	snprintf(ctx.ifname, sizeof(ctx.ifname), "%s", ifname);

	prog_fd = attached_prog_fd(&cmd->iface, "watch");
	if (prog_fd < 0)
		return prog_fd;
	clock_gettime(CLOCK_MONOTONIC, &now);
	ctx.start_ns = now.tv_sec * 1000000000ULL + now.tv_nsec;
	ret = watch_get_stats(prog_fd, &before);
	if (!ret)
		ret = watch_open(prog_fd, on_event, &ctx, &w);
	if (ret)
		goto map_error;
	/*
	 * The lease keeps one reader at a time. On a linked chain the program
	 * itself reports nothing (no class of frames matches): the trace does,
	 * with the chain's verdict.
	 */
	set.protos = XDPL_WATCH_P_NONE;
	ret = watch_claim(w, &set, &other);
	if (!ret) {
		ret = trace_start(&cmd->iface, &req, on_trace, &ctx, &ts);
		if (ret && xdpl_last_error()->kind == XDPL_ERR_CHAIN) {
			/* libxdp: watch's own events; its verdict is what it returns */
			xdpl_err_clear();
			set.protos = c->protos;
			ret = watch_claim(w, &set, &other);
		} else if (ret) {
			watch_release(w);
			watch_close(w);
			close(prog_fd);
			return ret;
		}
	}
	if (ret) {
		watch_close(w);
		close(prog_fd);
		if (ret == -EBUSY)
			return xdpl_err(XDPL_ERR_BUSY, ret,
					"%s: another xdpload watch (pid %u) reads it; one reader "
					"at a time (its settings are its own)",
					ifname, other);
		return xdpl_err(XDPL_ERR_FAIL, ret, "%s: cannot set up the watch program: %s",
				ifname, strerror(-ret));
	}

	sa.sa_handler = on_signal;
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	setvbuf(stdout, NULL, _IOLBF, 0);

	while (!stop) {
		ret = ts ? trace_poll(ts, 200) : watch_poll(w, 200);
		if (ts && ret == -ENOENT)
			ret = 0; /* the chain is gone: watch_attached says so below */
		if (ret == WATCH_DONE)
			break;
		/* unloaded (or its interface gone): nothing more will come */
		if (watch_attached(w, &cmd->iface) == 0) {
			gone = true;
			ret = 0;
			break;
		}
		watch_renew(w);
		if (ret == -EINTR) {
			ret = 0;
			continue;
		}
		if (ret < 0) {
			ret = xdpl_err(XDPL_ERR_FAIL, ret, "%s: reading watch events: %s", ifname,
				       strerror(-ret));
			break;
		}
	}
	watch_release(w);
	if (ts && (ret >= 0 || ret == WATCH_DONE)) {
		struct xdpl_trace_stats t;

		ret = 0;
		if (!trace_stats(ts, &t)) {
			after = (struct xdpl_watch_stats){ .seen = t.seen,
							   .filtered = t.filtered,
							   .reported = t.reported,
							   .rate_limited = t.rate_limited,
							   .ring_full = t.ring_full };
			memset(&before, 0, sizeof(before));
			summary(ifname, &ctx, &before, &after);
		}
	} else if (ret >= 0 || ret == WATCH_DONE) {
		ret = 0;
		if (!watch_get_stats(prog_fd, &after))
			summary(ifname, &ctx, &before, &after);
	}
	trace_stop(ts);
	watch_close(w);
	close(prog_fd);
	if (gone)
		return xdpl_err(XDPL_ERR_NOTFOUND, ENOENT,
				"%s: the watch program was unloaded (or the interface went away)",
				ifname);
	return ret;

map_error:
	close(prog_fd);
	if (ret == -ENOENT)
		return xdpl_err(XDPL_ERR_NOTFOUND, ret,
				"%s: the program named 'watch' is not xdpload's watch", ifname);
	return xdpl_err(XDPL_ERR_FAIL, ret, "%s: cannot read the watch maps: %s", ifname,
			strerror(-ret));
}

static const struct arg_def watch_args[] = { { .kind = ARG_IFACE }, { .kind = ARG_END } };

const struct cmd_def cmd_watch = {
	.name = "watch",
	.summary = "Print the frames the 'watch' program attached to IFACE reports",
	.description = "Load it first: xdpload load IFACE watch. One line (or JSON object) per "
		       "frame, until\ninterrupted, COUNT events, or the program is unloaded "
		       "(exit 10); the frames over the\nevent rate are counted as not reported "
		       "and summed up on exit. --rate and --proto\nare this reader's: one "
		       "reader at a time, and the next one starts from the defaults.\nOn a "
		       "linked chain it is a view of xdpload trace: the verdict is the "
		       "chain's.\n",
	.opts = watch_opts,
	.args = watch_args,
	.min_args = 1,
	.max_args = 1,
	.args_usage = "IFACE",
	.args_needed = "an interface",
	.cfg_size = sizeof(struct watch_cfg),
	.needs_privs = true,
	.json_output = true,
	.run = watch_run,
};

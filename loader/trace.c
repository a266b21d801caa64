// SPDX-License-Identifier: GPL-2.0-only
/* xdpload trace: which program of the chain decided each packet, live. */
#include <arpa/inet.h>
#include <errno.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "actions.h"
#include "commands.h"
#include "error.h"
#include "json_writer.h"
#include "output.h"
#include "pktprint.h"
#include "progs/watch.h"
#include "trace.h"

static volatile sig_atomic_t stop;

static void on_signal(int sig)
{
	stop = 1;
}

struct addr_opt {
	bool set;
	__u8 family, prefix;
	__u8 addr[16];
};

struct trace_cfg {
	__u64 count, rate, sample;
	__u32 protos, verdicts, port, sport, dport;
	struct addr_opt addr, src, dst;
	const char *prog, *ran;
};

#define TRACE_DONE (-ECANCELED)

struct trace_out {
	bool json;
	unsigned long long shown, max;
	const char *ifname;
};

static int parse_verdicts(const char *cmd, const char *arg, void *dst)
{
	char *copy = strdup(arg), *w, *save = NULL;
	__u32 *mask = dst;
	int a;

	if (!copy)
		return -ENOMEM;
	*mask = 0;
	for (w = strtok_r(copy, ",", &save); w; w = strtok_r(NULL, ",", &save)) {
		a = strcasecmp(w, "other") ? action_parse(w) : XDPL_TRACE_ACT_OTHER;
		if (a < 0) {
			usage_error(cmd,
				    "bad verdict '%s': aborted, drop, pass, tx, redirect or other "
				    "(or XDP_DROP ...), comma-separated",
				    w);
			free(copy);
			return -EINVAL;
		}
		*mask |= 1u << a;
	}
	free(copy);
	if (*mask)
		return 0;
	return usage_error(cmd, "bad verdict '%s'", arg), -EINVAL;
}

/* ADDR or ADDR/LEN, IPv4 or IPv6 */
static int parse_addr(const char *cmd, const char *arg, void *dst)
{
	struct addr_opt *a = dst;
	char buf[64], *slash;
	__u64 len;
	int max;

	snprintf(buf, sizeof(buf), "%s", arg);
	slash = strchr(buf, '/');
	if (slash)
		*slash++ = '\0';
	memset(a, 0, sizeof(*a));
	if (inet_pton(AF_INET, buf, a->addr) == 1)
		a->family = 2, max = 32;
	else if (inet_pton(AF_INET6, buf, a->addr) == 1)
		a->family = 10, max = 128;
	else
		return usage_error(cmd, "bad address '%s': an IPv4 or IPv6 address, or ADDR/LEN",
				   arg),
		       -EINVAL;
	len = max;
	if (slash && parse_u64_range(slash, 0, max, &len))
		return usage_error(cmd, "bad prefix length in '%s': 0..%d", arg, max), -EINVAL;
	a->prefix = (__u8)len;
	a->set = true;
	return 0;
}

enum { G_ADDR = 1, G_PORT = 2 };

static const struct opt_def trace_opts[] = {
	{ "count", 'c', OPT_U64, offsetof(struct trace_cfg, count), .metavar = "COUNT",
	  .noun = "count", .min = 1, .max = UINT64_MAX,
	  .help = "stop after COUNT packets; by default runs until interrupted" },
	{ "proto", 0, OPT_CUSTOM, offsetof(struct trace_cfg, protos), .metavar = "PROTOS",
	  .parse = opt_parse_protos,
	  .help = "only these, comma-separated: tcp, udp, icmp, icmp6, sctp, arp, ipv4, "
		  "ipv6, other" },
	{ "addr", 0, OPT_CUSTOM, offsetof(struct trace_cfg, addr), .metavar = "ADDR[/LEN]",
	  .parse = parse_addr, .group = G_ADDR,
	  .help = "only packets from or to this address or prefix" },
	{ "src", 0, OPT_CUSTOM, offsetof(struct trace_cfg, src), .metavar = "ADDR[/LEN]",
	  .parse = parse_addr, .group = G_ADDR, .help = "only packets from it" },
	{ "dst", 0, OPT_CUSTOM, offsetof(struct trace_cfg, dst), .metavar = "ADDR[/LEN]",
	  .parse = parse_addr, .group = G_ADDR, .help = "only packets to it" },
	{ "port", 0, OPT_U32, offsetof(struct trace_cfg, port), .metavar = "PORT", .min = 1,
	  .max = 65535, .group = G_PORT, .help = "only TCP, UDP or SCTP with this port" },
	{ "sport", 0, OPT_U32, offsetof(struct trace_cfg, sport), .metavar = "PORT", .min = 1,
	  .max = 65535, .group = G_PORT, .help = "only this source port" },
	{ "dport", 0, OPT_U32, offsetof(struct trace_cfg, dport), .metavar = "PORT", .min = 1,
	  .max = 65535, .group = G_PORT, .help = "only this destination port" },
	{ "verdict", 0, OPT_CUSTOM, offsetof(struct trace_cfg, verdicts), .metavar = "VERDICTS",
	  .parse = parse_verdicts,
	  .help = "only packets the chain gave one of these: aborted, drop, pass, tx, "
		  "redirect, other" },
	{ "prog", 0, OPT_STRING, offsetof(struct trace_cfg, prog), .metavar = "NAME",
	  .help = "only packets this program (by name) decided" },
	{ "ran", 0, OPT_STRING, offsetof(struct trace_cfg, ran), .metavar = "NAME",
	  .help = "only packets this program (by name) saw" },
	{ "sample", 0, OPT_U64, offsetof(struct trace_cfg, sample), .metavar = "N", .min = 1,
	  .max = UINT32_MAX, .help = "report one in N matching packets (per CPU)" },
	{ "rate", 0, OPT_U64, offsetof(struct trace_cfg, rate), .metavar = "EVENTS", .min = 1,
	  .max = TRACE_MAX_RATE,
	  .help = "events per second and CPU for this reader (default 1000); the rest are "
		  "counted as not reported" },
	OPT_END,
};

static const struct opt_group trace_groups[] = {
	{ .id = G_ADDR, .exclusive = true },
	{ .id = G_PORT, .exclusive = true },
	{ 0 },
};

static int on_packet(const struct pktrec *r, const struct pktrec_prog *progs, void *ctx)
{
	struct trace_out *o = ctx;

	if (o->max && o->shown >= o->max)
		return TRACE_DONE;
	if (o->json) {
		struct json_writer *jw = jw_new(stdout);

		pktrec_print_json(jw, r, progs);
		jw_destroy(&jw);
	} else {
		pktrec_print_text(stdout, r, progs);
	}
	o->shown++;
	return o->max && o->shown >= o->max ? TRACE_DONE : 0;
}

static void summary(const struct trace_out *o, const struct xdpl_trace_stats *st)
{
	unsigned long long nr = st->rate_limited + st->ring_full;

	if (o->json) {
		struct json_writer *jw = jw_new(stdout);

		jw_start_object(jw);
		jw_string_field(jw, "interface", o->ifname);
		jw_uint_field(jw, "shown", o->shown);
		jw_uint_field(jw, "seen", st->seen);
		jw_uint_field(jw, "filtered", st->filtered);
		jw_uint_field(jw, "sampled_out", st->sampled);
		jw_uint_field(jw, "not_reported", nr);
		jw_uint_field(jw, "rate_limited", st->rate_limited);
		jw_uint_field(jw, "ring_full", st->ring_full);
		jw_end_object(jw);
		jw_destroy(&jw);
		return;
	}
	fprintf(stderr,
		"xdpload: trace %s: %llu packets shown, %llu seen, %llu not of the filters, "
		"%llu sampled out, %llu not reported (%llu over the rate, %llu ring full)\n",
		o->ifname, o->shown, (unsigned long long)st->seen, (unsigned long long)st->filtered,
		(unsigned long long)st->sampled, nr, (unsigned long long)st->rate_limited,
		(unsigned long long)st->ring_full);
}

static void set_addr(struct xdpl_trace_req *req, const struct addr_opt *a, __u8 dir)
{
	if (!a->set)
		return;
	req->family = a->family;
	req->prefix = a->prefix;
	req->addr_dir = dir;
	memcpy(req->addr, a->addr, sizeof(req->addr));
}

static int trace_run(struct cmd_ctx *cmd, void *cfgp)
{
	const struct trace_cfg *c = cfgp;
	struct xdpl_trace_req req = { .protos = c->protos,
				      .verdicts = c->verdicts,
				      .decided = c->prog,
				      .ran = c->ran,
				      .sample = (__u32)c->sample,
				      .rate = c->rate };
	struct trace_out o = { .json = output_json, .max = c->count, .ifname = cmd->iface.name };
	struct xdpl_trace_stats st = {};
	struct trace_session *s;
	struct sigaction sa = {};
	bool gone = false;
	int ret;

	set_addr(&req, &c->addr, XDPL_TRACE_DIR_ANY);
	set_addr(&req, &c->src, XDPL_TRACE_DIR_SRC);
	set_addr(&req, &c->dst, XDPL_TRACE_DIR_DST);
	req.port = (__u16)(c->port ?: c->sport ?: c->dport);
	req.port_dir = c->sport ? XDPL_TRACE_DIR_SRC : c->dport ? XDPL_TRACE_DIR_DST : 0;
	ret = trace_start(&cmd->iface, &req, on_packet, &o, &s);
	if (ret)
		return ret;
	sa.sa_handler = on_signal;
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGPIPE, &sa, NULL);
	setvbuf(stdout, NULL, _IOLBF, 0);
	while (!stop) {
		ret = trace_poll(s, 200);
		if (ret == TRACE_DONE)
			break;
		if (ret == -ENOENT) {
			gone = true;
			break;
		}
		if (ret < 0) {
			ret = xdpl_err(XDPL_ERR_FAIL, ret, "%s: reading trace events: %s",
				       cmd->iface.name, strerror(-ret));
			break;
		}
	}
	if (!trace_stats(s, &st) && (gone || ret >= 0 || ret == TRACE_DONE))
		summary(&o, &st);
	trace_stop(s);
	if (gone)
		return xdpl_err(XDPL_ERR_NOTFOUND, ENOENT,
				"%s: the chain was unloaded (or the interface went away)",
				cmd->iface.name);
	return ret == TRACE_DONE || ret > 0 ? 0 : ret;
}

static const struct arg_def trace_args[] = { { .kind = ARG_IFACE }, { .kind = ARG_END } };

const struct cmd_def cmd_trace = {
	.name = "trace",
	.summary = "Show which program of IFACE's chain decided each packet, live",
	.description =
		"Per packet: every program that ran with its action, the one that decided, "
		"the verdict\nand the headers. The linked dispatcher runs a traced variant "
		"while a reader runs\n(the untraced one comes back after the last reader, or "
		"with the next xdpload command\nafter a reader was killed). Up to 4 readers, "
		"each with its own filters and rate;\nwhat the rate refuses is counted as not "
		"reported. libxdp chains cannot be traced\n(exit 8): load the chain with "
		"--dispatcher linked.\n",
	.opts = trace_opts,
	.groups = trace_groups,
	.args = trace_args,
	.min_args = 1,
	.max_args = 1,
	.args_usage = "IFACE",
	.args_needed = "an interface",
	.cfg_size = sizeof(struct trace_cfg),
	.needs_privs = true,
	.json_output = true,
	.run = trace_run,
};

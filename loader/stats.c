// SPDX-License-Identifier: GPL-2.0-only
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <stdint.h>
#include <time.h>
#include "actions.h"
#include "commands.h"
#include "json_writer.h"
#include "log.h"
#include "ops.h"
#include "output.h"
#include "status.h"

static volatile sig_atomic_t stop;

static void on_signal(int sig)
{
	stop = 1;
}

static double now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

/* The same program in the previous sample: by kernel ID (stable across rebuilds). */
static const struct prog_status *previous(const struct iface_status *prev, __u32 id)
{
	int i;

	for (i = 0; prev && i < prev->nprogs; i++)
		if (prev->progs[i].id == id)
			return &prev->progs[i];
	return NULL;
}

static __u64 delta(const struct prog_status *p, const struct prog_status *old, int a)
{
	if (!old || old->packets[a] > p->packets[a])
		return p->packets[a];
	return p->packets[a] - old->packets[a];
}

static void print_text(const struct iface_status *st, const struct iface_status *prev,
		       double elapsed)
{
	char stamp[32];
	time_t t = time(NULL);
	int i, a, rows;

	strftime(stamp, sizeof(stamp), "%Y-%m-%dT%H:%M:%SZ", gmtime(&t));
	printf("%s  %s  interval %.2f s\n", st->iface.name, stamp, elapsed);
	printf("  %-16s %-7s %-13s %14s %12s\n", "PROGRAM", "ID", "ACTION", "PACKETS", "PPS");
	for (i = 0; i < st->nprogs; i++) {
		const struct prog_status *p = &st->progs[i], *old = previous(prev, p->id);

		for (a = 0, rows = 0; a < XDPL_ACTION_COUNT; a++) {
			__u64 d = delta(p, old, a);

			if (!p->packets[a]) /* actions it never returned */
				continue;
			printf("  %-16s %-7u %-13s %14llu %12.1f\n", p->name, p->id, action_name(a),
			       (unsigned long long)d, elapsed > 0 ? d / elapsed : 0.0);
			rows++;
		}
		if (!rows)
			printf("  %-16s %-7u %-13s %14d %12.1f\n", p->name, p->id, "-", 0, 0.0);
	}
	printf("\n");
	fflush(stdout);
}

static void print_json(const struct iface_status *st, const struct iface_status *prev,
		       double elapsed)
{
	struct json_writer *jw = jw_new(stdout);
	int i, a;

	jw_start_object(jw);
	jw_string_field(jw, "interface", st->iface.name);
	jw_uint_field(jw, "time", (uint64_t)time(NULL));
	jw_float_field(jw, "interval", elapsed);
	jw_uint_field(jw, "dispatcher_id", st->dispatcher_id);
	jw_name(jw, "programs");
	jw_start_array(jw);
	for (i = 0; i < st->nprogs; i++) {
		const struct prog_status *p = &st->progs[i], *old = previous(prev, p->id);

		jw_start_object(jw);
		jw_string_field(jw, "name", p->name);
		jw_uint_field(jw, "id", p->id);
		jw_name(jw, "total");
		jw_start_object(jw);
		for (a = 0; a < XDPL_ACTION_COUNT; a++)
			jw_uint_field(jw, action_name(a), p->packets[a]);
		jw_end_object(jw);
		jw_name(jw, "packets");
		jw_start_object(jw);
		for (a = 0; a < XDPL_ACTION_COUNT; a++)
			jw_uint_field(jw, action_name(a), delta(p, old, a));
		jw_end_object(jw);
		jw_name(jw, "pps");
		jw_start_object(jw);
		for (a = 0; a < XDPL_ACTION_COUNT; a++)
			jw_float_field(jw, action_name(a),
				       elapsed > 0 ? delta(p, old, a) / elapsed : 0.0);
		jw_end_object(jw);
		jw_end_object(jw);
	}
	jw_end_array(jw);
	jw_end_object(jw);
	jw_destroy(&jw);
	fflush(stdout);
}

static int sample(const struct xdpl_iface *iface, struct iface_status *st)
{
	int err = xdpl_status(iface, st), i;

	if (err)
		return xdpl_err(XDPL_ERR_FAIL, err, "%s: cannot read its XDP state", iface->name);
	if (!st->nprogs)
		return xdpl_err(XDPL_ERR_NOTFOUND, ENOENT, "%s: no XDP program attached",
				iface->name);
	for (i = 0; i < st->nprogs; i++)
		if (st->progs[i].has_counters)
			return 0;
	return xdpl_err(XDPL_ERR_FAIL, EOPNOTSUPP,
			"%s: its programs have no counters (the linked dispatcher counts "
			"unless loaded with --no-stats; this chain is %s)",
			iface->name, st->backend);
}

struct stats_cfg {
	double interval;
	__u64 count; /* 0: until interrupted */
};

static void stats_defaults(void *cfg)
{
	((struct stats_cfg *)cfg)->interval = 1;
}

static const struct opt_def stats_opts[] = {
	{ "interval", 'i', OPT_DOUBLE, offsetof(struct stats_cfg, interval), .metavar = "SECONDS",
	  .noun = "interval", .dmin = 0.001, .dmax = 86400,
	  .help = "time between reports, fractions allowed; by default 1" },
	{ "count", 'c', OPT_U64, offsetof(struct stats_cfg, count), .metavar = "COUNT",
	  .noun = "count", .min = 1, .max = UINT64_MAX,
	  .help = "stop after COUNT reports; by default runs until interrupted" },
	OPT_END,
};

static int stats_run(struct cmd_ctx *ctx, void *cfg)
{
	const struct stats_cfg *c = cfg;
	const struct xdpl_iface *iface = &ctx->iface;
	struct iface_status *st, *prev;
	double interval = c->interval, t0, t1;
	__u64 n;
	int err;

	st = calloc(1, sizeof(*st));
	prev = calloc(1, sizeof(*prev));
	if (!st || !prev) {
		free(st);
		free(prev);
		return -ENOMEM;
	}
	signal(SIGINT, on_signal);
	signal(SIGTERM, on_signal);
	err = sample(iface, prev);
	t0 = now_s();
	for (n = 0; !err && !stop && (!c->count || n < c->count); n++) {
		struct timespec ts = { .tv_sec = (time_t)interval,
				       .tv_nsec = (long)((interval - (time_t)interval) * 1e9) };

		while (nanosleep(&ts, &ts) && errno == EINTR && !stop)
			;
		if (stop)
			break;
		err = sample(iface, st);
		if (err)
			break;
		t1 = now_s();
		if (output_json)
			print_json(st, prev, t1 - t0);
		else
			print_text(st, prev, t1 - t0);
		memcpy(prev, st, sizeof(*st));
		t0 = t1;
	}
	free(st);
	free(prev);
	return err;
}

static const struct arg_def stats_args[] = { { .kind = ARG_IFACE }, { .kind = ARG_END } };

const struct cmd_def cmd_stats = {
	.name = "stats",
	.summary = "Packets and rates per program and action on IFACE, every interval",
	.description = "From the linked dispatcher's counters. With --json, one JSON object per "
		       "report and line.\n",
	.opts = stats_opts,
	.args = stats_args,
	.min_args = 1,
	.max_args = 1,
	.args_usage = "IFACE",
	.args_needed = "an interface",
	.cfg_size = sizeof(struct stats_cfg),
	.defaults = stats_defaults,
	.needs_privs = true,
	.json_output = true,
	.run = stats_run,
};

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

/* What a counter grew by since the previous sample (all of it for a new program). */
static __u64 grew(__u64 now, const __u64 *old)
{
	return !old || *old > now ? now : now - *old;
}

static __u64 delta(const struct prog_status *p, const struct prog_status *old, int a)
{
	return grew(p->packets[a], old ? &old->packets[a] : NULL);
}

static __u64 delta_bytes(const struct prog_status *p, const struct prog_status *old, int a)
{
	return grew(p->bytes[a], old && old->has_bytes ? &old->bytes[a] : NULL);
}

static void print_text(const struct iface_status *st, const struct iface_status *prev,
		       double elapsed)
{
	struct timespec now;
	char stamp[32], bytes[24], bps[24];
	int i, a, rows;

	/* milliseconds: reports at -i 0.2 must not share a stamp */
	clock_gettime(CLOCK_REALTIME, &now);
	strftime(stamp, sizeof(stamp), "%Y-%m-%dT%H:%M:%S", gmtime(&now.tv_sec));
	printf("%s  %s.%03ldZ  interval %.3f s\n", st->iface.name, stamp, now.tv_nsec / 1000000,
	       elapsed);
	printf("  %-16s %-7s %-13s %14s %12s %16s %14s\n", "PROGRAM", "ID", "ACTION", "PACKETS",
	       "PPS", "BYTES", "BITS/S");
	for (i = 0; i < st->nprogs; i++) {
		const struct prog_status *p = &st->progs[i], *old = previous(prev, p->id);

		for (a = 0, rows = 0; p->has_counters && a < XDPL_ACTION_COUNT; a++) {
			__u64 d = delta(p, old, a), db = delta_bytes(p, old, a);

			if (!p->packets[a]) /* actions it never returned */
				continue;
			snprintf(bytes, sizeof(bytes), "-");
			snprintf(bps, sizeof(bps), "-");
			if (p->has_bytes) {
				snprintf(bytes, sizeof(bytes), "%llu", (unsigned long long)db);
				snprintf(bps, sizeof(bps), "%.1f",
					 elapsed > 0 ? db * 8 / elapsed : 0.0);
			}
			printf("  %-16s %-7u %-13s %14llu %12.1f %16s %14s\n", p->name, p->id,
			       action_name(a), (unsigned long long)d,
			       elapsed > 0 ? d / elapsed : 0.0, bytes, bps);
			rows++;
		}
		if (!rows && p->has_counters)
			printf("  %-16s %-7u %-13s %14d %12.1f %16s %14s\n", p->name, p->id, "-", 0,
			       0.0, "-", "-");
		else if (!rows)
			printf("  %-16s %-7u %-13s %14s %12s %16s %14s\n", p->name, p->id,
			       "(not counted)", "-", "-", "-", "-");
	}
	printf("\n");
	fflush(stdout);
}

/* One object of counters keyed by action: totals, deltas or rates. */
static void per_action(struct json_writer *jw, const char *name, const struct prog_status *p,
		       const struct prog_status *old, char what, double elapsed)
{
	int a;

	jw_name(jw, name);
	jw_start_object(jw);
	for (a = 0; a < XDPL_ACTION_COUNT; a++) {
		switch (what) {
		case 'P': /* packets since the program was loaded */
			jw_uint_field(jw, action_name(a), p->packets[a]);
			break;
		case 'p':
			jw_uint_field(jw, action_name(a), delta(p, old, a));
			break;
		case 'r':
			jw_float_field(jw, action_name(a),
				       elapsed > 0 ? delta(p, old, a) / elapsed : 0.0);
			break;
		case 'B':
			jw_uint_field(jw, action_name(a), p->bytes[a]);
			break;
		case 'b':
			jw_uint_field(jw, action_name(a), delta_bytes(p, old, a));
			break;
		case 'R': /* bits per second */
			jw_float_field(jw, action_name(a),
				       elapsed > 0 ? delta_bytes(p, old, a) * 8 / elapsed : 0.0);
			break;
		}
	}
	jw_end_object(jw);
}

static void print_json(const struct iface_status *st, const struct iface_status *prev,
		       double elapsed)
{
	struct json_writer *jw = jw_new(stdout);
	struct timespec now;
	int i;

	clock_gettime(CLOCK_REALTIME, &now);
	jw_start_object(jw);
	jw_string_field(jw, "interface", st->iface.name);
	jw_uint_field(jw, "ifindex", st->iface.ifindex);
	jw_uint_field(jw, "time_ns", (uint64_t)now.tv_sec * 1000000000ULL + now.tv_nsec);
	jw_uint_field(jw, "interval_ns", (uint64_t)(elapsed * 1e9 + 0.5));
	jw_string_field(jw, "backend", st->backend);
	jw_uint_field(jw, "dispatcher_id", st->dispatcher_id);
	jw_string_field(jw, "counters", status_counters_kind(st) ?: "unavailable");
	if (status_counters_note(st))
		jw_string_field(jw, "counters_note", status_counters_note(st));
	jw_name(jw, "programs");
	jw_start_array(jw);
	for (i = 0; i < st->nprogs; i++) {
		const struct prog_status *p = &st->progs[i], *old = previous(prev, p->id);

		jw_start_object(jw);
		jw_string_field(jw, "name", p->name);
		jw_uint_field(jw, "id", p->id);
		if (p->has_counters) {
			per_action(jw, "packets", p, old, 'P', elapsed);
			per_action(jw, "packets_delta", p, old, 'p', elapsed);
			per_action(jw, "pps", p, old, 'r', elapsed);
		}
		if (p->has_bytes) {
			per_action(jw, "bytes", p, old, 'B', elapsed);
			per_action(jw, "bytes_delta", p, old, 'b', elapsed);
			per_action(jw, "bps", p, old, 'R', elapsed);
		}
		jw_end_object(jw);
	}
	jw_end_array(jw);
	jw_end_object(jw);
	jw_destroy(&jw);
	fflush(stdout);
}

static int sample(const struct xdpl_iface *iface, struct iface_status *st, bool first)
{
	int err = xdpl_status(iface, st), i;

	if (err)
		return xdpl_err(XDPL_ERR_FAIL, err, "%s: cannot read its XDP state", iface->name);
	if (!st->nprogs)
		return xdpl_err(XDPL_ERR_NOTFOUND, ENOENT, "%s: no XDP program attached",
				iface->name);
	for (i = 0; i < st->nprogs; i++)
		if (st->progs[i].has_counters)
			break;
	if (i == st->nprogs)
		return xdpl_err(XDPL_ERR_FAIL, EOPNOTSUPP, "%s: nothing counts here: %s",
				iface->name, status_counters_note(st));
	/* what is shown is only part: say once what is missing and how to get it */
	if (first && status_counters_note(st))
		pr_warn("%s: only the programs' own counts: %s\n", iface->name,
			status_counters_note(st));
	return 0;
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
	err = sample(iface, prev, true);
	t0 = now_s();
	for (n = 0; !err && !stop && (!c->count || n < c->count); n++) {
		struct timespec ts = { .tv_sec = (time_t)interval,
				       .tv_nsec = (long)((interval - (time_t)interval) * 1e9) };

		while (nanosleep(&ts, &ts) && errno == EINTR && !stop)
			;
		if (stop)
			break;
		err = sample(iface, st, false);
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
	.description = "From the linked dispatcher's counters (packets per program and "
		       "action) and the programs'\nown (bytes, where one counts them: the "
		       "bundled count). With --json, one JSON\nobject per report and line.\n",
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

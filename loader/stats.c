// SPDX-License-Identifier: GPL-2.0-only
#include <errno.h>
#include <getopt.h>
#include <math.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include "actions.h"
#include "commands.h"
#include "json_writer.h"
#include "log.h"
#include "ops.h"
#include "privs.h"
#include "status.h"

static void stats_help(void)
{
	printf("Usage: xdpload stats IFACE [-i SECONDS] [-c COUNT] [--json]\n"
	       "Packets per program and returned action on IFACE, and their rate, every\n"
	       "interval (from the linked dispatcher's counters).\n\n"
	       "  -i, --interval SECONDS  time between reports (default 1; fractions allowed)\n"
	       "  -c, --count COUNT       stop after COUNT reports (default: until interrupted)\n"
	       "      --json              one JSON object per report and line\n"
	       "  -v, --verbose           say more\n");
}

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
		return xdpl_err(XDPL_ERR_FAIL, err, "%s: cannot read its XDP state",
				 iface->name);
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

static int parse_interval(const char *arg, double *v)
{
	char *end;

	errno = 0;
	*v = strtod(arg, &end);
	return errno || *end || end == arg || !isfinite(*v) || *v <= 0 || *v > 86400 ? -EINVAL : 0;
}

int do_stats(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "interval", required_argument, NULL, 'i' },
		{ "count", required_argument, NULL, 'c' },
		{ "json", no_argument, NULL, 'j' },
		{ "verbose", no_argument, NULL, 'v' },
		{ "help", no_argument, NULL, 'h' },
		{ 0 },
	};
	struct iface_status *st, *prev;
	struct xdpl_iface iface;
	double interval = 1, t0, t1;
	long count = -1;
	bool json = false;
	int opt, err, n;
	char *end;

	while ((opt = getopt_long(argc, argv, "i:c:vh", longopts, NULL)) != -1) {
		switch (opt) {
		case 'i':
			if (parse_interval(optarg, &interval))
				return usage_error("stats",
						   "bad interval '%s': use seconds, e.g. 1 "
						   "or 0.5",
						   optarg);
			break;
		case 'c':
			errno = 0;
			count = strtol(optarg, &end, 10);
			if (errno || *end || end == optarg || count < 1)
				return usage_error("stats", "bad count '%s': use a number from 1",
						   optarg);
			break;
		case 'j':
			json = true;
			break;
		case 'v':
			xdpl_verbosity++;
			break;
		case 'h':
			stats_help();
			return 0;
		default:
			return usage_error("stats", "bad option");
		}
	}
	if (argc - optind != 1)
		return usage_error("stats", "needs exactly one interface");
	err = require_privileges();
	if (err)
		return err;
	err = iface_resolve(argv[optind], &iface);
	if (err)
		return err;
	st = calloc(1, sizeof(*st));
	prev = calloc(1, sizeof(*prev));
	if (!st || !prev) {
		free(st);
		free(prev);
		return -ENOMEM;
	}
	signal(SIGINT, on_signal);
	signal(SIGTERM, on_signal);
	err = sample(&iface, prev);
	t0 = now_s();
	for (n = 0; !err && !stop && (count < 0 || n < count); n++) {
		struct timespec ts = { .tv_sec = (time_t)interval,
				       .tv_nsec = (long)((interval - (time_t)interval) * 1e9) };

		while (nanosleep(&ts, &ts) && errno == EINTR && !stop)
			;
		if (stop)
			break;
		err = sample(&iface, st);
		if (err)
			break;
		t1 = now_s();
		if (json)
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

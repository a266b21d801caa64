// SPDX-License-Identifier: GPL-2.0-only
/* xdpload ratelimit: show or change the bundled ratelimit program's settings. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "attached.h"
#include "commands.h"
#include "json_writer.h"
#include "log.h"
#include "output.h"
#include "progs/ratelimit.h"

static int show(const char *ifname, int prog_fd)
{
	struct xdpl_rl_stats st;
	__u64 rate, burst, sources;
	int ret;

	ret = ratelimit_get_config(prog_fd, &rate, &burst);
	if (!ret)
		ret = ratelimit_get_stats(prog_fd, &st, &sources);
	if (ret)
		return xdpl_err(XDPL_ERR_FAIL, ret, "%s: cannot read the ratelimit maps: %s",
				ifname, strerror(-ret));
	if (output_json) {
		struct json_writer *jw = jw_new(stdout);

		jw_start_object(jw);
		jw_string_field(jw, "interface", ifname);
		jw_uint_field(jw, "rate_pps", rate);
		jw_uint_field(jw, "burst", burst);
		jw_uint_field(jw, "passed", st.passed);
		jw_uint_field(jw, "dropped", st.dropped);
		jw_uint_field(jw, "not_ip", st.other);
		jw_uint_field(jw, "sources", sources);
		jw_end_object(jw);
		jw_destroy(&jw);
		return 0;
	}
	printf("%s: ratelimit %llu packets/s per source, burst %llu\n", ifname,
	       (unsigned long long)rate, (unsigned long long)burst);
	printf("passed %llu, dropped %llu, not IP (passed) %llu, sources tracked %llu\n",
	       (unsigned long long)st.passed, (unsigned long long)st.dropped,
	       (unsigned long long)st.other, (unsigned long long)sources);
	return 0;
}

struct ratelimit_cfg {
	__u64 rate, burst;
};

static const struct opt_def ratelimit_opts[] = {
	{ "rate", 0, OPT_U64, offsetof(struct ratelimit_cfg, rate), .metavar = "PPS", .min = 1,
	  .max = RATELIMIT_MAX_RATE, .help = "set: packets per second per source" },
	{ "burst", 0, OPT_U64, offsetof(struct ratelimit_cfg, burst), .metavar = "N", .min = 1,
	  .max = RATELIMIT_MAX_BURST, .help = "set: packets a source may send at once" },
	OPT_END,
};

static int ratelimit_check(struct cmd_ctx *ctx, void *cfg)
{
	bool set = ctx->nargs > 1, rate = opt_given(ctx, "rate"), burst = opt_given(ctx, "burst");

	if (set && strcmp(ctx->args[1], "set"))
		return usage_error("ratelimit", "unknown action '%s' (set)", ctx->args[1]);
	if (set && !rate && !burst)
		return usage_error("ratelimit", "set: give --rate PPS and/or --burst N");
	if (!set && (rate || burst))
		return usage_error("ratelimit",
				   "--rate and --burst need 'set' (xdpload ratelimit "
				   "%s set --rate PPS)",
				   ctx->args[0]);
	return 0;
}

static int ratelimit_run(struct cmd_ctx *ctx, void *cfg)
{
	const struct ratelimit_cfg *c = cfg;
	const char *ifname = ctx->iface.name;
	__u64 cur_rate, cur_burst;
	int prog_fd, ret;

	prog_fd = attached_prog_fd(&ctx->iface, "ratelimit");
	if (prog_fd < 0)
		return prog_fd;
	if (ctx->nargs == 1) {
		ret = show(ifname, prog_fd);
		close(prog_fd);
		return ret;
	}
	ret = ratelimit_get_config(prog_fd, &cur_rate, &cur_burst);
	if (!ret)
		ret = ratelimit_configure(prog_fd, c->rate ?: cur_rate, c->burst ?: cur_burst);
	/* under --json a change prints what is now in force, as reading it would */
	if (!ret && output_json)
		ret = show(ifname, prog_fd);
	close(prog_fd);
	if (ret == -ENOENT)
		return xdpl_err(XDPL_ERR_NOTFOUND, ret,
				"%s: the program named 'ratelimit' is not xdpload's ratelimit",
				ifname);
	if (ret)
		return xdpl_err(XDPL_ERR_FAIL, ret, "%s: cannot configure ratelimit: %s", ifname,
				strerror(-ret));
	return 0;
}

static const struct arg_def ratelimit_args[] = { { .kind = ARG_IFACE },
						 { .kind = ARG_WORD, .words = "set" },
						 { .kind = ARG_END } };

const struct cmd_def cmd_ratelimit = {
	.name = "ratelimit",
	.summary = "Show or change the settings of the 'ratelimit' program on IFACE",
	.description = "Load it first: xdpload load IFACE ratelimit [--rate PPS --burst N]. Each "
		       "source address\nmay send PPS packets per second, and N packets at once "
		       "after being idle. 'set'\nchanges them at once, without a reload; what it "
		       "does not name keeps its value.\n",
	.opts = ratelimit_opts,
	.args = ratelimit_args,
	.min_args = 1,
	.max_args = 2,
	.args_usage = "IFACE [set]",
	.args_needed = "an interface",
	.cfg_size = sizeof(struct ratelimit_cfg),
	.needs_privs = true,
	.json_output = true,
	.check = ratelimit_check,
	.run = ratelimit_run,
};

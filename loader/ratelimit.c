// SPDX-License-Identifier: GPL-2.0-only
/* xdpload ratelimit: show or change the bundled ratelimit program's settings. */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "attached.h"
#include "commands.h"
#include "json_writer.h"
#include "log.h"
#include "progs/ratelimit.h"

static const char ratelimit_usage[] =
	"Usage: xdpload ratelimit IFACE [--json]\n"
	"       xdpload ratelimit IFACE set [--rate PPS] [--burst N]\n"
	"\n"
	"Shows or changes the 'ratelimit' program attached to IFACE (xdpload load IFACE\n"
	"ratelimit [--rate PPS --burst N]). Each source address may send PPS packets per\n"
	"second, and N packets at once after being idle. Changes apply at once, no reload.\n";

static int show(const char *ifname, int prog_fd, int json)
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
	if (json) {
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

int do_ratelimit(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "rate", required_argument, NULL, 'r' },
		{ "burst", required_argument, NULL, 'b' },
		{ "json", no_argument, NULL, 'j' },
		{ "help", no_argument, NULL, 'h' },
		{ 0 },
	};
	const char *pos[3] = {}, *rate_s = NULL, *burst_s = NULL;
	__u64 rate = 0, burst = 0, cur_rate, cur_burst;
	int c, npos = 0, json = 0, prog_fd, ret;

	optind = 1;
	opterr = 0;
	while ((c = getopt_long(argc, argv, "+h", opts, NULL)) != -1 || optind < argc) {
		if (c == -1) {
			if (npos == 2)
				return usage_error("ratelimit", "unexpected argument '%s'",
						   argv[optind]);
			pos[npos++] = argv[optind++];
			continue;
		}
		switch (c) {
		case 'r':
			rate_s = optarg;
			break;
		case 'b':
			burst_s = optarg;
			break;
		case 'j':
			json = 1;
			break;
		case 'h':
			fputs(ratelimit_usage, stdout);
			exit(0);
		default:
			return usage_error("ratelimit", "unknown option or missing value '%s'",
					   argv[optind - 1]);
		}
	}
	if (!npos)
		return usage_error("ratelimit", "expected IFACE");
	if (pos[1] && strcmp(pos[1], "set"))
		return usage_error("ratelimit", "unknown action '%s' (set)", pos[1]);
	if (pos[1] && !rate_s && !burst_s)
		return usage_error("ratelimit", "set: give --rate PPS and/or --burst N");
	if (!pos[1] && (rate_s || burst_s))
		return usage_error("ratelimit",
				   "--rate and --burst need 'set' (xdpload ratelimit "
				   "%s set --rate PPS)",
				   pos[0]);
	if (rate_s && ratelimit_parse_u64(rate_s, RATELIMIT_MAX_RATE, &rate))
		return usage_error("ratelimit", "--rate '%s': expected packets per second, 1..%llu",
				   rate_s, RATELIMIT_MAX_RATE);
	if (burst_s && ratelimit_parse_u64(burst_s, RATELIMIT_MAX_BURST, &burst))
		return usage_error("ratelimit", "--burst '%s': expected a packet count, 1..%llu",
				   burst_s, RATELIMIT_MAX_BURST);

	prog_fd = attached_prog_fd(pos[0], "ratelimit");
	if (prog_fd < 0)
		return prog_fd;
	if (!pos[1]) {
		ret = show(pos[0], prog_fd, json);
		close(prog_fd);
		return ret;
	}
	ret = ratelimit_get_config(prog_fd, &cur_rate, &cur_burst);
	if (!ret)
		ret = ratelimit_configure(prog_fd, rate ? rate : cur_rate,
					  burst ? burst : cur_burst);
	close(prog_fd);
	if (ret == -ENOENT)
		return xdpl_err(XDPL_ERR_NOTFOUND, ret,
				 "%s: the program named 'ratelimit' is not xdpload's ratelimit",
				 pos[0]);
	if (ret)
		return xdpl_err(XDPL_ERR_FAIL, ret, "%s: cannot configure ratelimit: %s",
				 pos[0], strerror(-ret));
	return 0;
}

// SPDX-License-Identifier: GPL-2.0-only
#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "actions.h"
#include "attached.h"
#include "commands.h"
#include "log.h"
#include "ops.h"
#include "privs.h"
#include "progs/ratelimit.h"

static void load_help(void)
{
	printf("Usage: xdpload load [OPTIONS] IFACE FILE|BUILTIN [FILE|BUILTIN...]\n"
	       "Add XDP programs to the chain on IFACE, in priority order.\n\n"
	       "  -m, --mode MODE          native, skb, hw or unspecified (default)\n"
	       "  -s, --section SECTION    load the program in this ELF section\n"
	       "  -n, --prog-name NAME     load the program with this name\n"
	       "  -P, --prio PRIO          run priority (lower runs first; default from the\n"
	       "                           object's XDP_RUN_CONFIG, else 50)\n"
	       "  -A, --actions LIST       chain-call actions, e.g. XDP_PASS,XDP_DROP (default\n"
	       "                           from the object, else XDP_PASS)\n"
	       "  -p, --pin-path DIR       pin the objects' LIBBPF_PIN_BY_NAME maps in DIR\n"
	       "      --dispatcher KIND    auto (default), libxdp or linked\n"
	       "      --no-stats           linked: no per-program action counters\n"
	       "      --no-inline          linked: call every program, inline none\n"
	       "      --force              replace a program xdpload did not attach\n"
	       "      --rate PPS           ratelimit: packets per second per source (default %d)\n"
	       "      --burst N            ratelimit: burst per source (default %d)\n"
	       "  -v, --verbose            say more; -vv adds libbpf's and libxdp's messages\n"
	       "A BUILTIN is a bundled program's name (xdpload progs lists them); a FILE has a\n"
	       "'/' or ends in .o. -s, -n, -P and -A apply to every program of the command.\n",
	       XDPL_RL_DEFAULT_RATE, XDPL_RL_DEFAULT_BURST);
}

struct load_args {
	struct component_req req;
	struct load_opts opts;
	enum dispatcher_choice dispatcher;
	__u64 rl_rate, rl_burst; /* ratelimit's --rate/--burst, 0 when not given */
};

static int parse_prio(const char *arg, int *prio)
{
	char *end;
	long v;

	errno = 0;
	v = strtol(arg, &end, 10);
	if (errno || *end || end == arg || v < 0 || v > INT_MAX)
		return -EINVAL;
	*prio = v;
	return 0;
}

static int parse_load_args(int argc, char **argv, struct load_args *a)
{
	static const struct option longopts[] = {
		{ "mode", required_argument, NULL, 'm' },
		{ "section", required_argument, NULL, 's' },
		{ "prog-name", required_argument, NULL, 'n' },
		{ "prio", required_argument, NULL, 'P' },
		{ "actions", required_argument, NULL, 'A' },
		{ "pin-path", required_argument, NULL, 'p' },
		{ "dispatcher", required_argument, NULL, 'D' },
		{ "no-stats", no_argument, NULL, 'S' },
		{ "no-inline", no_argument, NULL, 'I' },
		{ "force", no_argument, NULL, 'F' },
		{ "verbose", no_argument, NULL, 'v' },
		{ "help", no_argument, NULL, 'h' },
		{ "rate", required_argument, NULL, 'R' },
		{ "burst", required_argument, NULL, 'B' },
		{ 0 },
	};
	char *bad = NULL;
	int opt;

	a->req.prio = -1;
	while ((opt = getopt_long(argc, argv, "m:s:n:P:A:p:vh", longopts, NULL)) != -1) {
		switch (opt) {
		case 'm':
			if (mode_parse(optarg, &a->opts.mode))
				return usage_error("load",
						   "bad mode '%s': use native, skb, hw "
						   "or unspecified",
						   optarg);
			break;
		case 's':
			a->req.section = optarg;
			break;
		case 'n':
			a->req.prog_name = optarg;
			break;
		case 'P':
			if (parse_prio(optarg, &a->req.prio))
				return usage_error("load",
						   "bad priority '%s': use a number "
						   "from 0 to %d",
						   optarg, INT_MAX);
			break;
		case 'A':
			if (actions_parse_list(optarg, &a->req.actions, &bad)) {
				usage_error("load",
					    "bad action '%s': use XDP_ABORTED, XDP_DROP, "
					    "XDP_PASS, XDP_TX or XDP_REDIRECT, comma-separated",
					    bad ? bad : optarg);
				free(bad);
				return -1;
			}
			break;
		case 'p':
			a->req.pin_dir = optarg;
			break;
		case 'D':
			if (dispatcher_parse(optarg, &a->dispatcher))
				return usage_error("load",
						   "bad dispatcher '%s': use auto, libxdp "
						   "or linked",
						   optarg);
			break;
		case 'S':
			a->opts.no_stats = true;
			break;
		case 'I':
			a->opts.no_inline = true;
			break;
		case 'F':
			a->opts.force = true;
			break;
		case 'v':
			xdpl_verbosity++;
			break;
		case 'h':
			load_help();
			return 1;
		case 'R':
			if (ratelimit_parse_u64(optarg, RATELIMIT_MAX_RATE, &a->rl_rate))
				return usage_error("load",
						   "bad --rate '%s': packets per second, "
						   "1..%llu",
						   optarg, RATELIMIT_MAX_RATE);
			break;
		case 'B':
			if (ratelimit_parse_u64(optarg, RATELIMIT_MAX_BURST, &a->rl_burst))
				return usage_error("load",
						   "bad --burst '%s': a packet count, "
						   "1..%llu",
						   optarg, RATELIMIT_MAX_BURST);
			break;
		default:
			return usage_error("load", "bad option");
		}
	}
	if (argc - optind < 2)
		return usage_error("load", "needs an interface and at least one program");
	if (a->rl_rate || a->rl_burst) {
		int i;

		for (i = optind + 1; i < argc && strcmp(argv[i], "ratelimit"); i++)
			;
		if (i == argc)
			return usage_error("load", "--rate and --burst configure the 'ratelimit' "
						   "program: load it in the same command");
	}
	return 0;
}

static void report_loaded(const struct xdpl_iface *iface)
{
	struct iface_status st;
	int i;

	if (xdpl_verbosity < 1 || xdpl_status(iface, &st))
		return;
	pr_debug("%s: %s chain, %s mode:", iface->name, st.backend, mode_name(st.mode));
	for (i = 0; i < st.nprogs; i++)
		pr_debug(" %s (id %u)", st.progs[i].name, st.progs[i].id);
	pr_debug("\n");
}

/* The ratelimit program reads its settings from a map: set them right after attach. */
static int configure_ratelimit(const struct xdpl_iface *iface, const struct load_args *a)
{
	int fd, err;

	fd = attached_prog_fd(iface->name, "ratelimit");
	if (fd < 0)
		return fd;
	err = ratelimit_configure(fd, a->rl_rate ? a->rl_rate : XDPL_RL_DEFAULT_RATE,
				  a->rl_burst ? a->rl_burst : XDPL_RL_DEFAULT_BURST);
	close(fd);
	if (err)
		return xdpl_err(XDPL_ERR_FAIL, err,
				"%s: ratelimit loaded, but setting its rate "
				"failed: %s (retry: xdpload ratelimit %s set --rate PPS)",
				iface->name, strerror(-err), iface->name);
	return 0;
}

int do_load(int argc, char **argv)
{
	struct load_args a = {};
	struct component_req *reqs;
	struct xdpl_load_req req;
	struct xdpl_iface iface;
	int i, n, err;

	err = parse_load_args(argc, argv, &a);
	if (err)
		return err > 0 ? 0 : err;
	err = require_privileges();
	if (err)
		return err;
	err = iface_resolve(argv[optind], &iface);
	if (err)
		return err;
	n = argc - optind - 1;
	reqs = calloc(n, sizeof(*reqs));
	if (!reqs)
		return -ENOMEM;
	for (i = 0; i < n; i++) {
		reqs[i] = a.req;
		reqs[i].source = argv[optind + 1 + i];
	}
	req = (struct xdpl_load_req){
		.dispatcher = a.dispatcher, .opts = a.opts, .progs = reqs, .n = n
	};
	err = xdpl_load(&iface, &req);
	free(reqs);
	if (!err && (a.rl_rate || a.rl_burst))
		err = configure_ratelimit(&iface, &a);
	if (!err)
		report_loaded(&iface);
	return err;
}

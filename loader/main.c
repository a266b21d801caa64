// SPDX-License-Identifier: GPL-2.0-only
/* xdpload: chain several XDP programs on one interface. See xdpload(8). */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include "bpffs.h"
#include "commands.h"
#include "log.h"

const char *prog_invocation = "xdpload";

struct command {
	const char *name;
	int (*fn)(int argc, char **argv);
	const char *synopsis;
};

static const struct command commands[] = {
	{ "load", do_load,
	  "load [-m MODE] [-s SECTION | -n PROG] [-P PRIO] [-A ACTIONS] [-p PIN_DIR]\n"
	  "                [--dispatcher auto|libxdp|linked] [--no-stats] [--force]\n"
	  "                [--rate PPS] [--burst N] IFACE FILE|BUILTIN..." },
	{ "unload", do_unload, "unload IFACE (-i ID | -n NAME | -a|--all) [--force]" },
	{ "status", do_status, "status [IFACE] [--json]" },
	{ "clean", do_clean, "clean [IFACE]" },
	{ "progs", do_progs, "progs [--json]" },
	{ "filter", do_filter,
	  "filter IFACE (ip|port|ether) (add|del|list) ... | list | policy allow|deny" },
	{ "ratelimit", do_ratelimit, "ratelimit IFACE [set --rate PPS --burst N] [--json]" },
	{ "stats", do_stats, "stats IFACE [-i SECONDS] [-c COUNT] [--json]" },
	{ "watch", do_watch, "watch IFACE [--json] [-c COUNT] [--rate EVENTS]" },
	{ 0 },
};

static void usage(FILE *out)
{
	const struct command *c;

	fprintf(out, "Usage: xdpload [-v] [-V] COMMAND [ARGS]\n\nCommands:\n");
	for (c = commands; c->name; c++)
		fprintf(out, "  xdpload %s\n", c->synopsis);
	fprintf(out, "\n'xdpload COMMAND --help' describes a command; man xdpload for the rest.\n");
}

int usage_error(const char *cmd, const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "xdpload %s: ", cmd);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fprintf(stderr, " (try 'xdpload %s --help')\n", cmd);
	xdpl_set_exit_class(XDPL_EXIT_USAGE);
	return -1;
}

int main(int argc, char **argv)
{
	const struct command *c;
	int i = 1;

	for (; i < argc && argv[i][0] == '-'; i++) {
		if (!strcmp(argv[i], "-v") || !strcmp(argv[i], "--verbose")) {
			xdpl_verbosity++;
		} else if (!strcmp(argv[i], "-vv")) {
			xdpl_verbosity += 2;
		} else if (!strcmp(argv[i], "-V") || !strcmp(argv[i], "--version")) {
			printf("xdpload %s\n", XDPLOAD_VERSION);
			return 0;
		} else if (!strcmp(argv[i], "-h") || !strcmp(argv[i], "--help")) {
			usage(stdout);
			return 0;
		} else {
			fprintf(stderr, "xdpload: unknown option '%s'\n", argv[i]);
			usage(stderr);
			return XDPL_EXIT_USAGE;
		}
	}
	if (i >= argc) {
		usage(stderr);
		return XDPL_EXIT_USAGE;
	}
	xdpl_log_init();
	bpffs_prepare_libxdp();
	for (c = commands; c->name; c++)
		if (!strcmp(argv[i], c->name))
			return xdpl_exit_code(c->fn(argc - i, argv + i));
	fprintf(stderr, "xdpload: unknown command '%s'\n", argv[i]);
	usage(stderr);
	return XDPL_EXIT_USAGE;
}

// SPDX-License-Identifier: GPL-2.0-only
/* xdpload: chain several XDP programs on one interface. See xdpload(8). */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include "bpffs.h"
#include "commands.h"
#include "log.h"
#include "exitcode.h"
#include "output.h"

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
	char msg[XDPL_ERR_MSG_LEN - 64];
	va_list ap;
	int ret;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	ret = xdpl_err(XDPL_ERR_USAGE, EINVAL, "%s (try 'xdpload %s --help')", msg, cmd);
	xdpl_err_set_where(cmd);
	return ret;
}

int main(int argc, char **argv)
{
	const struct command *c;
	int i = 1, k, ret;

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
	output_init();
	for (k = i; k < argc && strcmp(argv[k], "--"); k++)
		if (!strcmp(argv[k], "--json"))
			output_json = true;
	bpffs_prepare_libxdp();
	for (c = commands; c->name; c++) {
		if (!strcmp(argv[i], c->name)) {
			ret = c->fn(argc - i, argv + i);
			return ret < 0 ? output_error(ret) : 0;
		}
	}
	fprintf(stderr, "xdpload: unknown command '%s'\n", argv[i]);
	usage(stderr);
	return XDPL_EXIT_USAGE;
}

// SPDX-License-Identifier: GPL-2.0-only
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include "ops.h"
#include "commands.h"
#include "log.h"
#include "privs.h"

static void unload_help(void)
{
	printf("Usage: xdpload unload IFACE (-i ID | -n NAME | -a|--all) [--force]\n"
	       "Remove programs from the chain on IFACE; the rest keeps running.\n\n"
	       "  -i, --id ID         the program with this kernel ID (xdpload status); a linked\n"
	       "                      dispatcher's ID means the whole chain\n"
	       "  -n, --name NAME     the program with this name\n"
	       "  -a, --all           every program, and the dispatcher\n"
	       "      --force         also remove a program xdpload did not attach\n"
	       "  -v, --verbose       say more\n");
}

int do_unload(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "id", required_argument, NULL, 'i' },
		{ "name", required_argument, NULL, 'n' },
		{ "all", no_argument, NULL, 'a' },
		{ "force", no_argument, NULL, 'F' },
		{ "verbose", no_argument, NULL, 'v' },
		{ "help", no_argument, NULL, 'h' },
		{ 0 },
	};
	struct unload_sel sel = {};
	struct xdpl_iface iface;
	int opt, nsel = 0, err;
	char *end;

	while ((opt = getopt_long(argc, argv, "i:n:avh", longopts, NULL)) != -1) {
		switch (opt) {
		case 'i':
			sel.id = strtoul(optarg, &end, 10);
			if (*end || !sel.id)
				return usage_error("unload", "bad program ID '%s'", optarg);
			nsel++;
			break;
		case 'n':
			sel.name = optarg;
			nsel++;
			break;
		case 'a':
			sel.all = true;
			nsel++;
			break;
		case 'F':
			sel.force = true;
			break;
		case 'v':
			xdpl_verbosity++;
			break;
		case 'h':
			unload_help();
			return 0;
		default:
			return usage_error("unload", "bad option");
		}
	}
	if (argc - optind != 1)
		return usage_error("unload", "needs exactly one interface");
	if (nsel != 1)
		return usage_error("unload", "say which programs: one of -i ID, -n NAME, --all");
	err = require_privileges();
	if (err)
		return err;
	err = iface_resolve(argv[optind], &iface);
	if (err)
		return err;
	return xdpl_unload(&iface, &sel);
}

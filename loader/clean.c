// SPDX-License-Identifier: GPL-2.0-only
#include <getopt.h>
#include <stdio.h>
#include "ops.h"
#include "commands.h"
#include "log.h"
#include "privs.h"

int do_clean(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "verbose", no_argument, NULL, 'v' },
		{ "help", no_argument, NULL, 'h' },
		{ 0 },
	};
	struct xdpl_iface iface, *ip = NULL;
	int opt, err;

	while ((opt = getopt_long(argc, argv, "vh", longopts, NULL)) != -1) {
		switch (opt) {
		case 'v':
			xdpl_verbosity++;
			break;
		case 'h':
			printf("Usage: xdpload clean [IFACE]\n"
			       "Remove pins and state that xdpload and libxdp left for programs "
			       "no\n"
			       "longer attached (on IFACE, or for interfaces that are gone).\n");
			return 0;
		default:
			return usage_error("clean", "bad option");
		}
	}
	if (argc - optind > 1)
		return usage_error("clean", "takes at most one interface");
	err = require_privileges();
	if (err)
		return err;
	if (argc - optind == 1) {
		err = iface_resolve(argv[optind], &iface);
		if (err)
			return err;
		ip = &iface;
	}
	return xdpl_clean(ip);
}

/* SPDX-License-Identifier: GPL-2.0-only */
/* Exit codes shared by every xdpload command; documented in xdpload(8). */
#ifndef XDPL_EXITCODE_H
#define XDPL_EXITCODE_H

#include "error.h"

enum xdpl_exit {
	XDPL_EXIT_OK = 0,
	XDPL_EXIT_FAIL = 1,	 /* any failure not classified below */
	XDPL_EXIT_USAGE = 2,	 /* bad option, mode, priority, action name, rule syntax */
	XDPL_EXIT_NOFILE = 3,	 /* missing file, or not an eBPF ELF object */
	XDPL_EXIT_NOPROG = 4,	 /* section, program or builtin name not found */
	XDPL_EXIT_NOIFACE = 5,	 /* unknown interface */
	XDPL_EXIT_VERIFIER = 6,	 /* the kernel's verifier rejected a program */
	XDPL_EXIT_PERM = 7,	 /* not root, missing capabilities, bpffs unusable */
	XDPL_EXIT_CHAIN = 8,	 /* the chain cannot be built or composed */
	XDPL_EXIT_BUSY = 9,	 /* the interface holds a program xdpload did not attach */
	XDPL_EXIT_NOTFOUND = 10, /* no such attached program, or filter not loaded */
	XDPL_EXIT_EXPECT = 11,	 /* test: a packet's verdict was not the one expected */
	XDPL_EXIT_PENDING = 12,	 /* apply --check/--diff: the interfaces differ from the file */
};

/* The exit code of a command that succeeded (0 unless it sets another; main.c). */
extern int xdpl_exit_status;

/* The exit code of a command that returned ret with error e recorded. */
enum xdpl_exit exit_code_of(const struct xdpl_error *e, int ret);

#endif

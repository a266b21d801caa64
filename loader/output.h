/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Where xdpload's words go: lib/'s print callback, and the one place that prints
 * an error (as text on stderr, or as JSON on stdout under --json, like bpftool).
 */
#ifndef XDPL_OUTPUT_H
#define XDPL_OUTPUT_H

#include <stdbool.h>

/* --json was given: errors are JSON too. */
extern bool output_json;

/*
 * The command's --json output already carries its error (test's result names the
 * failed expectations): output_error() then only returns the exit code.
 */
extern bool output_error_done;

/* Install the print callback for lib/, libbpf and libxdp. */
void output_init(void);

/* Print the recorded error of a command that returned ret; returns its exit code. */
int output_error(int ret);

#endif

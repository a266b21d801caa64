/* SPDX-License-Identifier: GPL-2.0-only */
/* Messages to the user. Errors carry an exit class so the command can exit with it. */
#ifndef XDPL_LOG_H
#define XDPL_LOG_H

#include <stdarg.h>
#include "exitcode.h"

enum xdpl_log_level {
	XDPL_LOG_ERR,
	XDPL_LOG_WARN,
	XDPL_LOG_INFO,
	XDPL_LOG_DEBUG,	 /* -v */
	XDPL_LOG_LIBBPF, /* -vv: libbpf's and libxdp's own debug output */
};

extern int xdpl_verbosity; /* 0 by default; each -v adds one */

void xdpl_log(enum xdpl_log_level level, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/*
 * Report an error and remember its exit class; returns -err so callers can write
 * `return xdpl_fail(XDPL_EXIT_NOFILE, ENOENT, "...")`.
 */
int xdpl_fail(enum xdpl_exit code, int err, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/* The exit code for the first error reported (XDPL_EXIT_FAIL when none was classified). */
int xdpl_exit_code(int ret);
void xdpl_set_exit_class(enum xdpl_exit code);

/* Route libbpf/libxdp messages through xdpl_log; keeps the last verifier log. */
void xdpl_log_init(void);
/* The most recent verifier log libbpf printed (empty string when none). */
const char *xdpl_last_verifier_log(void);
void xdpl_clear_verifier_log(void);

#define pr_err(...) xdpl_log(XDPL_LOG_ERR, __VA_ARGS__)
#define pr_warn(...) xdpl_log(XDPL_LOG_WARN, __VA_ARGS__)
#define pr_info(...) xdpl_log(XDPL_LOG_INFO, __VA_ARGS__)
#define pr_debug(...) xdpl_log(XDPL_LOG_DEBUG, __VA_ARGS__)

#endif

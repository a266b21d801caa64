/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Messages from lib/: one print callback (set by the program, like
 * libbpf_set_print) that also receives libbpf's and libxdp's messages. Errors are
 * not printed here: they are recorded (error.h) and loader/ prints them.
 */
#ifndef XDPL_LOG_H
#define XDPL_LOG_H

#include <stdarg.h>
#include <stddef.h>
#include "error.h"

enum xdpl_log_level {
	XDPL_LOG_WARN,
	XDPL_LOG_INFO,	 /* what a command did (removed state, replaced a program) */
	XDPL_LOG_DEBUG,	 /* -v */
	XDPL_LOG_LIBBPF, /* libbpf's and libxdp's own messages, filtered by verbosity */
};

typedef void (*xdpl_print_fn)(enum xdpl_log_level level, const char *fmt, va_list ap);

extern int xdpl_verbosity; /* 0 by default; each -v adds one */

/* Replace the printer (NULL restores the default: stderr, info to stdout). */
void xdpl_set_print(xdpl_print_fn fn);

void xdpl_log(enum xdpl_log_level level, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/* Route libbpf/libxdp messages through the printer; keeps the last verifier log. */
void xdpl_log_init(void);
/* The most recent verifier log libbpf printed (empty string when none). */
const char *xdpl_last_verifier_log(void);
/* Forgets the verifier log and libbpf's reason too: call before each libbpf load. */
void xdpl_clear_verifier_log(void);
/*
 * Why libbpf or libxdp failed with err, in one line: its last warning since
 * xdpl_clear_verifier_log() ("map 'x': failed to create: ..."), else its own
 * text for err (libbpf_strerror, which knows libbpf's codes). Returns buf.
 */
const char *xdpl_libbpf_reason(int err, char *buf, size_t sz);

#define pr_warn(...) xdpl_log(XDPL_LOG_WARN, __VA_ARGS__)
#define pr_info(...) xdpl_log(XDPL_LOG_INFO, __VA_ARGS__)
#define pr_debug(...) xdpl_log(XDPL_LOG_DEBUG, __VA_ARGS__)

#endif

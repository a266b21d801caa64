// SPDX-License-Identifier: GPL-2.0-only
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <bpf/libbpf.h>
#include <xdp/libxdp.h>
#include "log.h"

int xdpl_verbosity;

static char *verifier_log;

static void default_print(enum xdpl_log_level level, const char *fmt, va_list ap)
{
	FILE *out = level == XDPL_LOG_INFO ? stdout : stderr;

	if (level == XDPL_LOG_WARN)
		fputs("xdpload: warning: ", out);
	vfprintf(out, fmt, ap);
}

static xdpl_print_fn printer = default_print;

void xdpl_set_print(xdpl_print_fn fn)
{
	printer = fn ?: default_print;
}

void xdpl_log(enum xdpl_log_level level, const char *fmt, ...)
{
	va_list ap;

	if (level == XDPL_LOG_DEBUG && xdpl_verbosity < 1)
		return;
	va_start(ap, fmt);
	printer(level, fmt, ap);
	va_end(ap);
}

#define LOG_BEGIN "-- BEGIN PROG LOAD LOG --\n"
#define LOG_END "-- END PROG LOAD LOG --"

/* libbpf prints a failed load's verifier log in one message between two markers. */
static void keep_verifier_log(const char *msg)
{
	const char *begin = strstr(msg, LOG_BEGIN), *end;

	if (!begin)
		return;
	begin += strlen(LOG_BEGIN);
	end = strstr(begin, LOG_END);
	if (!end)
		end = begin + strlen(begin);
	free(verifier_log);
	verifier_log = strndup(begin, end - begin);
}

static int libbpf_print(enum libbpf_print_level level, const char *fmt, va_list ap)
{
	char buf[8192];
	va_list copy;

	va_copy(copy, ap);
	vsnprintf(buf, sizeof(buf), fmt, copy);
	va_end(copy);
	if (level == LIBBPF_WARN && strstr(fmt, "PROG LOAD LOG")) {
		/* The message may exceed buf: format it again in full. */
		char *full = NULL;

		va_copy(copy, ap);
		if (vasprintf(&full, fmt, copy) >= 0)
			keep_verifier_log(full);
		va_end(copy);
		free(full);
	}
	if ((level == LIBBPF_WARN && xdpl_verbosity >= 1) ||
	    (level == LIBBPF_INFO && xdpl_verbosity >= 2) || xdpl_verbosity >= 3)
		xdpl_log(XDPL_LOG_LIBBPF, "%s", buf);
	return 0;
}

static int libxdp_print(enum libxdp_print_level level, const char *fmt, va_list ap)
{
	return libbpf_print((enum libbpf_print_level)level, fmt, ap);
}

void xdpl_log_init(void)
{
	libbpf_set_print(libbpf_print);
	libxdp_set_print(libxdp_print);
}

const char *xdpl_last_verifier_log(void)
{
	return verifier_log ? verifier_log : "";
}

void xdpl_clear_verifier_log(void)
{
	free(verifier_log);
	verifier_log = NULL;
}

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
/* libbpf's last warning since the last clear: the reason behind its error code */
static char libbpf_reason[512];

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

/*
 * The last line libbpf warns with before failing is the cause ("map 'x': failed
 * to create", "extern ... not found"): earlier ones may be libxdp's probes, and
 * "failed to load object" only repeats it. Verifier logs are kept apart.
 */
static void keep_reason(const char *msg)
{
	size_t len;

	if (strstr(msg, "PROG LOAD LOG") || strstr(msg, "-- BEGIN") ||
	    strstr(msg, "failed to load object"))
		return;
	if (!strncmp(msg, "libbpf: ", 8))
		msg += 8;
	len = strcspn(msg, "\n");
	snprintf(libbpf_reason, sizeof(libbpf_reason), "%.*s", (int)len, msg);
}

static int libbpf_print(enum libbpf_print_level level, const char *fmt, va_list ap)
{
	char buf[8192];
	va_list copy;

	va_copy(copy, ap);
	vsnprintf(buf, sizeof(buf), fmt, copy);
	va_end(copy);
	if (level == LIBBPF_WARN)
		keep_reason(buf);
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
	libbpf_reason[0] = '\0';
}

const char *xdpl_libbpf_reason(int err, char *buf, size_t sz)
{
	if (libbpf_reason[0])
		snprintf(buf, sz, "%s", libbpf_reason);
	else
		libbpf_strerror(err, buf, sz); /* knows libbpf's own codes (4000 and up) */
	return buf;
}

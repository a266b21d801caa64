// SPDX-License-Identifier: GPL-2.0-only
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <bpf/libbpf.h>
#include <xdp/libxdp.h>
#include "log.h"

int xdpl_verbosity;

static enum xdpl_exit exit_class = XDPL_EXIT_OK;
static char *verifier_log;

static const char *const level_prefix[] = {
	[XDPL_LOG_ERR] = "xdpload: ", [XDPL_LOG_WARN] = "xdpload: warning: ",
	[XDPL_LOG_INFO] = "",	      [XDPL_LOG_DEBUG] = "",
	[XDPL_LOG_LIBBPF] = "",
};

static void vlog(enum xdpl_log_level level, const char *fmt, va_list ap)
{
	FILE *out = level == XDPL_LOG_INFO ? stdout : stderr;

	if (level >= XDPL_LOG_DEBUG && xdpl_verbosity < (int)level - XDPL_LOG_INFO)
		return;
	fputs(level_prefix[level], out);
	vfprintf(out, fmt, ap);
}

void xdpl_log(enum xdpl_log_level level, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vlog(level, fmt, ap);
	va_end(ap);
}

int xdpl_fail(enum xdpl_exit code, int err, const char *fmt, ...)
{
	va_list ap;

	xdpl_set_exit_class(code);
	va_start(ap, fmt);
	vlog(XDPL_LOG_ERR, fmt, ap);
	va_end(ap);
	return err > 0 ? -err : (err ? err : -EINVAL);
}

void xdpl_set_exit_class(enum xdpl_exit code)
{
	/* The first error is the cause; later ones are usually its consequences. */
	if (exit_class == XDPL_EXIT_OK)
		exit_class = code;
}

int xdpl_exit_code(int ret)
{
	if (ret >= 0)
		return XDPL_EXIT_OK;
	if (exit_class != XDPL_EXIT_OK)
		return exit_class;
	if (ret == -EPERM || ret == -EACCES)
		return XDPL_EXIT_PERM;
	return XDPL_EXIT_FAIL;
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
		fputs(buf, stderr);
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

// SPDX-License-Identifier: GPL-2.0-only
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include "error.h"
#include "log.h"

static struct xdpl_error last;

static const char *const kind_names[] = {
	[XDPL_ERR_NONE] = "none",	   [XDPL_ERR_FAIL] = "fail",
	[XDPL_ERR_USAGE] = "usage",	   [XDPL_ERR_NOFILE] = "file",
	[XDPL_ERR_NOPROG] = "program",	   [XDPL_ERR_NOIFACE] = "interface",
	[XDPL_ERR_VERIFIER] = "verifier",  [XDPL_ERR_PERM] = "permission",
	[XDPL_ERR_CHAIN] = "chain",	   [XDPL_ERR_BUSY] = "busy",
	[XDPL_ERR_NOTFOUND] = "not-found", [XDPL_ERR_EXPECT] = "expectation",
};

const char *xdpl_err_kind_name(enum xdpl_err_kind kind)
{
	if ((unsigned int)kind >= sizeof(kind_names) / sizeof(kind_names[0]))
		return "fail";
	return kind_names[kind];
}

static int record(enum xdpl_err_kind kind, int err, const char *component, const char *fmt,
		  va_list ap)
{
	char msg[XDPL_ERR_MSG_LEN];
	size_t len;

	err = err > 0 ? err : (err ? -err : EINVAL);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	len = strlen(msg);
	while (len && msg[len - 1] == '\n')
		msg[--len] = '\0';
	if (last.kind != XDPL_ERR_NONE) {
		pr_debug("(then: %s)\n", msg);
		return -err;
	}
	last.kind = kind ?: XDPL_ERR_FAIL;
	last.err = err;
	snprintf(last.component, sizeof(last.component), "%s", component ?: "");
	memcpy(last.msg, msg, sizeof(msg));
	return -err;
}

int xdpl_err(enum xdpl_err_kind kind, int err, const char *fmt, ...)
{
	va_list ap;
	int ret;

	va_start(ap, fmt);
	ret = record(kind, err, NULL, fmt, ap);
	va_end(ap);
	return ret;
}

int xdpl_err_comp(enum xdpl_err_kind kind, int err, const char *component, const char *fmt, ...)
{
	va_list ap;
	int ret;

	va_start(ap, fmt);
	ret = record(kind, err, component, fmt, ap);
	va_end(ap);
	return ret;
}

void xdpl_err_set_log(const char *log)
{
	snprintf(last.log, sizeof(last.log), "%s", log ?: "");
}

void xdpl_err_set_where(const char *where)
{
	snprintf(last.where, sizeof(last.where), "%s", where ?: "");
}

const struct xdpl_error *xdpl_last_error(void)
{
	return &last;
}

void xdpl_err_clear(void)
{
	memset(&last, 0, sizeof(last));
}

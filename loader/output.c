// SPDX-License-Identifier: GPL-2.0-only
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include "exitcode.h"
#include "json_writer.h"
#include "log.h"
#include "output.h"

bool output_json;
bool output_error_done;

/* Kinds and exit codes are one to one; the table keeps them apart by design. */
static const enum xdpl_exit kind_exit[] = {
	[XDPL_ERR_NONE] = XDPL_EXIT_FAIL,	  [XDPL_ERR_FAIL] = XDPL_EXIT_FAIL,
	[XDPL_ERR_USAGE] = XDPL_EXIT_USAGE,	  [XDPL_ERR_NOFILE] = XDPL_EXIT_NOFILE,
	[XDPL_ERR_NOPROG] = XDPL_EXIT_NOPROG,	  [XDPL_ERR_NOIFACE] = XDPL_EXIT_NOIFACE,
	[XDPL_ERR_VERIFIER] = XDPL_EXIT_VERIFIER, [XDPL_ERR_PERM] = XDPL_EXIT_PERM,
	[XDPL_ERR_CHAIN] = XDPL_EXIT_CHAIN,	  [XDPL_ERR_BUSY] = XDPL_EXIT_BUSY,
	[XDPL_ERR_NOTFOUND] = XDPL_EXIT_NOTFOUND, [XDPL_ERR_EXPECT] = XDPL_EXIT_EXPECT,
};

enum xdpl_exit exit_code_of(const struct xdpl_error *e, int ret)
{
	if (ret >= 0)
		return XDPL_EXIT_OK;
	if (e->kind != XDPL_ERR_NONE &&
	    (unsigned int)e->kind < sizeof(kind_exit) / sizeof(kind_exit[0]))
		return kind_exit[e->kind];
	if (ret == -EPERM || ret == -EACCES)
		return XDPL_EXIT_PERM;
	return XDPL_EXIT_FAIL;
}

static void print_to_terminal(enum xdpl_log_level level, const char *fmt, va_list ap)
{
	/* under --json, stdout carries JSON only: what a command says goes to stderr */
	FILE *out = level == XDPL_LOG_INFO && !output_json ? stdout : stderr;

	if (level == XDPL_LOG_WARN)
		fputs("xdpload: warning: ", out);
	vfprintf(out, fmt, ap);
}

void output_init(void)
{
	xdpl_set_print(print_to_terminal);
	xdpl_log_init();
}

static void error_json(const struct xdpl_error *e, int code, const char *msg)
{
	struct json_writer *jw = jw_new(stdout);

	jw_start_object(jw);
	jw_string_field(jw, "error", msg);
	jw_string_field(jw, "kind", xdpl_err_kind_name(e->kind ?: XDPL_ERR_FAIL));
	jw_int_field(jw, "exit_code", code);
	jw_string_field(jw, "errno", strerrorname_np(e->err) ?: "");
	if (e->where[0])
		jw_string_field(jw, "command", e->where);
	if (e->component[0])
		jw_string_field(jw, "component", e->component);
	if (e->log[0])
		jw_string_field(jw, "verifier_log", e->log);
	jw_end_object(jw);
	jw_destroy(&jw);
}

int output_error(int ret)
{
	const struct xdpl_error *e = xdpl_last_error();
	int code = exit_code_of(e, ret);
	char fallback[128];
	const char *msg = e->msg;

	if (e->kind == XDPL_ERR_NONE) {
		snprintf(fallback, sizeof(fallback), "%s", strerror(ret < 0 ? -ret : EINVAL));
		msg = fallback;
	}
	if (output_json && output_error_done)
		return code;
	if (output_json) {
		error_json(e, code, msg);
		return code;
	}
	if (e->where[0])
		fprintf(stderr, "xdpload %s: %s\n", e->where, msg);
	else
		fprintf(stderr, "xdpload: %s\n", msg);
	if (e->log[0])
		fprintf(stderr, "%s(-vv prints the whole log)\n", e->log);
	return code;
}

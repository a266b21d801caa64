// SPDX-License-Identifier: GPL-2.0-only
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include "log.h"
#include "verifier_log.h"

static bool is_noise(const char *line, size_t len)
{
	static const char *const prefixes[] = {
		"processed ",	       "verification time", "stack depth",
		"max_states_per_insn", "Validating ",	    "func#",
	};
	size_t i;

	while (len && (line[len - 1] == ' ' || line[len - 1] == '\t' || line[len - 1] == '\r'))
		len--;
	if (!len)
		return true;
	for (i = 0; i < sizeof(prefixes) / sizeof(prefixes[0]); i++)
		if (!strncmp(line, prefixes[i], strlen(prefixes[i])))
			return true;
	return false;
}

int verifier_log_trim(const char *log, int max_lines, char *out, size_t out_sz)
{
	const char *start[64], *p = log, *nl;
	size_t len[64];
	int n = 0, first, i;
	size_t used = 0;

	if (max_lines > 64)
		max_lines = 64;
	if (out_sz)
		out[0] = '\0';
	/* A ring of the last max_lines meaningful lines. */
	while (p && *p) {
		nl = strchr(p, '\n');
		size_t l = nl ? (size_t)(nl - p) : strlen(p);

		if (!is_noise(p, l)) {
			start[n % max_lines] = p;
			len[n % max_lines] = l;
			n++;
		}
		p = nl ? nl + 1 : NULL;
	}
	first = n > max_lines ? n - max_lines : 0;
	for (i = first; i < n; i++) {
		int w = snprintf(out + used, out_sz - used, "  %.*s\n", (int)len[i % max_lines],
				 start[i % max_lines]);

		if (w < 0 || (size_t)w >= out_sz - used)
			break;
		used += w;
	}
	return n - first;
}

void verifier_log_attach(const char *log)
{
	char trimmed[XDPL_ERR_LOG_LEN];

	verifier_log_trim(log, 12, trimmed, sizeof(trimmed));
	xdpl_err_set_log(trimmed);
}

int verifier_report(const char *what, int err)
{
	const char *log = xdpl_last_verifier_log();

	if (!*log)
		return xdpl_err(XDPL_ERR_FAIL, err, "%s: the kernel refused to load it: %s", what,
				strerror(err < 0 ? -err : err));
	err = xdpl_err_comp(XDPL_ERR_VERIFIER, err ?: EINVAL, what,
			    "%s: rejected by the kernel verifier; the end of its log:", what);
	verifier_log_attach(log);
	xdpl_clear_verifier_log();
	return err;
}

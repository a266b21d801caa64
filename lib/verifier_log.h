/* SPDX-License-Identifier: GPL-2.0-only */
/* Cut a verifier log down to the part that explains a rejection. */
#ifndef XDPL_VERIFIER_LOG_H
#define XDPL_VERIFIER_LOG_H

#include <stddef.h>

/*
 * Write into out the last max_lines meaningful lines of log: the statistics
 * lines the verifier appends ("processed N insns ...", "verification time")
 * and blank lines are dropped. Returns the number of lines written.
 */
int verifier_log_trim(const char *log, int max_lines, char *out, size_t out_sz);

/* Attach the trimmed end of log to the recorded error (error.h). */
void verifier_log_attach(const char *log);

/*
 * After a failed load of `what`: when libbpf printed a verifier log, report the
 * rejection with the log's last lines (kind XDPL_ERR_VERIFIER); else report err.
 * Returns a negative errno.
 */
int verifier_report(const char *what, int err);

#endif

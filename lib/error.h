/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The one error model of lib/: a failing call returns a negative errno and, where
 * it knows more, records what went wrong in the process's error record with
 * xdpl_err(). lib/ never prints an error itself; loader/ prints the record and
 * maps its kind to an exit code (loader/exitcode.h). The first error recorded is
 * the cause: later ones are usually its consequences and only reach the print
 * callback at debug level.
 */
#ifndef XDPL_ERROR_H
#define XDPL_ERROR_H

#include <stdbool.h>

/* What kind of failure: loader/ turns each into the exit code xdpload(8) documents. */
enum xdpl_err_kind {
	XDPL_ERR_NONE = 0,
	XDPL_ERR_FAIL,	   /* anything not classified below */
	XDPL_ERR_USAGE,	   /* bad option, mode, priority, action name, rule syntax */
	XDPL_ERR_NOFILE,   /* missing file, or not a (well-formed) eBPF ELF object */
	XDPL_ERR_NOPROG,   /* section, program or bundled name not found */
	XDPL_ERR_NOIFACE,  /* unknown interface */
	XDPL_ERR_VERIFIER, /* the kernel's verifier rejected a program */
	XDPL_ERR_PERM,	   /* not root, missing capabilities, bpffs or state dir unusable */
	XDPL_ERR_CHAIN,	   /* the chain cannot be built or composed */
	XDPL_ERR_BUSY,	   /* the interface holds a program xdpload did not attach */
	XDPL_ERR_NOTFOUND, /* no such attached program, or the bundled program is not loaded */
	XDPL_ERR_EXPECT,   /* test: a packet did not get the verdict it was expected to */
};

#define XDPL_ERR_MSG_LEN 1024
#define XDPL_ERR_LOG_LEN 4096

struct xdpl_error {
	enum xdpl_err_kind kind;
	int err;		    /* positive errno */
	char where[32];		    /* context the message belongs to (a command), or "" */
	char component[256];	    /* the program at fault, or "" */
	char msg[XDPL_ERR_MSG_LEN]; /* one line, no trailing newline */
	char log[XDPL_ERR_LOG_LEN]; /* the end of the verifier's log, or "" */
};

/*
 * Record an error (unless one is recorded already) and return -err; err may be
 * given positive or negative, 0 means EINVAL. So a caller writes
 * `return xdpl_err(XDPL_ERR_NOFILE, ENOENT, "%s: no such file", path);`.
 */
int xdpl_err(enum xdpl_err_kind kind, int err, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
/* The same, naming the component at fault (also in the message). */
int xdpl_err_comp(enum xdpl_err_kind kind, int err, const char *component, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));
/* Attach the end of a verifier log to the recorded error. */
void xdpl_err_set_log(const char *log);
/* Set the context (e.g. the command name) of the recorded error. */
void xdpl_err_set_where(const char *where);

/* The recorded error; kind XDPL_ERR_NONE when none was. */
const struct xdpl_error *xdpl_last_error(void);
/* Forget the recorded error (a caller that handled it and goes on). */
void xdpl_err_clear(void);
/* The name of a kind, as JSON errors carry it ("usage", "verifier", ...). */
const char *xdpl_err_kind_name(enum xdpl_err_kind kind);

#endif

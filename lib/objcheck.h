/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * A trial parse of an untrusted object in a forked child, before xdpload parses it
 * for real. libbpf and libxdp trust the ELF and BTF they parse: a flipped bit in
 * .BTF is enough to crash some objects inside bpf_object__open_mem or
 * xdp_program__create. The child does the same parse on the same bytes; if it
 * dies (a signal) or takes longer than the time limit, the object is refused as
 * malformed (XDPL_ERR_NOFILE) and xdpload never parses it itself. If the child
 * survives, the real parse of the same bytes is the same deterministic code, so
 * it survives too.
 */
#ifndef XDPL_OBJCHECK_H
#define XDPL_OBJCHECK_H

#include <stddef.h>
#include <bpf/libbpf.h>

#define XDPL_OBJCHECK_TIMEOUT_MS 5000

enum objcheck_verdict {
	OBJCHECK_OK,	  /* the child parsed it (or libbpf/libxdp refused it cleanly) */
	OBJCHECK_SIGNAL,  /* the child died of a signal: sig, in stage */
	OBJCHECK_TIMEOUT, /* the child ran longer than the limit and was killed */
	OBJCHECK_EXIT,	  /* the child exited with an unexpected status (a sanitizer's report) */
	OBJCHECK_NOCHILD, /* no child could be started: err */
};

struct objcheck_result {
	enum objcheck_verdict verdict;
	int sig;	 /* OBJCHECK_SIGNAL */
	int status;	 /* OBJCHECK_EXIT: the exit status */
	int err;	 /* OBJCHECK_NOCHILD: positive errno */
	char stage[32];	 /* what the child said it was doing last ("libbpf", "libxdp") */
	unsigned int ms; /* how long the child ran */
};

/*
 * Run fn(arg) in a child and wait at most timeout_ms for it. fn may call
 * objcheck_stage() to say what it is doing; its return value is the child's
 * exit status (0..125: anything else counts as OBJCHECK_EXIT). Returns 0 with
 * *res filled in, whatever the child did.
 */
int objcheck_fork(int (*fn)(void *arg), void *arg, unsigned int timeout_ms,
		  struct objcheck_result *res);
/* In the child: tell the parent that it is now in stage (under 32 bytes) of its work. */
void objcheck_stage(const char *stage);

/*
 * The trial parse of buf (opened with opts, as component_open will) in a child:
 * bpf_object__open_mem, a walk over its programs and maps, xdp_program__create
 * for each XDP program. Returns 0 when the object may be parsed for real, else
 * records XDPL_ERR_NOFILE "LABEL: malformed object (...)" and returns -errno.
 */
int objcheck_parse(const char *label, const void *buf, size_t len,
		   const struct bpf_object_open_opts *opts);

/* libbpf's words for its error codes (4001 "BPF object format invalid"), else strerror. */
const char *objcheck_strerror(int err);

#endif

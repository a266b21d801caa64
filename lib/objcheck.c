// SPDX-License-Identifier: GPL-2.0-only
/*
 * Why a fork: libbpf 1.1 and libxdp 1.3 parse ELF and BTF on the assumption
 * that the compiler wrote them, and some malformed objects crash them (SIGSEGV
 * in bpf_object__open_mem, xdp_program__create). xdpload cannot fix or catch
 * that in-process, so it lets a child take the risk first. xdpload has no
 * threads, so the child of fork() is a full copy with nothing held; it only
 * reads its copy of the bytes and then _exits, touching no interface, pin or
 * state file (it inherits the parent's descriptors but does not use them;
 * libbpf's open does not touch the kernel or bpffs, and its trial relocation
 * only probes the kernel's features, with no pins).
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <xdp/libxdp.h>
#include "error.h"
#include "objcheck.h"
#include "objfile.h"

/* The child's exit statuses: fn's own; a sanitizer's report exits 1, so none is 1. */
#define CHILD_PARSED 0
#define CHILD_REFUSED 3 /* libbpf returned an error: the real open reports it */
#define CHILD_STATUS_MAX 125

static int stage_fd = -1;

void objcheck_stage(const char *stage)
{
	char line[32];
	int n;

	if (stage_fd < 0)
		return;
	n = snprintf(line, sizeof(line), "%.30s\n", stage);
	if (write(stage_fd, line, n) < 0)
		return; /* the parent reads what it can; nothing to do about it here */
}

static unsigned int now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000U + ts.tv_nsec / 1000000;
}

/* Present only in a sanitizer build (make check-asan, the fuzzers). */
void __sanitizer_set_death_callback(void (*callback)(void)) __attribute__((weak));
void __sanitizer_set_report_path(const char *path) __attribute__((weak));

/* A sanitizer that caught libbpf in the child: the same death as without one. */
static void die_by_abort(void)
{
	signal(SIGABRT, SIG_DFL);
	raise(SIGABRT);
}

/*
 * Set the child up so that a crash is a plain signal death the parent sees:
 * a sanitizer's or libFuzzer's handler would turn SIGSEGV into a report and
 * an exit status, and a core file per malformed object helps nobody.
 */
static void child_setup(pid_t parent)
{
	static const int deadly[] = { SIGSEGV, SIGBUS, SIGILL, SIGFPE, SIGABRT, SIGTRAP, SIGSYS };
	sigset_t set;
	unsigned int i;
	int fd;

	sigemptyset(&set);
	for (i = 0; i < sizeof(deadly) / sizeof(deadly[0]); i++) {
		signal(deadly[i], SIG_DFL);
		sigaddset(&set, deadly[i]);
	}
	sigprocmask(SIG_UNBLOCK, &set, NULL);
	prctl(PR_SET_DUMPABLE, 0);
	/* glibc's "double free detected" and the like: the parent says what happened */
	fd = open("/dev/null", O_WRONLY | O_CLOEXEC);
	if (fd >= 0) {
		dup2(fd, STDERR_FILENO);
		close(fd);
	}
	/* its report is about libbpf's bug, not ours: no log file, and a SIGABRT */
	if (__sanitizer_set_report_path)
		__sanitizer_set_report_path("stderr");
	if (__sanitizer_set_death_callback)
		__sanitizer_set_death_callback(die_by_abort);
	/* an xdpload killed while it waits must not leave the child running */
	prctl(PR_SET_PDEATHSIG, SIGKILL);
	if (getppid() != parent)
		_exit(CHILD_STATUS_MAX);
}

/* Read the child's stage lines until it exits (EOF) or the deadline; 0 or -ETIMEDOUT. */
static int wait_eof(int fd, unsigned int start, unsigned int timeout_ms, char *stage, size_t sz)
{
	char buf[256], *nl, *line;
	struct pollfd p = { .fd = fd, .events = POLLIN };
	unsigned int spent;
	ssize_t got;
	int n;

	for (;;) {
		spent = now_ms() - start;
		if (spent >= timeout_ms)
			return -ETIMEDOUT;
		n = poll(&p, 1, timeout_ms - spent);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return n ? -errno : -ETIMEDOUT;
		got = read(fd, buf, sizeof(buf) - 1);
		if (got < 0 && errno == EINTR)
			continue;
		if (got <= 0)
			return 0;
		buf[got] = '\0';
		/* the last whole line is the stage (stage lines are short, so they come whole) */
		for (line = buf; (nl = strchr(line, '\n')); line = nl + 1) {
			*nl = '\0';
			snprintf(stage, sz, "%.*s", (int)sz - 1, line);
		}
	}
}

int objcheck_fork(int (*fn)(void *arg), void *arg, unsigned int timeout_ms,
		  struct objcheck_result *res)
{
	struct sigaction dfl = { .sa_handler = SIG_DFL }, old;
	pid_t parent = getpid(), pid;
	int fds[2], status, err;
	unsigned int start;

	memset(res, 0, sizeof(*res));
	if (pipe2(fds, O_CLOEXEC)) {
		res->verdict = OBJCHECK_NOCHILD;
		res->err = errno;
		return 0;
	}
	/* with SIGCHLD ignored (inherited across exec) the child could not be waited for */
	sigaction(SIGCHLD, &dfl, &old);
	start = now_ms();
	pid = fork();
	if (pid == 0) {
		close(fds[0]);
		stage_fd = fds[1];
		child_setup(parent);
		status = fn(arg);
		_exit(status >= 0 && status <= CHILD_STATUS_MAX ? status : CHILD_STATUS_MAX);
	}
	err = errno;
	close(fds[1]);
	if (pid < 0) {
		close(fds[0]);
		sigaction(SIGCHLD, &old, NULL);
		res->verdict = OBJCHECK_NOCHILD;
		res->err = err;
		return 0;
	}
	if (wait_eof(fds[0], start, timeout_ms, res->stage, sizeof(res->stage))) {
		kill(pid, SIGKILL);
		res->verdict = OBJCHECK_TIMEOUT;
	}
	close(fds[0]);
	while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
		;
	res->ms = now_ms() - start;
	sigaction(SIGCHLD, &old, NULL);
	if (res->verdict == OBJCHECK_TIMEOUT)
		return 0;
	if (WIFSIGNALED(status)) {
		res->verdict = OBJCHECK_SIGNAL;
		res->sig = WTERMSIG(status);
	} else if (WEXITSTATUS(status) != CHILD_PARSED && WEXITSTATUS(status) != CHILD_REFUSED) {
		res->verdict = OBJCHECK_EXIT;
		res->status = WEXITSTATUS(status);
	}
	return 0;
}

struct parse_arg {
	const void *buf;
	size_t len;
	const struct bpf_object_open_opts *opts;
};

/*
 * In the child: the relocations libbpf does at load, without the kernel. Some
 * malformed relocation sections make libbpf 1.1 free a buffer it frees again
 * at close (reallocarray to 0 entries on the call relocation path). libbpf's
 * loader generator (gen_loader) relocates as a real load does but records the
 * map and program loads instead of making them; pins are dropped first, so
 * nothing reaches bpffs. Untyped programs are typed XDP, as component_open
 * types the one it loads.
 */
static void trial_relocate(struct bpf_object *obj)
{
	LIBBPF_OPTS(gen_loader_opts, gen);
	struct bpf_program *prog;
	struct bpf_map *map;

	objcheck_stage("relocation");
	bpf_object__for_each_map (map, obj)
		bpf_map__set_pin_path(map, NULL);
	bpf_object__for_each_program (prog, obj)
		if (bpf_program__type(prog) == BPF_PROG_TYPE_UNSPEC)
			bpf_program__set_type(prog, BPF_PROG_TYPE_XDP);
	if (!bpf_object__gen_loader(obj, &gen))
		bpf_object__load(obj);
}

/*
 * The loader generator leaves CO-RE relocations to the kernel, so libbpf's own
 * (which a damaged BTF can crash) never ran: for an object that has them, a
 * real load here too. Its maps and programs live in this child only, and die
 * with it; pins were dropped.
 */
static void trial_core(const struct parse_arg *a)
{
	struct bpf_object *obj;
	struct bpf_program *prog;
	struct bpf_map *map;

	if (!objfile_has_core_relos(a->buf, a->len))
		return;
	obj = bpf_object__open_mem(a->buf, a->len, a->opts);
	if (libbpf_get_error(obj))
		return;
	bpf_object__for_each_map (map, obj)
		bpf_map__set_pin_path(map, NULL);
	bpf_object__for_each_program (prog, obj)
		if (bpf_program__type(prog) == BPF_PROG_TYPE_UNSPEC)
			bpf_program__set_type(prog, BPF_PROG_TYPE_XDP);
	bpf_object__load(obj);
	bpf_object__close(obj);
}

/* In the child: what component_open and the backends ask of an opened object. */
static int trial_parse(void *p)
{
	const struct parse_arg *a = p;
	struct bpf_object *obj;
	struct bpf_program *prog;
	struct bpf_map *map;
	struct xdp_program *xp;
	volatile size_t sink = 0;
	int act;

	/* the real open prints libbpf's warnings once; the trial stays silent */
	libbpf_set_print(NULL);
	libxdp_set_print(NULL);
	objcheck_stage("libbpf");
	obj = bpf_object__open_mem(a->buf, a->len, a->opts);
	if (libbpf_get_error(obj))
		return CHILD_REFUSED;
	bpf_object__for_each_program (prog, obj) {
		sink += strlen(bpf_program__name(prog)) + strlen(bpf_program__section_name(prog));
		sink += bpf_program__type(prog) + bpf_program__insn_cnt(prog);
	}
	bpf_object__for_each_map (map, obj) {
		sink += strlen(bpf_map__name(map)) + bpf_map__type(map) + bpf_map__key_size(map);
		sink += bpf_map__value_size(map) + bpf_map__max_entries(map);
	}
	bpf_object__for_each_program (prog, obj) {
		DECLARE_LIBXDP_OPTS(xdp_program_opts, xo, .obj = obj,
				    .prog_name = bpf_program__name(prog));

		if (bpf_program__type(prog) != BPF_PROG_TYPE_XDP)
			continue;
		objcheck_stage("libxdp");
		xp = xdp_program__create(&xo);
		if (libxdp_get_error(xp))
			continue;
		sink += xdp_program__run_prio(xp);
		for (act = 0; act <= XDP_REDIRECT; act++)
			sink += xdp_program__chain_call_enabled(xp, act);
		xdp_program__close(xp);
	}
	/* the stage stays: a relocation's damage shows when close frees it */
	trial_relocate(obj);
	bpf_object__close(obj);
	trial_core(a);
	(void)sink;
	return CHILD_PARSED;
}

const char *objcheck_strerror(int err)
{
	static char buf[128];

	if (libbpf_strerror(err, buf, sizeof(buf)))
		snprintf(buf, sizeof(buf), "%s", strerror(err < 0 ? -err : err));
	return buf;
}

static void signame(int sig, char *out, size_t sz)
{
	const char *abbrev = sigabbrev_np(sig);

	if (abbrev)
		snprintf(out, sz, "SIG%s", abbrev);
	else
		snprintf(out, sz, "signal %d", sig);
}

int objcheck_parse(const char *label, const void *buf, size_t len,
		   const struct bpf_object_open_opts *opts)
{
	struct parse_arg a = { buf, len, opts };
	struct objcheck_result r;
	const char *who;
	char sig[32];

	objcheck_fork(trial_parse, &a, XDPL_OBJCHECK_TIMEOUT_MS, &r);
	who = !strcmp(r.stage, "libxdp")       ? "libxdp crashed reading its metadata"
	      : !strcmp(r.stage, "relocation") ? "libbpf crashed relocating it"
					       : "libbpf crashed parsing it";
	switch (r.verdict) {
	case OBJCHECK_OK:
		return 0;
	case OBJCHECK_SIGNAL:
		signame(r.sig, sig, sizeof(sig));
		return xdpl_err(XDPL_ERR_NOFILE, EINVAL, "%s: malformed object (%s: %s)", label,
				who, sig);
	case OBJCHECK_TIMEOUT:
		return xdpl_err(XDPL_ERR_NOFILE, ETIMEDOUT,
				"%s: malformed object (parsing it took longer than %u s)", label,
				XDPL_OBJCHECK_TIMEOUT_MS / 1000);
	case OBJCHECK_EXIT:
		return xdpl_err(XDPL_ERR_NOFILE, EINVAL,
				"%s: malformed object (%s: exit status %d)", label,
				!strcmp(r.stage, "libxdp") ? "libxdp failed reading its metadata"
							   : "libbpf failed parsing it",
				r.status);
	case OBJCHECK_NOCHILD:
	default:
		/* unchecked, the object could crash xdpload: refuse rather than risk it */
		return xdpl_err(XDPL_ERR_FAIL, r.err, "%s: cannot check the object: fork: %s",
				label, strerror(r.err));
	}
}

// SPDX-License-Identifier: GPL-2.0-only
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <bpf/bpf.h>
#include "error.h"
#include "linked/capture.h"
#include "linked/emit.h"
#include "verifier_log.h"

#define COOKIE_FRAGS 1
#define STANDALONE_LOG_SZ (4u << 20)
#define STATS_LOG_SZ (16u << 10) /* the statistics lines only: 256 functions' depths fit */
#ifndef BPF_LOG_STATS
#define BPF_LOG_STATS 4 /* the kernel's: only the verifier's statistics in the log */
#endif

enum slot_state { SLOT_ARMED, SLOT_CAPTURED, SLOT_FAILED };

struct slot {
	const struct bpf_program *prog;
	enum slot_state state;
	int err;
	struct linked_prog *lp;
	struct slot *next;
};

static struct slot *slots;
static bool registered;

static struct slot *slot_find(const struct bpf_program *prog)
{
	struct slot *s;

	for (s = slots; s; s = s->next)
		if (s->prog == prog)
			return s;
	return NULL;
}

void linked_prog_free(struct linked_prog *lp)
{
	if (!lp)
		return;
	if (lp->btf_fd >= 0)
		close(lp->btf_fd);
	free(lp->insns);
	free(lp->func_info);
	free(lp->line_info);
	free(lp->func_stack);
	free(lp);
}

/* "stack depth 16+0+32" from the verifier's statistics into depths[max]; count or -ENOENT */
static int parse_stack_depths(const char *log, __u32 *depths, __u32 max)
{
	const char *p = strstr(log, "stack depth ");
	__u32 n = 0;
	char *end;

	if (!p)
		return -ENOENT;
	p += strlen("stack depth ");
	for (;;) {
		unsigned long v = strtoul(p, &end, 10);

		if (end == p || n == max)
			return -ENOENT;
		depths[n++] = (__u32)v;
		if (*end != '+')
			return (int)n;
		p = end + 1;
	}
}

static void load_opts_of(const struct linked_prog *lp, struct bpf_prog_load_opts *o)
{
	o->expected_attach_type = lp->expected_attach_type;
	o->prog_flags = lp->prog_flags;
	o->kern_version = lp->kern_version;
	if (lp->btf_fd >= 0 && lp->func_info_cnt) {
		o->prog_btf_fd = lp->btf_fd;
		o->func_info = lp->func_info;
		o->func_info_cnt = lp->func_info_cnt;
		o->func_info_rec_size = sizeof(*lp->func_info);
		if (lp->line_info_cnt) {
			o->line_info = lp->line_info;
			o->line_info_cnt = lp->line_info_cnt;
			o->line_info_rec_size = sizeof(*lp->line_info);
		}
	}
}

/* Load lp with the statistics log; the depths go to depths[max], their count to *cnt. */
static int load_with_stats(const struct linked_prog *lp, __u32 *depths, __u32 max, int *cnt)
{
	LIBBPF_OPTS(bpf_prog_load_opts, o, .log_level = BPF_LOG_STATS, .log_size = STATS_LOG_SZ);
	char *log = calloc(1, STATS_LOG_SZ);
	int fd;

	*cnt = -ENOMEM;
	if (!log)
		return -ENOMEM;
	load_opts_of(lp, &o);
	o.log_buf = log;
	fd = bpf_prog_load(BPF_PROG_TYPE_XDP, lp->name, linked_license(lp->gpl_compatible),
			   lp->insns, lp->insn_cnt, &o);
	if (fd < 0)
		fd = -errno;
	else
		*cnt = parse_stack_depths(log, depths, max);
	free(log);
	return fd;
}

int linked_prog_stack_depths(const struct linked_prog *lp, __u32 *depths, __u32 max)
{
	int fd, cnt;

	if (lp->func_stack) {
		if (lp->func_stack_cnt > max)
			return -E2BIG;
		memcpy(depths, lp->func_stack, lp->func_stack_cnt * sizeof(*depths));
		return (int)lp->func_stack_cnt;
	}
	fd = load_with_stats(lp, depths, max, &cnt);
	if (fd < 0)
		return fd;
	close(fd);
	return cnt;
}

/* Records may come with a larger rec_size than ours (newer kernels' fields). */
static void *copy_recs(const void *src, __u32 cnt, __u32 src_sz, __u32 dst_sz)
{
	__u32 i, n = src_sz < dst_sz ? src_sz : dst_sz;
	char *dst;

	dst = calloc(cnt ? cnt : 1, dst_sz);
	if (!dst)
		return NULL;
	for (i = 0; i < cnt; i++)
		memcpy(dst + (size_t)i * dst_sz, (const char *)src + (size_t)i * src_sz, n);
	return dst;
}

static int copy_prog(struct bpf_program *prog, const struct bpf_prog_load_opts *o,
		     struct linked_prog **out)
{
	struct linked_prog *lp = calloc(1, sizeof(*lp));
	__u32 cnt = bpf_program__insn_cnt(prog);

	if (!lp)
		return -ENOMEM;
	lp->btf_fd = -1;
	snprintf(lp->name, sizeof(lp->name), "%s", bpf_program__name(prog));
	lp->insns = malloc(cnt * sizeof(*lp->insns));
	if (!lp->insns)
		goto nomem;
	memcpy(lp->insns, bpf_program__insns(prog), cnt * sizeof(*lp->insns));
	lp->insn_cnt = cnt;
	if (o->func_info && o->func_info_cnt) {
		lp->func_info = copy_recs(o->func_info, o->func_info_cnt, o->func_info_rec_size,
					  sizeof(*lp->func_info));
		if (!lp->func_info)
			goto nomem;
		lp->func_info_cnt = o->func_info_cnt;
	}
	if (o->line_info && o->line_info_cnt) {
		lp->line_info = copy_recs(o->line_info, o->line_info_cnt, o->line_info_rec_size,
					  sizeof(*lp->line_info));
		if (!lp->line_info)
			goto nomem;
		lp->line_info_cnt = o->line_info_cnt;
	}
	/* the object's BTF fd dies with the object; ours lives as long as lp */
	if (o->prog_btf_fd > 0) {
		lp->btf_fd = fcntl(o->prog_btf_fd, F_DUPFD_CLOEXEC, 3);
		if (lp->btf_fd < 0) {
			int err = -errno;

			linked_prog_free(lp);
			return err;
		}
	}
	lp->prog_flags = o->prog_flags;
	lp->expected_attach_type = o->expected_attach_type;
	lp->kern_version = o->kern_version;
	*out = lp;
	return 0;
nomem:
	linked_prog_free(lp);
	return -ENOMEM;
}

static int prepare_load(struct bpf_program *prog, struct bpf_prog_load_opts *opts, long cookie)
{
	static const struct bpf_insn stub[] = {
		BPF_MOV64_IMM(BPF_REG_0, XDP_PASS),
		BPF_EXIT_INSN(),
	};
	struct slot *s;
	int err;

	/* what libbpf's own "xdp.frags" handler does */
	if (cookie & COOKIE_FRAGS)
		opts->prog_flags |= BPF_F_XDP_HAS_FRAGS;
	s = slot_find(prog);
	if (!s || s->state != SLOT_ARMED)
		return 0;
	err = copy_prog(prog, opts, &s->lp);
	if (err) {
		/* let the stub load anyway: failing here would unload the maps */
		s->state = SLOT_FAILED;
		s->err = err;
	} else {
		s->state = SLOT_CAPTURED;
	}
	err = bpf_program__set_insns(prog, (struct bpf_insn *)stub, 2);
	if (err)
		return err;
	opts->func_info = NULL;
	opts->func_info_cnt = 0;
	opts->line_info = NULL;
	opts->line_info_cnt = 0;
	return 0;
}

int linked_capture_init(void)
{
	LIBBPF_OPTS(libbpf_prog_handler_opts, o, .prog_prepare_load_fn = prepare_load);
	int id;

	/*
	 * Never unregistered: libbpf keeps pointers into its handler array in
	 * every open program, and the array is reallocated on (un)registering.
	 */
	if (registered)
		return 0;
	o.cookie = 0;
	id = libbpf_register_prog_handler("xdp", BPF_PROG_TYPE_XDP, BPF_XDP, &o);
	if (id < 0)
		return id;
	o.cookie = COOKIE_FRAGS;
	id = libbpf_register_prog_handler("xdp.frags", BPF_PROG_TYPE_XDP, BPF_XDP, &o);
	if (id < 0)
		return id;
	/*
	 * Sections libbpf does not know (SEC("xdp_drop"), SEC("prog")): the fallback
	 * leaves them untyped, as libbpf does, so only a program component.c typed
	 * XDP loads, and it reaches prepare_load like any other.
	 */
	o.cookie = 0;
	id = libbpf_register_prog_handler(NULL, BPF_PROG_TYPE_UNSPEC, 0, &o);
	if (id < 0 && id != -EBUSY)
		return id;
	registered = true;
	return 0;
}

int linked_capture_arm(struct bpf_program *prog)
{
	struct slot *s;

	if (!registered)
		return xdpl_err(XDPL_ERR_FAIL, EINVAL,
				"%s: linked_capture_init() was not called before opening it",
				bpf_program__name(prog));
	if (bpf_program__type(prog) != BPF_PROG_TYPE_XDP)
		return xdpl_err(XDPL_ERR_CHAIN, EOPNOTSUPP, "%s: not an XDP program (section '%s')",
				bpf_program__name(prog), bpf_program__section_name(prog));
	linked_capture_disarm(prog);
	s = calloc(1, sizeof(*s));
	if (!s)
		return -ENOMEM;
	s->prog = prog;
	s->state = SLOT_ARMED;
	s->next = slots;
	slots = s;
	return 0;
}

void linked_capture_disarm(const struct bpf_program *prog)
{
	struct slot **pp, *s;

	for (pp = &slots; (s = *pp); pp = &s->next) {
		if (s->prog != prog)
			continue;
		*pp = s->next;
		linked_prog_free(s->lp);
		free(s);
		return;
	}
}

static int stub_gpl_compatible(struct bpf_program *prog, bool *gpl)
{
	struct bpf_prog_info info = {};
	__u32 len = sizeof(info);
	int fd = bpf_program__fd(prog);

	if (fd < 0)
		return -ENOENT;
	if (bpf_obj_get_info_by_fd(fd, &info, &len))
		return -errno;
	*gpl = info.gpl_compatible;
	return 0;
}

int linked_capture_take(struct bpf_program *prog, struct linked_prog **out)
{
	struct slot *s = slot_find(prog);
	const char *name = bpf_program__name(prog);
	int err;

	if (!s)
		return xdpl_err(XDPL_ERR_FAIL, ENOENT, "%s: was not armed for capture", name);
	if (s->state == SLOT_ARMED) {
		linked_capture_disarm(prog);
		return xdpl_err(XDPL_ERR_FAIL, ENOENT,
				"%s: libbpf did not hand the program over (was its object "
				"opened before linked_capture_init()?)",
				name);
	}
	if (s->state == SLOT_FAILED) {
		err = s->err;
		linked_capture_disarm(prog);
		return xdpl_err(XDPL_ERR_FAIL, err, "%s: cannot copy the program: %s", name,
				strerror(-err));
	}
	/* the stub carries the object's license: the kernel's verdict on it is ours */
	err = stub_gpl_compatible(prog, &s->lp->gpl_compatible);
	if (err) {
		linked_capture_disarm(prog);
		return xdpl_err(XDPL_ERR_FAIL, err, "%s: cannot read its license: %s", name,
				strerror(-err));
	}
	*out = s->lp;
	s->lp = NULL;
	linked_capture_disarm(prog);
	return 0;
}

int linked_prog_load_standalone(struct linked_prog *lp, const char *label)
{
	LIBBPF_OPTS(bpf_prog_load_opts, o);
	const char *lic = linked_license(lp->gpl_compatible);
	__u32 *depths = calloc(lp->insn_cnt, sizeof(*depths));
	char *log;
	int fd, err, cnt;

	if (!depths)
		return -ENOMEM;
	/* the statistics cost nothing and give the stack depths inlining needs */
	fd = load_with_stats(lp, depths, lp->insn_cnt, &cnt);
	if (fd >= 0) {
		free(lp->func_stack);
		lp->func_stack = cnt > 0 ? depths : NULL;
		lp->func_stack_cnt = cnt > 0 ? (__u32)cnt : 0;
		if (cnt <= 0)
			free(depths);
		return fd;
	}
	free(depths);
	err = fd;
	load_opts_of(lp, &o);
	/* again, with the log: only failures pay for it */
	log = malloc(STANDALONE_LOG_SZ);
	if (log) {
		log[0] = '\0';
		o.log_buf = log;
		o.log_size = STANDALONE_LOG_SZ;
		o.log_level = 1;
		fd = bpf_prog_load(BPF_PROG_TYPE_XDP, lp->name, lic, lp->insns, lp->insn_cnt, &o);
		if (fd >= 0) { /* flaky first failure (e.g. -EAGAIN): take the program */
			free(log);
			return fd;
		}
	}
	/* the verifier answers EACCES/EPERM too, but always with a log */
	if ((err == -EPERM || err == -EACCES) && (!log || !log[0]))
		err = xdpl_err(XDPL_ERR_PERM, err,
			       "%s: the kernel refused to load it: %s (run as root, or "
			       "with CAP_BPF and CAP_NET_ADMIN)",
			       label, strerror(-err));
	else
		err = xdpl_err(XDPL_ERR_VERIFIER, err, "%s: rejected by the kernel verifier (%s)",
			       label, strerror(-err));
	if (log)
		verifier_log_attach(log);
	free(log);
	return err;
}

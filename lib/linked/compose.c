// SPDX-License-Identifier: GPL-2.0-only
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include <xdpload/dispatcher.h>
#include "error.h"
#include "linked/btf.h"
#include "linked/compose.h"
#include "linked/emit.h"
#include "percpu.h"
#include "verifier_log.h"

#define COMPOSE_LOG_SZ (8u << 20)
#define MAX_HELPERS 256
#define PROBE_LOG_SZ 4096

/* ---- GPL-only helpers, as this kernel sees them ---- */

enum { HELPER_UNKNOWN, HELPER_GPL_ONLY, HELPER_FREE };
static unsigned char helper_kind[1024];

/* The kernel checks a helper's license before its arguments: call it alone. */
static bool helper_is_gpl_only(__u32 id)
{
	struct bpf_insn prog[] = {
		BPF_EMIT_CALL(id),
		BPF_EXIT_INSN(),
	};
	char log[PROBE_LOG_SZ] = "";
	LIBBPF_OPTS(bpf_prog_load_opts, o, .log_buf = log, .log_size = sizeof(log), .log_level = 1);
	int fd;

	if (id < sizeof(helper_kind) && helper_kind[id])
		return helper_kind[id] == HELPER_GPL_ONLY;
	fd = bpf_prog_load(BPF_PROG_TYPE_XDP, "xdpl_probe", "Proprietary", prog, 2, &o);
	if (fd >= 0)
		close(fd);
	if (id < sizeof(helper_kind))
		helper_kind[id] = strstr(log, "GPL-restricted") ? HELPER_GPL_ONLY : HELPER_FREE;
	return strstr(log, "GPL-restricted") != NULL;
}

static int check_license(const struct linked_input *in, unsigned int n)
{
	const char *nongpl = NULL;
	__u32 ids[MAX_HELPERS];
	unsigned int i;
	int k, cnt;

	for (i = 0; i < n && !nongpl; i++)
		if (!in[i].prog->gpl_compatible)
			nongpl = in[i].label;
	if (!nongpl)
		return 0;
	for (i = 0; i < n; i++) {
		cnt = linked_insn_helpers(in[i].prog->insns, in[i].prog->insn_cnt, ids,
					  MAX_HELPERS);
		for (k = 0; k < cnt; k++) {
			if (!helper_is_gpl_only(ids[k]))
				continue;
			return xdpl_err(
				XDPL_ERR_CHAIN, EPERM,
				"%s: calls GPL-only helper #%u, but %s is not GPL-compatible and "
				"the "
				"chain runs as one program under one license (give %s a "
				"GPL-compatible license, or load them on different interfaces)",
				in[i].label, ids[k], nongpl, nongpl);
		}
	}
	return 0;
}

/* ---- preflight ---- */

static int check_frags(const struct linked_input *in, unsigned int n)
{
	unsigned int i, with = 0;
	const char *a_with = NULL, *a_without = NULL;

	for (i = 0; i < n; i++) {
		if (in[i].prog->prog_flags & BPF_F_XDP_HAS_FRAGS) {
			with++;
			a_with = a_with ?: in[i].label;
		} else {
			a_without = a_without ?: in[i].label;
		}
	}
	if (!with || with == n)
		return 0;
	return xdpl_err(XDPL_ERR_CHAIN, EINVAL,
			"%s: not built for multi-buffer packets (SEC(\"xdp.frags\")) but "
			"%s is; the chain handles frags only if every program does",
			a_without, a_with);
}

static int check_one(const struct linked_input *c, unsigned int *funcs)
{
	const struct linked_prog *p = c->prog;
	__u32 *starts;
	int depth, k;

	if (!p || !p->insn_cnt)
		return xdpl_err(XDPL_ERR_CHAIN, EINVAL, "%s: no program captured", c->label);
	k = linked_insn_find_module_kfunc(p->insns, p->insn_cnt);
	if (k >= 0)
		return xdpl_err(XDPL_ERR_CHAIN, EOPNOTSUPP,
				"%s: calls a kfunc from a kernel module (insn %d), which the "
				"linked dispatcher cannot chain (only vmlinux kfuncs)",
				c->label, k);
	depth = linked_insn_call_depth(p->insns, p->insn_cnt);
	if (depth < 0)
		return xdpl_err(XDPL_ERR_CHAIN, depth, "%s: cannot follow its calls (%s)", c->label,
				strerror(-depth));
	if (depth > LINKED_MAX_COMP_DEPTH)
		return xdpl_err(XDPL_ERR_CHAIN, E2BIG,
				"%s: nests calls %d frames deep; in a chain a program may use "
				"%d (the dispatcher takes one of the kernel's %d)",
				c->label, depth, LINKED_MAX_COMP_DEPTH, LINKED_MAX_FRAMES);
	starts = calloc(p->insn_cnt, sizeof(*starts));
	if (!starts)
		return -ENOMEM;
	k = linked_insn_funcs(p->insns, p->insn_cnt, starts, (int)p->insn_cnt);
	free(starts);
	if (k < 0)
		return xdpl_err(XDPL_ERR_CHAIN, k, "%s: malformed calls", c->label);
	*funcs += k;
	return 0;
}

static __u32 map_id(int fd)
{
	struct bpf_map_info info = {};
	__u32 len = sizeof(info);

	return bpf_obj_get_info_by_fd(fd, &info, &len) ? 0 : info.id;
}

/*
 * Distinct maps across the chain (the same map may be referenced through several
 * fds), plus extra; *over names the component with which the total first passes
 * the kernel's limit.
 */
static int count_maps(const struct linked_input *in, unsigned int n, int extra, const char **over)
{
	__u32 ids[LINKED_MAX_MAPS * 4];
	int fds[LINKED_MAX_MAPS * 4], cnt, k, j, total = 0;
	unsigned int i;

	*over = NULL;
	for (i = 0; i < n; i++) {
		cnt = linked_insn_map_fds(in[i].prog->insns, in[i].prog->insn_cnt, fds,
					  LINKED_MAX_MAPS * 4);
		for (k = 0; k < cnt; k++) {
			__u32 id = map_id(fds[k]);

			for (j = 0; j < total && (!id || ids[j] != id); j++)
				;
			if (j < total)
				continue;
			if (total == LINKED_MAX_MAPS * 4)
				return total + extra;
			ids[total++] = id;
			if (!*over && total + extra > LINKED_MAX_MAPS)
				*over = in[i].label;
		}
	}
	return total + extra;
}

int linked_compose_check(const struct linked_input *in, unsigned int n, bool counters)
{
	unsigned int i, funcs = 1;
	const char *last = NULL;
	int err, maps;

	if (!n)
		return xdpl_err(XDPL_ERR_CHAIN, EINVAL, "no program to chain");
	if (n > LINKED_MAX_COMPONENTS)
		return xdpl_err(XDPL_ERR_CHAIN, E2BIG,
				"%u programs: the linked dispatcher chains at most %d", n,
				LINKED_MAX_COMPONENTS);
	for (i = 0; i < n; i++) {
		err = check_one(&in[i], &funcs);
		if (err)
			return err;
		if (funcs > LINKED_MAX_FUNCS)
			return xdpl_err(XDPL_ERR_CHAIN, E2BIG,
					"%s: with it the chain has %u functions; the kernel "
					"allows %d per program (the dispatcher is one)",
					in[i].label, funcs, LINKED_MAX_FUNCS);
	}
	err = check_frags(in, n);
	if (err)
		return err;
	/* with counters the dispatcher uses two: the counters and their key */
	maps = count_maps(in, n, counters ? 2 : 0, &last);
	if (maps > LINKED_MAX_MAPS)
		return xdpl_err(XDPL_ERR_CHAIN, E2BIG,
				"%s: with it the chain needs more than the kernel's %d maps "
				"per program (%d in all; global data sections count as "
				"maps%s)",
				last, LINKED_MAX_MAPS, maps,
				counters ? ", the dispatcher's counters as two" : "");
	return check_license(in, n);
}

/* ---- counters ---- */

/* The counters' lookup key (0) as a map value: read-only for programs, frozen. */
static int key_map_create(void)
{
	LIBBPF_OPTS(bpf_map_create_opts, o, .map_flags = BPF_F_RDONLY_PROG);
	int fd = bpf_map_create(BPF_MAP_TYPE_ARRAY, XDPL_DISP_KEY_MAP_NAME, sizeof(__u32),
				sizeof(__u32), 1, &o);

	if (fd < 0)
		return -errno;
	if (bpf_map_freeze(fd)) {
		int err = -errno;

		close(fd);
		return err;
	}
	return fd;
}

int linked_counters_create(unsigned int n)
{
	int fd;

	if (!n || n > LINKED_MAX_COMPONENTS)
		return -EINVAL;
	fd = bpf_map_create(BPF_MAP_TYPE_PERCPU_ARRAY, XDPL_DISP_COUNTERS_MAP_NAME, sizeof(__u32),
			    n * XDPL_DISP_STRIDE, 1, NULL);
	return fd < 0 ? -errno : fd;
}

int linked_counters_read(int map_fd, unsigned int idx, __u64 *packets)
{
	struct bpf_map_info info = {};
	__u32 len = sizeof(info), key = 0;
	int ncpu, cpu, s;
	char *vals;

	if (bpf_obj_get_info_by_fd(map_fd, &info, &len))
		return -errno;
	if ((idx + 1) * XDPL_DISP_STRIDE > info.value_size)
		return -ERANGE;
	vals = percpu_lookup(map_fd, &key, info.value_size, &ncpu);
	if (!vals)
		return -errno;
	memset(packets, 0, XDPL_DISP_STRIDE);
	for (cpu = 0; cpu < ncpu; cpu++) {
		const __u64 *v = (const __u64 *)(vals + cpu * PERCPU_STRIDE(info.value_size)) +
				 idx * XDPL_DISP_SLOTS;

		for (s = 0; s < XDPL_DISP_SLOTS; s++)
			packets[s] += v[s];
	}
	free(vals);
	return 0;
}

static int counters_fit(int fd, unsigned int nslots)
{
	struct bpf_map_info info = {};
	__u32 len = sizeof(info);

	if (bpf_obj_get_info_by_fd(fd, &info, &len))
		return -errno;
	if (info.type != BPF_MAP_TYPE_PERCPU_ARRAY || info.max_entries < 1 ||
	    info.value_size < nslots * XDPL_DISP_STRIDE)
		return -EINVAL;
	return 0;
}

/* ---- composing ---- */

struct build {
	struct linked_gen_comp gen[LINKED_MAX_COMPONENTS];
	unsigned int slots[LINKED_MAX_COMPONENTS];
	struct linked_gen_counters cnt_cfg;
	int key_fd;
	const struct bpf_insn *insns[LINKED_MAX_COMPONENTS];
	struct btf *btfs[LINKED_MAX_COMPONENTS];
	struct linked_btf_comp bc[LINKED_MAX_COMPONENTS];
	struct linked_btf merged;
	struct bpf_insn *prog;
	__u32 cnt;
	char *log;
};

static void build_free(struct build *b, unsigned int n)
{
	unsigned int i;

	for (i = 0; i < n; i++)
		btf__free(b->btfs[i]);
	/* the program holds its own reference to the key map */
	if (b->key_fd >= 0)
		close(b->key_fd);
	linked_btf_free(&b->merged);
	free(b->prog);
	free(b->log);
	free(b);
}

static int merge_btf(struct build *b, const struct linked_input *in, unsigned int n,
		     const __u32 *bases, const char *name)
{
	unsigned int i;
	int err;

	for (i = 0; i < n; i++) {
		const struct linked_prog *p = in[i].prog;
		struct linked_btf_comp *c = &b->bc[i];

		if (p->btf_fd >= 0 && p->func_info_cnt) {
			err = linked_btf_from_fd(p->btf_fd, &b->btfs[i]);
			if (err)
				return xdpl_err(XDPL_ERR_CHAIN, err,
						"%s: cannot read its BTF back from the kernel: %s",
						in[i].label, strerror(-err));
		}
		c->name = p->name;
		c->btf = b->btfs[i];
		c->func_info = p->func_info;
		c->func_info_cnt = b->btfs[i] ? p->func_info_cnt : 0;
		c->line_info = p->line_info;
		c->line_info_cnt = b->btfs[i] ? p->line_info_cnt : 0;
		c->insns = p->insns;
		c->insn_cnt = p->insn_cnt;
		c->base = bases[i];
	}
	err = linked_btf_merge(b->bc, n, name, &b->merged);
	if (err)
		return err;
	err = btf__load_into_kernel(b->merged.btf);
	if (err)
		return xdpl_err(XDPL_ERR_CHAIN, err,
				"the kernel refused the chain's merged BTF: %s", strerror(-err));
	return 0;
}

/* The component whose code holds insn, from the last "N: (..)" line of the log. */
static int blame(const char *log, const __u32 *bases, unsigned int n, __u32 disp_len)
{
	const char *p = log, *nl;
	long insn = -1;
	unsigned int i;

	for (; p && *p; p = nl ? nl + 1 : NULL) {
		char *end;
		long v = strtol(p, &end, 10);

		nl = strchr(p, '\n');
		if (end != p && end[0] == ':' && end[1] == ' ' && end[2] == '(')
			insn = v;
	}
	if (insn < (long)disp_len)
		return -1;
	for (i = n; i-- > 0;)
		if ((__u32)insn >= bases[i])
			return (int)i;
	return -1;
}

static int load_composite(struct build *b, const struct linked_input *in, unsigned int n,
			  const char *name, struct linked_composite *out)
{
	LIBBPF_OPTS(bpf_prog_load_opts, o, .expected_attach_type = BPF_XDP,
		    .prog_flags = out->prog_flags, .prog_btf_fd = btf__fd(b->merged.btf),
		    .func_info = b->merged.func_info, .func_info_cnt = b->merged.func_info_cnt,
		    .func_info_rec_size = sizeof(struct bpf_func_info));
	const char *lic = linked_license(out->gpl);
	int fd, err, who;

	if (b->merged.line_info_cnt) {
		o.line_info = b->merged.line_info;
		o.line_info_cnt = b->merged.line_info_cnt;
		o.line_info_rec_size = sizeof(struct bpf_line_info);
	}
	fd = bpf_prog_load(BPF_PROG_TYPE_XDP, name, lic, b->prog, b->cnt, &o);
	if (fd >= 0)
		return fd;
	err = -errno;
	b->log = malloc(COMPOSE_LOG_SZ);
	if (b->log) {
		b->log[0] = '\0';
		o.log_buf = b->log;
		o.log_size = COMPOSE_LOG_SZ;
		o.log_level = 1;
		fd = bpf_prog_load(BPF_PROG_TYPE_XDP, name, lic, b->prog, b->cnt, &o);
		if (fd >= 0)
			return fd;
	}
	if ((err == -EPERM || err == -EACCES) && (!b->log || !b->log[0]))
		return xdpl_err(XDPL_ERR_PERM, err,
				"the kernel refused to load the chain: %s (run as root, or "
				"with CAP_BPF and CAP_NET_ADMIN)",
				strerror(-err));
	who = b->log ? blame(b->log, out->bases, out->reached, out->dispatcher_len) : -1;
	if (b->log && strstr(b->log, "combined stack size"))
		err = xdpl_err(XDPL_ERR_CHAIN, err,
			       "the chain's nested calls together need more than the kernel's "
			       "512 bytes of stack (tail calls lower that to 256 per frame); "
			       "the end of the verifier's log follows");
	else if (who >= 0)
		err = xdpl_err(XDPL_ERR_CHAIN, err,
			       "%s: the kernel verifier refused it as part of the chain (%s); "
			       "the end of its log follows",
			       in[who].label, strerror(-err));
	else
		err = xdpl_err(XDPL_ERR_CHAIN, err,
			       "the kernel verifier refused the chain (%s); the end of its "
			       "log follows",
			       strerror(-err));
	if (b->log)
		verifier_log_attach(b->log);
	return err;
}

static __u32 composite_flags(const struct linked_input *in, unsigned int n)
{
	__u32 and_flags = ~0u, or_flags = 0;
	unsigned int i;

	for (i = 0; i < n; i++) {
		and_flags &= in[i].prog->prog_flags;
		or_flags |= in[i].prog->prog_flags;
	}
	/* frags only when every component handles them (the check refuses a mix) */
	return (or_flags & ~BPF_F_XDP_HAS_FRAGS) | (and_flags & BPF_F_XDP_HAS_FRAGS);
}

int linked_compose(const struct linked_input *in, unsigned int n,
		   const struct linked_compose_opts *opts, struct linked_composite *out)
{
	struct linked_compose_opts def = { .counters_fd = -1 };
	const struct linked_gen_counters *cfg;
	const char *name;
	struct build *b;
	unsigned int i, nslots;
	int err, fd;

	if (!opts)
		opts = &def;
	name = opts->name ?: XDPL_DISP_PROG_NAME;
	memset(out, 0, sizeof(*out));
	out->prog_fd = out->counters_fd = -1;
	err = linked_compose_check(in, n, !opts->no_counters);
	if (err)
		return err;
	out->gpl = true;
	for (i = 0; i < n; i++)
		out->gpl &= in[i].prog->gpl_compatible;
	out->prog_flags = composite_flags(in, n);

	nslots = n;
	for (i = 0; opts->counter_slots && i < n; i++)
		if (in[i].counter_slot + 1 > nslots)
			nslots = in[i].counter_slot + 1;
	if (!opts->no_counters) {
		if (opts->counters_fd > 0) {
			err = counters_fit(opts->counters_fd, nslots);
			if (err)
				return xdpl_err(XDPL_ERR_CHAIN, err,
						"the counters map given does not fit %u "
						"programs",
						n);
			out->counters_fd = opts->counters_fd;
		} else {
			fd = linked_counters_create(nslots);
			if (fd < 0)
				return xdpl_err(XDPL_ERR_CHAIN, fd,
						"cannot create the counters map: %s",
						strerror(-fd));
			out->counters_fd = fd;
			out->counters_owned = true;
		}
	}

	b = calloc(1, sizeof(*b));
	if (!b) {
		err = -ENOMEM;
		goto fail;
	}
	b->key_fd = -1;
	for (i = 0; i < n; i++) {
		b->gen[i].insn_cnt = in[i].prog->insn_cnt;
		b->gen[i].chain_mask = in[i].chain_mask;
		b->insns[i] = in[i].prog->insns;
		b->slots[i] = opts->counter_slots ? in[i].counter_slot : i;
	}
	if (out->counters_fd >= 0) {
		b->cnt_cfg.map_fd = out->counters_fd;
		b->cnt_cfg.slots = b->slots;
		b->cnt_cfg.key_fd = b->key_fd = key_map_create();
		if (b->key_fd < 0) {
			err = xdpl_err(XDPL_ERR_CHAIN, b->key_fd,
				       "cannot create the counters' key map: %s",
				       strerror(-b->key_fd));
			goto fail_build;
		}
	}
	cfg = out->counters_fd >= 0 ? &b->cnt_cfg : NULL;
	out->dispatcher_len = linked_gen_dispatcher_len(b->gen, n, cfg);
	err = linked_gen_composite(b->gen, b->insns, n, cfg, &b->prog, &b->cnt, out->bases);
	if (err) {
		xdpl_err(XDPL_ERR_CHAIN, err, "cannot generate the dispatcher: %s", strerror(-err));
		goto fail_build;
	}
	out->insn_cnt = b->cnt;
	out->reached = linked_gen_reached(b->gen, n);
	err = merge_btf(b, in, out->reached, out->bases, name);
	if (err)
		goto fail_build;
	out->func_info_cnt = b->merged.func_info_cnt;
	out->line_info_cnt = b->merged.line_info_cnt;
	fd = load_composite(b, in, n, name, out);
	if (fd < 0) {
		err = fd;
		goto fail_build;
	}
	out->prog_fd = fd;
	build_free(b, n);
	return 0;
fail_build:
	build_free(b, n);
fail:
	linked_composite_close(out);
	return err;
}

void linked_composite_close(struct linked_composite *c)
{
	if (c->prog_fd >= 0)
		close(c->prog_fd);
	if (c->counters_owned && c->counters_fd >= 0)
		close(c->counters_fd);
	c->prog_fd = c->counters_fd = -1;
	c->counters_owned = false;
}

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
#include "linked/codegen_int.h"
#include "linked/emit.h"
#include "linked/inline.h"
#include "log.h"
#include "verifier_log.h"

#define COMPOSE_LOG_SZ (8u << 20)

/* ---- composing ---- */

static unsigned int count_flags(const struct linked_gen_counters *cnt)
{
	return !cnt ? 0 : LINKED_GEN_COUNT_PACKETS | (cnt->bytes ? LINKED_GEN_COUNT_BYTES : 0);
}

struct build {
	struct linked_gen_comp gen[LINKED_MAX_COMPONENTS];
	unsigned int slots[LINKED_MAX_COMPONENTS];
	struct linked_gen_counters cnt_cfg;
	int key_fd;
	const struct bpf_insn *insns[LINKED_MAX_COMPONENTS];
	struct btf *btfs[LINKED_MAX_COMPONENTS + 1]; /* [n]: the tracer's */
	struct linked_btf_comp bc[LINKED_MAX_COMPONENTS + 1];
	const struct linked_prog *trace;
	struct linked_gen_trace trace_cfg;
	struct linked_plan_comp plan[LINKED_MAX_COMPONENTS];
	struct linked_btf merged;
	struct bpf_insn *prog;
	__u32 cnt;
	char *log;
};

static void build_reset(struct build *b)
{
	linked_btf_free(&b->merged);
	free(b->prog);
	free(b->log);
	b->prog = NULL;
	b->log = NULL;
}

static void build_free(struct build *b, unsigned int n)
{
	unsigned int i;

	for (i = 0; i < n; i++)
		btf__free(b->btfs[i]);
	btf__free(b->btfs[LINKED_MAX_COMPONENTS]);
	/* the program holds its own reference to the key map */
	if (b->key_fd >= 0)
		close(b->key_fd);
	build_reset(b);
	free(b);
}

static int read_btfs(struct build *b, const struct linked_input *in, unsigned int n)
{
	unsigned int i;
	int err;

	if (b->trace && b->trace->btf_fd >= 0 && b->trace->func_info_cnt) {
		err = linked_btf_from_fd(b->trace->btf_fd, &b->btfs[LINKED_MAX_COMPONENTS]);
		if (err)
			return xdpl_err(XDPL_ERR_CHAIN, err,
					"the tracer: cannot read its BTF back from the kernel: %s",
					strerror(-err));
	}

	for (i = 0; i < n; i++) {
		const struct linked_prog *p = in[i].prog;

		if (p->btf_fd < 0 || !p->func_info_cnt)
			continue;
		err = linked_btf_from_fd(p->btf_fd, &b->btfs[i]);
		if (err)
			return xdpl_err(XDPL_ERR_CHAIN, err,
					"%s: cannot read its BTF back from the kernel: %s",
					in[i].label, strerror(-err));
	}
	return 0;
}

static int merge_btf(struct build *b, const struct linked_input *in, unsigned int n,
		     const struct linked_composite *out, const char *name)
{
	unsigned int i;
	int err;

	for (i = 0; i < n; i++) {
		const struct linked_prog *p = in[i].prog;
		struct linked_btf_comp *c = &b->bc[i];

		c->name = p->name;
		c->btf = b->btfs[i];
		c->func_info = p->func_info;
		c->func_info_cnt = b->btfs[i] ? p->func_info_cnt : 0;
		c->line_info = p->line_info;
		c->line_info_cnt = b->btfs[i] ? p->line_info_cnt : 0;
		c->insns = p->insns;
		c->insn_cnt = p->insn_cnt;
		c->base = out->places[i].base;
		c->inlined = out->inlined[i];
		c->main_len = out->places[i].main_len;
		c->sub_base = out->places[i].sub_base;
	}
	if (b->trace) {
		const struct linked_prog *p = b->trace;
		struct linked_btf_comp *c = &b->bc[n];
		struct btf *tb = b->btfs[LINKED_MAX_COMPONENTS];

		*c = (struct linked_btf_comp){
			.name = p->name,
			.btf = tb,
			.func_info = p->func_info,
			.func_info_cnt = tb ? p->func_info_cnt : 0,
			.line_info = p->line_info,
			.line_info_cnt = tb ? p->line_info_cnt : 0,
			.insns = p->insns,
			.insn_cnt = p->insn_cnt,
			.base = out->places[LINKED_MAX_COMPONENTS].base,
			.main_len = p->insn_cnt,
			.sub_base = out->places[LINKED_MAX_COMPONENTS].base + p->insn_cnt,
		};
		n++;
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
static int blame(const char *log, const struct linked_composite *out, const struct linked_input *in)
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
	for (i = 0; insn >= 0 && i < out->reached; i++) {
		const struct linked_gen_place *pl = &out->places[i];
		__u32 rest = in[i].prog->insn_cnt - pl->main_len;

		if ((insn >= pl->base && insn < pl->base + pl->main_len) ||
		    (rest && insn >= pl->sub_base && insn < pl->sub_base + rest))
			return (int)i;
	}
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
	who = b->log ? blame(b->log, out, in) : -1;
	if (b->log &&
	    (strstr(b->log, "combined stack size") || strstr(b->log, "tail_calls are not")))
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
	/* frags only when every component handles them */
	return (or_flags & ~BPF_F_XDP_HAS_FRAGS) | (and_flags & BPF_F_XDP_HAS_FRAGS);
}

static int setup_counters(const struct linked_input *in, unsigned int n,
			  const struct linked_compose_opts *opts, struct linked_composite *out)
{
	unsigned int i, nslots = n;
	int err, fd;

	for (i = 0; opts->counter_slots && i < n; i++)
		if (in[i].counter_slot + 1 > nslots)
			nslots = in[i].counter_slot + 1;
	if (opts->no_counters)
		return 0;
	if (opts->counters_fd > 0) {
		err = linked_counters_fit(opts->counters_fd, nslots);
		if (err)
			return xdpl_err(XDPL_ERR_CHAIN, err,
					"the counters map given does not fit %u programs", n);
		out->counters_fd = opts->counters_fd;
		return 0;
	}
	fd = linked_counters_create(nslots);
	if (fd < 0)
		return xdpl_err(XDPL_ERR_CHAIN, fd, "cannot create the counters map: %s",
				strerror(-fd));
	out->counters_fd = fd;
	out->counters_owned = true;
	return 0;
}

/* The stack plan's view of component i: its frames, from the verifier's depths. */
static void stack_need(struct build *b, const struct linked_input *in, unsigned int i)
{
	const struct linked_prog *p = in[i].prog;
	__u32 *depths = calloc(p->insn_cnt, sizeof(*depths));
	int cnt = depths ? linked_prog_stack_depths(p, depths, p->insn_cnt) : -ENOMEM;

	b->plan[i].need_known =
		cnt > 0 && !linked_stack_need(p->insns, p->insn_cnt, depths, cnt, &b->plan[i].need);
	if (b->plan[i].need_known)
		b->gen[i].stack = depths[0];
	else
		pr_debug("%s: its stack depths are unknown (%s): it stays a call\n", in[i].label,
			 strerror(cnt < 0 ? -cnt : EINVAL));
	free(depths);
}

/*
 * Which components to inline: each one that can be, unless the stack says
 * otherwise. The verifier's stack depths are needed only when some inlined
 * component uses its stack (then the dispatcher's frame is no longer empty and
 * every chain of frames shifts by it).
 */
static void plan_inline(struct build *b, const struct linked_input *in, unsigned int n,
			unsigned int counters, bool no_inline)
{
	unsigned int i, reached = linked_gen_reached(b->gen, n);
	struct linked_inline_info info;
	bool stack = false;

	for (i = 0; i < n; i++) {
		memset(&b->plan[i], 0, sizeof(b->plan[i]));
		b->plan[i].why =
			no_inline ? (b->trace ? "traced (xdpload trace)" : "--no-inline")
				  : linked_inline_check(b->insns[i], b->gen[i].insn_cnt, &info);
		if (!b->plan[i].why && info.uses_stack)
			stack = true;
	}
	for (i = 0; stack && i < reached; i++) {
		stack_need(b, in, i);
		if (!b->plan[i].why && !b->plan[i].need_known)
			b->plan[i].why = "stack: its depth is unknown";
	}
	linked_inline_plan(b->gen, b->insns, n, counters, b->plan);
}

/* Generate, merge BTF and load the layout b->gen[] says. */
static int build_and_load(struct build *b, const struct linked_input *in, unsigned int n,
			  const char *name, struct linked_composite *out)
{
	const struct linked_gen_counters *cfg = out->counters_fd >= 0 ? &b->cnt_cfg : NULL;
	unsigned int i;
	int err, fd;

	out->reached = linked_gen_reached(b->gen, n);
	for (i = 0; i < n; i++) {
		out->inlined[i] = b->gen[i].inlined;
		out->call_reason[i] = b->gen[i].inlined	 ? NULL
				      : i < out->reached ? b->plan[i].why
							 : "never reached";
	}
	out->frame = linked_gen_frame(b->gen, b->insns, n, count_flags(cfg));
	if (b->trace) {
		struct linked_gen_place places[LINKED_MAX_COMPONENTS + 1];

		err = linked_gen_composite_traced(b->gen, b->insns, n, cfg, &b->trace_cfg, &b->prog,
						  &b->cnt, out->bases, places);
		err = err < 0 ? err : 0;
		if (!err) {
			memcpy(out->places, places, n * sizeof(places[0]));
			/* the tracer's place where merge_btf looks for it */
			out->places[LINKED_MAX_COMPONENTS] = places[n];
		}
	} else {
		err = linked_gen_composite(b->gen, b->insns, n, cfg, &b->prog, &b->cnt, out->bases,
					   out->places);
	}
	if (err)
		return xdpl_err(XDPL_ERR_CHAIN, err, "cannot generate the dispatcher: %s",
				strerror(-err));
	out->insn_cnt = b->cnt;
	out->dispatcher_len = b->cnt;
	if (b->trace && out->places[LINKED_MAX_COMPONENTS].base < out->dispatcher_len)
		out->dispatcher_len = out->places[LINKED_MAX_COMPONENTS].base;
	for (i = 0; i < out->reached; i++) {
		__u32 start = out->inlined[i] ? out->places[i].sub_base : out->places[i].base;

		if ((!out->inlined[i] || out->places[i].main_len < b->gen[i].insn_cnt) &&
		    start < out->dispatcher_len)
			out->dispatcher_len = start;
	}
	err = merge_btf(b, in, out->reached, out, name);
	if (err)
		return err;
	out->func_info_cnt = b->merged.func_info_cnt;
	out->line_info_cnt = b->merged.line_info_cnt;
	fd = load_composite(b, in, n, name, out);
	if (fd < 0)
		return fd;
	out->prog_fd = fd;
	return 0;
}

int linked_compose(const struct linked_input *in, unsigned int n,
		   const struct linked_compose_opts *opts, struct linked_composite *out)
{
	struct linked_compose_opts def = { .counters_fd = -1 };
	const char *name;
	struct build *b;
	unsigned int i;
	bool any;
	int err;

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
	err = setup_counters(in, n, opts, out);
	if (err)
		goto fail;

	b = calloc(1, sizeof(*b));
	if (!b) {
		err = -ENOMEM;
		goto fail;
	}
	b->key_fd = -1;
	b->trace = opts->trace;
	out->traced = opts->trace != NULL;
	if (b->trace)
		out->gpl &= b->trace->gpl_compatible;
	for (i = 0; i < n; i++) {
		b->gen[i].insn_cnt = in[i].prog->insn_cnt;
		b->gen[i].chain_mask = in[i].chain_mask;
		b->insns[i] = in[i].prog->insns;
		b->slots[i] = opts->counter_slots ? in[i].counter_slot : i;
	}
	if (out->counters_fd >= 0) {
		b->cnt_cfg.map_fd = out->counters_fd;
		b->cnt_cfg.slots = b->slots;
		b->cnt_cfg.key_fd = b->key_fd = linked_counters_key_create();
		b->cnt_cfg.bytes = !opts->no_bytes && linked_counters_bytes_allowed();
		out->bytes = b->cnt_cfg.bytes;
		if (b->key_fd < 0) {
			err = xdpl_err(XDPL_ERR_CHAIN, b->key_fd,
				       "cannot create the counters' key map: %s",
				       strerror(-b->key_fd));
			goto fail_build;
		}
	}
	if (b->trace) {
		if (b->key_fd < 0)
			b->key_fd = linked_counters_key_create();
		if (b->key_fd < 0) {
			err = xdpl_err(XDPL_ERR_CHAIN, b->key_fd, "cannot create the key map: %s",
				       strerror(-b->key_fd));
			goto fail_build;
		}
		b->trace_cfg = (struct linked_gen_trace){ .rec_fd = opts->trace_rec_fd,
							  .key_fd = b->key_fd,
							  .slots = b->slots,
							  .insns = b->trace->insns,
							  .insn_cnt = b->trace->insn_cnt };
	}
	err = read_btfs(b, in, n);
	if (err)
		goto fail_build;
	plan_inline(b, in, n, count_flags(out->counters_fd >= 0 ? &b->cnt_cfg : NULL),
		    opts->no_inline || b->trace);
	any = lgen_any_inlined(b->gen, n);
	err = build_and_load(b, in, n, name, out);
	if (err && any && err != -ENOMEM) {
		/*
		 * Inlining is ours to prove, and the kernel has the last word: when
		 * it refuses the inlined chain, the called layout gets its own
		 * verdict (and, if it fails too, the error is that one's).
		 */
		pr_debug("the kernel refused the inlined chain (%s); calling every program\n%s\n",
			 xdpl_last_error()->msg, xdpl_last_error()->log);
		xdpl_err_clear();
		build_reset(b);
		for (i = 0; i < n; i++) {
			if (b->gen[i].inlined)
				b->plan[i].why = "the kernel refused the inlined chain";
			b->gen[i].inlined = false;
		}
		err = build_and_load(b, in, n, name, out);
	}
	if (err)
		goto fail_build;
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

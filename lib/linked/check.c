// SPDX-License-Identifier: GPL-2.0-only
/*
 * The checks before a chain is composed (linked_compose_check): the limits
 * compose.h lists, each reported with the component at fault, so that the
 * kernel's refusal of the whole composite is the exception.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include "error.h"
#include "linked/compose.h"
#include "linked/emit.h"
#include "log.h"

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

/*
 * As libxdp does: the chain takes multi-buffer packets only if every program
 * does; a program without SEC("xdp.frags") turns that off for the whole
 * chain (an MTU that needs frags then refuses the attach, which says so).
 */
static void note_frags(const struct linked_input *in, unsigned int n)
{
	const char *a_with = NULL, *a_without = NULL;
	unsigned int i;

	for (i = 0; i < n; i++) {
		if (in[i].prog->prog_flags & BPF_F_XDP_HAS_FRAGS)
			a_with = a_with ?: in[i].label;
		else
			a_without = a_without ?: in[i].label;
	}
	if (a_with && a_without)
		pr_debug("%s: not built for multi-buffer packets (SEC(\"xdp.frags\")), so the "
			 "chain takes none, though %s could\n",
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
	note_frags(in, n);
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

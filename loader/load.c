// SPDX-License-Identifier: GPL-2.0-only
/* xdpload load: add programs to an interface's chain. */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "actions.h"
#include "commands.h"
#include "log.h"
#include "ops.h"

struct load_cfg {
	int mode; /* enum xdp_attach_mode */
	const char *section, *prog_name, *pin_dir;
	__u32 prio;
	unsigned int actions;
	int dispatcher; /* enum dispatcher_choice */
	bool no_stats, no_inline, force;
};

static const struct enum_val modes[] = {
	{ .name = "native", .value = XDP_MODE_NATIVE },
	{ .name = "skb", .value = XDP_MODE_SKB },
	{ .name = "hw", .value = XDP_MODE_HW },
	{ .name = "unspecified", .value = XDP_MODE_UNSPEC },
	{ .name = "drv", .value = XDP_MODE_NATIVE, .alias = true },
	{ .name = "generic", .value = XDP_MODE_SKB, .alias = true },
	{ .name = "offload", .value = XDP_MODE_HW, .alias = true },
	{ .name = NULL },
};

static const struct enum_val dispatchers[] = {
	{ .name = "auto", .value = DISPATCHER_AUTO },
	{ .name = "libxdp", .value = DISPATCHER_LIBXDP },
	{ .name = "linked", .value = DISPATCHER_LINKED },
	{ .name = NULL },
};

#define LOAD_OPT(field) offsetof(struct load_cfg, field)

static const struct opt_def load_opts[] = {
	{ "mode", 'm', OPT_ENUM, LOAD_OPT(mode), .metavar = "MODE", .noun = "mode", .values = modes,
	  .help = "attach mode; by default native where the driver has it, else skb" },
	{ "section", 's', OPT_STRING, LOAD_OPT(section), .metavar = "SECTION", .group = 1,
	  .complete = COMPLETE_SECTION, .help = "load the program in this ELF section" },
	{ "prog-name", 'n', OPT_STRING, LOAD_OPT(prog_name), .metavar = "PROG", .group = 1,
	  .complete = COMPLETE_PROG_NAME, .help = "load the program with this name" },
	{ "prio", 'P', OPT_U32, LOAD_OPT(prio), .metavar = "PRIO", .noun = "priority", .min = 0,
	  .max = INT_MAX,
	  .help = "run priority, lower runs first; by default the object's, else 50" },
	{ "actions", 'A', OPT_CUSTOM, LOAD_OPT(actions), .metavar = "ACTIONS",
	  .parse = opt_parse_actions,
	  .help = "chain-call actions, comma-separated, e.g. XDP_PASS,XDP_DROP; by default "
		  "the object's, else XDP_PASS" },
	{ "pin-path", 'p', OPT_DIR, LOAD_OPT(pin_dir), .metavar = "PIN_DIR",
	  .help = "pin the objects' LIBBPF_PIN_BY_NAME maps in PIN_DIR (kept after unload); "
		  "without it a linked chain keeps them itself" },
	{ "dispatcher", 0, OPT_ENUM, LOAD_OPT(dispatcher), .noun = "dispatcher",
	  .values = dispatchers, .help = "the backend for an interface without a chain" },
	{ "no-stats", 0, OPT_FLAG, LOAD_OPT(no_stats),
	  .help = "linked: no per-program action counters" },
	{ "no-inline", 0, OPT_FLAG, LOAD_OPT(no_inline),
	  .help = "linked: call every program, inline none" },
	{ "force", 0, OPT_FLAG, LOAD_OPT(force),
	  .help = "replace a program xdpload did not attach" },
	OPT_END,
};

static const struct opt_group load_groups[] = { { .id = 1 }, { .id = 0 } };

/* Check the programs' names and the bundled programs' options before anything. */
static int load_check(struct cmd_ctx *ctx, void *cfg)
{
	const struct builtin_prog *b;
	const char *src, *near;
	int i, k;

	for (i = 1; i < ctx->nargs; i++) {
		src = ctx->args[i];
		if (source_is_file(src) || builtin_find(src))
			continue;
		near = builtin_nearest(src);
		return xdpl_err(XDPL_ERR_NOPROG, ENOENT,
				"%s: no such bundled program ('xdpload progs' lists them; name "
				"a file with a '/' or a .o suffix)%s%s%s",
				src, near ? "; did you mean " : "", near ?: "", near ? "?" : "");
	}
	for (b = builtin_progs; b->name; b++) {
		for (k = 0; b->opts && b->opts[k].name; k++) {
			if (!ctx->builtin_cfgs[b - builtin_progs].given[k])
				continue;
			for (i = 1; i < ctx->nargs && strcmp(ctx->args[i], b->name); i++)
				;
			if (i == ctx->nargs)
				return usage_error("load",
						   "--%s configures the '%s' program: load it "
						   "in the same command",
						   b->opts[k].name, b->name);
		}
	}
	return 0;
}

static void report_loaded(const struct xdpl_iface *iface)
{
	struct iface_status st;
	int i;

	if (xdpl_verbosity < 1 || xdpl_status(iface, &st))
		return;
	pr_debug("%s: %s chain, %s mode:", iface->name, st.backend, mode_name(st.mode));
	for (i = 0; i < st.nprogs; i++)
		pr_debug(" %s (id %u)", st.progs[i].name, st.progs[i].id);
	pr_debug("\n");
}

static int load_run(struct cmd_ctx *ctx, void *cfg)
{
	const struct load_cfg *c = cfg;
	struct component_req *reqs;
	struct xdpl_load_req req;
	int i, n = ctx->nargs - 1, err;

	reqs = calloc(n, sizeof(*reqs));
	if (!reqs)
		return -ENOMEM;
	for (i = 0; i < n; i++) {
		reqs[i] = (struct component_req){
			.source = ctx->args[1 + i],
			.section = c->section,
			.prog_name = c->prog_name,
			.prio = opt_given(ctx, "prio") ? (int)c->prio : -1,
			.actions = c->actions,
		};
	}
	req = (struct xdpl_load_req){
		.dispatcher = c->dispatcher,
		.opts = { .mode = c->mode,
			  .force = c->force,
			  .no_stats = c->no_stats,
			  .no_inline = c->no_inline,
			  .pin_dir = c->pin_dir },
		.progs = reqs,
		.n = n,
		.builtin_cfgs = ctx->builtin_cfgs,
	};
	err = xdpl_load(&ctx->iface, &req);
	free(reqs);
	if (!err)
		report_loaded(&ctx->iface);
	return err;
}

static const struct arg_def load_args[] = { { .kind = ARG_IFACE },
					    { .kind = ARG_PROG },
					    { .kind = ARG_END } };

const struct cmd_def cmd_load = {
	.name = "load",
	.summary = "Add XDP programs to the chain on IFACE, in priority order",
	.description = "A BUILTIN is a bundled program's name (xdpload progs lists them); a FILE "
		       "has a '/'\nor ends in .o. -s and -n select in every file of the command "
		       "(a bundled program\nis the only one of its object); -P and -A apply to "
		       "every program.\n",
	.opts = load_opts,
	.groups = load_groups,
	.args = load_args,
	.min_args = 2,
	.max_args = -1,
	.args_usage = "IFACE FILE|BUILTIN...",
	.args_needed = "an interface and at least one program",
	.cfg_size = sizeof(struct load_cfg),
	.needs_privs = true,
	.builtin_opts = true,
	.check = load_check,
	.run = load_run,
};

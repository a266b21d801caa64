// SPDX-License-Identifier: GPL-2.0-only
/* xdpload unload: take programs out of an interface's chain. */
#include <stdint.h>
#include "commands.h"
#include "ops.h"
#include "progs/filter_set.h"

struct unload_cfg {
	__u32 id;
	const char *name;
	bool all, force, keep_maps;
};

#define UNLOAD_OPT(field) offsetof(struct unload_cfg, field)

static const struct opt_def unload_opts[] = {
	/* IDs are __u32: 2^32+N must not wrap to N and remove another program */
	{ "id", 'i', OPT_U32, UNLOAD_OPT(id), .metavar = "ID", .noun = "program ID", .min = 1,
	  .max = UINT32_MAX, .group = 1,
	  .help = "the program with this kernel ID (xdpload status); a linked dispatcher's "
		  "ID means the whole chain" },
	{ "name", 'n', OPT_STRING, UNLOAD_OPT(name), .metavar = "NAME", .group = 1,
	  .help = "the program with this name" },
	{ "all", 'a', OPT_FLAG, UNLOAD_OPT(all), .group = 1,
	  .help = "every program, and the dispatcher" },
	{ "force", 0, OPT_FLAG, UNLOAD_OPT(force),
	  .help = "also remove a program xdpload did not attach" },
	{ "keep-maps", 'k', OPT_FLAG, UNLOAD_OPT(keep_maps),
	  .help = "keep the filter's rules pinned: the next load of the filter on IFACE takes "
		  "them (xdp-filter's --keep-maps)" },
	OPT_END,
};

static const struct opt_group unload_groups[] = {
	{ .id = 1, .required = true, .exclusive = true, .what = "say which programs" },
	{ .id = 0 },
};

static int unload_run(struct cmd_ctx *ctx, void *cfg)
{
	const struct unload_cfg *c = cfg;
	struct unload_sel sel = { .id = c->id, .name = c->name, .all = c->all, .force = c->force };
	struct filter_unload fu;
	int ret;

	/* the filter's rule set goes with its last filter, unless --keep-maps */
	ret = filter_unload_begin(&ctx->iface, c->keep_maps, &fu);
	if (ret)
		return ret;
	ret = xdpl_unload(&ctx->iface, &sel);
	filter_unload_end(&ctx->iface, &fu, !ret);
	return ret;
}

static const struct arg_def unload_args[] = { { .kind = ARG_IFACE }, { .kind = ARG_END } };

const struct cmd_def cmd_unload = {
	.name = "unload",
	.summary = "Remove programs from the chain on IFACE; the rest keeps running",
	.opts = unload_opts,
	.groups = unload_groups,
	.args = unload_args,
	.min_args = 1,
	.max_args = 1,
	.args_usage = "IFACE",
	.args_needed = "an interface",
	.cfg_size = sizeof(struct unload_cfg),
	.needs_privs = true,
	.run = unload_run,
};

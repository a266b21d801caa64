// SPDX-License-Identifier: GPL-2.0-only
/* xdpload unload: take programs out of an interface's chain. */
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include "commands.h"
#include "error.h"
#include "iface.h"
#include "ops.h"
#include "progs/filter_set.h"
#include "status.h"

struct unload_cfg {
	__u32 id;
	const char *name;
	bool all, force, keep_maps, every;
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
	{ "every-interface", 0, OPT_FLAG, UNLOAD_OPT(every),
	  .help = "instead of IFACE: every interface of this network namespace that runs "
		  "them (xdp-filter's unload --all is unload --every-interface -n filter)" },
	OPT_END,
};

static const struct opt_group unload_groups[] = {
	{ .id = 1, .required = true, .exclusive = true, .what = "say which programs" },
	{ .id = 0 },
};

static int unload_one(const struct xdpl_iface *iface, const struct unload_cfg *c)
{
	struct unload_sel sel = { .id = c->id, .name = c->name, .all = c->all, .force = c->force };
	struct filter_unload fu;
	int ret;

	/* the filter's rule set goes with its last filter, unless --keep-maps */
	ret = filter_unload_begin(iface, c->keep_maps, &fu);
	if (ret)
		return ret;
	ret = xdpl_unload(iface, &sel);
	filter_unload_end(iface, &fu, !ret);
	return ret;
}

/* Does the interface run what the selection names? */
static bool runs_selected(const struct xdpl_iface *iface, const struct unload_cfg *c)
{
	struct iface_status *st = calloc(1, sizeof(*st));
	bool found = false;
	int i;

	if (!st || status_collect(iface, st)) {
		free(st);
		return false;
	}
	for (i = 0; i < st->nprogs && !found; i++)
		found = c->all || (c->name && !strcmp(st->progs[i].name, c->name)) ||
			(c->id && st->progs[i].id == c->id);
	found = found || (c->id && st->dispatcher_id == c->id);
	free(st);
	return found;
}

static int unload_every(const struct unload_cfg *c)
{
	struct xdpl_iface *ifaces = NULL;
	int i, n = 0, done = 0, ret = 0, err;

	err = iface_list(&ifaces, &n);
	if (err)
		return err;
	for (i = 0; i < n; i++) {
		if (!runs_selected(&ifaces[i], c))
			continue;
		err = unload_one(&ifaces[i], c);
		if (err && !ret)
			ret = err; /* the others are still tried: one bad interface stops none */
		done++;
	}
	free(ifaces);
	if (!done && !ret)
		ret = xdpl_err(XDPL_ERR_NOTFOUND, ENOENT,
			       "no interface of this network namespace runs %s%s",
			       c->all	 ? "a program"
			       : c->name ? c->name
					 : "that program ID",
			       c->all ? "" : " (xdpload status lists them)");
	return ret;
}

static int unload_run(struct cmd_ctx *ctx, void *cfg)
{
	const struct unload_cfg *c = cfg;

	if (c->every && ctx->nargs)
		return xdpl_err(XDPL_ERR_USAGE, EINVAL,
				"unload: give IFACE or --every-interface, not both");
	if (c->every)
		return unload_every(c);
	if (!ctx->nargs)
		return xdpl_err(XDPL_ERR_USAGE, EINVAL,
				"unload: which interface? give IFACE (or --every-interface)");
	return unload_one(&ctx->iface, c);
}

static const struct arg_def unload_args[] = { { .kind = ARG_IFACE }, { .kind = ARG_END } };

const struct cmd_def cmd_unload = {
	.name = "unload",
	.summary = "Remove programs from the chain on IFACE; the rest keeps running",
	.opts = unload_opts,
	.groups = unload_groups,
	.args = unload_args,
	.min_args = 0,
	.max_args = 1,
	.args_usage = "[IFACE]",
	.args_needed = "an interface",
	.cfg_size = sizeof(struct unload_cfg),
	.needs_privs = true,
	.run = unload_run,
};

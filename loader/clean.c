// SPDX-License-Identifier: GPL-2.0-only
/* xdpload clean: remove state left behind by chains that are gone. */
#include "commands.h"
#include "ops.h"

static int clean_run(struct cmd_ctx *ctx, void *cfg)
{
	return xdpl_clean(ctx->has_iface ? &ctx->iface : NULL);
}

static const struct arg_def clean_args[] = { { .kind = ARG_IFACE }, { .kind = ARG_END } };

const struct cmd_def cmd_clean = {
	.name = "clean",
	.summary = "Remove the state left for programs no longer attached",
	.description = "Pins and state of xdpload and libxdp, on IFACE, or without one for every "
		       "interface\nthat is gone.\n",
	.args = clean_args,
	.max_args = 1,
	.args_usage = "[IFACE]",
	.needs_privs = true,
	.run = clean_run,
};

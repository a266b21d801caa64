// SPDX-License-Identifier: GPL-2.0-only
/* xdpload features: the XDP features a device reports, as xdp-loader 1.4 shows them. */
#include <stdio.h>
#include <string.h>
#include "commands.h"
#include "xdp_features.h"
#include "json_writer.h"
#include "output.h"

static void print_json(const struct xdpl_iface *iface, const struct xdp_features *f)
{
	struct json_writer *jw = jw_new(stdout);
	const struct xdp_feature_name *n;

	jw_start_object(jw);
	jw_string_field(jw, "name", iface->name);
	jw_uint_field(jw, "ifindex", iface->ifindex);
	jw_uint_field(jw, "xdp_features", f->flags);
	jw_name(jw, "features");
	jw_start_object(jw);
	for (n = xdp_feature_names; n->name; n++)
		jw_bool_field(jw, n->name, f->flags & n->flag);
	jw_end_object(jw);
	jw_uint_field(jw, "xdp_zc_max_segs", f->zc_max_segs);
	jw_end_object(jw);
	jw_destroy(&jw);
}

static int features_run(struct cmd_ctx *ctx, void *cfg)
{
	const struct xdp_feature_name *n;
	struct xdp_features f;
	int err;

	err = xdp_features_query(ctx->iface.ifindex, ctx->iface.name, &f);
	if (err)
		return err;
	if (output_json) {
		print_json(&ctx->iface, &f);
		return 0;
	}
	/* xdp-loader's lines, tabs included: its users grep them */
	for (n = xdp_feature_names; n->name; n++)
		printf("%s:%s%s\n", n->name, strlen(n->name) < 23 ? "\t\t" : "\t",
		       f.flags & n->flag ? "yes" : "no");
	return 0;
}

static const struct arg_def features_args[] = { { .kind = ARG_IFACE }, { .kind = ARG_END } };

const struct cmd_def cmd_features = {
	.name = "features",
	.summary = "Show the XDP features IFACE's driver reports",
	.description = "As xdp-loader features shows them (Linux 6.3 and later report them): "
		       "basic, redirect,\nndo_xmit, zero-copy AF_XDP, offload, multi-buffer "
		       "(RX_SG, NDO_XMIT_SG).\n",
	.args = features_args,
	.min_args = 1,
	.max_args = 1,
	.args_usage = "IFACE",
	.args_needed = "an interface",
	.needs_privs = false,
	.json_output = true,
	.run = features_run,
};

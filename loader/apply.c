// SPDX-License-Identifier: GPL-2.0-only
/* xdpload apply: make the interfaces match a chain file; xdpload save: write one. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "apply.h"
#include "commands.h"
#include "exitcode.h"
#include "json_writer.h"
#include "log.h"
#include "output.h"

struct apply_cfg {
	bool check, diff, force;
	const char *only;
};

#define APPLY_OPT(field) offsetof(struct apply_cfg, field)

static const struct opt_def apply_opts[] = {
	{ "check", 'c', OPT_FLAG, APPLY_OPT(check), .group = 1,
	  .help = "change nothing; exit 12 when changes are pending, 0 when none are" },
	{ "diff", 'd', OPT_FLAG, APPLY_OPT(diff), .group = 1,
	  .help = "change nothing; print the pending changes (exit codes as --check)" },
	{ "interface", 'i', OPT_STRING, APPLY_OPT(only), .metavar = "IFACE",
	  .help = "only this interface of the file (the boot unit's template)" },
	{ "force", 0, OPT_FLAG, APPLY_OPT(force),
	  .help = "replace programs xdpload did not attach" },
	OPT_END,
};

static const struct opt_group apply_groups[] = { { .id = 1, .exclusive = true }, { .id = 0 } };

/* The changes, as apply plans them, kept per interface for the output. */
struct change {
	char iface[IF_NAMESIZE];
	char *what;
};

struct changes {
	struct change *v;
	int n;
};

static void collect(void *ctx, const char *iface, const char *what)
{
	struct changes *c = ctx;
	struct change *v = realloc(c->v, (c->n + 1) * sizeof(*v));

	if (!v)
		return;
	c->v = v;
	snprintf(v[c->n].iface, sizeof(v[c->n].iface), "%s", iface);
	v[c->n].what = strdup(what);
	if (v[c->n].what)
		c->n++;
}

static void print_json(const struct chainfile *cf, const struct apply_result *res,
		       const struct changes *c, bool check)
{
	struct json_writer *jw = jw_new(stdout);
	int i, k;

	jw_start_object(jw);
	jw_bool_field(jw, "check", check);
	jw_bool_field(jw, "changed", res->changes > 0);
	jw_uint_field(jw, "changes", res->changes);
	jw_name(jw, "interfaces");
	jw_start_array(jw);
	for (i = 0; i < cf->n; i++) {
		jw_start_object(jw);
		jw_string_field(jw, "name", cf->ifaces[i].name);
		jw_bool_field(jw, "foreign", cf->ifaces[i].foreign);
		jw_bool_field(jw, "changed", res->changed[i]);
		jw_name(jw, "changes");
		jw_start_array(jw);
		for (k = 0; k < c->n; k++)
			if (!strcmp(c->v[k].iface, cf->ifaces[i].name))
				jw_string(jw, c->v[k].what);
		jw_end_array(jw);
		jw_end_object(jw);
	}
	jw_end_array(jw);
	jw_end_object(jw);
	jw_destroy(&jw);
}

static int apply_run(struct cmd_ctx *ctx, void *cfg)
{
	const struct apply_cfg *a = cfg;
	struct changes ch = {};
	struct apply_opts o = {
		.check = a->check || a->diff,
		.force = a->force,
		.only = a->only,
		.change = collect,
		.ctx = &ch,
	};
	struct apply_result res;
	struct chainfile *cf;
	int i, err;

	cf = calloc(1, sizeof(*cf));
	if (!cf)
		return -ENOMEM;
	err = chainfile_load(ctx->args[0], cf);
	if (!err)
		err = xdpl_apply(cf, &o, &res);
	if (!err && output_json) {
		print_json(cf, &res, &ch, o.check);
	} else if (!err && !a->check) {
		/* what apply did (or, with --diff, would do), one line each */
		for (i = 0; i < ch.n; i++)
			printf("%s%s: %s\n", a->diff ? "~ " : "", ch.v[i].iface, ch.v[i].what);
	}
	if (!err && o.check && res.changes)
		xdpl_exit_status = XDPL_EXIT_PENDING;
	for (i = 0; i < ch.n; i++)
		free(ch.v[i].what);
	free(ch.v);
	chainfile_free(cf);
	free(cf);
	return err;
}

static const struct arg_def apply_args[] = { { .kind = ARG_ANY }, { .kind = ARG_END } };

const struct cmd_def cmd_apply = {
	.name = "apply",
	.summary = "Make the interfaces' chains match a chain file (or a directory of them)",
	.description =
		"FILE is YAML (xdpload-chainfile(5)); a directory means its *.yaml files. The "
		"same\nprograms stay (their maps and IDs too); a change of rules or settings "
		"alone goes\nthrough the maps; every chain is built and verified before the "
		"first swap, and a\nfailed swap puts the earlier interfaces back. Interfaces "
		"are those of the network\nnamespace xdpload runs in.\n",
	.opts = apply_opts,
	.groups = apply_groups,
	.args = apply_args,
	.min_args = 1,
	.max_args = 1,
	.args_usage = "FILE",
	.args_needed = "a chain file or a directory of them",
	.cfg_size = sizeof(struct apply_cfg),
	.needs_privs = true,
	.json_output = true,
	.run = apply_run,
};

static int save_run(struct cmd_ctx *ctx, void *cfg)
{
	struct xdpl_iface *ifaces;
	int i, n = ctx->nargs, err = 0;

	char *text = NULL;
	size_t len = 0;
	FILE *out;

	if (!n) {
		err = iface_list(&ifaces, &n);
		if (err)
			return err;
	} else {
		ifaces = calloc(n, sizeof(*ifaces));
		if (!ifaces)
			return -ENOMEM;
		ifaces[0] = ctx->iface;
		for (i = 1; i < n && !err; i++)
			err = iface_resolve(ctx->args[i], &ifaces[i]);
	}
	/* the whole file first: an error leaves no half a chain file on stdout */
	out = open_memstream(&text, &len);
	if (!out)
		err = err ?: -errno;
	if (!err)
		err = xdpl_save(ifaces, n, !ctx->nargs, out);
	if (out)
		fclose(out);
	if (!err && output_json) {
		struct json_writer *jw = jw_new(stdout);

		jw_start_object(jw);
		jw_string_field(jw, "chainfile", text);
		jw_end_object(jw);
		jw_destroy(&jw);
	} else if (!err) {
		fwrite(text, 1, len, stdout);
	}
	free(text);
	free(ifaces);
	return err;
}

static const struct arg_def save_args[] = { { .kind = ARG_IFACE }, { .kind = ARG_END } };

const struct cmd_def cmd_save = {
	.name = "save",
	.summary = "Print the chain file of what runs on IFACE..., or on every interface",
	.description = "Programs, priorities, actions, the filter's rules and policy, the "
		       "ratelimit's rate\nand burst: 'xdpload apply' of the output rebuilds "
		       "them. A program xdpload did not\nattach is named in a comment and its "
		       "interface marked foreign (apply leaves it).\n"
		       "--json wraps the file in {\"chainfile\": TEXT}.\n",
	.args = save_args,
	.max_args = -1,
	.args_usage = "[IFACE...]",
	.needs_privs = true,
	.json_output = true,
	.run = save_run,
};

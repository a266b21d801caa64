// SPDX-License-Identifier: GPL-2.0-only
/*
 * xdpload: chain several XDP programs on one interface. See xdpload(8).
 * Every command runs through one prologue: parse its table, check what needs no
 * kernel, check privileges, resolve the interface, then run.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "bpffs.h"
#include "commands.h"
#include "exitcode.h"
#include "output.h"
#include "privs.h"

const struct cmd_def *const xdpl_commands[] = {
	&cmd_load,  &cmd_unload, &cmd_status,	 &cmd_clean, &cmd_features, &cmd_progs,
	&cmd_stats, &cmd_filter, &cmd_ratelimit, &cmd_watch, &cmd_trace,    &cmd_test,
	&cmd_apply, &cmd_save,	 &cmd_help,	 NULL,
};

int xdpl_exit_status;

struct main_cfg {
	bool version;
};

static const struct opt_def main_opts[] = {
	{ "version", 'V', OPT_FLAG, offsetof(struct main_cfg, version),
	  .help = "print the version" },
	OPT_END,
};

const struct cmd_def xdpl_main_cmd = {
	.summary = "Chain several XDP programs on one network interface",
	.description = "'xdpload help COMMAND' describes a command; man xdpload for the rest.\n",
	.opts = main_opts,
	.args_usage = "COMMAND [ARGS]",
	.max_args = -1,
	.stop_at_arg = true,
};

const struct cmd_def *command_find(const char *name)
{
	int i;

	for (i = 0; xdpl_commands[i]; i++)
		if (!strcmp(xdpl_commands[i]->name, name))
			return xdpl_commands[i];
	return NULL;
}

const char *command_nearest(const char *name)
{
	const char *names[sizeof(xdpl_commands) / sizeof(xdpl_commands[0])] = {};
	int i;

	for (i = 0; xdpl_commands[i]; i++)
		names[i] = xdpl_commands[i]->name;
	return nearest_name(name, names);
}

static int unknown_command(int argc, char **argv)
{
	const char *near = command_nearest(argv[0]);
	int i;

	/* no table to parse the rest with: look for --json alone, so the error obeys it */
	for (i = 1; i < argc && strcmp(argv[i], "--"); i++)
		if (!strcmp(argv[i], "--json") || !strcmp(argv[i], "-j"))
			output_json = true;
	if (near)
		return usage_error(NULL, "unknown command '%s'; did you mean %s?", argv[0], near);
	return usage_error(NULL, "unknown command '%s'", argv[0]);
}

/* The prologue, the same for every command. */
static int run_command(const struct cmd_def *cmd, int argc, char **argv)
{
	struct cmd_ctx ctx = {};
	void *cfg;
	int err;

	cfg = calloc(1, cmd->cfg_size ?: 1);
	if (!cfg)
		return -ENOMEM;
	if (cmd->defaults)
		cmd->defaults(cfg);
	err = params_parse(cmd, argc, argv, cfg, &ctx);
	if (!err && !ctx.help && cmd->check)
		err = cmd->check(&ctx, cfg);
	if (!err && !ctx.help && cmd->needs_privs) {
		err = require_privileges();
		if (!err)
			bpffs_prepare_libxdp();
	}
	if (!err && !ctx.help && ctx.nargs && cmd->args && cmd->args[0].kind == ARG_IFACE) {
		err = iface_resolve(ctx.args[0], &ctx.iface);
		ctx.has_iface = !err;
	}
	if (!err && !ctx.help)
		err = cmd->run(&ctx, cfg);
	free(ctx.builtin_cfgs);
	free(cfg);
	return err;
}

int main(int argc, char **argv)
{
	struct main_cfg cfg = {};
	const struct cmd_def *cmd;
	struct cmd_ctx ctx = {};
	int err;

	output_init();
	err = params_parse(&xdpl_main_cmd, argc, argv, &cfg, &ctx);
	if (err)
		return output_error(err);
	if (ctx.help)
		return 0;
	if (cfg.version) {
		printf("xdpload %s\n", XDPLOAD_VERSION);
		return 0;
	}
	if (!ctx.nargs) {
		print_help(stderr, &xdpl_main_cmd);
		return XDPL_EXIT_USAGE;
	}
	cmd = command_find(ctx.args[0]);
	err = cmd ? run_command(cmd, ctx.nargs, ctx.args) : unknown_command(ctx.nargs, ctx.args);
	return err < 0 ? output_error(err) : xdpl_exit_status;
}

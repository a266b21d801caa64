// SPDX-License-Identifier: GPL-2.0-only
/*
 * xdpload help [COMMAND]: the usage generated from the tables. Its hidden options
 * serve the generated bash completion and the man page check (tests/cli.bats).
 */
#include <stdio.h>
#include <string.h>
#include "commands.h"
#include "ops.h"

struct help_cfg {
	bool completion, synopsis;
	const char *sections, *prog_names;
};

static const struct opt_def help_opts[] = {
	{ "completion", 0, OPT_FLAG, offsetof(struct help_cfg, completion), .hidden = true,
	  .help = "print the bash completion script" },
	{ "synopsis", 0, OPT_FLAG, offsetof(struct help_cfg, synopsis), .hidden = true,
	  .help = "print each command's synopsis on one line" },
	{ "sections", 0, OPT_FILE, offsetof(struct help_cfg, sections), .metavar = "FILE",
	  .hidden = true, .help = "print the XDP sections of FILE" },
	{ "prog-names", 0, OPT_FILE, offsetof(struct help_cfg, prog_names), .metavar = "FILE",
	  .hidden = true, .help = "print the XDP program names of FILE" },
	OPT_END,
};

static void print_section(const char *section, const char *name, void *ctx)
{
	printf("%s\n", section);
}

static void print_name(const char *section, const char *name, void *ctx)
{
	printf("%s\n", name);
}

static int help_run(struct cmd_ctx *ctx, void *cfg)
{
	const struct help_cfg *c = cfg;
	const struct cmd_def *cmd = NULL;
	const char *near;
	int i;

	if (c->completion) {
		print_completion(stdout, xdpl_commands, &xdpl_main_cmd);
		return 0;
	}
	if (c->sections)
		return xdpl_object_programs(c->sections, print_section, NULL);
	if (c->prog_names)
		return xdpl_object_programs(c->prog_names, print_name, NULL);
	if (ctx->nargs) {
		cmd = command_find(ctx->args[0]);
		if (!cmd) {
			near = command_nearest(ctx->args[0]);
			return usage_error("help", "unknown command '%s'%s%s%s", ctx->args[0],
					   near ? "; did you mean " : "", near ?: "",
					   near ? "?" : "");
		}
	}
	if (c->synopsis) {
		if (cmd) {
			print_synopsis(stdout, cmd, false);
			return 0;
		}
		print_synopsis(stdout, &xdpl_main_cmd, false);
		for (i = 0; xdpl_commands[i]; i++)
			print_synopsis(stdout, xdpl_commands[i], false);
		return 0;
	}
	print_help(stdout, cmd ?: &xdpl_main_cmd);
	return 0;
}

static const struct arg_def help_args[] = { { .kind = ARG_COMMAND }, { .kind = ARG_END } };

const struct cmd_def cmd_help = {
	.name = "help",
	.summary = "Describe xdpload, or one of its commands",
	.opts = help_opts,
	.args = help_args,
	.max_args = 1,
	.args_usage = "[COMMAND]",
	.cfg_size = sizeof(struct help_cfg),
	.run = help_run,
};

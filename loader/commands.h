/* SPDX-License-Identifier: GPL-2.0-only */
/* The subcommands: one file each in loader/, each declaring its table (params.h). */
#ifndef XDPL_COMMANDS_H
#define XDPL_COMMANDS_H

#include "params.h"

extern const struct cmd_def cmd_load;
extern const struct cmd_def cmd_unload;
extern const struct cmd_def cmd_status;
extern const struct cmd_def cmd_clean;
extern const struct cmd_def cmd_features;
extern const struct cmd_def cmd_progs;
extern const struct cmd_def cmd_filter;
extern const struct cmd_def cmd_ratelimit;
extern const struct cmd_def cmd_stats;
extern const struct cmd_def cmd_watch;
extern const struct cmd_def cmd_trace;
extern const struct cmd_def cmd_test;
extern const struct cmd_def cmd_apply;
extern const struct cmd_def cmd_save;
extern const struct cmd_def cmd_help;

/* Every command, in the order usage lists them; NULL-terminated. */
extern const struct cmd_def *const xdpl_commands[];
/* xdpload's own options, before the command. */
extern const struct cmd_def xdpl_main_cmd;

const struct cmd_def *command_find(const char *name);
/* The command whose name is closest to name, when name looks like a typo of it. */
const char *command_nearest(const char *name);

#endif

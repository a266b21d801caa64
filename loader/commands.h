/* SPDX-License-Identifier: GPL-2.0-only */
/* The subcommands: one file each in loader/, dispatched from main.c. */
#ifndef XDPL_COMMANDS_H
#define XDPL_COMMANDS_H

int do_load(int argc, char **argv);
int do_unload(int argc, char **argv);
int do_status(int argc, char **argv);
int do_clean(int argc, char **argv);
int do_progs(int argc, char **argv);
int do_filter(int argc, char **argv);
int do_watch(int argc, char **argv);
int do_ratelimit(int argc, char **argv);
int do_stats(int argc, char **argv);

/* Shared by the subcommands' option parsing. */
int usage_error(const char *cmd, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

#endif

/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * xdpload's command line as data. Each command declares its options and arguments
 * in a table (struct cmd_def); one parser reads them into the command's config, and
 * the usage, `xdpload help`, the man synopsis check and the bash completion are all
 * generated from the same tables (usage.c), so they cannot drift apart.
 */
#ifndef XDPL_PARAMS_H
#define XDPL_PARAMS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>
#include <linux/types.h>
#include "builtin.h"
#include "iface.h"

enum opt_type {
	OPT_FLAG,   /* bool, set to true */
	OPT_COUNT,  /* int, one more each time (-v -v, -vv) */
	OPT_STRING, /* const char *, as typed */
	OPT_FILE,   /* const char *, a path (the shell completes file names) */
	OPT_DIR,    /* const char *, a directory */
	OPT_ENUM,   /* int, the value of one of .values */
	OPT_U32,    /* __u32 within [.min, .max] */
	OPT_U64,    /* __u64 within [.min, .max] */
	OPT_DOUBLE, /* double within [.dmin, .dmax] */
	OPT_CUSTOM, /* .parse() converts it and reports its own errors */
	OPT_HELP,   /* -h: print the command's help and succeed */
};

/* What the shell offers for a string option's value. */
enum opt_complete {
	COMPLETE_NONE,
	COMPLETE_SECTION,   /* the XDP sections of the object file on the command line */
	COMPLETE_PROG_NAME, /* its XDP program names */
	COMPLETE_FILE,	    /* a file name */
};

struct enum_val {
	const char *name;
	int value;
	bool alias; /* accepted, but not shown in usage or completion */
};

struct opt_def {
	const char *name; /* long option, without "--" */
	char short_opt;	  /* 0 for none */
	enum opt_type type;
	size_t offset;	     /* where the value goes in the command's config */
	void *ptr;	     /* or here, when set (the options every command has) */
	const char *metavar; /* "PRIO"; for an enum without one the values are shown */
	const char *noun;    /* errors say "bad <noun> 'x'" (default: the option) */
	const char *help;
	__u64 min, max;
	double dmin, dmax;
	const struct enum_val *values; /* OPT_ENUM, ended by a NULL name */
	/* OPT_CUSTOM: store arg's value in dst, or record a usage error and fail */
	int (*parse)(const char *cmd, const char *arg, void *dst);
	int group; /* options of one group (not 0) are alternatives: [-s X | -n Y] */
	enum opt_complete complete;
	bool hidden; /* helpers for the completion: not in usage or synopsis */
};

#define OPT_END   \
	{         \
		0 \
	}

/* Rules over the options of one group; the group's options are listed together. */
struct opt_group {
	int id;		  /* 0 ends the table */
	bool required;	  /* one of them must be given */
	bool exclusive;	  /* at most one of them */
	const char *what; /* the error when none is given: "say which programs" */
};

enum arg_kind {
	ARG_END = 0,
	ARG_IFACE,   /* an interface: the prologue resolves it (the first argument only) */
	ARG_PROG,    /* an object file or a bundled program's name */
	ARG_WORD,    /* a keyword, one of .words */
	ARG_COMMAND, /* an xdpload command (help) */
	ARG_ANY,
};

/* A positional argument: what it is, for the prologue and the completion. */
struct arg_def {
	enum arg_kind kind;
	const char *words; /* ARG_WORD: the keywords, separated by spaces */
};

struct cmd_ctx;

struct cmd_def {
	const char *name;
	const char *summary;	 /* one line, for `xdpload help` */
	const char *description; /* the rest of `xdpload help COMMAND`, or NULL */
	const struct opt_def *opts;
	const struct opt_group *groups; /* or NULL */
	/* per position; the last one repeats when max_args is -1 */
	const struct arg_def *args;
	int min_args, max_args;
	const char *args_usage;	 /* "IFACE FILE|BUILTIN..." */
	const char *args_needed; /* too few: "needs <this>" */
	size_t cfg_size;	 /* the command's config, zeroed, then .defaults() */
	void (*defaults)(void *cfg);
	bool needs_privs;  /* CAP_NET_ADMIN and CAP_BPF, checked by the prologue */
	bool json_output;  /* --json changes what it prints (shown in the synopsis) */
	bool builtin_opts; /* takes the bundled programs' options (load) */
	bool stop_at_arg;  /* options end at the first argument (xdpload's own) */
	/* after parsing, before privileges: check what needs no kernel (may be NULL) */
	int (*check)(struct cmd_ctx *ctx, void *cfg);
	int (*run)(struct cmd_ctx *ctx, void *cfg);
};

/* What the prologue hands a command besides its config. */
struct cmd_ctx {
	const struct cmd_def *cmd;
	char **args; /* the positional arguments */
	int nargs;
	bool has_iface; /* args[0] was resolved into iface */
	struct xdpl_iface iface;
	unsigned long long given; /* bit i: cmd->opts[i] was given */
	bool help;		  /* -h: the help was printed */
	/* builtin_opts: one per builtin_progs[] entry */
	struct builtin_cfg *builtin_cfgs;
};

/* The options every command takes: -v, -j/--json, -h. */
extern const struct opt_def common_opts[];

/*
 * Parse argv (argv[0] is the command's name) into cfg and ctx. Reports usage
 * errors (kind USAGE) and returns -EINVAL; 0 also after printing --help.
 */
int params_parse(const struct cmd_def *cmd, int argc, char **argv, void *cfg, struct cmd_ctx *ctx);

/* Was the option with this long name given? */
bool opt_given(const struct cmd_ctx *ctx, const char *name);

/*
 * The one number parser: decimal digits only (no sign, no blanks, no base
 * prefix), no overflow. 0, -EINVAL when not a number, -ERANGE outside [min, max].
 */
int parse_u64_range(const char *s, __u64 min, __u64 max, __u64 *out);
/* Digits with an optional fraction ("0.5", "2"), same rules, within [min, max]. */
int parse_double_range(const char *s, double min, double max, double *out);

/* "native, skb, hw or unspecified" (the values shown), into buf. */
void enum_list(const struct enum_val *values, const char *last_sep, char *buf, size_t sz);

/* Record a usage error of cmd (exit 2): "... (try 'xdpload CMD --help')". */
int usage_error(const char *cmd, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* The closest of names (NULL-terminated) to word, when close enough to be a typo. */
const char *nearest_name(const char *word, const char *const *names);

/* usage.c: text generated from the tables. */
void print_synopsis(FILE *out, const struct cmd_def *cmd, bool wrap);
void print_help(FILE *out, const struct cmd_def *cmd);
void print_completion(FILE *out, const struct cmd_def *const *cmds, const struct cmd_def *main);

/* OPT_CUSTOM parser for -A: a comma-separated list of XDP actions into an unsigned int mask. */
int opt_parse_actions(const char *cmd, const char *arg, void *dst);

#endif

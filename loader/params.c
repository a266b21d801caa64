// SPDX-License-Identifier: GPL-2.0-only
/* The option parser behind every command's table (see params.h). */
#include <errno.h>
#include <getopt.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include "actions.h"
#include "log.h"
#include "output.h"
#include "params.h"

const struct opt_def common_opts[] = {
	{ "verbose", 'v', OPT_COUNT, .ptr = &xdpl_verbosity,
	  .help = "say more; -vv adds libbpf's and libxdp's messages" },
	{ "json", 'j', OPT_FLAG, .ptr = &output_json,
	  .help = "print JSON on stdout (errors too, as {\"error\": ...})" },
	{ "help", 'h', OPT_HELP, .help = "describe the command" },
	OPT_END,
};

int usage_error(const char *cmd, const char *fmt, ...)
{
	char msg[XDPL_ERR_MSG_LEN - 64];
	va_list ap;
	int ret;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	if (cmd)
		ret = xdpl_err(XDPL_ERR_USAGE, EINVAL, "%s (try 'xdpload %s --help')", msg, cmd);
	else
		ret = xdpl_err(XDPL_ERR_USAGE, EINVAL, "%s (try 'xdpload help')", msg);
	if (cmd)
		xdpl_err_set_where(cmd);
	return ret;
}

void enum_list(const struct enum_val *values, const char *last_sep, char *buf, size_t sz)
{
	const struct enum_val *v;
	size_t used = 0;
	int n = 0, total = 0;

	for (v = values; v->name; v++)
		total += !v->alias;
	buf[0] = '\0';
	for (v = values; v->name; v++) {
		if (v->alias)
			continue;
		n++;
		used += snprintf(buf + used, used < sz ? sz - used : 0, "%s%s",
				 n == 1	      ? ""
				 : n == total ? last_sep
					      : ", ",
				 v->name);
	}
}

const char *nearest_name(const char *word, const char *const *names)
{
	const char *best = NULL;
	int d, best_d = 3;

	for (; *names; names++) {
		d = name_distance(word, *names);
		if (d < best_d && d < (int)strlen(*names)) {
			best_d = d;
			best = *names;
		}
	}
	return best;
}

/* The name an error calls the option by. */
static void opt_label(const struct opt_def *o, char *buf, size_t sz)
{
	if (o->noun)
		snprintf(buf, sz, "%s", o->noun);
	else
		snprintf(buf, sz, "--%s", o->name);
}

/* How the user wrote it, probably: "-i", or "--src" for a long option only. */
static void opt_flag(const struct opt_def *o, char *buf, size_t sz)
{
	if (o->short_opt)
		snprintf(buf, sz, "-%c", o->short_opt);
	else
		snprintf(buf, sz, "--%s", o->name);
}

static int parse_enum(const char *cmd, const struct opt_def *o, const char *arg, int *dst)
{
	const struct enum_val *v;
	char label[64], list[256];

	for (v = o->values; v->name; v++) {
		if (!strcmp(v->name, arg)) {
			*dst = v->value;
			return 0;
		}
	}
	opt_label(o, label, sizeof(label));
	enum_list(o->values, " or ", list, sizeof(list));
	return usage_error(cmd, "bad %s '%s': use %s", label, arg, list);
}

static int parse_number(const char *cmd, const struct opt_def *o, const char *arg, void *dst)
{
	char label[64];
	double d;
	__u64 v;
	int err;

	opt_label(o, label, sizeof(label));
	if (o->type == OPT_DOUBLE) {
		err = parse_double_range(arg, o->dmin, o->dmax, &d);
		if (err)
			return usage_error(cmd, "bad %s '%s': use a number from %g to %g", label,
					   arg, o->dmin, o->dmax);
		*(double *)dst = d;
		return 0;
	}
	err = parse_u64_range(arg, o->min, o->max, &v);
	if (err && o->max == UINT64_MAX)
		return usage_error(cmd, "bad %s '%s': use a number, %llu or more", label, arg,
				   (unsigned long long)o->min);
	if (err)
		return usage_error(cmd, "bad %s '%s': use a number from %llu to %llu", label, arg,
				   (unsigned long long)o->min, (unsigned long long)o->max);
	if (o->type == OPT_U32)
		*(__u32 *)dst = v;
	else
		*(__u64 *)dst = v;
	return 0;
}

/* Store one option's value; records a usage error and fails on a bad one. */
static int store(const char *cmd, const struct opt_def *o, const char *arg, void *cfg)
{
	void *dst = o->ptr ? o->ptr : (char *)cfg + o->offset;

	switch (o->type) {
	case OPT_FLAG:
		*(bool *)dst = true;
		return 0;
	case OPT_COUNT:
		(*(int *)dst)++;
		return 0;
	case OPT_STRING:
	case OPT_FILE:
	case OPT_DIR:
		*(const char **)dst = arg;
		return 0;
	case OPT_ENUM:
		return parse_enum(cmd, o, arg, dst);
	case OPT_U32:
	case OPT_U64:
	case OPT_DOUBLE:
		return parse_number(cmd, o, arg, dst);
	case OPT_CUSTOM:
		return o->parse(cmd, arg, dst);
	case OPT_HELP:
		return 0;
	}
	return -EINVAL;
}

static bool takes_value(const struct opt_def *o)
{
	return o->type != OPT_FLAG && o->type != OPT_COUNT && o->type != OPT_HELP;
}

/* getopt_long's view of an option: the short letter, or an index past all letters. */
#define VAL_CMD 256
#define VAL_COMMON 512
#define VAL_BUILTIN 1024 /* + 16 * program + option */

static int count_opts(const struct opt_def *opts)
{
	int n = 0;

	while (opts && opts[n].name)
		n++;
	return n;
}

struct parse_tables {
	struct option *longopts;
	char shortopts[128];
};

static void add_opt(struct parse_tables *t, int *n, const struct opt_def *o, int val)
{
	size_t len = strlen(t->shortopts);

	t->longopts[*n] =
		(struct option){ o->name, takes_value(o) ? required_argument : no_argument, NULL,
				 o->short_opt ? o->short_opt : val };
	(*n)++;
	if (o->short_opt && len + 3 < sizeof(t->shortopts)) {
		t->shortopts[len++] = o->short_opt;
		if (takes_value(o))
			t->shortopts[len++] = ':';
		t->shortopts[len] = '\0';
	}
}

static int build_tables(const struct cmd_def *cmd, struct parse_tables *t)
{
	int n = 0, i, b, k, total;

	total = count_opts(cmd->opts) + count_opts(common_opts) + 1;
	if (cmd->builtin_opts)
		total += builtin_count() * BUILTIN_MAX_OPTS;
	t->longopts = calloc(total, sizeof(*t->longopts));
	if (!t->longopts)
		return -ENOMEM;
	/* '+': xdpload's own options end at the command; ':': tell a missing value apart */
	snprintf(t->shortopts, sizeof(t->shortopts), "%s:", cmd->stop_at_arg ? "+" : "");
	for (i = 0; cmd->opts && cmd->opts[i].name; i++)
		add_opt(t, &n, &cmd->opts[i], VAL_CMD + i);
	for (i = 0; common_opts[i].name; i++)
		add_opt(t, &n, &common_opts[i], VAL_COMMON + i);
	for (b = 0; cmd->builtin_opts && builtin_progs[b].name; b++) {
		const struct builtin_opt *bo = builtin_progs[b].opts;

		for (k = 0; bo && bo[k].name && k < BUILTIN_MAX_OPTS; k++) {
			t->longopts[n++] = (struct option){ bo[k].name, required_argument, NULL,
							    VAL_BUILTIN + 16 * b + k };
		}
	}
	return 0;
}

/* The option getopt_long returned, as a table entry (or NULL for a bundled one's). */
static const struct opt_def *find_opt(const struct cmd_def *cmd, int val, int *index)
{
	int i;

	*index = -1;
	if (val >= VAL_BUILTIN)
		return NULL;
	if (val >= VAL_COMMON)
		return &common_opts[val - VAL_COMMON];
	if (val >= VAL_CMD) {
		*index = val - VAL_CMD;
		return &cmd->opts[*index];
	}
	for (i = 0; cmd->opts && cmd->opts[i].name; i++) {
		if (cmd->opts[i].short_opt == val) {
			*index = i;
			return &cmd->opts[i];
		}
	}
	for (i = 0; common_opts[i].name; i++)
		if (common_opts[i].short_opt == val)
			return &common_opts[i];
	return NULL;
}

/* "allow or deny", "tcp, udp, ipv4 (comma-separated)" */
static void enum_words(const struct builtin_opt *bo, char *buf, size_t sz)
{
	size_t used = 0;
	int i, n = 0;

	while (bo->words[n])
		n++;
	buf[0] = '\0';
	for (i = 0; i < n; i++)
		used += snprintf(buf + used, used < sz ? sz - used : 0, "%s%s",
				 !i	      ? ""
				 : i == n - 1 ? (bo->flags ? " and " : " or ")
					      : ", ",
				 bo->words[i]);
	if (bo->flags && used < sz)
		snprintf(buf + used, sz - used, ", comma-separated");
}

static int store_builtin(const char *cmd, struct cmd_ctx *ctx, int val, const char *arg)
{
	int b = (val - VAL_BUILTIN) / 16, k = (val - VAL_BUILTIN) % 16;
	const struct builtin_opt *bo = &builtin_progs[b].opts[k];
	char words[128];
	__u64 v;

	if (bo->string && builtin_opt_parse(bo, arg, &v))
		return usage_error(cmd, "bad --%s '%s': use %llu to %llu letters, digits, _ or -",
				   bo->name, arg, (unsigned long long)bo->min,
				   (unsigned long long)bo->max);
	if (bo->words && builtin_opt_parse(bo, arg, &v)) {
		enum_words(bo, words, sizeof(words));
		return usage_error(cmd, "bad --%s '%s': use %s%s", bo->name, arg,
				   bo->flags ? "one or more of " : "", words);
	}
	if (!bo->words && !bo->string && parse_u64_range(arg, bo->min, bo->max, &v))
		return usage_error(cmd, "bad --%s '%s': use a number from %llu to %llu", bo->name,
				   arg, (unsigned long long)bo->min, (unsigned long long)bo->max);
	ctx->builtin_cfgs[b].val[k] = v;
	ctx->builtin_cfgs[b].given[k] = true;
	return 0;
}

/* The text of the option that getopt_long could not take, for the error. */
static void bad_opt_text(char **argv, char *buf, size_t sz)
{
	const char *word = argv[optind - 1] ? argv[optind - 1] : "";

	if (!strncmp(word, "--", 2))
		snprintf(buf, sz, "%.*s", (int)strcspn(word, "="), word);
	else if (optopt > 0 && optopt < VAL_CMD)
		snprintf(buf, sz, "-%c", optopt);
	else
		snprintf(buf, sz, "%s", word);
}

/* Groups: alternatives that exclude each other, or one of which is needed. */
static int check_groups(const struct cmd_def *cmd, const struct cmd_ctx *ctx)
{
	const struct opt_group *g;
	const struct opt_def *first;
	char a[64], b[64], list[256];
	size_t used;
	int i, n;

	for (g = cmd->groups; g && g->id; g++) {
		first = NULL;
		n = 0;
		used = 0;
		list[0] = '\0';
		for (i = 0; cmd->opts[i].name; i++) {
			const struct opt_def *o = &cmd->opts[i];

			if (o->group != g->id)
				continue;
			if (o->short_opt)
				used += snprintf(list + used, sizeof(list) - used, "%s-%c%s%s",
						 used ? ", " : "", o->short_opt,
						 o->metavar ? " " : "", o->metavar ?: "");
			else
				used += snprintf(list + used, sizeof(list) - used, "%s--%s%s%s",
						 used ? ", " : "", o->name, o->metavar ? " " : "",
						 o->metavar ?: "");
			if (used >= sizeof(list))
				used = sizeof(list) - 1;
			if (!(ctx->given & (1ULL << i)))
				continue;
			if (n++ && g->exclusive) {
				opt_flag(first, a, sizeof(a));
				opt_flag(o, b, sizeof(b));
				return usage_error(cmd->name, "%s and %s exclude each other", a, b);
			}
			first = o;
		}
		if (g->required && !n)
			return usage_error(cmd->name, "%s: one of %s", g->what, list);
	}
	return 0;
}

static int check_args(const struct cmd_def *cmd, const struct cmd_ctx *ctx)
{
	if (ctx->nargs < cmd->min_args)
		return usage_error(cmd->name, "needs %s", cmd->args_needed);
	if (cmd->max_args >= 0 && ctx->nargs > cmd->max_args)
		return usage_error(cmd->name, "unexpected argument '%s'", ctx->args[cmd->max_args]);
	return 0;
}

int params_parse(const struct cmd_def *cmd, int argc, char **argv, void *cfg, struct cmd_ctx *ctx)
{
	const struct opt_def *o;
	struct parse_tables t = {};
	int c, index, err = 0, ret;
	char text[80];

	ctx->cmd = cmd;
	if (cmd->builtin_opts) {
		ctx->builtin_cfgs = calloc(builtin_count() + 1, sizeof(*ctx->builtin_cfgs));
		if (!ctx->builtin_cfgs)
			return -ENOMEM;
	}
	if (build_tables(cmd, &t))
		return -ENOMEM;
	optind = 0; /* GNU: start over, a second parse in one process is a new one */
	opterr = 0;
	/*
	 * After an error, go on reading: a --json further on still makes the error
	 * JSON, and the first error recorded is the one reported.
	 */
	while ((c = getopt_long(argc, argv, t.shortopts, t.longopts, NULL)) != -1) {
		if (c == '?' || c == ':') {
			bad_opt_text(argv, text, sizeof(text));
			err = err
				      ?: usage_error(cmd->name,
						     c == ':' ? "option '%s' needs a value"
							      : "unknown option '%s'",
						     text);
			continue;
		}
		if (c >= VAL_BUILTIN) {
			ret = store_builtin(cmd->name, ctx, c, optarg);
			err = err ?: ret;
			continue;
		}
		o = find_opt(cmd, c, &index);
		if (!o)
			continue;
		if (index >= 0 && index < 64)
			ctx->given |= 1ULL << index;
		if (o->type == OPT_HELP)
			ctx->help = true;
		ret = store(cmd->name, o, optarg, cfg);
		err = err ?: ret;
	}
	free(t.longopts);
	ctx->args = argv + optind;
	ctx->nargs = argc - optind;
	if (err)
		return err;
	if (ctx->help) {
		print_help(stdout, cmd);
		return 0;
	}
	return check_args(cmd, ctx) ?: check_groups(cmd, ctx);
}

bool opt_given(const struct cmd_ctx *ctx, const char *name)
{
	int i;

	for (i = 0; ctx->cmd->opts && ctx->cmd->opts[i].name; i++)
		if (!strcmp(ctx->cmd->opts[i].name, name))
			return ctx->given & (1ULL << i);
	return false;
}

int opt_parse_actions(const char *cmd, const char *arg, void *dst)
{
	char *bad = NULL;

	if (!actions_parse_list(arg, dst, &bad))
		return 0;
	usage_error(cmd,
		    "bad action '%s': use XDP_ABORTED, XDP_DROP, XDP_PASS, XDP_TX or "
		    "XDP_REDIRECT, comma-separated",
		    bad ? bad : arg);
	free(bad);
	return -EINVAL;
}

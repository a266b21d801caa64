// SPDX-License-Identifier: GPL-2.0-only
/* Synopsis and help, generated from the command tables (params.h). */
#include <stdint.h>
#include <string.h>
#include "commands.h"
#include "params.h"

#define HELP_COLUMN 28
#define WRAP_WIDTH 80

static bool takes_value(const struct opt_def *o)
{
	return o->type != OPT_FLAG && o->type != OPT_COUNT && o->type != OPT_HELP;
}

/* "auto|libxdp|linked" */
static void enum_bar(const struct enum_val *values, char *buf, size_t sz)
{
	const struct enum_val *v;
	size_t used = 0;

	buf[0] = '\0';
	for (v = values; v->name; v++)
		if (!v->alias)
			used += snprintf(buf + used, used < sz ? sz - used : 0, "%s%s",
					 used ? "|" : "", v->name);
}

static const char *value_text(const struct opt_def *o, char *buf, size_t sz)
{
	if (o->metavar)
		return o->metavar;
	if (o->type == OPT_ENUM) {
		enum_bar(o->values, buf, sz);
		return buf;
	}
	return "VALUE";
}

/* "-m MODE" or "--dispatcher auto|libxdp|linked": how a synopsis writes it. */
static size_t opt_form(const struct opt_def *o, char *buf, size_t sz)
{
	char vals[128];
	int n;

	if (o->short_opt)
		n = snprintf(buf, sz, "-%c", o->short_opt);
	else
		n = snprintf(buf, sz, "--%s", o->name);
	if (takes_value(o))
		n += snprintf(buf + n, sz > (size_t)n ? sz - n : 0, " %s",
			      value_text(o, vals, sizeof(vals)));
	return n;
}

static const struct opt_group *group_of(const struct cmd_def *cmd, int id)
{
	const struct opt_group *g;

	for (g = cmd->groups; id && g && g->id; g++)
		if (g->id == id)
			return g;
	return NULL;
}

#define APPEND(...)                                                                   \
	do {                                                                          \
		used += snprintf(buf + used, used < sz ? sz - used : 0, __VA_ARGS__); \
	} while (0)

/* The synopsis on one line: "xdpload load [-m MODE] ... IFACE FILE|BUILTIN...". */
static void synopsis(const struct cmd_def *cmd, char *buf, size_t sz)
{
	const struct opt_def *o, *p;
	const struct opt_group *g;
	const struct builtin_prog *b;
	const struct opt_def *common;
	char form[160];
	size_t used = 0;
	int k;

	APPEND("xdpload%s%s", cmd->name ? " " : "", cmd->name ?: "");
	/* xdpload's own options: the common ones too, they go before the command */
	for (common = common_opts; cmd->stop_at_arg && common->name; common++)
		if (common->type != OPT_HELP)
			APPEND(" [-%c]", common->short_opt);
	for (o = cmd->opts; o && o->name; o++) {
		if (o->hidden)
			continue;
		g = group_of(cmd, o->group);
		if (!g) {
			opt_form(o, form, sizeof(form));
			APPEND(" [%s]", form);
			continue;
		}
		/* a group is written once, where its first option is */
		for (p = cmd->opts; p < o && p->group != o->group; p++)
			;
		if (p < o)
			continue;
		APPEND(" %s", g->required ? "(" : "[");
		for (p = o; p->name; p++) {
			if (p->group != o->group)
				continue;
			opt_form(p, form, sizeof(form));
			APPEND("%s%s", p == o ? "" : " | ", form);
		}
		APPEND("%s", g->required ? ")" : "]");
	}
	if (cmd->json_output)
		APPEND(" [--json]");
	for (b = builtin_progs; cmd->builtin_opts && b->name; b++)
		for (k = 0; b->opts && b->opts[k].name; k++)
			APPEND(" [--%s %s]", b->opts[k].name, b->opts[k].metavar);
	if (cmd->args_usage)
		APPEND(" %s", cmd->args_usage);
}

/* Break at blanks outside brackets, continuing lines under the command's arguments. */
static void print_wrapped(FILE *out, const char *prefix, const char *text, int indent)
{
	int col = fprintf(out, "%s", prefix), depth = 0, len;
	const char *p = text, *q;

	while (*p) {
		for (q = p; *q; q++) {
			if (*q == '[' || *q == '(')
				depth++;
			else if ((*q == ']' || *q == ')') && depth)
				depth--;
			else if (*q == ' ' && !depth && q > p)
				break;
		}
		len = q - p;
		if (col + len > WRAP_WIDTH && col > indent + 1) {
			fprintf(out, "\n%*s", indent, "");
			col = indent;
			while (*p == ' ')
				p++, len--;
		}
		col += fprintf(out, "%.*s", len, p);
		p = q;
	}
	fputc('\n', out);
}

void print_synopsis(FILE *out, const struct cmd_def *cmd, bool wrap)
{
	char buf[1024];
	const char *rest;

	synopsis(cmd, buf, sizeof(buf));
	if (!wrap) {
		fprintf(out, "%s\n", buf);
		return;
	}
	/* continuation lines start under the first option */
	rest = buf + strlen("xdpload") + (cmd->name ? strlen(cmd->name) + 1 : 0);
	fprintf(out, "Usage: %.*s", (int)(rest - buf), buf);
	print_wrapped(out, "", rest, (int)(rest - buf) + 8);
}

/* What a number or an enum takes, after the option's help. */
static void value_note(const struct opt_def *o, char *buf, size_t sz)
{
	char list[256];

	buf[0] = '\0';
	switch (o->type) {
	case OPT_U32:
	case OPT_U64:
		if (o->max == UINT64_MAX)
			snprintf(buf, sz, " (%llu or more)", (unsigned long long)o->min);
		else
			snprintf(buf, sz, " (%llu to %llu)", (unsigned long long)o->min,
				 (unsigned long long)o->max);
		break;
	case OPT_DOUBLE:
		snprintf(buf, sz, " (%g to %g)", o->dmin, o->dmax);
		break;
	case OPT_ENUM:
		/* without a metavar the values are shown already */
		enum_list(o->values, " or ", list, sizeof(list));
		if (o->metavar)
			snprintf(buf, sz, " (%s)", list);
		break;
	default:
		break;
	}
}

/* "  left    text", the text wrapped at word breaks under its column. */
static void help_line(FILE *out, int column, const char *left, const char *help, const char *note)
{
	char text[768];
	const char *p, *q;
	int n = fprintf(out, "  %s", left), len;

	snprintf(text, sizeof(text), "%s%s", help ?: "", note);
	if (n >= column) {
		fputc('\n', out);
		n = 0;
	}
	fprintf(out, "%*s", column - n, "");
	n = column;
	for (p = text; *p; p = q) {
		while (*p == ' ')
			p++;
		q = p + strcspn(p, " ");
		len = q - p;
		if (n > column && n + 1 + len > WRAP_WIDTH) {
			fprintf(out, "\n%*s", column + 2, "");
			n = column + 2;
		} else if (n > column) {
			fputc(' ', out);
			n++;
		}
		n += fprintf(out, "%.*s", len, p);
	}
	fputc('\n', out);
}

static void help_opts(FILE *out, const struct opt_def *opts)
{
	const struct opt_def *o;
	char left[160], vals[128], note[300];

	for (o = opts; o && o->name; o++) {
		if (o->hidden)
			continue;
		snprintf(left, sizeof(left), "%s%c%s--%s%s%s", o->short_opt ? "-" : " ",
			 o->short_opt ?: ' ', o->short_opt ? ", " : "  ", o->name,
			 takes_value(o) ? " " : "",
			 takes_value(o) ? value_text(o, vals, sizeof(vals)) : "");
		value_note(o, note, sizeof(note));
		help_line(out, HELP_COLUMN, left, o->help, note);
	}
}

void print_help(FILE *out, const struct cmd_def *cmd)
{
	const struct opt_def *o;
	const struct builtin_prog *b;
	char left[160], help[256], note[160];
	int i, k;

	print_synopsis(out, cmd, true);
	fprintf(out, "%s.\n", cmd->summary);
	if (!cmd->name) {
		fprintf(out, "\nCommands:\n");
		for (i = 0; xdpl_commands[i]; i++)
			help_line(out, 13, xdpl_commands[i]->name, xdpl_commands[i]->summary, "");
	}
	for (o = cmd->opts; o && o->name && o->hidden; o++)
		;
	if (o && o->name) {
		fprintf(out, "\nOptions:\n");
		help_opts(out, cmd->opts);
	}
	if (!cmd->name) {
		help_opts(out, common_opts);
		if (cmd->description)
			fprintf(out, "\n%s", cmd->description);
		return;
	}
	if (cmd->builtin_opts) {
		fprintf(out, "\nOptions of the bundled programs, for each one loaded:\n");
		for (b = builtin_progs; b->name; b++) {
			for (k = 0; b->opts && b->opts[k].name; k++) {
				const struct builtin_opt *bo = &b->opts[k];

				snprintf(left, sizeof(left), "    --%s %s", bo->name, bo->metavar);
				if (bo->string) {
					snprintf(note, sizeof(note), " (none by default)");
				} else if (bo->words) {
					char def[64];

					builtin_opt_str(bo, bo->def, def, sizeof(def));
					if (def[0])
						snprintf(note, sizeof(note), " (default %s)", def);
					else
						note[0] = '\0';
				} else {
					snprintf(note, sizeof(note),
						 " (%llu to %llu, default %llu)",
						 (unsigned long long)bo->min,
						 (unsigned long long)bo->max,
						 (unsigned long long)bo->def);
				}
				snprintf(help, sizeof(help), "%s: %s", b->name, bo->help);
				help_line(out, HELP_COLUMN, left, help, note);
			}
		}
	}
	fprintf(out, "\nEvery command also takes:\n");
	help_opts(out, common_opts);
	if (cmd->description)
		fprintf(out, "\n%s", cmd->description);
}

// SPDX-License-Identifier: GPL-2.0-only
/*
 * The bash completion, generated from the command tables (params.h) by
 * `xdpload help --completion`; the Makefile writes it to build/ and installs it.
 */
#include <string.h>
#include "params.h"

static bool takes_value(const struct opt_def *o)
{
	return o->type != OPT_FLAG && o->type != OPT_COUNT && o->type != OPT_HELP;
}

static const char script_head[] =
	"# bash completion for xdpload(8), generated from its command tables by\n"
	"# 'xdpload help --completion': regenerate it rather than editing it.\n"
	"\n"
	"_xdpload_ifaces()\n"
	"{\n"
	"\tlocal d\n"
	"\tfor d in /sys/class/net/*; do\n"
	"\t\t[[ -e $d ]] && printf '%s\\n' \"${d##*/}\"\n"
	"\tdone\n"
	"}\n"
	"\n"
	"# The object file on the command line, whose sections -s and programs -n offer.\n"
	"_xdpload_obj()\n"
	"{\n"
	"\tlocal w\n"
	"\tfor w in \"${COMP_WORDS[@]:1}\"; do\n"
	"\t\tif [[ ($w == */* || $w == *.o) && -f $w ]]; then\n"
	"\t\t\tprintf '%s\\n' \"$w\"\n"
	"\t\t\treturn 0\n"
	"\t\tfi\n"
	"\tdone\n"
	"\treturn 1\n"
	"}\n"
	"\n"
	"_xdpload()\n"
	"{\n"
	"\tlocal cur=${COMP_WORDS[COMP_CWORD]} prev=\"\" cmd=\"\" i=1 w npos=0 obj\n"
	"\tlocal opts=\"\" argopts=\"\"\n"
	"\tCOMPREPLY=()\n"
	"\t((COMP_CWORD > 0)) && prev=${COMP_WORDS[COMP_CWORD - 1]}\n"
	"\t[[ $prev == = ]] && ((COMP_CWORD > 1)) && prev=${COMP_WORDS[COMP_CWORD - 2]}\n"
	"\t# xdpload's own options come before the command\n"
	"\twhile ((i < COMP_CWORD)); do\n"
	"\t\tw=${COMP_WORDS[i]}\n"
	"\t\tcase $w in\n"
	"\t\t-*) ((i++)) ;;\n"
	"\t\t*) cmd=$w; break ;;\n"
	"\t\tesac\n"
	"\tdone\n";

static const char script_args[] =
	"\tif [[ $cur == -* ]]; then\n"
	"\t\tCOMPREPLY=($(compgen -W \"$opts\" -- \"$cur\"))\n"
	"\t\treturn 0\n"
	"\tfi\n"
	"\t# which argument this is: the words after the command, less options and values\n"
	"\tfor ((i++; i < COMP_CWORD; i++)); do\n"
	"\t\tw=${COMP_WORDS[i]}\n"
	"\t\tif [[ $w == -* ]]; then\n"
	"\t\t\tif [[ ${COMP_WORDS[i + 1]} == = ]]; then\n"
	"\t\t\t\t((i += 2))\n"
	"\t\t\telif [[ \" $argopts \" == *\" $w \"* ]]; then\n"
	"\t\t\t\t((i++))\n"
	"\t\t\tfi\n"
	"\t\t\tcontinue\n"
	"\t\tfi\n"
	"\t\t((npos++))\n"
	"\tdone\n";

/* " -m --mode -s --section ...": each word after a blank */
static void word_list(FILE *out, const struct opt_def *opts, bool values_only)
{
	const struct opt_def *o;

	for (o = opts; o && o->name; o++) {
		if (o->hidden || (values_only && !takes_value(o)))
			continue;
		if (o->short_opt)
			fprintf(out, " -%c", o->short_opt);
		fprintf(out, " --%s", o->name);
	}
}

static void builtin_words(FILE *out, bool opts)
{
	const struct builtin_prog *b;
	int k;

	for (b = builtin_progs; b->name; b++) {
		if (!opts)
			fprintf(out, "%s%s", b == builtin_progs ? "" : " ", b->name);
		for (k = 0; opts && b->opts && b->opts[k].name; k++)
			fprintf(out, " --%s", b->opts[k].name);
	}
}

static void command_words(FILE *out, const struct cmd_def *const *cmds)
{
	int i;

	for (i = 0; cmds[i]; i++)
		fprintf(out, "%s%s", i ? " " : "", cmds[i]->name);
}

/* opts="..." argopts="..." for one command. */
static void option_words(FILE *out, const struct cmd_def *cmd)
{
	fprintf(out, "\t%s)\n\t\topts=\"", cmd->name);
	word_list(out, cmd->opts, false);
	word_list(out, common_opts, false);
	if (cmd->builtin_opts)
		builtin_words(out, true);
	fprintf(out, "\"\n\t\targopts=\"");
	word_list(out, cmd->opts, true);
	if (cmd->builtin_opts)
		builtin_words(out, true);
	fprintf(out, "\"\n\t\t;;\n");
}

static void value_case(FILE *out, const struct cmd_def *cmd, const struct opt_def *o)
{
	const struct enum_val *v;

	fprintf(out, "\t\"%s --%s\"", cmd->name, o->name);
	if (o->short_opt)
		fprintf(out, " | \"%s -%c\"", cmd->name, o->short_opt);
	fprintf(out, ")\n");
	if (o->type == OPT_ENUM) {
		fprintf(out, "\t\tCOMPREPLY=($(compgen -W \"");
		for (v = o->values; v->name; v++)
			if (!v->alias)
				fprintf(out, "%s%s", v == o->values ? "" : " ", v->name);
		fprintf(out, "\" -- \"$cur\"))\n");
	} else if (o->complete == COMPLETE_SECTION || o->complete == COMPLETE_PROG_NAME) {
		fprintf(out,
			"\t\tobj=$(_xdpload_obj) && COMPREPLY=($(compgen -W "
			"\"$(\"${COMP_WORDS[0]}\" "
			"help %s \"$obj\" 2>/dev/null)\" -- \"$cur\"))\n",
			o->complete == COMPLETE_SECTION ? "--sections" : "--prog-names");
	} else if (o->type == OPT_DIR) {
		fprintf(out, "\t\tCOMPREPLY=($(compgen -d -- \"$cur\"))\n");
	} else if (o->type == OPT_FILE || o->complete == COMPLETE_FILE) {
		fprintf(out, "\t\tCOMPREPLY=($(compgen -f -- \"$cur\"))\n");
	}
	/* numbers and free text: nothing to offer, and no file names either */
	fprintf(out, "\t\treturn 0\n\t\t;;\n");
}

static void arg_case(FILE *out, const struct cmd_def *const *cmds, const struct cmd_def *cmd,
		     int pos, const struct arg_def *a, bool repeats)
{
	if (a->kind == ARG_ANY) /* free text, a rule: nothing to offer */
		return;
	if (repeats)
		fprintf(out, "\t\"%s \"*)\n\t\t", cmd->name);
	else
		fprintf(out, "\t\"%s %d\")\n\t\t", cmd->name, pos);
	switch (a->kind) {
	case ARG_IFACE:
		fprintf(out, "COMPREPLY=($(compgen -W \"$(_xdpload_ifaces)\" -- \"$cur\"))\n");
		break;
	case ARG_PROG:
		fprintf(out, "COMPREPLY=($(compgen -W \"");
		builtin_words(out, false);
		fprintf(out, "\" -- \"$cur\") $(compgen -f -- \"$cur\"))\n");
		break;
	case ARG_WORD:
		fprintf(out, "COMPREPLY=($(compgen -W \"%s\" -- \"$cur\"))\n", a->words);
		break;
	case ARG_COMMAND:
		fprintf(out, "COMPREPLY=($(compgen -W \"");
		command_words(out, cmds);
		fprintf(out, "\" -- \"$cur\"))\n");
		break;
	default:
		break;
	}
	fprintf(out, "\t\t;;\n");
}

void print_completion(FILE *out, const struct cmd_def *const *cmds, const struct cmd_def *main)
{
	const struct opt_def *o;
	int i, n;

	fputs(script_head, out);
	fprintf(out, "\tif [[ -z $cmd ]]; then\n\t\tif [[ $cur == -* ]]; then\n"
		     "\t\t\tCOMPREPLY=($(compgen -W \"");
	word_list(out, common_opts, false);
	word_list(out, main->opts, false);
	fprintf(out, "\" -- \"$cur\"))\n\t\telse\n\t\t\tCOMPREPLY=($(compgen -W \"");
	command_words(out, cmds);
	fprintf(out, "\" -- \"$cur\"))\n\t\tfi\n\t\treturn 0\n\tfi\n");

	fprintf(out, "\tcase $cmd in\n");
	for (i = 0; cmds[i]; i++)
		option_words(out, cmds[i]);
	fprintf(out, "\t*)\n\t\treturn 0\n\t\t;;\n\tesac\n");

	fprintf(out, "\t# an option's value\n\tcase \"$cmd $prev\" in\n");
	for (i = 0; cmds[i]; i++)
		for (o = cmds[i]->opts; o && o->name; o++)
			if (!o->hidden && takes_value(o))
				value_case(out, cmds[i], o);
	for (i = 0; cmds[i]; i++) {
		const struct builtin_prog *b;
		int k;

		for (b = builtin_progs; cmds[i]->builtin_opts && b->name; b++)
			for (k = 0; b->opts && b->opts[k].name; k++)
				fprintf(out, "\t\"%s --%s\")\n\t\treturn 0\n\t\t;;\n",
					cmds[i]->name, b->opts[k].name);
	}
	fprintf(out, "\tesac\n");

	fputs(script_args, out);
	fprintf(out, "\tcase \"$cmd $npos\" in\n");
	for (i = 0; cmds[i]; i++) {
		const struct arg_def *a = cmds[i]->args;

		for (n = 0; a && a[n].kind; n++)
			arg_case(out, cmds, cmds[i], n, &a[n],
				 !a[n + 1].kind && cmds[i]->max_args < 0 && n > 0);
	}
	fprintf(out, "\tesac\n\treturn 0\n}\n\ncomplete -F _xdpload xdpload\n");
}

// SPDX-License-Identifier: GPL-2.0-only
/*
 * xdpload filter: the rules of the bundled filter program at runtime, with
 * xdp-filter's semantics and spellings (xdpload-filter(8) has the table).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "attached.h"
#include "commands.h"
#include "filter.h"
#include "json_writer.h"
#include "log.h"
#include "output.h"
#include "progs/filter_combo.h"

struct filter_cfg {
	bool src, dst, tcp, udp, remove, status, replace;
	const char *mode, *proto;
	__u32 interval_ms;
	__u64 count;
	/* what the words say, filled in by filter_check() */
	const char *ifname, *kind, *verb, *value;
	unsigned int dirs, protos; /* FILTER_DIR_*, FILTER_PROTO_*; 0: not given */
	struct filter_rule rule;
	struct xdpl_filter_combo combo; /* rule: a combined rule */
	/* the rules of a rules file */
	struct filter_rule *file_rules;
	size_t nfile;
	struct xdpl_filter_combo *file_combos;
	size_t nfile_combos;
};

#define FILTER_OPT(field) offsetof(struct filter_cfg, field)

static void filter_defaults(void *cfg)
{
	((struct filter_cfg *)cfg)->interval_ms = 1000;
}

static const struct opt_def filter_opts[] = {
	{ "mode", 'm', OPT_STRING, FILTER_OPT(mode), .metavar = "src,dst",
	  .help = "rules: match the source, the destination or either (default dst)" },
	{ "proto", 'p', OPT_STRING, FILTER_OPT(proto), .metavar = "tcp,udp",
	  .help = "port rules: TCP, UDP or both (default both)" },
	{ "remove", 'r', OPT_FLAG, FILTER_OPT(remove),
	  .help = "remove the rule (with -m/-p: only those directions or protocols)" },
	{ "status", 's', OPT_FLAG, FILTER_OPT(status),
	  .help = "print the status after the change" },
	{ "src", 0, OPT_FLAG, FILTER_OPT(src), .help = "the same as -m src (with --dst: src,dst)" },
	{ "dst", 0, OPT_FLAG, FILTER_OPT(dst), .help = "the same as -m dst" },
	{ "tcp", 0, OPT_FLAG, FILTER_OPT(tcp), .help = "the same as -p tcp" },
	{ "udp", 0, OPT_FLAG, FILTER_OPT(udp), .help = "the same as -p udp" },
	{ "replace", 0, OPT_FLAG, FILTER_OPT(replace),
	  .help = "rules FILE: the file is the whole rule set (others are removed)" },
	{ "interval", 'i', OPT_U32, FILTER_OPT(interval_ms), .metavar = "MS", .noun = "interval",
	  .min = 10, .max = 86400000, .help = "poll: milliseconds between reports (default 1000)" },
	{ "count", 'c', OPT_U64, FILTER_OPT(count), .metavar = "COUNT", .noun = "count", .min = 1,
	  .max = UINT64_MAX, .help = "poll: stop after COUNT reports" },
	OPT_END,
};

static bool is_rule_kind(const char *w)
{
	return w && (!strcmp(w, "ip") || !strcmp(w, "port") || !strcmp(w, "ether"));
}

static const char *value_noun(const char *kind)
{
	return !strcmp(kind, "ip")     ? "address or prefix"
	       : !strcmp(kind, "port") ? "port number"
				       : "MAC address";
}

/* -m/--src/--dst and -p/--tcp/--udp into bit sets (0 when not given). */
static int parse_flags(struct filter_cfg *a)
{
	char err[160];

	a->dirs = (a->src ? FILTER_DIR_SRC : 0) | (a->dst ? FILTER_DIR_DST : 0);
	a->protos = (a->tcp ? FILTER_PROTO_TCP : 0) | (a->udp ? FILTER_PROTO_UDP : 0);
	if (a->mode) {
		unsigned int d;

		if (filter_parse_dirs(a->mode, &d, err, sizeof(err)))
			return usage_error("filter", "%s", err);
		a->dirs |= d;
	}
	if (a->proto) {
		unsigned int p;

		if (filter_parse_protos(a->proto, &p, err, sizeof(err)))
			return usage_error("filter", "%s", err);
		a->protos |= p;
	}
	return 0;
}

/* The value of a rule: ip ADDR[/LEN], port N, ether MAC. */
static int parse_value(const char *kind, const char *value, struct filter_rule *r, char *err,
		       size_t errlen)
{
	__u64 port;

	memset(r, 0, sizeof(*r));
	/* ports follow the number rules of every other command (no blanks, no sign) */
	if (!strcmp(kind, "port") && parse_u64_range(value, 1, 65535, &port)) {
		snprintf(err, errlen, "'%s' is not a port (1..65535)", value);
		return -EINVAL;
	}
	return filter_parse_value(kind, value, r, err, errlen);
}

/* ip|port|ether [add|del] VALUE [-m ...] [-p ...] [-r] */
static int check_rule(struct filter_cfg *a)
{
	char err[160];

	if (a->verb && !strcmp(a->verb, "del"))
		a->remove = true;
	else if (a->verb && strcmp(a->verb, "add"))
		return usage_error("filter", "%s: unknown action '%s' (add, del or list)", a->kind,
				   a->verb);
	if (!a->value)
		return usage_error("filter", "%s: missing the %s", a->kind, value_noun(a->kind));
	if (output_json)
		return usage_error("filter", "--json only applies to list, status, poll and to "
					     "reading the policy");
	if (parse_value(a->kind, a->value, &a->rule, err, sizeof(err)))
		return usage_error("filter", "%s", err);
	if (a->protos && a->rule.kind != FILTER_PORT)
		return usage_error("filter",
				   "-p/--proto, --tcp and --udp only apply to port rules");
	return 0;
}

/* One line of a rules file: "ip ADDR [-m DIRS]", "port N [-m DIRS] [-p PROTOS]", "ether MAC [-m
 * DIRS]". */
static int parse_line(char *line, struct filter_rule *r, unsigned int *dirs, unsigned int *protos,
		      char *err, size_t errlen)
{
	char *words[8], *save = NULL, *w;
	int n = 0, i;

	for (w = strtok_r(line, " \t\r\n", &save); w && n < 8; w = strtok_r(NULL, " \t\r\n", &save))
		words[n++] = w;
	if (n < 2 || !is_rule_kind(words[0])) {
		snprintf(err, errlen, "expected 'ip ADDR', 'port PORT' or 'ether MAC' with -m/-p");
		return -EINVAL;
	}
	if (parse_value(words[0], words[1], r, err, errlen))
		return -EINVAL;
	*dirs = *protos = 0;
	for (i = 2; i < n; i++) {
		bool m = !strcmp(words[i], "-m") || !strcmp(words[i], "--mode");
		bool p = !strcmp(words[i], "-p") || !strcmp(words[i], "--proto");

		if ((!m && !p) || i + 1 >= n) {
			snprintf(err, errlen, "unexpected '%s' (only -m DIRS and -p PROTOS)",
				 words[i]);
			return -EINVAL;
		}
		if (m && filter_parse_dirs(words[++i], dirs, err, errlen))
			return -EINVAL;
		if (p && filter_parse_protos(words[++i], protos, err, errlen))
			return -EINVAL;
	}
	if (*protos && r->kind != FILTER_PORT) {
		snprintf(err, errlen, "-p only applies to port rules");
		return -EINVAL;
	}
	return 0;
}

/* Add @r for each direction of @dirs (default dst) and protocols @protos (default both). */
static int push_rules(struct filter_rule **v, size_t *n, const struct filter_rule *r,
		      unsigned int dirs, unsigned int protos)
{
	unsigned int d;

	dirs = dirs ? dirs : FILTER_DIR_DST;
	for (d = FILTER_DIR_SRC; d <= FILTER_DIR_DST; d <<= 1) {
		struct filter_rule *nv;

		if (!(dirs & d))
			continue;
		nv = realloc(*v, (*n + 1) * sizeof(*nv));
		if (!nv)
			return -ENOMEM;
		*v = nv;
		nv[*n] = *r;
		nv[*n].dir = d == FILTER_DIR_SRC ? XDPL_FILTER_SRC : XDPL_FILTER_DST;
		if (r->kind == FILTER_PORT)
			nv[*n].protos = protos ? protos : FILTER_PROTO_TCP | FILTER_PROTO_UDP;
		(*n)++;
	}
	return 0;
}

/* "rule src 10.0.0.0/8 proto udp" in a rules file. */
static int parse_combo_line(char *line, struct filter_cfg *a, char *err, size_t errlen)
{
	char *words[16], *save = NULL, *w;
	struct xdpl_filter_combo c, *nc;
	int n = 0;

	for (w = strtok_r(line, " \t\r\n", &save); w && n < 16;
	     w = strtok_r(NULL, " \t\r\n", &save))
		words[n++] = w;
	if (filter_combo_parse(words, n, &c, err, errlen))
		return -EINVAL;
	nc = realloc(a->file_combos, (a->nfile_combos + 1) * sizeof(*nc));
	if (!nc)
		return -ENOMEM;
	a->file_combos = nc;
	nc[a->nfile_combos++] = c;
	return 0;
}

/* rules FILE|-: every line checked before anything changes. */
static int read_rules_file(struct filter_cfg *a)
{
	const char *path = a->value;
	FILE *f = strcmp(path, "-") ? fopen(path, "r") : stdin;
	char line[512], err[200];
	unsigned int dirs, protos;
	struct filter_rule r;
	int lineno = 0, ret = 0;

	if (!f)
		return xdpl_err(XDPL_ERR_NOFILE, errno, "%s: cannot open the rules file: %s", path,
				strerror(errno));
	while (!ret && fgets(line, sizeof(line), f)) {
		char *p = line + strspn(line, " \t");

		lineno++;
		if (*p == '#' || *p == '\n' || !*p)
			continue;
		if (!strncmp(p, "rule", 4) && (p[4] == ' ' || p[4] == '\t')) {
			ret = parse_combo_line(p + 4, a, err, sizeof(err));
			if (ret)
				ret = usage_error("filter", "%s:%d: rule: %s", path, lineno, err);
			continue;
		}
		if (parse_line(p, &r, &dirs, &protos, err, sizeof(err)))
			ret = usage_error("filter", "%s:%d: %s", path, lineno, err);
		else
			ret = push_rules(&a->file_rules, &a->nfile, &r, dirs, protos);
	}
	if (f != stdin)
		fclose(f);
	return ret;
}

static int no_value(struct filter_cfg *a)
{
	if (a->value)
		return usage_error("filter", "%s: unexpected argument '%s'", a->kind, a->value);
	return 0;
}

/* Everything the user typed is checked before anything is touched. */
static int filter_check(struct cmd_ctx *ctx, void *cfg)
{
	struct filter_cfg *a = cfg;
	int ret;

	a->ifname = ctx->args[0];
	a->kind = ctx->args[1];
	a->verb = ctx->nargs > 2 ? ctx->args[2] : NULL;
	a->value = ctx->nargs > 3 ? ctx->args[3] : NULL;
	ret = parse_flags(a);
	if (ret)
		return ret;
	if (!strcmp(a->kind, "rule")) {
		char **w = ctx->args + 2, err[200];
		int n = ctx->nargs - 2;

		if (n && (!strcmp(w[0], "add") || !strcmp(w[0], "del"))) {
			a->remove |= !strcmp(w[0], "del");
			w++;
			n--;
		}
		if (a->dirs || a->protos)
			return usage_error("filter", "rule: write its fields as words (src, dst, "
						     "proto, sport, dport, vlan), not -m or -p");
		if (output_json)
			return usage_error("filter", "--json only applies to list, status, poll "
						     "and to reading the policy");
		if (filter_combo_parse(w, n, &a->combo, err, sizeof(err)))
			return usage_error("filter", "rule: %s", err);
		return 0;
	}
	if (ctx->nargs > 4)
		return usage_error("filter", "unexpected argument '%s'", ctx->args[4]);
	if (is_rule_kind(a->kind)) {
		if (a->verb && !strcmp(a->verb, "list"))
			return no_value(a);
		/* xdp-filter's form: ip ADDR (the action is add, or -r) */
		if (a->verb && strcmp(a->verb, "add") && strcmp(a->verb, "del") && !a->value) {
			a->value = a->verb;
			a->verb = NULL;
		}
		return check_rule(a);
	}
	if (a->dirs || a->protos || a->remove)
		return usage_error("filter", "-m, -p, -r, --src, --dst, --tcp and --udp only apply "
					     "to ip, port and ether rules");
	if (!strcmp(a->kind, "rules")) {
		a->value = a->verb;
		if (ctx->nargs > 3)
			return usage_error("filter", "rules: unexpected argument '%s'",
					   ctx->args[3]);
		if (!a->value)
			return usage_error("filter", "rules: name a file, or - for standard input");
		return read_rules_file(a);
	}
	if (!strcmp(a->kind, "policy") || !strcmp(a->kind, "neigh")) {
		bool pol = !strcmp(a->kind, "policy");

		ret = no_value(a);
		if (ret || !a->verb)
			return ret;
		if (pol ? strcmp(a->verb, "allow") && strcmp(a->verb, "deny")
			: strcmp(a->verb, "on") && strcmp(a->verb, "off"))
			return usage_error("filter", "unknown %s '%s' (%s)", a->kind, a->verb,
					   pol ? "allow or deny" : "on or off");
		if (output_json)
			return usage_error("filter", "--json only applies to list, status, poll "
						     "and to reading the policy");
		return 0;
	}
	if (!strcmp(a->kind, "list") || !strcmp(a->kind, "status") || !strcmp(a->kind, "poll") ||
	    !strcmp(a->kind, "flush")) {
		if (a->verb)
			return usage_error("filter", "%s: unexpected argument '%s'", a->kind,
					   a->verb);
		if (output_json && !strcmp(a->kind, "flush"))
			return usage_error("filter", "--json only applies to list, status, poll "
						     "and to reading the policy");
		return 0;
	}
	return usage_error("filter",
			   "unknown rule kind '%s' (ip, port, ether, rule, list, status, poll, "
			   "policy, neigh, flush, rules)",
			   a->kind);
}

static int rule_error(const struct filter_cfg *a, int ret, const char *what)
{
	if (ret == -ENOSPC)
		return xdpl_err(
			XDPL_ERR_FAIL, ret,
			"%s: cannot %s: the filter holds %d rules already (nothing changed)",
			a->ifname, what, XDPL_FILTER_MAX_RULES);
	return xdpl_err(XDPL_ERR_FAIL, ret, "%s: cannot %s: %s", a->ifname, what, strerror(-ret));
}

static int change_rule(const struct filter_cfg *a, const struct filter_maps *m)
{
	struct filter_rule *rules = NULL;
	size_t n = 0, added = 0, present = 0, removed = 0;
	char desc[128], dirs[16], what[160];
	int ret;

	filter_rule_desc(&a->rule, desc, sizeof(desc));
	if (a->remove) {
		ret = filter_remove(m, &a->rule, a->dirs, a->protos, &removed);
		if (ret)
			return rule_error(a, ret, "remove a rule");
		if (!removed)
			pr_info("%s: no rule %s: nothing to remove\n", a->ifname, desc);
		return 0;
	}
	ret = push_rules(&rules, &n, &a->rule, a->dirs, a->protos);
	if (!ret)
		ret = filter_change(m, rules, n, NULL, 0, &added, &present);
	free(rules);
	if (ret) {
		filter_dirs_str(a->dirs ? a->dirs : FILTER_DIR_DST, dirs, sizeof(dirs));
		snprintf(what, sizeof(what), "add %s -m %s", desc, dirs);
		return rule_error(a, ret, what);
	}
	if (!added)
		pr_info("%s: %s: already present\n", a->ifname, desc);
	return 0;
}

/* rules FILE: one atomic change (filter_swap): a packet sees the old set or the new one */
static int change_combo(const struct filter_cfg *a, const struct filter_maps *m)
{
	char desc[200];
	int ret, found = 0;

	filter_combo_str(&a->combo, desc, sizeof(desc));
	if (a->remove) {
		ret = filter_combo_del(m, &a->combo, &found);
		if (ret)
			return rule_error(a, ret, "remove the rule");
		if (!found)
			pr_info("%s: no rule '%s': nothing to remove\n", a->ifname, desc);
		return 0;
	}
	ret = filter_combo_add(m, &a->combo);
	if (ret == -ENOSPC)
		return xdpl_err(XDPL_ERR_FAIL, ret,
				"%s: cannot add rule '%s': the filter holds %d combined rules "
				"already (nothing changed)",
				a->ifname, desc, XDPL_FILTER_MAX_COMBO);
	if (ret < 0)
		return rule_error(a, ret, "add the rule");
	if (ret == 1)
		pr_info("%s: rule '%s': already present\n", a->ifname, desc);
	return 0;
}

static int apply_file(const struct filter_cfg *a, const struct filter_maps *m)
{
	size_t added = 0, present = 0, removed = 0;
	int ret;

	ret = filter_swap(m, a->file_rules, a->nfile, a->file_combos, a->nfile_combos, !a->replace,
			  &added, &present, &removed);
	if (ret)
		return rule_error(a, ret, "apply the rules file (nothing changed)");
	pr_info("%s: %zu rule entr%s added, %zu kept, %zu removed, in one change\n", a->ifname,
		added, added == 1 ? "y" : "ies", present, removed);
	return 0;
}

static int do_setting(const struct filter_cfg *a, const struct filter_maps *m)
{
	bool pol = !strcmp(a->kind, "policy");
	struct filter_settings s;
	struct json_writer *jw;
	int ret;

	if (a->verb) {
		ret = pol ? filter_policy_set(m, strcmp(a->verb, "deny") ? XDPL_FILTER_POLICY_ALLOW
									 : XDPL_FILTER_POLICY_DENY)
			  : filter_neigh_set(m, !strcmp(a->verb, "on"));
		if (ret)
			return xdpl_err(XDPL_ERR_FAIL, ret, "%s: cannot set the %s: %s", a->ifname,
					a->kind, strerror(-ret));
		return 0;
	}
	ret = filter_settings_get(m, &s);
	if (ret)
		return xdpl_err(XDPL_ERR_FAIL, ret, "%s: cannot read the %s: %s", a->ifname,
				a->kind, strerror(-ret));
	if (!output_json) {
		printf("%s\n", pol ? filter_policy_str(s.policy) : s.neigh ? "on" : "off");
		return 0;
	}
	jw = jw_new(stdout);
	jw_start_object(jw);
	jw_string_field(jw, "interface", a->ifname);
	if (pol)
		jw_string_field(jw, "policy", filter_policy_str(s.policy));
	else
		jw_bool_field(jw, "neigh", s.neigh);
	jw_end_object(jw);
	jw_destroy(&jw);
	return 0;
}

static int filter_run(struct cmd_ctx *ctx, void *cfg)
{
	const struct filter_cfg *a = cfg;
	struct filter_maps m;
	size_t removed;
	int ret, prog_fd;

	prog_fd = attached_prog_fd(&ctx->iface, "filter");
	if (prog_fd < 0)
		return prog_fd;
	ret = filter_maps_open(prog_fd, &m);
	close(prog_fd);
	if (ret)
		return xdpl_err(XDPL_ERR_NOTFOUND, ret,
				"%s: the program named 'filter' is not this xdpload's filter (its "
				"maps are missing: reload it with 'xdpload load %s filter')",
				a->ifname, a->ifname);
	if (is_rule_kind(a->kind) && a->verb && !strcmp(a->verb, "list"))
		ret = filter_print_list(a->ifname, &m,
					!strcmp(a->kind, "ip")	   ? FILTER_IP
					: !strcmp(a->kind, "port") ? FILTER_PORT
								   : FILTER_ETHER);
	else if (is_rule_kind(a->kind))
		ret = change_rule(a, &m);
	else if (!strcmp(a->kind, "list"))
		ret = filter_print_list(a->ifname, &m, -1);
	else if (!strcmp(a->kind, "status"))
		ret = filter_print_status(a->ifname, &m);
	else if (!strcmp(a->kind, "poll"))
		ret = filter_poll(a->ifname, &m, a->interval_ms, a->count);
	else if (!strcmp(a->kind, "rule"))
		ret = change_combo(a, &m);
	else if (!strcmp(a->kind, "flush")) {
		size_t combos = 0;

		ret = filter_flush(&m, &removed);
		if (!ret)
			ret = filter_combo_flush(&m, &combos);
		removed += combos;
		if (ret)
			ret = rule_error(a, ret, "flush the rules");
		else
			pr_info("%s: %zu rule entr%s removed\n", a->ifname, removed,
				removed == 1 ? "y" : "ies");
	} else if (!strcmp(a->kind, "rules"))
		ret = apply_file(a, &m);
	else
		ret = do_setting(a, &m);
	if (!ret && a->status && (is_rule_kind(a->kind) || !strcmp(a->kind, "rule")))
		ret = filter_print_status(a->ifname, &m);
	filter_maps_close(&m);
	free(a->file_rules);
	free(a->file_combos);
	return ret;
}

static const struct arg_def filter_args[] = {
	{ .kind = ARG_IFACE },
	{ .kind = ARG_WORD,
	  .words = "ip port ether rule list status poll policy neigh flush rules" },
	{ .kind = ARG_WORD, .words = "add del list allow deny on off" },
	{ .kind = ARG_ANY },
	{ .kind = ARG_END },
};

const struct cmd_def cmd_filter = {
	.name = "filter",
	.summary = "Change the rules of the 'filter' program attached to IFACE",
	.description =
		"  xdpload filter IFACE ip ADDR[/LEN] [-m src,dst] [-r]\n"
		"  xdpload filter IFACE port PORT [-m src,dst] [-p tcp,udp] [-r]\n"
		"  xdpload filter IFACE ether MAC [-m src,dst] [-r]\n"
		"  xdpload filter IFACE (ip|port|ether) add|del VALUE ...   (the same; del = -r)\n"
		"  xdpload filter IFACE rule [src P] [dst P] [proto X] [sport A[-B]] [dport "
		"A[-B]]\n"
		"                            [vlan N] [-r]   (every field given must match)\n"
		"  xdpload filter IFACE [ip|port|ether] list [--json]\n"
		"  xdpload filter IFACE status [--json] | poll [-i MS] [-c N] [--json]\n"
		"  xdpload filter IFACE policy [allow|deny] | neigh [on|off]\n"
		"  xdpload filter IFACE flush | rules FILE|- [--replace]\n"
		"Load it first: xdpload load IFACE filter [--policy allow|deny] [--features F].\n"
		"As in xdp-filter: rules match the destination unless -m says otherwise, port\n"
		"rules both TCP and UDP; policy allow passes frames that match no rule (rules\n"
		"drop), deny drops them (rules pass). -r removes every entry of the rule, or\n"
		"with -m/-p those directions or protocols; removing what is absent succeeds.\n"
		"ARP and neighbour discovery addresses are matched against ip rules unless\n"
		"'neigh off'.\n",
	.opts = filter_opts,
	.args = filter_args,
	.min_args = 2,
	.max_args = 16,
	.args_usage =
		"IFACE (ip|port|ether) [add|del] RULE | IFACE rule [add|del] FIELD VALUE... | "
		"IFACE [ip|port|ether] list | "
		"IFACE (status|poll|flush) | IFACE policy [allow|deny] | IFACE neigh [on|off] | "
		"IFACE rules FILE",
	.args_needed = "an interface and a rule kind (ip, port, ether, rule), list, status, poll, "
		       "policy, neigh, flush or rules",
	.cfg_size = sizeof(struct filter_cfg),
	.defaults = filter_defaults,
	.needs_privs = true,
	.json_output = true,
	.check = filter_check,
	.run = filter_run,
};

// SPDX-License-Identifier: GPL-2.0-only
/* xdpload filter: change the rules of the bundled filter program at runtime. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "attached.h"
#include "commands.h"
#include "progs/filter.h"
#include "progs/filter_rule.h"
#include "json_writer.h"
#include "log.h"
#include "output.h"

struct filter_cfg {
	bool src, dst, tcp, udp;
	/* what the words say, filled in by filter_check() */
	const char *ifname, *kind, *verb, *value;
	bool is_list, is_policy, set_policy;
	int list_kind; /* -1: every kind */
	enum xdpl_filter_policy policy;
	struct filter_rule rule;
};

#define FILTER_OPT(field) offsetof(struct filter_cfg, field)

static const struct opt_def filter_opts[] = {
	{ "src", 0, OPT_FLAG, FILTER_OPT(src), .group = 1,
	  .help = "match the source (default for ip and ether rules)" },
	{ "dst", 0, OPT_FLAG, FILTER_OPT(dst), .group = 1,
	  .help = "match the destination (default for port rules)" },
	{ "tcp", 0, OPT_FLAG, FILTER_OPT(tcp), .group = 2,
	  .help = "port rules: TCP only (default: TCP and UDP)" },
	{ "udp", 0, OPT_FLAG, FILTER_OPT(udp), .group = 2, .help = "port rules: UDP only" },
	OPT_END,
};

static const struct opt_group filter_groups[] = {
	{ .id = 1, .exclusive = true },
	{ .id = 2 },
	{ .id = 0 },
};

/* Check the words and options of an add/del command and build its rule. */
static int build_rule(const struct filter_cfg *a, struct filter_rule *r)
{
	unsigned int protos = (a->tcp ? FILTER_PROTO_TCP : 0) | (a->udp ? FILTER_PROTO_UDP : 0);
	char err[160];
	__u64 port;
	int ret;

	memset(r, 0, sizeof(*r));
	if (!a->verb)
		return usage_error("filter", "%s: expected add, del or list", a->kind);
	if (strcmp(a->verb, "add") && strcmp(a->verb, "del"))
		return usage_error("filter", "%s: unknown action '%s' (add, del or list)", a->kind,
				   a->verb);
	if (!a->value)
		return usage_error("filter", "%s %s: missing the %s", a->kind, a->verb,
				   !strcmp(a->kind, "ip")     ? "address or prefix"
				   : !strcmp(a->kind, "port") ? "port number"
							      : "MAC address");
	if (output_json)
		return usage_error("filter", "--json only applies to list and to reading the "
					     "policy");
	if (!strcmp(a->kind, "ip")) {
		ret = filter_parse_ip(a->value, r, err, sizeof(err));
	} else if (!strcmp(a->kind, "port")) {
		/* the number rules of every other command (no blanks, no sign) */
		ret = parse_u64_range(a->value, 1, 65535, &port);
		if (ret)
			snprintf(err, sizeof(err), "'%s' is not a port (1..65535)", a->value);
		else
			ret = filter_parse_port(a->value, r, err, sizeof(err));
	} else {
		ret = filter_parse_mac(a->value, r, err, sizeof(err));
	}
	if (ret)
		return usage_error("filter", "%s", err);
	if (protos && r->kind != FILTER_PORT)
		return usage_error("filter", "--tcp and --udp only apply to port rules");
	if (r->kind == FILTER_PORT) {
		r->dir = a->src ? XDPL_FILTER_SRC : XDPL_FILTER_DST;
		r->protos = protos ? protos : FILTER_PROTO_TCP | FILTER_PROTO_UDP;
	} else {
		r->dir = a->dst ? XDPL_FILTER_DST : XDPL_FILTER_SRC;
	}
	return 0;
}

static const char *rule_desc(const struct filter_rule *r, char *buf, size_t len)
{
	char key[64];

	filter_rule_key_str(r, key, sizeof(key));
	snprintf(buf, len, "%s %s %s", filter_kind_str(r->kind), filter_dir_str(r->dir), key);
	return buf;
}

static int change_rule(const struct filter_cfg *a, const struct filter_maps *m,
		       const struct filter_rule *r)
{
	char desc[128];
	int ret;

	rule_desc(r, desc, sizeof(desc));
	if (!strcmp(a->verb, "add")) {
		ret = filter_add(m, r);
		if (ret == -ENOSPC)
			return xdpl_err(XDPL_ERR_FAIL, ret,
					"%s: cannot add %s: the filter holds %d rules already",
					a->ifname, desc, XDPL_FILTER_MAX_RULES);
		if (ret < 0)
			return xdpl_err(XDPL_ERR_FAIL, ret, "%s: cannot add %s: %s", a->ifname,
					desc, strerror(-ret));
		if (ret == 1)
			pr_info("%s: %s: already present\n", a->ifname, desc);
		return 0;
	}
	ret = filter_del(m, r);
	if (ret == -ENOENT)
		return xdpl_err(XDPL_ERR_NOTFOUND, ret,
				"%s: no rule %s (see 'xdpload filter %s list')", a->ifname, desc,
				a->ifname);
	if (ret < 0)
		return xdpl_err(XDPL_ERR_FAIL, ret, "%s: cannot delete %s: %s", a->ifname, desc,
				strerror(-ret));
	return 0;
}

static void list_json(const char *ifname, enum xdpl_filter_policy policy,
		      const struct filter_rule *rules, size_t n, __u64 no_match)
{
	struct json_writer *jw = jw_new(stdout);
	char key[64];
	size_t i;

	jw_start_object(jw);
	jw_string_field(jw, "interface", ifname);
	jw_string_field(jw, "policy", policy == XDPL_FILTER_ALLOW ? "allow" : "deny");
	jw_name(jw, "rules");
	jw_start_array(jw);
	for (i = 0; i < n; i++) {
		const struct filter_rule *r = &rules[i];

		filter_rule_key_str(r, key, sizeof(key));
		jw_start_object(jw);
		jw_string_field(jw, "kind", filter_kind_str(r->kind));
		jw_string_field(jw, "dir", filter_dir_str(r->dir));
		jw_string_field(jw, "rule", key);
		switch (r->kind) {
		case FILTER_IP:
			jw_uint_field(jw, "family", r->family);
			jw_uint_field(jw, "prefixlen", r->prefixlen);
			break;
		case FILTER_PORT:
			jw_uint_field(jw, "port", r->port);
			jw_string_field(jw, "proto", r->protos == FILTER_PROTO_TCP ? "tcp" : "udp");
			break;
		case FILTER_ETHER:
			break;
		}
		jw_uint_field(jw, "id", r->id);
		jw_uint_field(jw, "hits", r->hits);
		jw_end_object(jw);
	}
	jw_end_array(jw);
	jw_uint_field(jw, "no_match", no_match);
	jw_end_object(jw);
	jw_destroy(&jw);
}

static void list_text(const char *ifname, enum xdpl_filter_policy policy,
		      const struct filter_rule *rules, size_t n, __u64 no_match)
{
	char key[64];
	size_t i;

	printf("%s: filter policy %s, %zu rule%s\n", ifname,
	       policy == XDPL_FILTER_ALLOW ? "allow" : "deny", n, n == 1 ? "" : "s");
	if (n)
		printf("%-6s %-4s %-44s %s\n", "KIND", "DIR", "RULE", "HITS");
	for (i = 0; i < n; i++) {
		filter_rule_key_str(&rules[i], key, sizeof(key));
		printf("%-6s %-4s %-44s %llu\n", filter_kind_str(rules[i].kind),
		       filter_dir_str(rules[i].dir), key, (unsigned long long)rules[i].hits);
	}
	printf("frames matching no rule: %llu (%s)\n", (unsigned long long)no_match,
	       policy == XDPL_FILTER_ALLOW ? "dropped, except neighbour discovery" : "passed");
}

static int list_rules(const struct filter_cfg *a, const struct filter_maps *m, int kind)
{
	enum xdpl_filter_policy policy;
	struct filter_rule *rules = NULL;
	size_t n = 0, i, k = 0;
	__u64 no_match = 0;
	int ret;

	ret = filter_policy_get(m, &policy);
	if (!ret)
		ret = filter_list(m, &rules, &n, &no_match);
	if (ret)
		return xdpl_err(XDPL_ERR_FAIL, ret, "%s: cannot read the filter rules: %s",
				a->ifname, strerror(-ret));
	for (i = 0; i < n; i++)
		if (kind < 0 || rules[i].kind == (enum filter_kind)kind)
			rules[k++] = rules[i];
	if (output_json)
		list_json(a->ifname, policy, rules, k, no_match);
	else
		list_text(a->ifname, policy, rules, k, no_match);
	free(rules);
	return 0;
}

static int do_policy(const struct filter_cfg *a, const struct filter_maps *m)
{
	enum xdpl_filter_policy cur;
	struct json_writer *jw;
	int ret;

	if (!a->set_policy) {
		ret = filter_policy_get(m, &cur);
		if (ret)
			return xdpl_err(XDPL_ERR_FAIL, ret, "%s: cannot read the policy: %s",
					a->ifname, strerror(-ret));
		if (!output_json) {
			printf("%s\n", cur == XDPL_FILTER_ALLOW ? "allow" : "deny");
			return 0;
		}
		jw = jw_new(stdout);
		jw_start_object(jw);
		jw_string_field(jw, "interface", a->ifname);
		jw_string_field(jw, "policy", cur == XDPL_FILTER_ALLOW ? "allow" : "deny");
		jw_end_object(jw);
		jw_destroy(&jw);
		return 0;
	}
	ret = filter_policy_set(m, a->policy);
	if (ret)
		return xdpl_err(XDPL_ERR_FAIL, ret, "%s: cannot set the policy: %s", a->ifname,
				strerror(-ret));
	return 0;
}

/* Everything the user typed is checked before anything is touched. */
static int filter_check(struct cmd_ctx *ctx, void *cfg)
{
	struct filter_cfg *a = cfg;

	a->ifname = ctx->args[0];
	a->kind = ctx->args[1];
	a->verb = ctx->nargs > 2 ? ctx->args[2] : NULL;
	a->value = ctx->nargs > 3 ? ctx->args[3] : NULL;
	a->list_kind = -1;
	a->policy = XDPL_FILTER_DENY;
	if (!strcmp(a->kind, "list")) {
		if (a->verb)
			return usage_error("filter", "list: unexpected argument '%s'", a->verb);
		a->is_list = true;
	} else if (!strcmp(a->kind, "policy")) {
		if (a->value)
			return usage_error("filter", "policy: unexpected argument '%s'", a->value);
		a->is_policy = true;
		if (a->verb) {
			a->set_policy = true;
			if (!strcmp(a->verb, "allow"))
				a->policy = XDPL_FILTER_ALLOW;
			else if (strcmp(a->verb, "deny"))
				return usage_error("filter", "unknown policy '%s' (allow or deny)",
						   a->verb);
			if (output_json)
				return usage_error("filter", "--json only applies to list and to "
							     "reading the policy");
		}
	} else if (strcmp(a->kind, "ip") && strcmp(a->kind, "port") && strcmp(a->kind, "ether")) {
		return usage_error("filter",
				   "unknown rule kind '%s' (ip, port, ether, list, policy)",
				   a->kind);
	} else if (a->verb && !strcmp(a->verb, "list")) {
		if (a->value)
			return usage_error("filter", "list: unexpected argument '%s'", a->value);
		a->is_list = true;
		a->list_kind = !strcmp(a->kind, "ip")	  ? FILTER_IP
			       : !strcmp(a->kind, "port") ? FILTER_PORT
							  : FILTER_ETHER;
	} else {
		return build_rule(a, &a->rule);
	}
	if (a->src || a->dst || a->tcp || a->udp)
		return usage_error("filter",
				   "--src, --dst, --tcp and --udp only apply to add and del");
	return 0;
}

static int filter_run(struct cmd_ctx *ctx, void *cfg)
{
	const struct filter_cfg *a = cfg;
	struct filter_maps m;
	int ret, prog_fd;

	prog_fd = attached_prog_fd(&ctx->iface, "filter");
	if (prog_fd < 0)
		return prog_fd;
	ret = filter_maps_open(prog_fd, &m);
	close(prog_fd);
	if (ret)
		return xdpl_err(XDPL_ERR_NOTFOUND, ret,
				"%s: the program named 'filter' is not xdpload's filter (its maps "
				"are missing)",
				a->ifname);
	if (a->is_list)
		ret = list_rules(a, &m, a->list_kind);
	else if (a->is_policy)
		ret = do_policy(a, &m);
	else
		ret = change_rule(a, &m, &a->rule);
	filter_maps_close(&m);
	return ret;
}

static const struct arg_def filter_args[] = {
	{ .kind = ARG_IFACE },
	{ .kind = ARG_WORD, .words = "ip port ether list policy" },
	{ .kind = ARG_WORD, .words = "add del list allow deny" },
	{ .kind = ARG_ANY },
	{ .kind = ARG_END },
};

const struct cmd_def cmd_filter = {
	.name = "filter",
	.summary = "Change the rules of the 'filter' program attached to IFACE",
	.description =
		"  xdpload filter IFACE ip add|del ADDR[/LEN] [--src|--dst]\n"
		"  xdpload filter IFACE port add|del PORT [--tcp|--udp] [--src|--dst]\n"
		"  xdpload filter IFACE ether add|del MAC [--src|--dst]\n"
		"  xdpload filter IFACE [ip|port|ether] list [--json]\n"
		"  xdpload filter IFACE policy [allow|deny]\n"
		"Load it first: xdpload load IFACE filter. Defaults: ip and ether rules match "
		"the\nsource, port rules the destination port of both TCP and UDP. Policy deny "
		"drops\nframes matching a rule; allow drops the others.\n",
	.opts = filter_opts,
	.groups = filter_groups,
	.args = filter_args,
	.min_args = 2,
	.max_args = 4,
	.args_usage = "IFACE (ip|port|ether) (add|del) RULE | IFACE [ip|port|ether] list | "
		      "IFACE policy [allow|deny]",
	.args_needed = "an interface and a rule kind (ip, port, ether), list or policy",
	.cfg_size = sizeof(struct filter_cfg),
	.needs_privs = true,
	.json_output = true,
	.check = filter_check,
	.run = filter_run,
};

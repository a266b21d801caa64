// SPDX-License-Identifier: GPL-2.0-only
/* xdpload filter: change the rules of the bundled filter program at runtime. */
#include <errno.h>
#include <getopt.h>
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

static const char filter_usage[] =
	"Usage: xdpload filter IFACE ip add|del ADDR[/LEN] [--src|--dst]\n"
	"       xdpload filter IFACE port add|del PORT [--tcp|--udp] [--src|--dst]\n"
	"       xdpload filter IFACE ether add|del MAC [--src|--dst]\n"
	"       xdpload filter IFACE [ip|port|ether] list [--json]\n"
	"       xdpload filter IFACE policy [allow|deny]\n"
	"\n"
	"Changes the rules of the 'filter' program attached to IFACE (xdpload load IFACE filter).\n"
	"Defaults: ip and ether rules match the source, port rules the destination port of\n"
	"both TCP and UDP. Policy deny drops frames matching a rule; allow drops the others.\n";

struct filter_args {
	const char *ifname;
	const char *kind; /* ip, port, ether, list, policy */
	const char *verb; /* add, del, list, or the policy */
	const char *value;
	int dir; /* -1 when not given */
	unsigned int protos;
	int json;
};

static int parse_args(int argc, char **argv, struct filter_args *a)
{
	static const struct option opts[] = {
		{ "src", no_argument, NULL, 's' },
		{ "dst", no_argument, NULL, 'd' },
		{ "tcp", no_argument, NULL, 't' },
		{ "udp", no_argument, NULL, 'u' },
		{ "json", no_argument, NULL, 'j' },
		{ "help", no_argument, NULL, 'h' },
		{ 0 },
	};
	const char *pos[4] = {};
	int c, npos = 0;

	memset(a, 0, sizeof(*a));
	a->dir = -1;
	optind = 1;
	opterr = 0;
	while ((c = getopt_long(argc, argv, "+h", opts, NULL)) != -1 || optind < argc) {
		if (c == -1) {
			/* a positional argument: keep it and go on with the options after it */
			if (npos == 4)
				return usage_error("filter", "unexpected argument '%s'",
						   argv[optind]);
			pos[npos++] = argv[optind++];
			continue;
		}
		switch (c) {
		case 's':
		case 'd':
			if (a->dir != -1 && a->dir != (c == 'd'))
				return usage_error("filter", "--src and --dst exclude each other");
			a->dir = c == 'd' ? XDPL_FILTER_DST : XDPL_FILTER_SRC;
			break;
		case 't':
			a->protos |= FILTER_PROTO_TCP;
			break;
		case 'u':
			a->protos |= FILTER_PROTO_UDP;
			break;
		case 'j':
			a->json = 1;
			break;
		case 'h':
			fputs(filter_usage, stdout);
			exit(0);
		default:
			return usage_error("filter", "unknown option '%s'", argv[optind - 1]);
		}
	}
	if (npos < 2)
		return usage_error("filter", "expected IFACE and a rule kind (ip, port, ether), "
					     "list or policy");
	a->ifname = pos[0];
	a->kind = pos[1];
	a->verb = pos[2];
	a->value = pos[3];
	return 0;
}

/* Check the words and options of an add/del command and build its rule. */
static int build_rule(const struct filter_args *a, struct filter_rule *r)
{
	char err[160];
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
	if (a->json)
		return usage_error("filter", "--json only applies to list");
	if (!strcmp(a->kind, "ip"))
		ret = filter_parse_ip(a->value, r, err, sizeof(err));
	else if (!strcmp(a->kind, "port"))
		ret = filter_parse_port(a->value, r, err, sizeof(err));
	else
		ret = filter_parse_mac(a->value, r, err, sizeof(err));
	if (ret)
		return usage_error("filter", "%s", err);
	if (a->protos && r->kind != FILTER_PORT)
		return usage_error("filter", "--tcp and --udp only apply to port rules");
	if (r->kind == FILTER_PORT) {
		r->dir = a->dir == -1 ? XDPL_FILTER_DST : a->dir;
		r->protos = a->protos ? a->protos : FILTER_PROTO_TCP | FILTER_PROTO_UDP;
	} else {
		r->dir = a->dir == -1 ? XDPL_FILTER_SRC : a->dir;
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

static int change_rule(const struct filter_args *a, const struct filter_maps *m,
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

static int list_rules(const struct filter_args *a, const struct filter_maps *m, int kind)
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
	if (a->json)
		list_json(a->ifname, policy, rules, k, no_match);
	else
		list_text(a->ifname, policy, rules, k, no_match);
	free(rules);
	return 0;
}

static int do_policy(const struct filter_args *a, const struct filter_maps *m,
		     enum xdpl_filter_policy policy, int set)
{
	enum xdpl_filter_policy cur;
	int ret;

	if (!set) {
		ret = filter_policy_get(m, &cur);
		if (ret)
			return xdpl_err(XDPL_ERR_FAIL, ret, "%s: cannot read the policy: %s",
					 a->ifname, strerror(-ret));
		printf("%s\n", cur == XDPL_FILTER_ALLOW ? "allow" : "deny");
		return 0;
	}
	ret = filter_policy_set(m, policy);
	if (ret)
		return xdpl_err(XDPL_ERR_FAIL, ret, "%s: cannot set the policy: %s", a->ifname,
				 strerror(-ret));
	return 0;
}

int do_filter(int argc, char **argv)
{
	enum xdpl_filter_policy policy = XDPL_FILTER_DENY;
	struct filter_maps m;
	struct filter_args a;
	struct filter_rule r;
	int ret, prog_fd, list_kind = -1, is_list = 0, is_policy = 0, set_policy = 0;

	ret = parse_args(argc, argv, &a);
	if (ret)
		return ret;

	/* Everything the user typed is checked before anything is touched. */
	if (!strcmp(a.kind, "list")) {
		if (a.verb)
			return usage_error("filter", "list: unexpected argument '%s'", a.verb);
		is_list = 1;
	} else if (!strcmp(a.kind, "policy")) {
		if (a.value)
			return usage_error("filter", "policy: unexpected argument '%s'", a.value);
		is_policy = 1;
		if (a.verb) {
			set_policy = 1;
			if (!strcmp(a.verb, "allow"))
				policy = XDPL_FILTER_ALLOW;
			else if (strcmp(a.verb, "deny"))
				return usage_error("filter", "unknown policy '%s' (allow or deny)",
						   a.verb);
		}
	} else if (strcmp(a.kind, "ip") && strcmp(a.kind, "port") && strcmp(a.kind, "ether")) {
		return usage_error(
			"filter", "unknown rule kind '%s' (ip, port, ether, list, policy)", a.kind);
	} else if (a.verb && !strcmp(a.verb, "list")) {
		if (a.value)
			return usage_error("filter", "list: unexpected argument '%s'", a.value);
		is_list = 1;
		list_kind = !strcmp(a.kind, "ip")     ? FILTER_IP
			    : !strcmp(a.kind, "port") ? FILTER_PORT
						      : FILTER_ETHER;
	} else {
		ret = build_rule(&a, &r);
		if (ret)
			return ret;
	}
	if ((is_list || is_policy) && (a.dir != -1 || a.protos))
		return usage_error("filter",
				   "--src, --dst, --tcp and --udp only apply to add and del");
	if (is_policy && a.json)
		return usage_error("filter", "--json only applies to list");

	prog_fd = attached_prog_fd(a.ifname, "filter");
	if (prog_fd < 0)
		return prog_fd;
	ret = filter_maps_open(prog_fd, &m);
	close(prog_fd);
	if (ret)
		return xdpl_err(XDPL_ERR_NOTFOUND, ret,
				 "%s: the program named 'filter' is not xdpload's filter (its maps "
				 "are missing)",
				 a.ifname);

	if (is_list)
		ret = list_rules(&a, &m, list_kind);
	else if (is_policy)
		ret = do_policy(&a, &m, policy, set_policy);
	else
		ret = change_rule(&a, &m, &r);
	filter_maps_close(&m);
	return ret;
}

// SPDX-License-Identifier: GPL-2.0-only
/* xdpload filter's output: list, status, poll (see filter.h). */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include "actions.h"
#include "error.h"
#include "filter.h"
#include "iface.h"
#include "json_writer.h"
#include "output.h"
#include "progs/filter_set.h"
#include "progs/filter_combo.h"

const char *filter_rule_desc(const struct filter_rule *r, char *buf, size_t len)
{
	char key[64], protos[16] = "";

	filter_rule_key_str(r, key, sizeof(key));
	if (r->kind == FILTER_PORT)
		snprintf(key, sizeof(key), "%u", r->port);
	if (r->kind == FILTER_PORT && r->protos)
		filter_protos_str(r->protos, protos, sizeof(protos));
	snprintf(buf, len, "%s %s%s%s", filter_kind_str(r->kind), key, *protos ? " " : "", protos);
	return buf;
}

static void rule_json(struct json_writer *jw, const struct filter_rule *r)
{
	char key[64];

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
	jw_uint_field(jw, "bytes", r->bytes);
	jw_end_object(jw);
}

static void combos_json(struct json_writer *jw, const struct filter_combo *c, size_t n)
{
	char desc[200];
	size_t i;

	jw_name(jw, "combined");
	jw_start_array(jw);
	for (i = 0; i < n; i++) {
		filter_combo_str(&c[i].c, desc, sizeof(desc));
		jw_start_object(jw);
		jw_string_field(jw, "rule", desc);
		jw_uint_field(jw, "slot", c[i].slot);
		jw_uint_field(jw, "id", c[i].id);
		jw_uint_field(jw, "hits", c[i].hits);
		jw_uint_field(jw, "bytes", c[i].bytes);
		jw_end_object(jw);
	}
	jw_end_array(jw);
}

static void combos_text(const struct filter_combo *c, size_t n, bool kib)
{
	char desc[200];
	size_t i;

	if (n)
		printf("\nCombined rules (checked first, in this order):\n%-60s %12s %14s\n",
		       "RULE", "HITS", kib ? "KiB" : "BYTES");
	for (i = 0; i < n; i++) {
		filter_combo_str(&c[i].c, desc, sizeof(desc));
		printf("%-60s %12llu %14llu\n", desc, (unsigned long long)c[i].hits,
		       (unsigned long long)(kib ? (c[i].bytes + 1023) / 1024 : c[i].bytes));
	}
}

static int read_all(const char *ifname, const struct filter_maps *m, struct filter_settings *s,
		    struct filter_rule **rules, size_t *n, __u64 *no_match)
{
	int ret;

	ret = filter_settings_get(m, s);
	if (!ret)
		ret = filter_list(m, rules, n, no_match);
	if (ret)
		return xdpl_err(XDPL_ERR_FAIL, ret, "%s: cannot read the filter rules: %s", ifname,
				strerror(-ret));
	return 0;
}

int filter_print_list(const char *ifname, const struct filter_maps *m, int kind)
{
	struct filter_rule *rules = NULL;
	struct filter_settings s;
	size_t n = 0, i, k = 0;
	__u64 no_match = 0;
	char key[64];
	int ret;

	struct filter_combo *combos = NULL;
	size_t ncombo = 0;

	ret = read_all(ifname, m, &s, &rules, &n, &no_match);
	if (ret)
		return ret;
	if (kind < 0 && filter_combo_list(m, &combos, &ncombo))
		ncombo = 0;
	for (i = 0; i < n; i++)
		if (kind < 0 || rules[i].kind == (enum filter_kind)kind)
			rules[k++] = rules[i];
	if (output_json) {
		struct json_writer *jw = jw_new(stdout);

		jw_start_object(jw);
		jw_string_field(jw, "interface", ifname);
		jw_string_field(jw, "policy", filter_policy_str(s.policy));
		jw_name(jw, "rules");
		jw_start_array(jw);
		for (i = 0; i < k; i++)
			rule_json(jw, &rules[i]);
		jw_end_array(jw);
		if (kind < 0)
			combos_json(jw, combos, ncombo);
		jw_uint_field(jw, "no_match", no_match);
		jw_end_object(jw);
		jw_destroy(&jw);
		free(rules);
		free(combos);
		return 0;
	}
	printf("%s: filter policy %s, %zu rule%s\n", ifname, filter_policy_str(s.policy), k,
	       k == 1 ? "" : "s");
	if (k)
		printf("%-6s %-4s %-44s %12s %14s\n", "KIND", "DIR", "RULE", "HITS", "BYTES");
	for (i = 0; i < k; i++) {
		filter_rule_key_str(&rules[i], key, sizeof(key));
		printf("%-6s %-4s %-44s %12llu %14llu\n", filter_kind_str(rules[i].kind),
		       filter_dir_str(rules[i].dir), key, (unsigned long long)rules[i].hits,
		       (unsigned long long)rules[i].bytes);
	}
	combos_text(combos, ncombo, false);
	free(combos);
	printf("frames matching no rule: %llu (%s)\n", (unsigned long long)no_match,
	       s.policy == XDPL_FILTER_POLICY_DENY ? "dropped" : "passed");
	free(rules);
	return 0;
}

/* Entries of one key (address, port or MAC) shown as one line of xdp-filter's status. */
struct group {
	const struct filter_rule *first;
	unsigned int dirs, protos, entries;
	__u64 hits, bytes;
};

static bool same_key(const struct filter_rule *a, const struct filter_rule *b)
{
	if (a->kind != b->kind)
		return false;
	switch (a->kind) {
	case FILTER_IP:
		return a->family == b->family && a->prefixlen == b->prefixlen &&
		       !memcmp(a->addr, b->addr, 16);
	case FILTER_PORT:
		return a->port == b->port;
	case FILTER_ETHER:
		return !memcmp(a->mac, b->mac, 6);
	}
	return false;
}

static int popcount(unsigned int v)
{
	return __builtin_popcount(v);
}

/* Group rules[i..]: returns the index after the group. */
static size_t group_at(const struct filter_rule *rules, size_t n, size_t i, struct group *g)
{
	memset(g, 0, sizeof(*g));
	g->first = &rules[i];
	for (; i < n && same_key(g->first, &rules[i]); i++) {
		g->dirs |= FILTER_DIR_BIT(rules[i].dir);
		g->protos |= rules[i].protos;
		g->entries++;
		g->hits += rules[i].hits;
		g->bytes += rules[i].bytes;
	}
	return i;
}

static void group_modes(const struct group *g, char *buf, size_t len)
{
	char d[16], p[16] = "";

	filter_dirs_str(g->dirs, d, sizeof(d));
	if (g->first->kind == FILTER_PORT)
		filter_protos_str(g->protos, p, sizeof(p));
	snprintf(buf, len, "%s%s%s", d, *p ? "," : "", p);
}

static void status_json(const char *ifname, const char *set, const struct filter_settings *s,
			const struct xdpl_iface *ifs, int nifs,
			const struct xdpl_filter_counter *st, const struct filter_rule *rules,
			size_t n, const struct filter_combo *combos, size_t ncombo, __u64 no_match)
{
	struct json_writer *jw = jw_new(stdout);
	char feats[64];
	size_t i;
	int a;

	filter_features_str(s->features, feats, sizeof(feats));
	jw_start_object(jw);
	jw_string_field(jw, "interface", ifname);
	jw_string_field(jw, "policy", filter_policy_str(s->policy));
	jw_bool_field(jw, "neigh", s->neigh);
	jw_string_field(jw, "features", feats);
	if (set[0])
		jw_string_field(jw, "set", set);
	else
		jw_name(jw, "set"), jw_null(jw);
	jw_name(jw, "interfaces");
	jw_start_array(jw);
	for (a = 0; a < nifs; a++)
		jw_string(jw, ifs[a].name);
	jw_end_array(jw);
	jw_name(jw, "actions");
	jw_start_object(jw);
	for (a = 0; a < XDPL_FILTER_NR_ACTIONS; a++) {
		jw_name(jw, action_name(a));
		jw_start_object(jw);
		jw_uint_field(jw, "packets", st[a].packets);
		jw_uint_field(jw, "bytes", st[a].bytes);
		jw_end_object(jw);
	}
	jw_end_object(jw);
	jw_name(jw, "rules");
	jw_start_array(jw);
	for (i = 0; i < n; i++)
		rule_json(jw, &rules[i]);
	jw_end_array(jw);
	combos_json(jw, combos, ncombo);
	jw_uint_field(jw, "no_match", no_match);
	jw_end_object(jw);
	jw_destroy(&jw);
}

int filter_print_status(const char *ifname, const struct filter_maps *m)
{
	struct xdpl_filter_counter st[XDPL_FILTER_NR_ACTIONS];
	struct filter_rule *rules = NULL;
	struct xdpl_iface *ifs = NULL;
	struct filter_combo *combos = NULL;
	struct filter_settings s;
	size_t n = 0, i, j, ncombo = 0;
	__u64 no_match = 0;
	char feats[64], key[64], modes[40], set[XDPL_FILTER_SET_LEN] = "";
	int ret, nifs = 0, a;

	ret = read_all(ifname, m, &s, &rules, &n, &no_match);
	if (!ret && (ret = filter_stats(m, st)))
		ret = xdpl_err(XDPL_ERR_FAIL, ret, "%s: cannot read the filter's counters: %s",
			       ifname, strerror(-ret));
	if (!ret && filter_combo_list(m, &combos, &ncombo))
		ncombo = 0;
	if (!ret && filter_set_name(m, set))
		set[0] = '\0';
	if (!ret && filter_ifaces(m, &ifs, &nifs)) {
		free(ifs);
		ifs = NULL;
		nifs = 0;
	}
	if (ret) {
		free(rules);
		return ret;
	}
	if (output_json) {
		status_json(ifname, set, &s, ifs, nifs, st, rules, n, combos, ncombo, no_match);
		goto out;
	}
	filter_features_str(s.features, feats, sizeof(feats));
	printf("CURRENT XDP-FILTER STATUS (xdpload filter, %s):\n\n", ifname);
	printf("Policy: %s (frames matching no rule %s)\n", filter_policy_str(s.policy),
	       s.policy == XDPL_FILTER_POLICY_DENY ? "are dropped" : "pass");
	printf("Neighbour discovery: %s\n",
	       s.neigh ? "ARP and ND addresses matched against ip rules"
		       : "off (ARP and ND always pass)");
	printf("Features: %s\n", feats);
	printf("Rule set: %s\n", set[0] ? set : "the filter's own");
	printf("Loaded on interfaces:");
	for (a = 0; a < nifs; a++)
		printf(" %s", ifs[a].name);
	printf("%s\n\n", nifs ? "" : " (none found)");
	printf("%-12s %14s %14s\n", "Verdict", "Packets", "KiB");
	for (a = 0; a < XDPL_FILTER_NR_ACTIONS; a++)
		printf("%-12s %14llu %14llu\n", action_name(a), (unsigned long long)st[a].packets,
		       (unsigned long long)(st[a].bytes + 1023) / 1024);
	printf("\n%-6s %-44s %-20s %12s %12s\n", "Kind", "Rule", "Mode", "Hit packets", "Hit KiB");
	for (i = 0; i < n; i = j) {
		struct group g;

		j = group_at(rules, n, i, &g);
		filter_rule_key_str(g.first, key, sizeof(key));
		if (g.first->kind == FILTER_PORT)
			snprintf(key, sizeof(key), "%u", g.first->port);
		if ((unsigned int)popcount(g.dirs) *
			    (g.first->kind == FILTER_PORT ? popcount(g.protos) : 1) ==
		    g.entries) {
			group_modes(&g, modes, sizeof(modes));
			printf("%-6s %-44s %-20s %12llu %12llu\n", filter_kind_str(g.first->kind),
			       key, modes, (unsigned long long)g.hits,
			       (unsigned long long)(g.bytes + 1023) / 1024);
			continue;
		}
		/* not one product of directions and protocols: one line per entry */
		for (; i < j; i++) {
			struct group one = { .first = &rules[i],
					     .dirs = FILTER_DIR_BIT(rules[i].dir),
					     .protos = rules[i].protos };

			group_modes(&one, modes, sizeof(modes));
			printf("%-6s %-44s %-20s %12llu %12llu\n", filter_kind_str(rules[i].kind),
			       key, modes, (unsigned long long)rules[i].hits,
			       (unsigned long long)(rules[i].bytes + 1023) / 1024);
		}
	}
	printf("%-6s %-44s %-20s %12llu\n", "-", "(matching no rule)", "-",
	       (unsigned long long)no_match);
	combos_text(combos, ncombo, true);
out:
	free(combos);
	free(ifs);
	free(rules);
	return 0;
}

static volatile sig_atomic_t poll_stop;

static void on_signal(int sig)
{
	(void)sig;
	poll_stop = 1;
}

static double now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

int filter_poll(const char *ifname, const struct filter_maps *m, unsigned int interval_ms,
		unsigned long long count)
{
	struct xdpl_filter_counter prev[XDPL_FILTER_NR_ACTIONS], cur[XDPL_FILTER_NR_ACTIONS];
	double t0, t1, dt;
	unsigned long long k;
	int ret, a;

	ret = filter_stats(m, prev);
	if (ret)
		return xdpl_err(XDPL_ERR_FAIL, ret, "%s: cannot read the filter's counters: %s",
				ifname, strerror(-ret));
	signal(SIGINT, on_signal);
	signal(SIGTERM, on_signal);
	t0 = now_s();
	for (k = 0; !poll_stop && (!count || k < count); k++) {
		usleep(interval_ms * 1000u);
		if (poll_stop)
			break;
		ret = filter_stats(m, cur);
		if (ret)
			return xdpl_err(XDPL_ERR_FAIL, ret,
					"%s: cannot read the filter's counters: %s", ifname,
					strerror(-ret));
		t1 = now_s();
		dt = t1 - t0 > 0 ? t1 - t0 : 1e-9;
		if (output_json) {
			struct json_writer *jw = jw_new(stdout);

			jw_start_object(jw);
			jw_string_field(jw, "interface", ifname);
			jw_float_field(jw, "period_s", dt);
			jw_name(jw, "actions");
			jw_start_object(jw);
			for (a = 0; a < XDPL_FILTER_NR_ACTIONS; a++) {
				jw_name(jw, action_name(a));
				jw_start_object(jw);
				jw_uint_field(jw, "packets", cur[a].packets);
				jw_uint_field(jw, "bytes", cur[a].bytes);
				jw_float_field(jw, "pps", (cur[a].packets - prev[a].packets) / dt);
				jw_float_field(jw, "bps", (cur[a].bytes - prev[a].bytes) * 8 / dt);
				jw_end_object(jw);
			}
			jw_end_object(jw);
			jw_end_object(jw);
			jw_destroy(&jw);
		} else {
			printf("Period of %.6fs ending at %.6f\n", dt, t1);
			for (a = 0; a < XDPL_FILTER_NR_ACTIONS; a++)
				printf("%-12s %12llu pkts (%10.0f pps) %12llu KiB (%6.0f "
				       "Mbits/s)\n",
				       action_name(a), (unsigned long long)cur[a].packets,
				       (cur[a].packets - prev[a].packets) / dt,
				       (unsigned long long)(cur[a].bytes + 1023) / 1024,
				       (cur[a].bytes - prev[a].bytes) * 8 / dt / 1e6);
			printf("\n");
		}
		fflush(stdout);
		memcpy(prev, cur, sizeof(prev));
		t0 = t1;
	}
	return 0;
}

// SPDX-License-Identifier: GPL-2.0-only
/*
 * The bundled programs' settings in chain files (see chainfile_progs.h). Only
 * this file calls the filter's and the ratelimit's user-space halves for apply
 * and save.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "chainfile.h"
#include "chainfile_progs.h"
#include "log.h"
#include "progs/filter.h"
#include "progs/filter_set.h"
#include "progs/filter_combo.h"
#include "progs/ratelimit.h"

bool cf_settings_key(const char *key)
{
	return !strcmp(key, "filter") || !strcmp(key, "ratelimit");
}

static yaml_node_t *nd(yaml_document_t *doc, int id)
{
	return yaml_document_get_node(doc, id);
}

/* ---- the filter ---- */

#define RULE_FIELDS "ip, port, ether, rule, dir, proto"

static int rule_dir(const char *file, const yaml_node_t *v, unsigned int *dirs)
{
	const char *s = cf_scalar(v);
	char why[160];

	if (!s || filter_parse_dirs(s, dirs, why, sizeof(why)))
		return cf_error(file, v, "dir must be src, dst or src,dst");
	return 0;
}

static int rule_proto(const char *file, const yaml_node_t *v, unsigned int *protos)
{
	const char *s = cf_scalar(v);

	if (s && !strcmp(s, "tcp"))
		*protos = FILTER_PROTO_TCP;
	else if (s && !strcmp(s, "udp"))
		*protos = FILTER_PROTO_UDP;
	else
		return cf_error(file, v, "proto must be tcp or udp (leave it out for both)");
	return 0;
}

/* "rule: src 10.0.0.0/8 proto udp dport 53": a combined rule's fields as words. */
static int parse_combo(const char *file, const yaml_node_t *v, struct cf_settings *s)
{
	char buf[256], *words[16], *save = NULL, *w, why[200];
	struct xdpl_filter_combo c, *nc;
	int n = 0;

	if (!cf_scalar(v) || strlen(cf_scalar(v)) >= sizeof(buf))
		return cf_error(file, v,
				"rule: expected its fields, as 'xdpload filter IFACE rule' "
				"takes them");
	strcpy(buf, cf_scalar(v));
	for (w = strtok_r(buf, " \t", &save); w && n < 16; w = strtok_r(NULL, " \t", &save))
		words[n++] = w;
	if (filter_combo_parse(words, n, &c, why, sizeof(why)))
		return cf_error(file, v, "rule: %s", why);
	nc = realloc(s->combos, (s->ncombos + 1) * sizeof(*nc));
	if (!nc)
		return -ENOMEM;
	s->combos = nc;
	nc[s->ncombos++] = c;
	return 0;
}

/* One rule; a port rule for both protocols becomes two, as filter_list() shows them. */
static int parse_rule(const char *file, yaml_document_t *doc, const yaml_node_t *n,
		      struct cf_settings *s)
{
	const yaml_node_t *what = NULL, *dir = NULL, *proto = NULL, *k, *v;
	struct filter_rule r = { .dir = XDPL_FILTER_DST };
	unsigned int protos = FILTER_PROTO_TCP | FILTER_PROTO_UDP, bit, dirs = FILTER_DIR_DST, d;
	yaml_node_pair_t *p;
	char why[160];
	const char *key;
	int err = 0;

	err = cf_need_map(file, n, "a rule (ip: PREFIX, port: N, ether: MAC or rule: FIELDS)");
	for (p = n->data.mapping.pairs.start; !err && p < n->data.mapping.pairs.top; p++) {
		k = nd(doc, p->key);
		v = nd(doc, p->value);
		key = cf_scalar(k) ?: "";
		if (!strcmp(key, "rule")) {
			if (n->data.mapping.pairs.top - n->data.mapping.pairs.start != 1)
				return cf_error(file, k,
						"a combined rule is 'rule: FIELDS' alone "
						"(\"src 10.0.0.0/8 proto udp dport 53\")");
			return parse_combo(file, v, s);
		}
		if (!strcmp(key, "ip") || !strcmp(key, "port") || !strcmp(key, "ether")) {
			if (what)
				return cf_error(file, k, "a rule is one of ip, port or ether");
			what = k;
			if (!cf_scalar(v))
				return cf_error(file, v, "%s: expected a value", key);
			if (!strcmp(key, "ip"))
				err = filter_parse_ip(cf_scalar(v), &r, why, sizeof(why));
			else if (!strcmp(key, "port"))
				err = filter_parse_port(cf_scalar(v), &r, why, sizeof(why));
			else
				err = filter_parse_mac(cf_scalar(v), &r, why, sizeof(why));
			if (err)
				return cf_error(file, v, "%s", why);
		} else if (!strcmp(key, "dir")) {
			dir = v;
		} else if (!strcmp(key, "proto")) {
			proto = v;
		} else {
			return cf_unknown_key(file, k, "a rule", RULE_FIELDS);
		}
	}
	if (err)
		return err;
	if (!what)
		return cf_error(file, n, "a rule needs ip, port or ether");
	/* the defaults of 'xdpload filter' (xdp-filter's): the destination, TCP and UDP */
	if (dir && (err = rule_dir(file, dir, &dirs)))
		return err;
	if (proto && r.kind != FILTER_PORT)
		return cf_error(file, proto, "proto only applies to port rules");
	if (proto && (err = rule_proto(file, proto, &protos)))
		return err;
	for (d = FILTER_DIR_SRC; d <= FILTER_DIR_DST; d <<= 1) {
		if (!(dirs & d))
			continue;
		r.dir = d == FILTER_DIR_SRC ? XDPL_FILTER_SRC : XDPL_FILTER_DST;
		for (bit = FILTER_PROTO_TCP; bit <= FILTER_PROTO_UDP; bit <<= 1) {
			struct filter_rule *nr;

			if (r.kind == FILTER_PORT && !(protos & bit))
				continue;
			nr = realloc(s->rules, (s->nrules + 1) * sizeof(*nr));
			if (!nr)
				return -ENOMEM;
			s->rules = nr;
			nr[s->nrules] = r;
			nr[s->nrules++].protos = r.kind == FILTER_PORT ? bit : 0;
			if (r.kind != FILTER_PORT)
				break;
		}
	}
	return 0;
}

static int parse_filter(const char *file, yaml_document_t *doc, const yaml_node_t *n,
			struct cf_settings *s)
{
	const yaml_node_t *k, *v;
	yaml_node_pair_t *p;
	yaml_node_item_t *it;
	const char *key;
	int err;

	s->filter = true;
	s->policy = XDPL_FILTER_POLICY_ALLOW;
	s->neigh = true;
	if (cf_scalar(n) && !*cf_scalar(n))
		return 0; /* "filter:" alone: no rules, policy allow */
	err = cf_need_map(file, n, "filter");
	for (p = n->data.mapping.pairs.start; !err && p < n->data.mapping.pairs.top; p++) {
		k = nd(doc, p->key);
		v = nd(doc, p->value);
		key = cf_scalar(k) ?: "";
		if (!strcmp(key, "policy")) {
			/* xdp-filter's words: what happens to frames that match no rule */
			if (cf_scalar(v) && !strcmp(cf_scalar(v), "deny"))
				s->policy = XDPL_FILTER_POLICY_DENY;
			else if (!cf_scalar(v) || strcmp(cf_scalar(v), "allow"))
				err = cf_error(
					file, v,
					"policy must be allow (frames matching no rule pass) "
					"or deny (they drop)");
		} else if (!strcmp(key, "set")) {
			const struct builtin_opt *o = &filter_builtin_options[3];
			__u64 val;

			if (!cf_scalar(v) || builtin_opt_parse(o, cf_scalar(v), &val))
				err = cf_error(file, v,
					       "set must be a name of 1 to %llu letters, digits, _ "
					       "or -",
					       (unsigned long long)o->max);
			else if (!s->set && !(s->set = strdup(cf_scalar(v))))
				err = -ENOMEM;
		} else if (!strcmp(key, "neigh")) {
			if (cf_scalar(v) && !strcmp(cf_scalar(v), "off"))
				s->neigh = false;
			else if (!cf_scalar(v) || strcmp(cf_scalar(v), "on"))
				err = cf_error(file, v, "neigh must be on or off");
		} else if (!strcmp(key, "rules")) {
			if (cf_scalar(v) && !*cf_scalar(v))
				continue;
			if (v->type != YAML_SEQUENCE_NODE)
				return cf_error(file, v,
						"rules must be a list ('- ip: PREFIX' lines)");
			for (it = v->data.sequence.items.start;
			     !err && it < v->data.sequence.items.top; it++)
				err = parse_rule(file, doc, nd(doc, *it), s);
		} else {
			err = cf_unknown_key(file, k, "filter", "policy, neigh, set, rules");
		}
	}
	return err;
}

/* ---- the ratelimit ---- */

static int parse_ratelimit(const char *file, yaml_document_t *doc, const yaml_node_t *n,
			   struct cf_settings *s)
{
	yaml_node_pair_t *p;
	const char *key;
	int err;

	s->ratelimit = true;
	s->rate = XDPL_RL_DEFAULT_RATE;
	s->burst = XDPL_RL_DEFAULT_BURST;
	if (cf_scalar(n) && !*cf_scalar(n))
		return 0;
	err = cf_need_map(file, n, "ratelimit");
	for (p = n->data.mapping.pairs.start; !err && p < n->data.mapping.pairs.top; p++) {
		key = cf_scalar(nd(doc, p->key)) ?: "";
		if (!strcmp(key, "rate"))
			err = cf_u64(file, nd(doc, p->value), "rate", 1, RATELIMIT_MAX_RATE,
				     &s->rate);
		else if (!strcmp(key, "burst"))
			err = cf_u64(file, nd(doc, p->value), "burst", 1, RATELIMIT_MAX_BURST,
				     &s->burst);
		else
			err = cf_unknown_key(file, nd(doc, p->key), "ratelimit", "rate, burst");
	}
	return err;
}

int cf_settings_parse(const char *file, yaml_document_t *doc, const yaml_node_t *key,
		      const yaml_node_t *val, const char *source, struct cf_settings *s)
{
	const char *k = cf_scalar(key);

	if (strcmp(k, source))
		return cf_error(file, key,
				"'%s' settings belong to the bundled '%s' program, not "
				"to %s",
				k, k, source);
	if (!strcmp(k, "filter"))
		return parse_filter(file, doc, val, s);
	return parse_ratelimit(file, doc, val, s);
}

void cf_settings_free(struct cf_settings *s)
{
	free(s->rules);
	free(s->set);
	free(s->combos);
	memset(s, 0, sizeof(*s));
}

void cf_settings_builtin_cfg(const struct cf_settings *s, const char *source,
			     struct builtin_cfg *cfgs)
{
	const struct builtin_prog *b = builtin_find(source);
	struct builtin_cfg *c;

	if (b && s->filter && s->set && !strcmp(source, "filter")) {
		/* filter_builtin_options[]: policy, features, neigh, set */
		c = &cfgs[b - builtin_progs];
		c->val[3] = (unsigned long)s->set;
		c->given[3] = true;
		return;
	}
	if (!b || !s->ratelimit || strcmp(source, "ratelimit"))
		return;
	/* ratelimit_builtin_options[]: rate, then burst */
	c = &cfgs[b - builtin_progs];
	c->val[0] = s->rate;
	c->val[1] = s->burst;
	c->given[0] = c->given[1] = true;
}

/* ---- what runs ---- */

int cf_settings_read(int prog_fd, const char *source, struct cf_settings *s)
{
	struct filter_settings fs = {};
	struct filter_maps m;
	__u64 no_match;
	int err;

	memset(s, 0, sizeof(*s));
	if (!strcmp(source, "ratelimit")) {
		err = ratelimit_get_config(prog_fd, &s->rate, &s->burst);
		s->ratelimit = !err;
		return err;
	}
	if (strcmp(source, "filter"))
		return 0;
	err = filter_maps_open(prog_fd, &m);
	if (err)
		return err;
	err = filter_settings_get(&m, &fs);
	s->policy = fs.policy;
	s->neigh = fs.neigh;
	if (!err) {
		char set[XDPL_FILTER_SET_LEN];

		/* a named set (not the rules unload --keep-maps kept: "@...") */
		if (!filter_set_name(&m, set) && set[0] && set[0] != '@' && !(s->set = strdup(set)))
			err = -ENOMEM;
	}
	if (!err)
		err = filter_list(&m, &s->rules, &s->nrules, &no_match);
	if (!err) {
		struct filter_combo *fc = NULL;
		size_t i, n = 0;

		err = filter_combo_list(&m, &fc, &n);
		s->combos = n ? calloc(n, sizeof(*s->combos)) : NULL;
		if (!err && n && !s->combos)
			err = -ENOMEM;
		for (i = 0; !err && i < n; i++) {
			s->combos[i] = fc[i].c;
			s->combos[i].id[0] = s->combos[i].id[1] = 0;
		}
		s->ncombos = err ? 0 : n;
		free(fc);
	}
	filter_maps_close(&m);
	s->filter = !err;
	return err;
}

/* "ip src 10.0.0.0/8", "port dst 53/udp": a rule as diff shows it, and its identity. */
static void rule_str(const struct filter_rule *r, char *buf, size_t sz)
{
	char key[64];

	filter_rule_key_str(r, key, sizeof(key));
	snprintf(buf, sz, "%s %s %s", filter_kind_str(r->kind), filter_dir_str(r->dir), key);
}

static bool has_rule(const struct cf_settings *s, const struct filter_rule *r)
{
	char a[128], b[128];
	size_t i;

	rule_str(r, a, sizeof(a));
	for (i = 0; i < s->nrules; i++) {
		rule_str(&s->rules[i], b, sizeof(b));
		if (!strcmp(a, b))
			return true;
	}
	return false;
}

static bool has_combo(const struct cf_settings *s, const struct xdpl_filter_combo *c)
{
	char a[200], b[200];
	size_t i;

	filter_combo_str(c, a, sizeof(a));
	for (i = 0; i < s->ncombos; i++) {
		filter_combo_str(&s->combos[i], b, sizeof(b));
		if (!strcmp(a, b))
			return true;
	}
	return false;
}

static const char *policy_str(enum xdpl_filter_policy p)
{
	return filter_policy_str(p);
}

int cf_settings_diff(const struct cf_settings *want, const struct cf_settings *have,
		     void (*fn)(void *ctx, const char *what), void *ctx)
{
	char line[192], r[128];
	int n = 0;
	size_t i;

	if (want->filter) {
		for (i = 0; i < want->nrules; i++) {
			if (has_rule(have, &want->rules[i]))
				continue;
			rule_str(&want->rules[i], r, sizeof(r));
			snprintf(line, sizeof(line), "filter: add %s", r);
			fn(ctx, line);
			n++;
		}
		for (i = 0; i < have->nrules; i++) {
			if (has_rule(want, &have->rules[i]))
				continue;
			rule_str(&have->rules[i], r, sizeof(r));
			snprintf(line, sizeof(line), "filter: delete %s", r);
			fn(ctx, line);
			n++;
		}
		for (i = 0; i < want->ncombos + have->ncombos; i++) {
			bool add = i < want->ncombos;
			const struct xdpl_filter_combo *c =
				add ? &want->combos[i] : &have->combos[i - want->ncombos];

			if (has_combo(add ? have : want, c))
				continue;
			filter_combo_str(c, r, sizeof(r));
			snprintf(line, sizeof(line), "filter: %s rule %s", add ? "add" : "delete",
				 r);
			fn(ctx, line);
			n++;
		}
		if (want->policy != have->policy) {
			snprintf(line, sizeof(line), "filter: policy %s -> %s",
				 policy_str(have->policy), policy_str(want->policy));
			fn(ctx, line);
			n++;
		}
		if (want->set && (!have->set || strcmp(want->set, have->set))) {
			snprintf(line, sizeof(line),
				 "filter: set %s -> %s (when the filter is loaded again)",
				 have->set ?: "(its own)", want->set);
			fn(ctx, line);
		}
		if (want->neigh != have->neigh) {
			snprintf(line, sizeof(line), "filter: neigh %s -> %s",
				 have->neigh ? "on" : "off", want->neigh ? "on" : "off");
			fn(ctx, line);
			n++;
		}
	}
	if (want->ratelimit && (want->rate != have->rate || want->burst != have->burst)) {
		snprintf(line, sizeof(line), "ratelimit: rate %llu -> %llu, burst %llu -> %llu",
			 (unsigned long long)have->rate, (unsigned long long)want->rate,
			 (unsigned long long)have->burst, (unsigned long long)want->burst);
		fn(ctx, line);
		n++;
	}
	return n;
}

static int apply_filter(int prog_fd, const char *label, const struct cf_settings *want)
{
	struct cf_settings have;
	struct filter_maps m;
	char r[128];
	size_t i;
	int err;

	err = cf_settings_read(prog_fd, "filter", &have);
	if (!err)
		err = filter_maps_open(prog_fd, &m);
	if (err) {
		cf_settings_free(&have);
		return xdpl_err(XDPL_ERR_FAIL, err, "%s: cannot read its filter rules: %s", label,
				strerror(-err));
	}
	/*
	 * New rules first, then the policy, then the rules that go: a rule kept in
	 * both sets never stops matching, whatever order the kernel sees.
	 */
	for (i = 0; i < want->nrules && !err; i++) {
		if (has_rule(&have, &want->rules[i]))
			continue;
		err = filter_add(&m, &want->rules[i]);
		err = err > 0 ? 0 : err;
		if (err)
			rule_str(&want->rules[i], r, sizeof(r));
		if (err == -ENOSPC)
			err = xdpl_err(XDPL_ERR_FAIL, err,
				       "%s: cannot add %s: the filter holds %d "
				       "rules already",
				       label, r, XDPL_FILTER_MAX_RULES);
		else if (err)
			err = xdpl_err(XDPL_ERR_FAIL, err, "%s: cannot add %s: %s", label, r,
				       strerror(-err));
	}
	for (i = 0; i < want->ncombos && !err; i++) {
		if (has_combo(&have, &want->combos[i]))
			continue;
		err = filter_combo_add(&m, &want->combos[i]);
		err = err > 0 ? 0 : err;
		if (err) {
			filter_combo_str(&want->combos[i], r, sizeof(r));
			err = xdpl_err(XDPL_ERR_FAIL, err, "%s: cannot add rule %s: %s", label, r,
				       strerror(-err));
		}
	}
	if (!err && have.policy != want->policy && (err = filter_policy_set(&m, want->policy)))
		err = xdpl_err(XDPL_ERR_FAIL, err, "%s: cannot set the policy: %s", label,
			       strerror(-err));
	if (!err && have.neigh != want->neigh && (err = filter_neigh_set(&m, want->neigh)))
		err = xdpl_err(XDPL_ERR_FAIL, err, "%s: cannot set neigh: %s", label,
			       strerror(-err));
	for (i = 0; i < have.nrules && !err; i++) {
		if (has_rule(want, &have.rules[i]))
			continue;
		err = filter_del(&m, &have.rules[i]);
		if (err == -ENOENT)
			err = 0; /* someone else deleted it meanwhile: what we wanted */
		if (err) {
			rule_str(&have.rules[i], r, sizeof(r));
			err = xdpl_err(XDPL_ERR_FAIL, err, "%s: cannot delete %s: %s", label, r,
				       strerror(-err));
		}
	}
	for (i = 0; i < have.ncombos && !err; i++) {
		int found;

		if (has_combo(want, &have.combos[i]))
			continue;
		err = filter_combo_del(&m, &have.combos[i], &found);
		if (err) {
			filter_combo_str(&have.combos[i], r, sizeof(r));
			err = xdpl_err(XDPL_ERR_FAIL, err, "%s: cannot delete rule %s: %s", label,
				       r, strerror(-err));
		}
	}
	filter_maps_close(&m);
	cf_settings_free(&have);
	return err;
}

int cf_settings_apply(int prog_fd, const char *label, const struct cf_settings *want)
{
	int err = 0;

	if (want->filter)
		err = apply_filter(prog_fd, label, want);
	if (!err && want->ratelimit) {
		err = ratelimit_configure(prog_fd, want->rate, want->burst);
		if (err)
			err = xdpl_err(XDPL_ERR_FAIL, err, "%s: cannot set rate and burst: %s",
				       label, strerror(-err));
	}
	return err;
}

/* Is rules[i] the TCP half of a port rule whose UDP half follows? Then it is one rule. */
static bool both_protos(const struct cf_settings *s, size_t i)
{
	const struct filter_rule *a = &s->rules[i], *b = i + 1 < s->nrules ? a + 1 : NULL;

	return a->kind == FILTER_PORT && b && b->kind == FILTER_PORT && b->port == a->port &&
	       b->dir == a->dir && a->protos == FILTER_PROTO_TCP && b->protos == FILTER_PROTO_UDP;
}

void cf_settings_format(FILE *out, const struct cf_settings *s, const char *in)
{
	const struct filter_rule *r;
	char key[64];
	size_t i;

	if (s->ratelimit)
		fprintf(out, "%sratelimit:\n%s  rate: %llu\n%s  burst: %llu\n", in, in,
			(unsigned long long)s->rate, in, (unsigned long long)s->burst);
	if (!s->filter)
		return;
	fprintf(out, "%sfilter:\n%s  policy: %s\n", in, in, policy_str(s->policy));
	if (s->set)
		fprintf(out, "%s  set: %s\n", in, s->set);
	if (!s->neigh)
		fprintf(out, "%s  neigh: off\n", in);
	fprintf(out, "%s  rules:%s\n", in, s->nrules || s->ncombos ? "" : " []");
	for (i = 0; i < s->ncombos; i++) {
		char desc[200];

		filter_combo_str(&s->combos[i], desc, sizeof(desc));
		fprintf(out, "%s    - rule: \"%s\"\n", in, desc);
	}
	for (i = 0; i < s->nrules; i++) {
		r = &s->rules[i];
		if (r->kind == FILTER_PORT) {
			fprintf(out, "%s    - port: %u\n%s      dir: %s\n", in, r->port, in,
				filter_dir_str(r->dir));
			if (both_protos(s, i))
				i++;
			else
				fprintf(out, "%s      proto: %s\n", in,
					r->protos == FILTER_PROTO_TCP ? "tcp" : "udp");
			continue;
		}
		/* quoted: YAML 1.1 readers (PyYAML, Ansible) take 10:20:30:40:50:59 for a number */
		filter_rule_key_str(r, key, sizeof(key));
		fprintf(out, "%s    - %s: \"%s\"\n%s      dir: %s\n", in,
			r->kind == FILTER_IP ? "ip" : "ether", key, in, filter_dir_str(r->dir));
	}
}

// SPDX-License-Identifier: GPL-2.0-only
/*
 * Chain files (see chainfile.h and xdpload-chainfile(5)). libyaml builds the
 * document; every node is then checked against the schema here, so a typo is an
 * error with its line and column rather than a field silently ignored.
 */
#include <dirent.h>
#include <errno.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include "actions.h"
#include "builtin.h"
#include "chainfile.h"
#include "component.h"
#include "log.h"

/* The interface's (or program's) file, for messages; valid while parsing. */
struct cf_parse {
	const char *file;
	const char *basedir;
	yaml_document_t *doc;
};

int cf_error(const char *file, const yaml_node_t *n, const char *fmt, ...)
{
	char msg[XDPL_ERR_MSG_LEN - 64];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	/* libyaml counts from 0; editors and compilers from 1 */
	return xdpl_err(XDPL_ERR_USAGE, EINVAL, "%s:%zu:%zu: %s", file,
			n ? n->start_mark.line + 1 : 1, n ? n->start_mark.column + 1 : 1, msg);
}

const char *cf_scalar(const yaml_node_t *n)
{
	return n && n->type == YAML_SCALAR_NODE ? (const char *)n->data.scalar.value : NULL;
}

int cf_u64(const char *file, const yaml_node_t *n, const char *what, __u64 min, __u64 max,
	   __u64 *out)
{
	const char *s = cf_scalar(n), *p;
	__u64 v = 0;

	if (!s || !*s)
		return cf_error(file, n, "%s must be a number (%llu..%llu)", what,
				(unsigned long long)min, (unsigned long long)max);
	/* the command line's rules: decimal digits only, no sign, no overflow */
	for (p = s; *p; p++) {
		if (*p < '0' || *p > '9' || v > (UINT64_MAX - (*p - '0')) / 10)
			return cf_error(file, n, "%s: '%s' is not a number (%llu..%llu)", what, s,
					(unsigned long long)min, (unsigned long long)max);
		v = v * 10 + (*p - '0');
	}
	if (v < min || v > max)
		return cf_error(file, n, "%s %s is outside %llu..%llu", what, s,
				(unsigned long long)min, (unsigned long long)max);
	*out = v;
	return 0;
}

int cf_need_map(const char *file, const yaml_node_t *n, const char *what)
{
	if (n && n->type == YAML_MAPPING_NODE)
		return 0;
	return cf_error(file, n, "%s must be a mapping (KEY: VALUE lines)", what);
}

int cf_unknown_key(const char *file, const yaml_node_t *key, const char *what, const char *fields)
{
	if (!cf_scalar(key))
		return cf_error(file, key, "the keys of %s are words (fields: %s)", what, fields);
	return cf_error(file, key, "unknown field '%s' in %s (fields: %s)", cf_scalar(key), what,
			fields);
}

void cf_put_scalar(FILE *out, const char *s)
{
	const char *p;
	bool plain = *s && !strchr("-?:,[]{}#&*!|>'\"%@` ", s[0]) && strcmp(s, "true") &&
		     strcmp(s, "false") && strcmp(s, "null") && s[strlen(s) - 1] != ' ' &&
		     !strstr(s, ": ") && !strstr(s, " #");

	for (p = s; *p && plain; p++)
		plain = *p >= 0x20 && *p < 0x7f;
	if (plain) {
		fputs(s, out);
		return;
	}
	fputc('"', out);
	for (p = s; *p; p++) {
		if (*p == '"' || *p == '\\')
			fprintf(out, "\\%c", *p);
		else if ((unsigned char)*p < 0x20)
			fprintf(out, "\\x%02x", (unsigned char)*p);
		else
			fputc(*p, out);
	}
	fputc('"', out);
}

static yaml_node_t *node(const struct cf_parse *p, int id)
{
	return yaml_document_get_node(p->doc, id);
}

/* Every key of a mapping is a scalar and appears once. */
static int check_keys(const struct cf_parse *p, const yaml_node_t *map, const char *what)
{
	yaml_node_pair_t *a, *b;

	for (a = map->data.mapping.pairs.start; a < map->data.mapping.pairs.top; a++) {
		if (!cf_scalar(node(p, a->key)))
			return cf_error(p->file, node(p, a->key), "the keys of %s are words", what);
		for (b = map->data.mapping.pairs.start; b < a; b++)
			if (!strcmp(cf_scalar(node(p, a->key)), cf_scalar(node(p, b->key))))
				return cf_error(p->file, node(p, a->key),
						"'%s' appears twice in %s",
						cf_scalar(node(p, a->key)), what);
	}
	return 0;
}

static int get_bool(const struct cf_parse *p, const yaml_node_t *n, const char *what, bool *out)
{
	const char *s = cf_scalar(n);

	if (s && (!strcmp(s, "true") || !strcmp(s, "yes")))
		*out = true;
	else if (s && (!strcmp(s, "false") || !strcmp(s, "no")))
		*out = false;
	else
		return cf_error(p->file, n, "%s must be true or false", what);
	return 0;
}

static int get_str(const struct cf_parse *p, const yaml_node_t *n, const char *what, char **out)
{
	const char *s = cf_scalar(n);

	if (!s || !*s || strpbrk(s, "\t\n") || strlen(s) >= XDPL_LABEL_LEN)
		return cf_error(p->file, n, "%s must be a word or a path on one line", what);
	*out = strdup(s);
	return *out ? 0 : -ENOMEM;
}

/* actions: [XDP_PASS, XDP_DROP] or "XDP_PASS,XDP_DROP" */
static int get_actions(const struct cf_parse *p, const yaml_node_t *n, unsigned int *mask)
{
	yaml_node_item_t *it;
	unsigned int one;
	char *bad = NULL;
	int a;

	if (cf_scalar(n)) {
		if (!actions_parse_list(cf_scalar(n), mask, &bad))
			return 0;
		a = cf_error(p->file, n,
			     "bad action '%s' (XDP_ABORTED, XDP_DROP, XDP_PASS, "
			     "XDP_TX, XDP_REDIRECT)",
			     bad ?: cf_scalar(n));
		free(bad);
		return a;
	}
	if (n->type != YAML_SEQUENCE_NODE)
		return cf_error(p->file, n, "actions must be a list of XDP actions");
	*mask = 0;
	for (it = n->data.sequence.items.start; it < n->data.sequence.items.top; it++) {
		const yaml_node_t *v = node(p, *it);

		a = cf_scalar(v) ? action_parse(cf_scalar(v)) : -EINVAL;
		if (a < 0)
			return cf_error(p->file, v,
					"bad action '%s' (XDP_ABORTED, XDP_DROP, "
					"XDP_PASS, XDP_TX, XDP_REDIRECT)",
					cf_scalar(v) ?: "");
		one = 1U << a;
		*mask |= one;
	}
	if (!*mask)
		return cf_error(p->file, n, "actions: name at least one action");
	return 0;
}

/* A bundled name stays; a path is made absolute from the file's directory. */
static int get_source(const struct cf_parse *p, const yaml_node_t *n, char **out)
{
	const char *s = cf_scalar(n), *near;
	int err;

	if (!s || !*s)
		return cf_error(p->file, n, "program must be a bundled name or an object's path");
	if (!source_is_file(s)) {
		if (builtin_find(s))
			return get_str(p, n, "program", out);
		near = builtin_nearest(s);
		return cf_error(p->file, n,
				"%s: no such bundled program ('xdpload progs' lists them; name a "
				"file with a '/' or a .o suffix)%s%s%s",
				s, near ? "; did you mean " : "", near ?: "", near ? "?" : "");
	}
	err = get_str(p, n, "program", out);
	if (err || s[0] == '/')
		return err;
	free(*out);
	if (asprintf(out, "%s/%s", p->basedir, s) < 0)
		return -ENOMEM;
	if (strlen(*out) >= XDPL_LABEL_LEN)
		return cf_error(p->file, n, "program: the path is too long");
	return 0;
}

#define PROG_FIELDS "program, section, name, priority, actions, pin-path, filter, ratelimit"

static int parse_prog(const struct cf_parse *p, const yaml_node_t *n, struct cf_prog *cp)
{
	const yaml_node_t *src = NULL, *k, *v;
	yaml_node_pair_t *pair;
	__u64 prio;
	int err;

	cp->prio = -1;
	cp->line = n->start_mark.line + 1;
	/* "- count": a bundled program with its defaults */
	if (cf_scalar(n))
		return get_source(p, n, &cp->source);
	err = cf_need_map(p->file, n, "a program") ?: check_keys(p, n, "a program");
	if (err)
		return err;
	for (pair = n->data.mapping.pairs.start; pair < n->data.mapping.pairs.top; pair++)
		if (!strcmp(cf_scalar(node(p, pair->key)), "program"))
			src = node(p, pair->value);
	if (!src)
		return cf_error(p->file, n, "a program needs 'program: NAME|PATH'");
	err = get_source(p, src, &cp->source);
	for (pair = n->data.mapping.pairs.start; !err && pair < n->data.mapping.pairs.top; pair++) {
		const char *key;

		k = node(p, pair->key);
		v = node(p, pair->value);
		key = cf_scalar(k);
		if (!strcmp(key, "program")) {
			continue;
		} else if (!strcmp(key, "section")) {
			err = get_str(p, v, "section", &cp->section);
		} else if (!strcmp(key, "name")) {
			err = get_str(p, v, "name", &cp->name);
		} else if (!strcmp(key, "pin-path")) {
			err = get_str(p, v, "pin-path", &cp->pin_dir);
		} else if (!strcmp(key, "priority")) {
			err = cf_u64(p->file, v, "priority", 0, INT32_MAX, &prio);
			cp->prio = prio;
		} else if (!strcmp(key, "actions")) {
			err = get_actions(p, v, &cp->actions);
		} else if (cf_settings_key(key)) {
			err = cf_settings_parse(p->file, p->doc, k, v, cp->source, &cp->settings);
		} else {
			err = cf_unknown_key(p->file, k, "a program", PROG_FIELDS);
		}
	}
	return err;
}

static int parse_progs(const struct cf_parse *p, const yaml_node_t *n, struct cf_iface *ci)
{
	yaml_node_item_t *it;
	int err = 0;

	if (n->type == YAML_SCALAR_NODE && !*cf_scalar(n))
		return 0; /* "programs:" with nothing: no chain */
	if (n->type != YAML_SEQUENCE_NODE)
		return cf_error(p->file, n, "programs must be a list ('- program: NAME' lines)");
	ci->nprogs = n->data.sequence.items.top - n->data.sequence.items.start;
	if (ci->nprogs > XDPL_CHAIN_MAX)
		return cf_error(p->file, n, "%d programs: a chain holds at most %d", ci->nprogs,
				XDPL_CHAIN_MAX);
	ci->progs = calloc(ci->nprogs ?: 1, sizeof(*ci->progs));
	if (!ci->progs)
		return -ENOMEM;
	for (it = n->data.sequence.items.start; it < n->data.sequence.items.top && !err; it++)
		err = parse_prog(p, node(p, *it), &ci->progs[it - n->data.sequence.items.start]);
	return err;
}

#define IFACE_FIELDS "mode, backend, counters, foreign, programs"

static int parse_iface(const struct cf_parse *p, const yaml_node_t *k, const yaml_node_t *n,
		       struct cf_iface *ci)
{
	yaml_node_pair_t *pair;
	const char *key;
	int err;

	ci->counters = true;
	ci->line = k->start_mark.line + 1;
	ci->file = strdup(p->file);
	if (!ci->file)
		return -ENOMEM;
	if (!cf_scalar(k) || !*cf_scalar(k) || strlen(cf_scalar(k)) >= IF_NAMESIZE ||
	    strpbrk(cf_scalar(k), "/ \t"))
		return cf_error(p->file, k, "'%s' is not an interface name", cf_scalar(k) ?: "");
	snprintf(ci->name, sizeof(ci->name), "%s", cf_scalar(k));
	if (cf_scalar(n) && !*cf_scalar(n))
		return 0; /* "veth0:" alone: no chain on it */
	err = cf_need_map(p->file, n, ci->name) ?: check_keys(p, n, ci->name);
	for (pair = n->data.mapping.pairs.start; !err && pair < n->data.mapping.pairs.top; pair++) {
		const yaml_node_t *v = node(p, pair->value);

		key = cf_scalar(node(p, pair->key));
		if (!strcmp(key, "mode")) {
			err = cf_scalar(v) && !mode_parse(cf_scalar(v), &ci->mode)
				      ? 0
				      : cf_error(p->file, v,
						 "mode must be native, skb, hw or unspecified");
			ci->has_mode = ci->mode != XDP_MODE_UNSPEC;
		} else if (!strcmp(key, "backend")) {
			err = cf_scalar(v) && !dispatcher_parse(cf_scalar(v), &ci->backend)
				      ? 0
				      : cf_error(p->file, v,
						 "backend must be auto, linked or libxdp");
		} else if (!strcmp(key, "counters")) {
			err = get_bool(p, v, "counters", &ci->counters);
		} else if (!strcmp(key, "foreign")) {
			err = get_bool(p, v, "foreign", &ci->foreign);
		} else if (!strcmp(key, "programs")) {
			err = parse_progs(p, v, ci);
		} else {
			err = cf_unknown_key(p->file, node(p, pair->key), ci->name, IFACE_FIELDS);
		}
	}
	if (!err && ci->foreign && ci->nprogs)
		err = cf_error(p->file, k,
			       "%s: a foreign interface lists no programs (xdpload "
			       "leaves it alone)",
			       ci->name);
	return err;
}

static int parse_doc(const struct cf_parse *p, struct chainfile *cf)
{
	const yaml_node_t *root = yaml_document_get_root_node(p->doc), *ifs = NULL, *v;
	yaml_node_pair_t *pair;
	const char *key;
	__u64 version;
	int err, i;

	if (!root)
		return 0; /* an empty file describes no interface */
	err = cf_need_map(p->file, root, "a chain file") ?: check_keys(p, root, "a chain file");
	for (pair = root->data.mapping.pairs.start; !err && pair < root->data.mapping.pairs.top;
	     pair++) {
		key = cf_scalar(node(p, pair->key));
		v = node(p, pair->value);
		if (!strcmp(key, "version"))
			err = cf_u64(p->file, v, "version", 1, 1, &version);
		else if (!strcmp(key, "interfaces"))
			ifs = v;
		else
			err = cf_unknown_key(p->file, node(p, pair->key), "a chain file",
					     "version, interfaces");
	}
	if (err || !ifs || (cf_scalar(ifs) && !*cf_scalar(ifs)))
		return err;
	err = cf_need_map(p->file, ifs, "interfaces") ?: check_keys(p, ifs, "interfaces");
	for (pair = ifs->data.mapping.pairs.start; !err && pair < ifs->data.mapping.pairs.top;
	     pair++) {
		const yaml_node_t *k = node(p, pair->key);

		for (i = 0; i < cf->n; i++)
			if (!strcmp(cf->ifaces[i].name, cf_scalar(k)))
				return cf_error(p->file, k, "%s is described in %s:%d already",
						cf_scalar(k), cf->ifaces[i].file,
						cf->ifaces[i].line);
		if (cf->n == CF_MAX_IFACES)
			return cf_error(p->file, k, "more than %d interfaces", CF_MAX_IFACES);
		err = parse_iface(p, k, node(p, pair->value), &cf->ifaces[cf->n++]);
	}
	return err;
}

int chainfile_parse(const char *name, const char *text, size_t len, const char *basedir,
		    struct chainfile *cf)
{
	struct cf_parse p = { .file = name, .basedir = basedir };
	yaml_document_t doc, extra;
	yaml_parser_t parser;
	int err = 0;

	if (!yaml_parser_initialize(&parser))
		return -ENOMEM;
	yaml_parser_set_input_string(&parser, (const unsigned char *)text, len);
	if (!yaml_parser_load(&parser, &doc)) {
		err = xdpl_err(XDPL_ERR_USAGE, EINVAL, "%s:%zu:%zu: %s%s%s", name,
			       parser.problem_mark.line + 1, parser.problem_mark.column + 1,
			       parser.problem ?: "syntax error", parser.context ? " " : "",
			       parser.context ?: "");
		yaml_parser_delete(&parser);
		return err;
	}
	p.doc = &doc;
	err = parse_doc(&p, cf);
	/* one document per file: a second one would be ignored silently */
	if (!err && yaml_parser_load(&parser, &extra)) {
		if (yaml_document_get_root_node(&extra))
			err = cf_error(name, yaml_document_get_root_node(&extra),
				       "a chain file holds one document (remove this '---')");
		yaml_document_delete(&extra);
	}
	yaml_document_delete(&doc);
	yaml_parser_delete(&parser);
	return err;
}

static int load_one(const char *path, struct chainfile *cf)
{
	char *dir, *slash;
	void *buf = NULL;
	size_t len = 0;
	int err;

	err = read_file(path, &buf, &len);
	if (err)
		return xdpl_err(XDPL_ERR_NOFILE, err, "%s: cannot read: %s", path, strerror(-err));
	if (len > CF_FILE_MAX) {
		free(buf);
		return xdpl_err(XDPL_ERR_USAGE, EFBIG, "%s: more than %d bytes: not a chain file",
				path, CF_FILE_MAX);
	}
	dir = strdup(path);
	if (!dir) {
		free(buf);
		return -ENOMEM;
	}
	slash = strrchr(dir, '/');
	if (slash)
		*slash = '\0';
	err = chainfile_parse(path, buf, len, slash ? (*dir ? dir : "/") : ".", cf);
	free(dir);
	free(buf);
	return err;
}

static int yaml_name(const struct dirent *d)
{
	size_t l = strlen(d->d_name);

	return d->d_name[0] != '.' && ((l > 5 && !strcmp(d->d_name + l - 5, ".yaml")) ||
				       (l > 4 && !strcmp(d->d_name + l - 4, ".yml")));
}

int chainfile_load(const char *path, struct chainfile *cf)
{
	struct dirent **names;
	char file[4096];
	DIR *d;
	int i, n, err = 0;

	memset(cf, 0, sizeof(*cf));
	d = opendir(path);
	if (!d)
		return errno == ENOTDIR ? load_one(path, cf)
		       : errno == ENOENT
			       ? xdpl_err(XDPL_ERR_NOFILE, ENOENT, "%s: no such file", path)
			       : load_one(path, cf);
	closedir(d);
	n = scandir(path, &names, yaml_name, alphasort);
	if (n < 0)
		return xdpl_err(XDPL_ERR_NOFILE, errno, "%s: cannot read: %s", path,
				strerror(errno));
	for (i = 0; i < n; i++) {
		snprintf(file, sizeof(file), "%s/%s", path, names[i]->d_name);
		if (!err)
			err = load_one(file, cf);
		free(names[i]);
	}
	free(names);
	return err;
}

void chainfile_free(struct chainfile *cf)
{
	int i, k;

	for (i = 0; i < cf->n; i++) {
		struct cf_iface *ci = &cf->ifaces[i];

		for (k = 0; k < ci->nprogs; k++) {
			free(ci->progs[k].source);
			free(ci->progs[k].section);
			free(ci->progs[k].name);
			free(ci->progs[k].pin_dir);
			cf_settings_free(&ci->progs[k].settings);
		}
		free(ci->progs);
		free(ci->file);
	}
	memset(cf, 0, sizeof(*cf));
}

const struct cf_iface *chainfile_find(const struct chainfile *cf, const char *name)
{
	int i;

	for (i = 0; i < cf->n; i++)
		if (!strcmp(cf->ifaces[i].name, name))
			return &cf->ifaces[i];
	return NULL;
}

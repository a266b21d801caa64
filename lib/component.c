// SPDX-License-Identifier: GPL-2.0-only
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/stat.h>
#include <elf.h>
#include "actions.h"
#include "builtin.h"
#include "component.h"
#include "log.h"
#include "objcheck.h"
#include "objfile.h"

static int load_bytes(struct component *c, const char *source)
{
	const struct builtin_prog *b;

	if (!source_is_file(source)) {
		b = builtin_find(source);
		if (!b)
			return xdpl_err(XDPL_ERR_NOPROG, ENOENT,
					"%s: no such bundled program ('xdpload progs' lists them; "
					"name a file with a '/' or a .o suffix)",
					source);
		const char *start;

		c->builtin = true;
		builtin_object(b, &start, &c->len);
		c->buf = malloc(c->len);
		if (!c->buf)
			return -ENOMEM;
		memcpy(c->buf, start, c->len);
		return 0;
	}
	return objfile_read(source, &c->buf, &c->len);
}

/*
 * A program xdpload can load as XDP: typed so by its section, or in a section
 * libbpf 1.1 does not know (SEC("xdp_drop"), SEC("prog")), which it leaves
 * untyped for the loader to type, as iproute2 and libxdp do.
 */
static bool xdp_candidate(const struct bpf_program *p)
{
	enum bpf_prog_type t = bpf_program__type(p);

	return t == BPF_PROG_TYPE_XDP || t == BPF_PROG_TYPE_UNSPEC;
}

/* "a, b, c" of the XDP programs (by section or by name) in obj, for error messages. */
static void list_progs(struct bpf_object *obj, bool by_section, char *out, size_t sz)
{
	struct bpf_program *p;
	size_t used = 0;

	out[0] = '\0';
	bpf_object__for_each_program (p, obj) {
		if (!xdp_candidate(p))
			continue;
		used += snprintf(out + used, used < sz ? sz - used : 0, "%s%s", used ? ", " : "",
				 by_section ? bpf_program__section_name(p) : bpf_program__name(p));
	}
	if (!used)
		snprintf(out, sz, "none");
}

static bool has_prog_array(struct bpf_object *obj)
{
	struct bpf_map *m;

	bpf_object__for_each_map (m, obj)
		if (bpf_map__type(m) == BPF_MAP_TYPE_PROG_ARRAY)
			return true;
	return false;
}

static int set_xdp(struct bpf_program *p)
{
	if (bpf_program__type(p) == BPF_PROG_TYPE_XDP)
		return 0;
	return bpf_program__set_type(p, BPF_PROG_TYPE_XDP)
		       ?: bpf_program__set_expected_attach_type(p, BPF_XDP);
}

/*
 * Type what the object loads along with the selected program: its other XDP
 * programs load (they may be its tail-call targets, and libxdp loads them too);
 * untyped ones load as XDP only next to a program array, where they can only
 * be tail-call targets, and are left out elsewhere, as iproute2 does; programs
 * of other types are left out (nothing here attaches them, and a tracing
 * program without its target would fail the whole object).
 */
static int type_others(struct component *c)
{
	bool tail_calls = has_prog_array(c->obj);
	struct bpf_program *p;
	int err = 0;

	bpf_object__for_each_program (p, c->obj) {
		if (p == c->prog || bpf_program__type(p) == BPF_PROG_TYPE_XDP)
			continue;
		if (bpf_program__type(p) == BPF_PROG_TYPE_UNSPEC && tail_calls)
			err = set_xdp(p);
		else
			err = bpf_program__set_autoload(p, false);
		if (err)
			return err;
	}
	return 0;
}

/*
 * -s or -n select any program that is XDP or untyped; without them, the first
 * XDP program, or the object's only program whatever its section. The program
 * selected loads as XDP.
 */
static struct bpf_program *find_prog(struct bpf_object *obj, const struct component_req *req)
{
	struct bpf_program *p, *only = NULL;
	int n = 0;

	bpf_object__for_each_program (p, obj) {
		n++;
		only = p;
		if (!xdp_candidate(p))
			continue;
		if (req->section && strcmp(bpf_program__section_name(p), req->section))
			continue;
		if (req->prog_name && strcmp(bpf_program__name(p), req->prog_name))
			continue;
		if (req->section || req->prog_name || bpf_program__type(p) == BPF_PROG_TYPE_XDP)
			return p;
	}
	if (!req->section && !req->prog_name && n == 1 && xdp_candidate(only))
		return only;
	return NULL;
}

static int select_prog(struct component *c, const struct component_req *req)
{
	struct component_req sel;
	char names[512];
	int err;

	/* -s and -n choose within files: a bundled program is the only one of its object */
	if (c->builtin) {
		sel = *req;
		sel.section = sel.prog_name = NULL;
		req = &sel;
	}
	c->prog = find_prog(c->obj, req);
	if (c->prog) {
		err = set_xdp(c->prog) ?: type_others(c);
		if (err)
			return xdpl_err(XDPL_ERR_FAIL, err, "%s: cannot set program types: %s",
					c->label, strerror(-err));
		return 0;
	}
	if (req->prog_name) {
		list_progs(c->obj, false, names, sizeof(names));
		return xdpl_err(XDPL_ERR_NOPROG, ENOENT,
				"%s: no XDP program named '%s'%s%s (programs in it: %s)", c->label,
				req->prog_name, req->section ? " in section " : "",
				req->section ?: "", names);
	}
	if (req->section) {
		list_progs(c->obj, true, names, sizeof(names));
		return xdpl_err(XDPL_ERR_NOPROG, ENOENT,
				"%s: no XDP program in section '%s' (XDP sections in it: %s)",
				c->label, req->section, names);
	}
	list_progs(c->obj, false, names, sizeof(names));
	if (!strcmp(names, "none"))
		return xdpl_err(XDPL_ERR_NOPROG, ENOENT,
				"%s: no XDP program in this object (use SEC(\"xdp\"))", c->label);
	return xdpl_err(XDPL_ERR_NOPROG, ENOENT,
			"%s: no program in it is typed XDP by its section; select one with -n "
			"(programs in it: %s) or -s",
			c->label, names);
}

static int resolve_metadata(struct component *c, const struct component_req *req)
{
	DECLARE_LIBXDP_OPTS(xdp_program_opts, opts, .obj = c->obj,
			    .prog_name = bpf_program__name(c->prog));
	int a, err;

	c->xprog = xdp_program__create(&opts);
	err = libxdp_get_error(c->xprog);
	if (err) {
		c->xprog = NULL;
		return xdpl_err(XDPL_ERR_NOFILE, err, "%s: cannot read its XDP metadata: %s",
				c->label, strerror(-err));
	}
	if (req->prio >= 0) {
		err = xdp_program__set_run_prio(c->xprog, req->prio);
		if (err)
			return xdpl_err(XDPL_ERR_USAGE, err, "%s: cannot set priority %d", c->label,
					req->prio);
	}
	if (req->actions) {
		for (a = 0; a <= XDPL_ACTION_MAX; a++) {
			err = xdp_program__set_chain_call_enabled(c->xprog, a,
								  req->actions & (1U << a));
			if (err)
				return xdpl_err(XDPL_ERR_USAGE, err, "%s: cannot set chain actions",
						c->label);
		}
	}
	c->entry.prio = xdp_program__run_prio(c->xprog);
	c->entry.actions = 0;
	for (a = 0; a <= XDPL_ACTION_MAX; a++)
		if (xdp_program__chain_call_enabled(c->xprog, a))
			c->entry.actions |= 1U << a;
	return 0;
}

void component_object_name(const char *source, char *buf, size_t sz)
{
	const char *base = strrchr(source, '/');

	snprintf(buf, sz, "%s", base ? base + 1 : source);
}

int component_open(struct component *c, const struct component_req *req, unsigned int order)
{
	DECLARE_LIBBPF_OPTS(bpf_object_open_opts, oopts, .pin_root_path = req->pin_dir);
	char objname[64];
	int err;

	memset(c, 0, sizeof(*c));
	c->label = strdup(req->source);
	if (!c->label)
		return -ENOMEM;
	err = req->saved_copy ? read_file(req->saved_copy, &c->buf, &c->len)
			      : load_bytes(c, req->source);
	if (err && req->saved_copy)
		return xdpl_err(XDPL_ERR_FAIL, err,
				"%s: its saved copy is gone (%s); 'xdpload unload IFACE --all' and "
				"load the chain again",
				req->source, strerror(-err));
	if (err)
		return err;
	component_object_name(req->source, objname, sizeof(objname));
	oopts.object_name = objname;
	xdpl_clear_verifier_log();
	/*
	 * A user's file is untrusted: a child parses it first (objcheck.h says why).
	 * Bundled objects and the copies xdpload saved (checked when first loaded,
	 * kept in root's 0700 directory) are not.
	 */
	err = c->builtin || req->saved_copy ? 0 : objcheck_parse(c->label, c->buf, c->len, &oopts);
	if (err)
		return err;
	c->obj = bpf_object__open_mem(c->buf, c->len, &oopts);
	if (!c->obj) {
		char why[256];

		err = -errno;
		return xdpl_err(XDPL_ERR_NOFILE, err, "%s: libbpf cannot open it: %s", c->label,
				xdpl_libbpf_reason(err, why, sizeof(why)));
	}
	err = select_prog(c, req);
	if (!err)
		err = resolve_metadata(c, req);
	if (!err)
		chain_entry_set(&c->entry, bpf_program__name(c->prog), c->label, c->entry.prio,
				c->entry.actions, order);
	return err;
}

void component_close(struct component *c)
{
	xdp_program__close(c->xprog);
	bpf_object__close(c->obj);
	free(c->buf);
	free(c->label);
	memset(c, 0, sizeof(*c));
}

// SPDX-License-Identifier: GPL-2.0-only
/*
 * xdpload apply: make the interfaces match a chain file, all or nothing (see
 * apply.h). Planned in four passes over the interfaces, every lock held from
 * the first to the last: open and match (nothing changes), prepare (staged,
 * nothing attached), swap (undone in reverse on a failure), commit; then the
 * settings of the programs that stayed go into their maps. An interface is
 * managed by the linked backend (linked_apply.h) or by libxdp's
 * (libxdp_apply.h); the cur_*() helpers ask the right one.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <bpf/bpf.h>
#include "actions.h"
#include "apply.h"
#include "backend/libxdp_apply.h"
#include "backend/linked_apply.h"
#include "fault.h"
#include "iface_lock.h"
#include "log.h"
#include "ops.h"

struct plan {
	const struct cf_iface *want;
	int index; /* in the file */
	struct xdpl_iface iface;
	char key[64];
	struct iface_lock lk;
	struct linked_apply la;
	bool lx;		/* libxdp's dispatcher, not a linked chain */
	struct libxdp_apply *x; /* lx: the chain attached and the change */
	bool open;
	struct component *comps; /* the file's programs, opened */
	int ncomps;
	struct component *reals; /* lx: new programs opened again (libxdp_apply.h) */
	int nreals;
	int match[XDPL_CHAIN_MAX]; /* per file program: the committed component it is, or -1 */
	/* and that component's uid: its index changes when the new chain is committed */
	unsigned int match_uid[XDPL_CHAIN_MAX];
	bool keep[XDPL_CHAIN_MAX]; /* per committed component: it stays */
	struct component *news[XDPL_CHAIN_MAX];
	int nnew;
	bool rebuild;
	int changes;
};

struct run {
	const struct apply_opts *o;
	struct plan *p;
	int n;
};

static void say(struct plan *p, const struct apply_opts *o, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static void say(struct plan *p, const struct apply_opts *o, const char *fmt, ...)
{
	char what[XDPL_NAME_LEN + XDPL_LABEL_LEN + 256];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(what, sizeof(what), fmt, ap);
	va_end(ap);
	p->changes++;
	if (o->change)
		o->change(o->ctx, p->iface.name, what);
}

static void say_settings(void *ctx, const char *what)
{
	struct run *r = ctx;

	/* the plan being looked at is the last one with a change callback set */
	say(&r->p[r->n], r->o, "%s", what);
}

static int cmp_plan(const void *a, const void *b)
{
	return strcmp(((const struct plan *)a)->key, ((const struct plan *)b)->key);
}

/* Open the file's program i of one interface into c (nothing is loaded). */
static int open_prog(struct plan *p, int i, struct component *c, struct builtin_cfg *cfgs)
{
	const struct cf_prog *cp = &p->want->progs[i];
	struct component_req req = {
		.source = cp->source,
		.section = cp->section,
		.prog_name = cp->name,
		.prio = cp->prio,
		.actions = cp->actions,
		.pin_dir = cp->pin_dir,
	};
	int err;

	memset(cfgs, 0, builtin_count() * sizeof(*cfgs));
	cf_settings_builtin_cfg(&cp->settings, cp->source, cfgs);
	err = component_open(c, &req, i);
	builtin_set_iface(&p->iface);
	if (!err)
		err = configure_builtin(c, &req, cfgs);
	builtin_set_iface(NULL);
	if (err)
		pr_debug("%s:%d: %s: cannot open it\n", p->want->file, cp->line, cp->source);
	return err;
}

/* Open the file's programs of one interface (into reals: libxdp's second copies). */
static int open_progs(struct plan *p, bool reals)
{
	struct component *arr = calloc(p->want->nprogs ?: 1, sizeof(*arr));
	struct builtin_cfg *cfgs = calloc(builtin_count(), sizeof(*cfgs));
	int i, err = 0;

	if (!arr || !cfgs) {
		free(arr);
		free(cfgs);
		return -ENOMEM;
	}
	if (reals)
		p->reals = arr;
	else
		p->comps = arr;
	for (i = 0; i < p->want->nprogs && !err; i++) {
		if (reals && p->match[i] >= 0)
			continue; /* only new programs get loaded */
		err = open_prog(p, i, &arr[i], cfgs);
		if (reals)
			p->nreals = i + 1;
		else
			p->ncomps = i + 1;
	}
	free(cfgs);
	return err;
}

/* ---- the chain attached, whichever backend runs it ---- */

static bool cur_exists(const struct plan *p)
{
	return p->lx ? libxdp_apply_exists(p->x) : !!linked_apply_current(&p->la);
}

static int cur_n(const struct plan *p)
{
	const struct linked_manifest *m = linked_apply_current(&p->la);

	return p->lx ? p->x->n : m ? m->n : 0;
}

static enum xdp_attach_mode cur_mode(const struct plan *p)
{
	return p->lx ? p->x->mode : linked_apply_mode(&p->la);
}

static bool cur_same(const struct plan *p, int k, int i)
{
	const char *pin = p->want->progs[i].pin_dir;

	return p->lx ? libxdp_apply_same(p->x, k, &p->comps[i], pin)
		     : linked_apply_same(&p->la, k, &p->comps[i], pin);
}

static int cur_fd(const struct plan *p, int k)
{
	return p->lx ? libxdp_apply_comp_fd(p->x, k) : linked_apply_comp_fd(&p->la, k);
}

static __u32 cur_id(const struct plan *p, int k)
{
	return p->lx ? libxdp_apply_comp_id(p->x, k) : linked_apply_comp_id(&p->la, k);
}

static bool swapped(const struct plan *p)
{
	return p->lx ? p->x->swapped : p->la.swapped;
}

static int open_chain(struct plan *p, const struct apply_opts *o)
{
	int err;

	if (!p->lx) {
		err = linked_apply_open(&p->iface, !o->check, &p->la);
		p->open = !err || p->la.st;
		return err;
	}
	p->x = calloc(1, sizeof(*p->x));
	if (!p->x)
		return -ENOMEM;
	err = libxdp_apply_open(&p->iface, p->x);
	p->open = true;
	return err;
}

/* libxdp cannot replace what it did not build, nor remove what others attached unasked. */
static int check_libxdp(struct plan *p, const struct apply_opts *o)
{
	LIBBPF_OPTS(bpf_xdp_query_opts, q);
	int first = 0;

	if (!libxdp_apply_exists(p->x)) {
		if (!p->ncomps || bpf_xdp_query(p->iface.ifindex, 0, &q) || !q.prog_id)
			return 0;
		return xdpl_err(XDPL_ERR_BUSY, EBUSY,
				"%s: program %u is attached without a dispatcher, and libxdp's "
				"dispatcher cannot replace it: unload it first (or use backend: "
				"linked, which replaces it with --force)",
				p->iface.name, q.prog_id);
	}
	if (!libxdp_apply_foreign(p->x, &first) || o->force)
		return 0;
	return xdpl_err(XDPL_ERR_BUSY, EBUSY,
			"%s: its libxdp chain holds program %u (%s), which xdpload did not "
			"attach; detach it with the tool that did (xdp-loader unload %s -i %u), "
			"or use --force to let apply remove it",
			p->iface.name, libxdp_apply_comp_id(p->x, first),
			xdp_program__name(p->x->cur[first]), p->iface.name,
			libxdp_apply_comp_id(p->x, first));
}

static void describe(const struct chain_entry *e, char *buf, size_t sz)
{
	char actions[128];

	actions_format(e->actions, actions, sizeof(actions));
	snprintf(buf, sz, "%s (%s, priority %u, actions %s)", e->name, e->label, e->prio, actions);
}

/* The settings of the programs that stay (new ones start with the file's). */
static int plan_settings(struct run *r, struct plan *p)
{
	struct cf_settings have;
	int i, fd, err;

	for (i = 0; i < p->ncomps; i++) {
		if (p->match[i] < 0)
			continue;
		fd = cur_fd(p, p->match[i]);
		if (fd < 0)
			return xdpl_err(XDPL_ERR_FAIL, fd, "%s: %s: cannot open its program: %s",
					p->iface.name, p->comps[i].entry.name, strerror(-fd));
		err = cf_settings_read(fd, p->comps[i].label, &have);
		close(fd);
		if (err && err != -ENOENT) {
			cf_settings_free(&have);
			return xdpl_err(XDPL_ERR_FAIL, err, "%s: %s: cannot read its settings: %s",
					p->iface.name, p->comps[i].entry.name, strerror(-err));
		}
		cf_settings_diff(&p->want->progs[i].settings, &have, say_settings, r);
		cf_settings_free(&have);
	}
	return 0;
}

/* What differs on one interface: matched programs stay, the others come or go. */
static int plan_iface(struct run *r, struct plan *p)
{
	const struct apply_opts *o = r->o;
	const struct linked_manifest *cur;
	struct chain chain = { .n = 0 };
	struct chain_entry lx_entries[XDPL_LIBXDP_MAX_PROGS];
	LIBBPF_OPTS(bpf_xdp_query_opts, q);
	unsigned int base;
	char desc[XDPL_NAME_LEN + XDPL_LABEL_LEN + 192];
	int i, k, n, err;

	err = open_chain(p, o);
	if (err)
		return err;
	err = open_progs(p, false);
	if (!err && p->lx)
		err = check_libxdp(p, o);
	if (err)
		return err;
	cur = linked_apply_current(&p->la);
	n = cur_n(p);
	if (cur_exists(p) && p->want->has_mode && cur_mode(p) != p->want->mode)
		return xdpl_err(XDPL_ERR_CHAIN, EINVAL,
				"%s: its chain runs in %s mode and %s:%d says %s; a chain does not "
				"change mode in place ('xdpload unload %s --all' first)",
				p->iface.name, mode_name(cur_mode(p)), p->want->file, p->want->line,
				mode_name(p->want->mode), p->iface.name);
	for (i = 0; i < p->ncomps; i++) {
		p->match[i] = -1;
		for (k = 0; k < n && p->match[i] < 0; k++)
			if (!p->keep[k] && cur_same(p, k, i)) {
				p->match[i] = k;
				p->match_uid[i] = p->lx ? 0 : cur->comps[k].uid;
				p->keep[k] = true;
			}
	}
	for (k = 0; k < n; k++) {
		if (p->lx)
			libxdp_apply_entry(p->x, k, &lx_entries[k]);
		chain.v[chain.n++] =
			p->lx ? &lx_entries[k] : (struct chain_entry *)&cur->comps[k].entry;
		if (p->keep[k])
			continue;
		describe(chain.v[k], desc, sizeof(desc));
		say(p, o, "remove %s, id %u%s", desc, cur_id(p, k),
		    p->lx && !p->x->rec[k] ? ", which xdpload did not attach" : "");
		p->rebuild = true;
	}
	base = chain_next_order(&chain);
	for (i = 0; i < p->ncomps; i++) {
		if (p->match[i] >= 0)
			continue;
		p->comps[i].entry.order = base + i;
		p->news[p->nnew++] = &p->comps[i];
		describe(&p->comps[i].entry, desc, sizeof(desc));
		say(p, o, "add %s", desc);
		p->rebuild = true;
	}
	if (!p->lx && p->rebuild && !cur && p->ncomps && !bpf_xdp_query(p->iface.ifindex, 0, &q) &&
	    q.prog_id) {
		err = backend_check_foreign(&p->iface, q.prog_id, o->force);
		if (err)
			return err;
		say(p, o, "replace program id %u, which xdpload did not attach", q.prog_id);
	}
	return plan_settings(r, p);
}

static int prepare_iface(struct plan *p, const struct apply_opts *o)
{
	struct load_opts lo = { .mode = p->want->mode, .force = o->force };
	int i, fd, err;

	if (!p->rebuild)
		return 0;
	if (p->lx) {
		const char *pins[XDPL_CHAIN_MAX];
		struct component *reals[XDPL_CHAIN_MAX];

		err = open_progs(p, true);
		for (i = 0; i < p->nnew; i++) {
			pins[i] = p->want->progs[p->news[i] - p->comps].pin_dir;
			reals[i] = &p->reals[p->news[i] - p->comps];
		}
		if (!err)
			err = libxdp_apply_prepare(p->x, p->keep, p->news, reals, pins, p->nnew,
						   p->want->mode);
	} else {
		err = linked_apply_prepare(&p->la, p->keep, p->news, p->nnew, &lo,
					   p->want->counters);
	}
	/* a new program's rules are in its maps before its first packet */
	for (i = 0; !err && i < p->ncomps; i++) {
		if (p->match[i] >= 0)
			continue;
		fd = p->lx ? libxdp_apply_new_fd(p->x, &p->comps[i])
			   : linked_apply_new_fd(&p->la, &p->comps[i]);
		if (fd >= 0)
			err = cf_settings_apply(fd, p->comps[i].entry.name,
						&p->want->progs[i].settings);
		if (fd >= 0 && p->lx)
			close(fd); /* libxdp's is a copy; linked's belongs to the build */
	}
	return err;
}

/* The settings of the programs that stayed, once every chain is committed. */
static int settings_iface(struct plan *p)
{
	int i, k, fd, err = 0;

	for (i = 0; i < p->ncomps && !err; i++) {
		if (p->match[i] < 0)
			continue;
		if (p->lx) {
			fd = libxdp_apply_comp_fd(p->x, p->match[i]);
		} else {
			k = linked_apply_find_uid(&p->la, p->match_uid[i]);
			fd = k < 0 ? -ENOENT : linked_apply_comp_fd(&p->la, k);
		}
		if (fd < 0)
			return xdpl_err(XDPL_ERR_FAIL, fd, "%s: %s: cannot open its program: %s",
					p->iface.name, p->comps[i].entry.name, strerror(-fd));
		err = cf_settings_apply(fd, p->comps[i].entry.name, &p->want->progs[i].settings);
		close(fd);
	}
	return err;
}

static void plan_free(struct plan *p)
{
	int i;

	if (p->open && p->lx)
		libxdp_apply_close(p->x);
	else if (p->open)
		linked_apply_close(&p->la);
	free(p->x);
	for (i = 0; i < p->ncomps; i++)
		component_close(&p->comps[i]);
	for (i = 0; i < p->nreals; i++)
		if (p->match[i] < 0)
			component_close(&p->reals[i]);
	free(p->comps);
	free(p->reals);
	iface_lock_release(&p->lk);
}

/* Swap every prepared chain in; on a failure, undo the ones swapped already. */
static int swap_all(struct run *r)
{
	int i, err = 0;

	for (i = 0; i < r->n && !err; i++) {
		if (r->p[i].rebuild && xdpl_fault_fail("apply:swap"))
			err = xdpl_err(XDPL_ERR_FAIL, EIO, "%s: swap refused (XDPLOAD_FAIL)",
				       r->p[i].iface.name);
		else if (r->p[i].lx)
			err = libxdp_apply_swap(r->p[i].x);
		else
			err = linked_apply_swap(&r->p[i].la);
		if (!err && swapped(&r->p[i]))
			xdpl_fault_point("apply:swapped");
	}
	if (!err)
		return 0;
	/* the ones swapped in already go back, the last first */
	for (i = r->n - 1; i >= 0; i--)
		if (swapped(&r->p[i]) && (r->p[i].lx ? libxdp_apply_swap_back(r->p[i].x)
						     : linked_apply_swap_back(&r->p[i].la)))
			pr_warn("%s: the new chain stays attached; 'xdpload apply' again, or "
				"unload "
				"it\n",
				r->p[i].iface.name);
	return err;
}

static int find_ifaces(struct run *r, const struct chainfile *cf)
{
	int i, err;

	for (i = 0; i < cf->n; i++) {
		const struct cf_iface *ci = &cf->ifaces[i];
		struct plan *p = &r->p[r->n];

		if (r->o->only && strcmp(ci->name, r->o->only))
			continue;
		if (ci->foreign)
			continue; /* not xdpload's: left alone */
		if (ci->backend == DISPATCHER_LIBXDP && ci->nprogs && !freplace_supported())
			return xdpl_err(
				XDPL_ERR_CHAIN, EOPNOTSUPP,
				"%s:%d: %s: backend: libxdp needs libxdp's dispatcher, and "
				"this kernel refuses freplace (BPF_PROG_TYPE_EXT) programs; "
				"use backend: linked or auto",
				ci->file, ci->line, ci->name);
		err = iface_resolve(ci->name, &p->iface);
		if (err)
			return err;
		iface_key(&p->iface, p->key, sizeof(p->key));
		p->want = ci;
		p->index = i;
		p->lk.fd = -1;
		r->n++;
	}
	if (r->o->only && !chainfile_find(cf, r->o->only))
		return xdpl_err(XDPL_ERR_NOTFOUND, ENOENT, "%s: not described in the chain file",
				r->o->only);
	/* fixed order: two runs of apply never wait for each other's locks in a cycle */
	qsort(r->p, r->n, sizeof(*r->p), cmp_plan);
	return 0;
}

/*
 * The backend of the chain running stays (auto keeps it; an interface without
 * one gets a linked chain unless the file says libxdp); apply does not move a
 * chain from one backend to the other.
 */
static int pick_backend(struct plan *p)
{
	const struct backend_ops *be = backend_owner(&p->iface);
	enum dispatcher_choice want = p->want->backend;
	const char *other;

	if (be == &backend_libxdp || be == &backend_linked) {
		p->lx = be == &backend_libxdp;
		other = p->lx ? "linked" : "libxdp";
		if (!p->want->nprogs || want == DISPATCHER_AUTO ||
		    want == (p->lx ? DISPATCHER_LIBXDP : DISPATCHER_LINKED))
			return 0;
		return xdpl_err(XDPL_ERR_CHAIN, EBUSY,
				"%s: it runs a %s chain and %s:%d says backend: %s; apply does "
				"not move a chain to another backend ('xdpload unload %s --all' "
				"first, or say backend: %s or auto)",
				p->iface.name, be->name, p->want->file, p->want->line, other,
				p->iface.name, be->name);
	}
	p->lx = want == DISPATCHER_LIBXDP;
	return 0;
}

static int lock_and_plan(struct run *r)
{
	int i, err = 0;

	for (i = 0; i < r->n && !err; i++) {
		err = iface_lock_take(&r->p[i].iface, !r->o->check, &r->p[i].lk);
		if (err == -ENOENT && r->o->check)
			err = 0; /* nothing was ever kept for it: nothing to recover */
		else if (!err)
			err = backend_recover(&r->p[i].iface);
	}
	for (i = 0; i < r->n && !err; i++)
		err = pick_backend(&r->p[i]);
	if (!err && backend_linked.prepare)
		err = backend_linked.prepare();
	/* r->n is the plan say_settings() reports to while it is planned */
	for (i = 0; i < r->n && !err; i++) {
		struct run one = *r;

		one.n = i;
		err = plan_iface(&one, &r->p[i]);
	}
	return err;
}

int xdpl_apply(const struct chainfile *cf, const struct apply_opts *o, struct apply_result *res)
{
	struct run r = { .o = o };
	int i, err, prepared = 0;
	bool committed = false;

	memset(res, 0, sizeof(*res));
	r.p = calloc(cf->n ?: 1, sizeof(*r.p));
	if (!r.p)
		return -ENOMEM;
	for (i = 0; i < cf->n; i++)
		r.p[i].lk.fd = -1;
	err = find_ifaces(&r, cf);
	if (!err)
		err = lock_and_plan(&r);
	for (i = 0; i < r.n; i++) {
		res->changes += r.p[i].changes;
		res->changed[r.p[i].index] = r.p[i].changes > 0;
	}
	res->ifaces = r.n;
	if (err || o->check)
		goto out;
	for (prepared = 0; prepared < r.n && !err; prepared++)
		err = prepare_iface(&r.p[prepared], o);
	xdpl_fault_point("apply:prepared");
	if (!err)
		err = swap_all(&r);
	if (err)
		goto out;
	for (i = 0; i < r.n; i++)
		if (r.p[i].lx)
			libxdp_apply_commit(r.p[i].x);
		else
			linked_apply_commit(&r.p[i].la);
	/* the chains run: a settings error from here on is reported, not undone */
	for (i = 0; i < r.n && !err; i++)
		err = settings_iface(&r.p[i]);
	committed = true;
out:
	if (err && !o->check && !committed) {
		/* nothing was changed: what was staged or created for it goes */
		for (i = 0; i < r.n; i++)
			if (r.p[i].open && r.p[i].lx)
				libxdp_apply_abort(r.p[i].x);
			else if (r.p[i].open)
				linked_apply_abort(&r.p[i].la);
		memset(res, 0, sizeof(*res));
	}
	for (i = 0; i < r.n; i++)
		plan_free(&r.p[i]);
	free(r.p);
	return err;
}

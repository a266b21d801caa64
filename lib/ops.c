// SPDX-License-Identifier: GPL-2.0-only
/*
 * The chain commands' operations (see ops.h). Each holds the interface's lock
 * from before it looks at anything until it is done, so that which backend owns
 * the interface, and what its state says, cannot change under it.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include "backend/backend.h"
#include "bpffs.h"
#include "iface_lock.h"
#include "log.h"
#include "ops.h"

/* A bundled program's options go into its object before anything is loaded. */
int configure_builtin(const struct component *c, const struct component_req *creq,
		      const struct builtin_cfg *cfgs)
{
	const struct builtin_prog *b;
	__u64 vals[BUILTIN_MAX_OPTS] = {};
	int k;

	if (!c->builtin)
		return 0;
	b = builtin_find(creq->source);
	if (!b || !b->configure)
		return 0;
	for (k = 0; b->opts && b->opts[k].name && k < BUILTIN_MAX_OPTS; k++) {
		const struct builtin_cfg *cfg = cfgs ? &cfgs[b - builtin_progs] : NULL;

		vals[k] = cfg && cfg->given[k] ? cfg->val[k] : b->opts[k].def;
		if (b->opts[k].string)
			continue; /* a name, checked when parsed */
		if (vals[k] < b->opts[k].min || vals[k] > b->opts[k].max)
			return xdpl_err(XDPL_ERR_USAGE, ERANGE,
					"%s: --%s %llu is outside %llu..%llu", b->name,
					b->opts[k].name, (unsigned long long)vals[k],
					(unsigned long long)b->opts[k].min,
					(unsigned long long)b->opts[k].max);
	}
	return b->configure(c->obj, vals);
}

/*
 * Like xdp-loader, load adds a program whose name is in the chain already as one
 * more copy; a script run twice then gets two. Say so, and what re-runs want.
 */
static void warn_duplicates(const struct xdpl_iface *iface, const struct component *comps, int n)
{
	struct iface_status *st = malloc(sizeof(*st));
	int i;

	if (st && !status_collect(iface, st))
		for (i = 0; i < n; i++)
			if (status_find(st, 0, comps[i].entry.name))
				pr_warn("%s: a program named '%s' is in the chain already: this "
					"adds another one (for a chain that stays the same however "
					"often a script runs, use 'xdpload apply')\n",
					iface->name, comps[i].entry.name);
	free(st);
}

/*
 * LIBXDP_SKIP_DISPATCHER=1, as libxdp honours it: one program on an interface
 * without a program attaches alone, no dispatcher, whichever backend auto would
 * pick (libxdp's then attaches it directly); xdp-loader's tests rely on it.
 */
static enum dispatcher_choice skip_dispatcher(const struct xdpl_iface *iface,
					      const struct xdpl_load_req *req)
{
	const char *env = secure_getenv("LIBXDP_SKIP_DISPATCHER");

	if (req->dispatcher != DISPATCHER_AUTO || req->n != 1 || !env || strcmp(env, "1") ||
	    backend_owner(iface))
		return req->dispatcher;
	pr_debug("%s: LIBXDP_SKIP_DISPATCHER=1: attaching the program alone\n", iface->name);
	return DISPATCHER_LIBXDP;
}

static int load_locked(const struct xdpl_iface *iface, const struct xdpl_load_req *req)
{
	char pin_root[XDPL_PATH_LEN];
	const struct backend_ops *be;
	struct component *comps;
	int i, n = req->n, err;

	err = backend_select(iface, skip_dispatcher(iface, req), &be);
	if (err)
		return err;
	if (n > be->max_progs)
		return xdpl_err(XDPL_ERR_CHAIN, E2BIG,
				"%d programs: the %s dispatcher runs at most %d per interface", n,
				be->name, be->max_progs);
	if (be->prepare) {
		err = be->prepare();
		if (err)
			return err;
	}
	comps = calloc(n, sizeof(*comps));
	if (!comps)
		return -ENOMEM;
	/*
	 * libbpf pins maps pinned by name below -p DIR, or its default, on the real
	 * bpffs even under `ip netns exec`; the linked backend moves those of a
	 * chain without -p into the chain's own state (linked_build.c).
	 */
	err = bpffs_resolve(req->opts.pin_dir, pin_root, sizeof(pin_root));
	/* Open everything before changing anything, so bad input changes nothing. */
	for (i = 0; i < n && !err; i++) {
		struct component_req creq = req->progs[i];

		creq.pin_dir = pin_root;
		err = component_open(&comps[i], &creq, i);
		if (!err) {
			builtin_set_iface(iface);
			err = configure_builtin(&comps[i], &req->progs[i], req->builtin_cfgs);
			builtin_set_iface(NULL);
		}
	}
	if (!err)
		warn_duplicates(iface, comps, n);
	if (!err)
		err = be->load(iface, comps, n, &req->opts);
	for (i = 0; i < n; i++)
		component_close(&comps[i]);
	free(comps);
	return err;
}

int xdpl_load(const struct xdpl_iface *iface, const struct xdpl_load_req *req)
{
	struct iface_lock lk;
	int err;

	err = iface_lock_take(iface, true, &lk);
	if (!err)
		err = backend_recover(iface);
	if (!err)
		err = load_locked(iface, req);
	iface_lock_release(&lk);
	return err;
}

static int unload_locked(const struct xdpl_iface *iface, const struct unload_sel *sel)
{
	const struct backend_ops *be = backend_owner(iface);

	if (!be)
		return xdpl_err(XDPL_ERR_NOTFOUND, ENOENT, "%s: no XDP program attached",
				iface->name);
	return be->unload(iface, sel);
}

int xdpl_unload(const struct xdpl_iface *iface, const struct unload_sel *sel)
{
	struct iface_lock lk;
	char key[64];
	int err;

	err = iface_lock_take(iface, true, &lk);
	if (!err)
		err = backend_recover(iface);
	if (!err)
		err = unload_locked(iface, sel);
	/* nothing left on the interface and nothing kept for it: its lock goes too */
	iface_key(iface, key, sizeof(key));
	if (!err && !backend_owner(iface) && !backend_key_in_use(key))
		iface_lock_forget(&lk);
	iface_lock_release(&lk);
	return err;
}

int xdpl_clean(const struct xdpl_iface *iface)
{
	struct iface_lock lk;
	int i, err = 0;

	if (!iface) {
		/* each backend walks its states and locks each interface itself */
		for (i = 0; backends[i]; i++)
			err = backends[i]->clean(NULL) ?: err;
		iface_locks_clean(backend_key_in_use);
		return err;
	}
	err = iface_lock_take(iface, false, &lk);
	if (err && err != -ENOENT)
		return err;
	for (i = 0, err = 0; backends[i]; i++)
		err = backends[i]->clean(iface) ?: err;
	iface_lock_release(&lk);
	return err;
}

int xdpl_status(const struct xdpl_iface *iface, struct iface_status *st)
{
	struct iface_lock lk;
	int err;

	/* no lock file: xdpload never kept state for iface, so nothing to recover */
	err = iface_lock_take(iface, false, &lk);
	if (err && err != -ENOENT)
		return err;
	err = lk.fd >= 0 ? backend_recover(iface) : 0;
	if (!err)
		err = status_collect(iface, st);
	iface_lock_release(&lk);
	return err;
}

int xdpl_object_programs(const char *source,
			 void (*fn)(const char *section, const char *name, void *ctx), void *ctx)
{
	const struct builtin_prog *b = source_is_file(source) ? NULL : builtin_find(source);
	struct bpf_object *obj;
	struct bpf_program *p;
	void *buf = NULL;
	size_t len;
	int err;

	if (b) {
		const char *start;

		builtin_object(b, &start, &len);
		buf = malloc(len);
		if (!buf)
			return -ENOMEM;
		memcpy(buf, start, len);
	} else {
		err = read_file(source, &buf, &len);
		if (err)
			return xdpl_err(XDPL_ERR_NOFILE, err, "%s: cannot read: %s", source,
					strerror(-err));
	}
	xdpl_clear_verifier_log();
	obj = bpf_object__open_mem(buf, len, NULL);
	err = libbpf_get_error(obj);
	if (err) {
		char why[256];

		free(buf);
		return xdpl_err(XDPL_ERR_NOFILE, err, "%s: libbpf cannot open it: %s", source,
				xdpl_libbpf_reason(err, why, sizeof(why)));
	}
	/* untyped ones too: -s or -n loads them as XDP (component.c) */
	bpf_object__for_each_program (p, obj)
		if (bpf_program__type(p) == BPF_PROG_TYPE_XDP ||
		    bpf_program__type(p) == BPF_PROG_TYPE_UNSPEC)
			fn(bpf_program__section_name(p), bpf_program__name(p), ctx);
	bpf_object__close(obj);
	free(buf);
	return 0;
}

const char *xdpl_backend_name(const struct xdpl_iface *iface)
{
	struct iface_status *st = malloc(sizeof(*st));
	const char *name = NULL;

	if (st && !xdpl_status(iface, st) && st->nprogs)
		name = st->backend;
	free(st);
	return name;
}

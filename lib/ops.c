// SPDX-License-Identifier: GPL-2.0-only
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include "backend/backend.h"
#include "log.h"
#include "ops.h"

/* A bundled program's options go into its object before anything is loaded. */
static int configure_builtin(const struct component *c, const struct component_req *creq,
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
		if (vals[k] < b->opts[k].min || vals[k] > b->opts[k].max)
			return xdpl_err(XDPL_ERR_USAGE, ERANGE,
					"%s: --%s %llu is outside %llu..%llu", b->name,
					b->opts[k].name, (unsigned long long)vals[k],
					(unsigned long long)b->opts[k].min,
					(unsigned long long)b->opts[k].max);
	}
	return b->configure(c->obj, vals);
}

int xdpl_load(const struct xdpl_iface *iface, const struct xdpl_load_req *req)
{
	const struct backend_ops *be;
	struct component *comps;
	int i, n = req->n, err;

	err = backend_select(iface, req->dispatcher, &be);
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
	/* Open everything before changing anything, so bad input changes nothing. */
	for (i = 0; i < n && !err; i++) {
		err = component_open(&comps[i], &req->progs[i], i);
		if (!err)
			err = configure_builtin(&comps[i], &req->progs[i], req->builtin_cfgs);
	}
	if (!err)
		err = be->load(iface, comps, n, &req->opts);
	for (i = 0; i < n; i++)
		component_close(&comps[i]);
	free(comps);
	return err;
}

int xdpl_unload(const struct xdpl_iface *iface, const struct unload_sel *sel)
{
	const struct backend_ops *be = backend_owner(iface);

	/* Without a dispatcher, libxdp's backend handles the single attached program. */
	return (be ? be : &backend_libxdp)->unload(iface, sel);
}

int xdpl_clean(const struct xdpl_iface *iface)
{
	int err, ret = 0;

	err = backend_libxdp.clean(iface);
	if (err)
		ret = xdpl_err(XDPL_ERR_FAIL, err, "libxdp's clean-up failed");
	err = backend_linked.clean(iface);
	return ret ?: err;
}

int xdpl_status(const struct xdpl_iface *iface, struct iface_status *st)
{
	return status_collect(iface, st);
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
		len = b->end - b->start;
		buf = malloc(len);
		if (!buf)
			return -ENOMEM;
		memcpy(buf, b->start, len);
	} else {
		err = read_file(source, &buf, &len);
		if (err)
			return xdpl_err(XDPL_ERR_NOFILE, err, "%s: cannot read: %s", source,
					strerror(-err));
	}
	obj = bpf_object__open_mem(buf, len, NULL);
	err = libbpf_get_error(obj);
	if (err) {
		char why[128];

		free(buf);
		libbpf_strerror(err, why, sizeof(why));
		return xdpl_err(XDPL_ERR_NOFILE, err, "%s: not a valid eBPF object: %s", source,
				why);
	}
	bpf_object__for_each_program (p, obj)
		if (bpf_program__type(p) == BPF_PROG_TYPE_XDP)
			fn(bpf_program__section_name(p), bpf_program__name(p), ctx);
	bpf_object__close(obj);
	free(buf);
	return 0;
}

const char *xdpl_backend_name(const struct xdpl_iface *iface)
{
	const struct backend_ops *be = backend_owner(iface);

	return be ? be->name : NULL;
}

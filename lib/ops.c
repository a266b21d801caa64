// SPDX-License-Identifier: GPL-2.0-only
#include <errno.h>
#include <stdlib.h>
#include "backend/backend.h"
#include "log.h"
#include "ops.h"

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
	for (i = 0; i < n && !err; i++)
		err = component_open(&comps[i], &req->progs[i], i);
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

const char *xdpl_backend_name(const struct xdpl_iface *iface)
{
	const struct backend_ops *be = backend_owner(iface);

	return be ? be->name : NULL;
}

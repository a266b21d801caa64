// SPDX-License-Identifier: GPL-2.0-only
/*
 * libxdp's freplace dispatcher, used as its API intends so that xdp-loader and
 * xdp-filter see and manage the same chains.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <bpf/bpf.h>
#include <linux/if_link.h>
#include "backend/backend.h"
#include "log.h"
#include "owner.h"
#include "verifier_log.h"

static struct xdp_multiprog *get_multiprog(int ifindex)
{
	struct xdp_multiprog *mp = xdp_multiprog__get_from_ifindex(ifindex);

	if (libxdp_get_error(mp))
		return NULL;
	return mp;
}

static void fill_prog(struct xdp_program *p, struct prog_status *ps)
{
	const unsigned char *tag = xdp_program__tag(p);
	int a;

	memset(ps, 0, sizeof(*ps));
	snprintf(ps->name, sizeof(ps->name), "%s", xdp_program__name(p));
	ps->id = xdp_program__id(p);
	for (a = 0; a < BPF_TAG_SIZE; a++)
		sprintf(ps->tag + 2 * a, "%02x", tag[a]);
	ps->has_meta = true;
	ps->prio = xdp_program__run_prio(p);
	for (a = 0; a <= XDPL_ACTION_MAX; a++)
		if (xdp_program__chain_call_enabled(p, a))
			ps->actions |= 1U << a;
}

static int libxdp_status(const struct xdpl_iface *iface, struct iface_status *st)
{
	struct xdp_multiprog *mp = get_multiprog(iface->ifindex);
	struct xdp_program *p;

	if (!mp)
		return 0;
	if (xdp_multiprog__is_legacy(mp) || !xdp_multiprog__main_prog(mp)) {
		xdp_multiprog__close(mp);
		return 0;
	}
	st->backend = "libxdp";
	st->owned = true; /* libxdp's chains are shared by design */
	st->mode = xdp_multiprog__attach_mode(mp);
	st->dispatcher_id = xdp_program__id(xdp_multiprog__main_prog(mp));
	for (p = xdp_multiprog__next_prog(NULL, mp); p && st->nprogs < XDPL_MAX_PROGS;
	     p = xdp_multiprog__next_prog(p, mp))
		fill_prog(p, &st->progs[st->nprogs++]);
	xdp_multiprog__close(mp);
	return 1;
}

/* Refuse what libxdp would do silently or half-way, before touching anything. */
static int check_room(const struct xdpl_iface *iface, int n, const struct load_opts *opts)
{
	struct iface_status st = {};
	int ret;

	ret = libxdp_status(iface, &st);
	if (ret < 0)
		return ret;
	if (ret == 0) {
		LIBBPF_OPTS(bpf_xdp_query_opts, q);

		if (!bpf_xdp_query(iface->ifindex, 0, &q) && q.prog_id) {
			if (!freplace_supported())
				return xdpl_err(XDPL_ERR_CHAIN, EOPNOTSUPP,
						"%s: already has program %u, and this kernel "
						"refuses freplace, so libxdp cannot build the "
						"dispatcher that chains a second one; use "
						"--dispatcher linked",
						iface->name, q.prog_id);
			return xdpl_err(XDPL_ERR_BUSY, EEXIST,
					"%s: program %u is attached without a dispatcher "
					"(by another tool?); unload it first",
					iface->name, q.prog_id);
		}
	}
	if (n > 1 && !freplace_supported())
		return xdpl_err(XDPL_ERR_CHAIN, EOPNOTSUPP,
				"%s: %d programs need libxdp's dispatcher, which this kernel "
				"cannot load (it refuses freplace); use --dispatcher linked "
				"(or auto)",
				iface->name, n);
	if (st.nprogs + n > XDPL_LIBXDP_MAX_PROGS)
		return xdpl_err(XDPL_ERR_CHAIN, E2BIG,
				"%s: %d programs attached plus %d is more than libxdp's "
				"dispatcher holds (%d)",
				iface->name, st.nprogs, n, XDPL_LIBXDP_MAX_PROGS);
	if (ret == 1 && opts->mode != XDP_MODE_UNSPEC && st.mode != opts->mode)
		return xdpl_err(XDPL_ERR_USAGE, EINVAL,
				"%s: the chain runs in %s mode; load with -m %s", iface->name,
				mode_name(st.mode), mode_name(st.mode));
	return 0;
}

static int libxdp_load(const struct xdpl_iface *iface, struct component *comps, int n,
		       const struct load_opts *opts)
{
	struct xdp_program **progs;
	struct iface_status st;
	int i, err;

	err = check_room(iface, n, opts);
	if (err)
		return err;
	progs = calloc(n, sizeof(*progs));
	if (!progs)
		return -ENOMEM;
	for (i = 0; i < n; i++)
		progs[i] = comps[i].xprog;
	xdpl_clear_verifier_log();
	err = xdp_program__attach_multi(progs, n, iface->ifindex, opts->mode, 0);
	free(progs);
	if (err) {
		if (*xdpl_last_verifier_log())
			return verifier_report(n == 1 ? comps[0].label : "one of the programs",
					       err);
		if (err == -EOPNOTSUPP && opts->mode == XDP_MODE_NATIVE)
			return xdpl_err(XDPL_ERR_FAIL, err,
					"%s: the driver has no native XDP support; use -m skb",
					iface->name);
		return xdpl_err(XDPL_ERR_FAIL, err, "%s: libxdp could not attach: %s", iface->name,
				strerror(-err));
	}
	/* libxdp fell back to attaching a single program directly: remember it is ours. */
	if (libxdp_status(iface, &st) == 0)
		owner_mark_legacy(iface, xdp_program__id(comps[0].xprog));
	return 0;
}

static int unload_legacy(const struct xdpl_iface *iface, const struct unload_sel *sel)
{
	LIBBPF_OPTS(bpf_xdp_query_opts, q);
	struct prog_status ps = {};
	int fd;

	if (bpf_xdp_query(iface->ifindex, 0, &q) || !q.prog_id)
		return xdpl_err(XDPL_ERR_NOTFOUND, ENOENT, "%s: no XDP program attached",
				iface->name);
	fd = bpf_prog_get_fd_by_id(q.prog_id);
	if (fd >= 0) {
		prog_status_from_fd(fd, &ps);
		close(fd);
	}
	if (!sel->all && sel->id != q.prog_id && !(sel->name && !strcmp(sel->name, ps.name)))
		return xdpl_err(XDPL_ERR_NOTFOUND, ENOENT,
				"%s: no attached program with that %s (see xdpload status %s)",
				iface->name, sel->name ? "name" : "ID", iface->name);
	if (!sel->force && !owner_is_legacy(iface, q.prog_id))
		return xdpl_err(XDPL_ERR_BUSY, EBUSY,
				"%s: program %u (%s) was not attached by xdpload; use --force to "
				"remove it anyway",
				iface->name, q.prog_id, ps.name);
	if (bpf_xdp_detach(iface->ifindex, mode_flags(mode_of_attached(q.attach_mode)), NULL))
		return xdpl_err(XDPL_ERR_FAIL, errno, "%s: detach failed: %s", iface->name,
				strerror(errno));
	owner_clear_legacy(iface);
	return 0;
}

static int libxdp_unload(const struct xdpl_iface *iface, const struct unload_sel *sel)
{
	struct xdp_multiprog *mp = get_multiprog(iface->ifindex);
	struct xdp_program *p;
	int err;

	if (!mp || xdp_multiprog__is_legacy(mp)) {
		xdp_multiprog__close(mp);
		return unload_legacy(iface, sel);
	}
	if (sel->all) {
		err = xdp_multiprog__detach(mp);
		goto out;
	}
	for (p = xdp_multiprog__next_prog(NULL, mp); p; p = xdp_multiprog__next_prog(p, mp))
		if ((sel->id && xdp_program__id(p) == sel->id) ||
		    (sel->name && !strcmp(xdp_program__name(p), sel->name)))
			break;
	if (!p) {
		xdp_multiprog__close(mp);
		return xdpl_err(XDPL_ERR_NOTFOUND, ENOENT,
				"%s: no program with that %s in the chain (see xdpload status %s)",
				iface->name, sel->name ? "name" : "ID", iface->name);
	}
	err = xdp_program__detach(p, iface->ifindex, xdp_multiprog__attach_mode(mp), 0);
out:
	xdp_multiprog__close(mp);
	if (err)
		return xdpl_err(XDPL_ERR_FAIL, err, "%s: libxdp could not detach: %s", iface->name,
				strerror(-err));
	return 0;
}

static int libxdp_clean(const struct xdpl_iface *iface)
{
	int err = libxdp_clean_references(iface ? iface->ifindex : 0);

	owner_clean_legacy();

	pr_debug("libxdp clean-up: %s\n", err < 0 ? strerror(-err) : "done");
	/* Without a bpffs (ip netns exec hides it) libxdp has no pins to clean. */
	return err < 0 && err != -ENOENT && err != -EOPNOTSUPP ? err : 0;
}

const struct backend_ops backend_libxdp = {
	.name = "libxdp",
	.max_progs = XDPL_LIBXDP_MAX_PROGS,
	.load = libxdp_load,
	.unload = libxdp_unload,
	.status = libxdp_status,
	.clean = libxdp_clean,
};

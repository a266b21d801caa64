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
#include "backend/legacy.h"
#include "backend/libxdp_clean.h"
#include "backend/libxdp_rec.h"
#include "log.h"
#include "objload.h"
#include "verifier_log.h"

/* libxdp names its dispatcher program so (lib/libxdp/xdp-dispatcher.c.in). */
#define LIBXDP_DISPATCHER_NAME "xdp_dispatcher"

static struct xdp_multiprog *get_multiprog(int ifindex)
{
	struct xdp_multiprog *mp = xdp_multiprog__get_from_ifindex(ifindex);

	if (libxdp_get_error(mp))
		return NULL;
	if (xdp_multiprog__is_legacy(mp) || !xdp_multiprog__main_prog(mp)) {
		xdp_multiprog__close(mp);
		return NULL;
	}
	return mp;
}

static int libxdp_owns(const struct xdpl_iface *iface, __u32 attached_id)
{
	struct prog_status ps = {};
	int fd = bpf_prog_get_fd_by_id(attached_id), err;

	if (fd < 0)
		return -errno;
	err = prog_status_from_fd(fd, &ps);
	close(fd);
	return err ?: !strcmp(ps.name, LIBXDP_DISPATCHER_NAME);
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
		return -ENOENT;
	st->backend = "libxdp";
	st->owned = true; /* libxdp's chains are shared by design */
	st->mode = xdp_multiprog__attach_mode(mp);
	st->dispatcher_id = xdp_program__id(xdp_multiprog__main_prog(mp));
	for (p = xdp_multiprog__next_prog(NULL, mp); p && st->nprogs < XDPL_MAX_PROGS;
	     p = xdp_multiprog__next_prog(p, mp))
		fill_prog(p, &st->progs[st->nprogs++]);
	xdp_multiprog__close(mp);
	return 0;
}

/* Refuse what libxdp would do silently or half-way, before touching anything. */
static int check_room(const struct xdpl_iface *iface, int n, const struct load_opts *opts)
{
	LIBBPF_OPTS(bpf_xdp_query_opts, q);
	struct iface_status st = {};
	bool chain;

	if (bpf_xdp_query(iface->ifindex, 0, &q))
		return xdpl_err(XDPL_ERR_FAIL, errno, "%s: cannot query XDP: %s", iface->name,
				strerror(errno));
	chain = q.prog_id && libxdp_owns(iface, q.prog_id) > 0 && !libxdp_status(iface, &st);
	if (q.prog_id && !chain) {
		__u32 link = xdp_link_of(iface->ifindex, q.prog_id);

		if (link)
			return backend_link_error(iface, q.prog_id, link);
		/* Without freplace no second program can ever join, whoever
		 * attached the first: say that before anything else. */
		if (!freplace_supported())
			return xdpl_err(XDPL_ERR_CHAIN, EOPNOTSUPP,
					"%s: already has program %u, and this kernel refuses "
					"freplace, so libxdp cannot build the dispatcher that "
					"chains a second one; use --dispatcher linked",
					iface->name, q.prog_id);
		if (legacy_is_ours(iface, q.prog_id))
			return backend_check_foreign(iface, q.prog_id, false);
		return xdpl_err(XDPL_ERR_BUSY, EEXIST,
				"%s: program %u is attached without a dispatcher (by another "
				"tool?); unload it first",
				iface->name, q.prog_id);
	}
	if (n > 1 && !freplace_supported())
		return xdpl_err(
			XDPL_ERR_CHAIN, EOPNOTSUPP,
			"%s: %d programs need libxdp's dispatcher, which this kernel "
			"cannot load (it refuses freplace); use --dispatcher linked (or auto)",
			iface->name, n);
	if (st.nprogs + n > XDPL_LIBXDP_MAX_PROGS)
		return xdpl_err(XDPL_ERR_CHAIN, E2BIG,
				"%s: %d programs attached plus %d is more than libxdp's "
				"dispatcher holds (%d)",
				iface->name, st.nprogs, n, XDPL_LIBXDP_MAX_PROGS);
	return chain ? backend_check_mode(iface, st.mode, opts->mode) : 0;
}

/* Remember what xdpload attached, for apply and save (libxdp_rec.h). */
static void record(const struct xdpl_iface *iface, const struct component *comps, int n,
		   const char *pin_dir)
{
	struct libxdp_rec *r = calloc(n, sizeof(*r));
	int i, err = -ENOMEM;

	if (r) {
		for (i = 0; i < n; i++)
			libxdp_rec_fill(&r[i], &comps[i], xdp_program__id(comps[i].xprog), pin_dir);
		err = libxdp_rec_add(iface, r, n);
		free(r);
	}
	if (err)
		pr_warn("%s: cannot record its programs as xdpload's (save will call them "
			"foreign): %s\n",
			iface->name, strerror(-err));
}

static int libxdp_load(const struct xdpl_iface *iface, struct component *comps, int n,
		       const struct load_opts *opts)
{
	LIBBPF_OPTS(bpf_xdp_query_opts, q);
	struct xdp_program **progs;
	int i, err;

	err = check_room(iface, n, opts);
	if (err)
		return err;
	progs = calloc(n, sizeof(*progs));
	if (!progs)
		return -ENOMEM;
	for (i = 0; i < n; i++) {
		progs[i] = comps[i].xprog;
		err = err ?: objload_check_maps(comps[i].label, comps[i].obj) ?:
			     objload_prepare_pins(comps[i].label, comps[i].obj);
	}
	if (err) {
		free(progs);
		return err;
	}
	xdpl_clear_verifier_log();
	err = xdp_program__attach_multi(progs, n, iface->ifindex, opts->mode, 0);
	free(progs);
	if (err) {
		if (err == -EOPNOTSUPP && opts->mode == XDP_MODE_NATIVE &&
		    !*xdpl_last_verifier_log())
			return backend_attach_error(iface, err, XDP_FLAGS_DRV_MODE);
		return objload_error(n == 1 ? comps[0].label : "one of the programs", err);
	}
	/* libxdp fell back to attaching a single program directly: remember it is ours */
	if (!bpf_xdp_query(iface->ifindex, 0, &q) && q.prog_id &&
	    q.prog_id == xdp_program__id(comps[0].xprog)) {
		legacy_mark(iface, q.prog_id);
		return 0;
	}
	record(iface, comps, n, opts->pin_dir);
	return 0;
}

static int libxdp_unload(const struct xdpl_iface *iface, const struct unload_sel *sel)
{
	struct xdp_multiprog *mp = get_multiprog(iface->ifindex);
	struct xdp_program *p;
	int err;

	if (!mp)
		return xdpl_err(XDPL_ERR_NOTFOUND, ENOENT, "%s: no libxdp chain attached",
				iface->name);
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
		return backend_not_in_chain(iface, sel);
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
	int err = libxdp_clean_safely(iface ? iface->ifindex : 0);

	/* Without a bpffs (ip netns exec hides it) libxdp has no pins to clean. */
	if (err < 0 && err != -ENOENT && err != -EOPNOTSUPP)
		return xdpl_err(XDPL_ERR_FAIL, err, "libxdp's clean-up failed: %s", strerror(-err));
	return 0;
}

const struct backend_ops backend_libxdp = {
	.name = "libxdp",
	.max_progs = XDPL_LIBXDP_MAX_PROGS,
	.owns = libxdp_owns,
	.load = libxdp_load,
	.unload = libxdp_unload,
	.status = libxdp_status,
	.clean = libxdp_clean,
};

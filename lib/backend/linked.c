// SPDX-License-Identifier: GPL-2.0-only
/*
 * The linked backend: the whole chain is one ordinary XDP program that calls each
 * component as a BPF-to-BPF function (DESIGN.md 3). Every change rebuilds that
 * program from the saved component objects, with their maps carried over from
 * their pins, and swaps it onto the interface atomically.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <net/if.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include <linux/if_link.h>
#include <xdpload/dispatcher.h>
#include "backend/backend.h"
#include "backend/linked_build.h"
#include "linked/capture.h"
#include "backend/linked_state.h"
#include "log.h"
#include "owner.h"

static int linked_prepare(void)
{
	int err = linked_capture_init();

	if (err)
		return xdpl_err(XDPL_ERR_FAIL, err, "cannot set up program capture: %s",
				strerror(-err));
	return 0;
}

static int linked_load(const struct xdpl_iface *iface, struct component *comps, int n,
		       const struct load_opts *opts)
{
	struct linked_state *st = calloc(1, sizeof(*st));
	struct linked_build b = { .counters_fd = -1, .old_fd = -1 };
	unsigned int max_order = 0;
	bool ours = false, fresh = false;
	int i, err;

	b.comp.prog_fd = b.comp.counters_fd = -1;
	if (!st)
		return -ENOMEM;
	err = linked_state_open(iface, true, true, st);
	if (err)
		goto out_free;
	b.st = st;
	err = linked_build_check_iface(&b, opts, &ours);
	if (err)
		goto out;
	fresh = !st->exists;
	if (st->n + n > LINKED_MAX_COMPONENTS) {
		err = xdpl_err(XDPL_ERR_CHAIN, E2BIG,
			       "%s: %d programs in the chain plus %d is more than the linked "
			       "dispatcher chains (%d)",
			       iface->name, st->n, n, LINKED_MAX_COMPONENTS);
		goto out;
	}
	for (i = 0; i < st->n; i++) {
		err = linked_build_add_existing(&b, &st->comps[i]);
		if (err)
			goto out;
	}
	for (i = 0; i < st->n; i++)
		if (st->comps[i].order >= max_order)
			max_order = st->comps[i].order + 1;
	for (i = 0; i < n; i++) {
		err = linked_build_add_new(&b, &comps[i], max_order + comps[i].order);
		if (err)
			goto out;
	}
	b.counters = !opts->no_stats;
	err = linked_build_and_swap(&b, NULL, 0);
	if (!err)
		pr_debug("%s: linked chain of %d programs, %u instructions\n", iface->name, b.n,
			 b.comp.insn_cnt);
out:
	linked_build_free(&b);
	if (err && fresh)
		linked_state_destroy(st);
	linked_state_close(st);
out_free:
	free(st);
	return err;
}

static bool name_matches(const struct linked_state_comp *c, const char *name)
{
	char kname[BPF_OBJ_NAME_LEN];

	snprintf(kname, sizeof(kname), "%s", c->name);
	return !strcmp(c->name, name) || !strcmp(kname, name);
}

static int detach_all(struct linked_state *st)
{
	LIBBPF_OPTS(bpf_xdp_attach_opts, ao);
	LIBBPF_OPTS(bpf_xdp_query_opts, q);
	char path[LINKED_PATH_LEN];
	int fd, err = 0;

	linked_state_path(st, "dispatcher", path, sizeof(path));
	fd = bpf_obj_get(path);
	if (fd < 0)
		return xdpl_err(XDPL_ERR_FAIL, errno, "%s: cannot open %s: %s", st->iface.name,
				path, strerror(errno));
	bpf_xdp_query(st->iface.ifindex, 0, &q);
	ao.old_prog_fd = fd;
	if (bpf_xdp_attach(st->iface.ifindex, -1,
			   mode_flags(mode_of_attached(q.attach_mode)) | XDP_FLAGS_REPLACE, &ao))
		err = xdpl_err(XDPL_ERR_FAIL, errno, "%s: cannot detach the chain: %s",
			       st->iface.name, strerror(errno));
	close(fd);
	if (!err)
		linked_state_destroy(st);
	return err;
}

static int linked_unload(const struct xdpl_iface *iface, const struct unload_sel *sel)
{
	struct linked_state *st = calloc(1, sizeof(*st));
	struct linked_build b = { .counters_fd = -1, .old_fd = -1 };
	unsigned int gone[LINKED_MAX_COMPONENTS];
	struct load_opts opts = {};
	char path[LINKED_PATH_LEN];
	int i, ngone = 0, err;
	bool ours;

	b.comp.prog_fd = b.comp.counters_fd = -1;
	if (!st)
		return -ENOMEM;
	err = linked_state_open(iface, true, false, st);
	if (err)
		goto out_free;
	b.st = st;
	if (st->damaged) {
		err = linked_state_damaged(st);
		goto out;
	}
	if (!st->exists || !linked_state_attached(st, &gone[0])) {
		err = xdpl_err(XDPL_ERR_NOTFOUND, ENOENT, "%s: no linked chain attached",
			       iface->name);
		goto out;
	}
	/* the ID the kernel shows on the interface (ip link) is the whole chain */
	if (sel->id && sel->id == gone[0]) {
		err = detach_all(st);
		goto out;
	}
	for (i = 0; i < st->n; i++) {
		linked_state_comp_path(st, st->comps[i].uid, "prog", path, sizeof(path));
		if (sel->all || (sel->id && linked_pin_id(path) == sel->id) ||
		    (sel->name && name_matches(&st->comps[i], sel->name) && !ngone))
			gone[ngone++] = st->comps[i].uid;
	}
	if (!ngone) {
		err = xdpl_err(XDPL_ERR_NOTFOUND, ENOENT,
			       "%s: no program with that %s in the chain (see xdpload status %s)",
			       iface->name, sel->name ? "name" : "ID", iface->name);
		goto out;
	}
	if (ngone == st->n) {
		err = detach_all(st);
		goto out;
	}
	err = linked_prepare();
	if (err)
		goto out;
	err = linked_build_check_iface(&b, &opts, &ours);
	if (err)
		goto out;
	for (i = 0; i < st->n; i++) {
		int k;

		for (k = 0; k < ngone && gone[k] != st->comps[i].uid; k++)
			;
		if (k < ngone)
			continue;
		err = linked_build_add_existing(&b, &st->comps[i]);
		if (err)
			goto out;
	}
	b.counters = st->counters;
	err = linked_build_and_swap(&b, gone, ngone);
out:
	linked_build_free(&b);
	linked_state_close(st);
out_free:
	free(st);
	return err;
}

static int linked_status(const struct xdpl_iface *iface, struct iface_status *ist)
{
	struct linked_state *st = calloc(1, sizeof(*st));
	LIBBPF_OPTS(bpf_xdp_query_opts, q);
	char path[LINKED_PATH_LEN];
	__u64 packets[XDPL_DISP_SLOTS];
	int i, fd, cfd = -1, ret = 0;
	__u32 attached;

	if (!st)
		return -ENOMEM;
	if (access(XDPL_RUN_DIR, F_OK))
		goto out_free;
	ret = linked_state_open(iface, false, false, st);
	if (ret || !st->exists || !linked_state_attached(st, &attached))
		goto out;
	ist->backend = "linked";
	ist->owned = true;
	ist->dispatcher_id = attached;
	if (!bpf_xdp_query(iface->ifindex, 0, &q))
		ist->mode = mode_of_attached(q.attach_mode);
	if (st->counters) {
		linked_state_path(st, "counters", path, sizeof(path));
		cfd = bpf_obj_get(path);
	}
	for (i = 0; i < st->n && ist->nprogs < XDPL_MAX_PROGS; i++) {
		const struct linked_state_comp *c = &st->comps[i];
		struct prog_status *ps = &ist->progs[ist->nprogs++];

		memset(ps, 0, sizeof(*ps));
		linked_state_comp_path(st, c->uid, "prog", path, sizeof(path));
		fd = bpf_obj_get(path);
		if (fd >= 0) {
			prog_status_from_fd(fd, ps);
			close(fd);
		}
		snprintf(ps->name, sizeof(ps->name), "%s", c->name);
		ps->has_meta = true;
		ps->prio = c->prio;
		ps->actions = c->actions;
		if (cfd >= 0 && !linked_counters_read(cfd, c->slot, packets)) {
			ps->has_counters = true;
			memcpy(ps->packets, packets, sizeof(ps->packets));
		}
	}
	ret = 1;
out:
	if (cfd >= 0)
		close(cfd);
	linked_state_close(st);
out_free:
	free(st);
	return ret;
}

/* ---- clean ---- */

static int clean_one(const struct xdpl_iface *iface)
{
	struct linked_state *st = calloc(1, sizeof(*st));
	__u32 attached;
	int err;

	if (!st)
		return -ENOMEM;
	err = linked_state_open(iface, true, false, st);
	if (err)
		goto out;
	if (st->damaged) {
		pr_info("%s: removing linked state with a damaged manifest\n",
			iface->name[0] ? iface->name : st->key);
		if (linked_state_attached(st, &attached))
			pr_warn("%s: its chain stays attached; 'xdpload unload %s --all --force' "
				"detaches it\n",
				iface->name, iface->name);
		linked_state_destroy(st);
		goto out;
	}
	if (st->lock_fd < 0) {
		/* pins without a manifest (/run was emptied): nothing can manage them */
		if (iface->netns_cookie == netns_cookie() && st->pin_dir[0] &&
		    !access(st->pin_dir, F_OK) && !linked_state_attached(st, &attached)) {
			pr_info("%s: removing pins left without a manifest\n", st->key);
			linked_state_destroy(st);
		}
		goto out;
	}
	if (st->exists && iface->netns_cookie != netns_cookie() &&
	    linked_netns_alive(st->netns_ino)) {
		pr_debug("%s: belongs to another network namespace, still alive\n", st->key);
		goto out;
	}
	if (st->exists && iface->netns_cookie == netns_cookie() &&
	    linked_state_attached(st, &attached)) {
		err = linked_state_remove_orphans(st);
		if (err > 0)
			pr_info("%s: removed %d leftovers\n", iface->name, err);
		err = 0;
		goto out;
	}
	pr_info("%s: removing linked state of a chain no longer attached\n",
		iface->name[0] ? iface->name : st->key);
	linked_state_destroy(st);
out:
	linked_state_close(st);
	free(st);
	return err;
}

static int clean_key(const char *key, void *arg)
{
	struct xdpl_iface iface = {};
	unsigned long long cookie;

	if (sscanf(key, "%llx-%d", &cookie, &iface.ifindex) != 2)
		return 0;
	iface.netns_cookie = cookie;
	if (cookie == netns_cookie() && !if_indextoname(iface.ifindex, iface.name))
		iface.name[0] = '\0';
	return clean_one(&iface);
}

static int linked_clean(const struct xdpl_iface *iface)
{
	if (iface)
		return clean_one(iface);
	if (access(XDPL_RUN_DIR, F_OK))
		return 0;
	return linked_state_for_each_key(clean_key, NULL);
}

const struct backend_ops backend_linked = {
	.name = "linked",
	.max_progs = LINKED_MAX_COMPONENTS,
	.prepare = linked_prepare,
	.load = linked_load,
	.unload = linked_unload,
	.status = linked_status,
	.clean = linked_clean,
};

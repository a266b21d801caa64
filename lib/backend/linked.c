// SPDX-License-Identifier: GPL-2.0-only
/*
 * The linked backend: the whole chain is one ordinary XDP program that calls each
 * component as a BPF-to-BPF function (DESIGN.md 3). Every change rebuilds that
 * program from the saved component objects, with their maps carried over from
 * their pins, and swaps it onto the interface atomically (linked_build.c) under
 * the state protocol of linked_state.h.
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
#include "backend/backend.h"
#include "backend/linked_build.h"
#include "backend/linked_state.h"
#include "backend/linked_trace.h"
#include "fault.h"
#include "iface_lock.h"
#include "linked/capture.h"
#include "log.h"
#include "netns.h"

static int linked_prepare(void)
{
	int err = linked_capture_init();

	if (err)
		return xdpl_err(XDPL_ERR_FAIL, err, "cannot set up program capture: %s",
				strerror(-err));
	return 0;
}

static struct linked_state *state_open(const struct xdpl_iface *iface, bool create, int *err)
{
	struct linked_state *st = calloc(1, sizeof(*st));

	*err = st ? linked_state_open(iface, create, st) : -ENOMEM;
	if (*err) {
		free(st);
		return NULL;
	}
	return st;
}

static void state_close(struct linked_state *st)
{
	if (st)
		linked_state_close(st);
	free(st);
}

static int linked_recover(const struct xdpl_iface *iface)
{
	struct linked_state *st;
	int err;

	st = state_open(iface, false, &err);
	/* a traced chain whose readers are gone (killed -9 too) gets its fast path back */
	if (st && !st->damaged)
		err = linked_trace_recover(st);
	state_close(st);
	return err;
}

static int linked_owns(const struct xdpl_iface *iface, __u32 attached_id)
{
	struct linked_state *st;
	int err, ret;

	st = state_open(iface, false, &err);
	if (!st)
		return err;
	/* recovery kept the committed chain only if it is the one attached */
	ret = st->exists || st->damaged;
	state_close(st);
	return ret;
}

static int linked_load(const struct xdpl_iface *iface, struct component *comps, int n,
		       const struct load_opts *opts)
{
	struct linked_state *st;
	struct linked_build b;
	unsigned int base_order;
	struct chain chain = { .n = 0 };
	bool fresh;
	int i, err;

	st = state_open(iface, true, &err);
	if (!st)
		return err;
	if (st->damaged) {
		err = linked_state_damaged(st);
		goto out_state;
	}
	fresh = !st->exists;
	linked_build_init(&b, st);
	b.pin_dir = opts->pin_dir;
	err = linked_build_check_iface(&b, opts);
	if (err)
		goto out;
	if (st->m.n + n > XDPL_CHAIN_MAX) {
		err = xdpl_err(XDPL_ERR_CHAIN, E2BIG,
			       "%s: %d programs in the chain plus %d is more than the linked "
			       "dispatcher chains (%d)",
			       iface->name, st->m.n, n, XDPL_CHAIN_MAX);
		goto out;
	}
	for (i = 0; i < st->m.n; i++)
		chain.v[chain.n++] = &st->m.comps[i].entry;
	base_order = chain_next_order(&chain);
	for (i = 0; i < st->m.n && !err; i++)
		err = linked_build_add_existing(&b, &st->m.comps[i]);
	for (i = 0; i < n && !err; i++) {
		comps[i].entry.order += base_order;
		err = linked_build_add_new(&b, &comps[i]);
	}
	b.counters = fresh ? !opts->no_stats : st->m.counters;
	/* --no-inline sticks to the chain: later loads and unloads keep calling */
	b.no_inline = opts->no_inline || (!fresh && st->m.no_inline);
	if (!err)
		err = linked_build_and_swap(&b);
	if (!err)
		pr_debug("%s: linked chain of %d programs, %u instructions\n", iface->name, b.n,
			 b.comp.insn_cnt);
out:
	linked_build_free(&b);
	if (err && fresh)
		linked_state_destroy(st);
out_state:
	state_close(st);
	return err;
}

static int detach_all(struct linked_state *st)
{
	LIBBPF_OPTS(bpf_xdp_attach_opts, ao);
	LIBBPF_OPTS(bpf_xdp_query_opts, q);
	char name[32], path[LINKED_PATH_LEN];
	int fd, err = 0;

	linked_state_dispatcher_name(st->m.generation, name, sizeof(name));
	linked_state_pin_path(st, name, path, sizeof(path));
	fd = bpf_obj_get(path);
	if (fd < 0)
		return xdpl_err(XDPL_ERR_FAIL, errno, "%s: cannot open its chain %s/%s: %s",
				st->iface.name, st->pins.path, name, strerror(errno));
	bpf_xdp_query(st->iface.ifindex, 0, &q);
	ao.old_prog_fd = fd;
	if (bpf_xdp_attach(st->iface.ifindex, -1,
			   mode_flags(mode_of_attached(q.attach_mode)) | XDP_FLAGS_REPLACE, &ao))
		err = xdpl_err(XDPL_ERR_FAIL, errno, "%s: cannot detach the chain: %s",
			       st->iface.name, strerror(errno));
	close(fd);
	if (err)
		return err;
	xdpl_fault_point("linked:detached");
	linked_state_destroy(st);
	return 0;
}

/* Mark in gone[] the components sel names; returns how many. */
static int select_gone(const struct linked_state *st, const struct unload_sel *sel, bool *gone)
{
	struct xdpl_dir dir = XDPL_DIR_INIT;
	char path[LINKED_PATH_LEN];
	struct chain chain = { .n = 0 };
	int i, k, ngone = 0;

	for (i = 0; i < st->m.n; i++) {
		gone[i] = sel->all;
		chain.v[chain.n++] = (struct chain_entry *)&st->m.comps[i].entry;
		if (sel->id && !linked_state_comp_dir(st, st->m.comps[i].uid, false, &dir)) {
			sdir_fd_path(&dir, "prog", path, sizeof(path));
			gone[i] = linked_pin_id(path) == sel->id;
			sdir_close(&dir);
		}
	}
	if (sel->name) {
		/* the first one in run order: a second `unload -n` takes the next */
		chain_sort(&chain);
		k = chain_find_name(&chain, sel->name);
		for (i = 0; k >= 0 && i < st->m.n; i++)
			gone[i] = chain.v[k] == &st->m.comps[i].entry;
	}
	for (i = 0; i < st->m.n; i++)
		ngone += gone[i];
	return ngone;
}

static int linked_unload(const struct xdpl_iface *iface, const struct unload_sel *sel)
{
	bool gone[XDPL_CHAIN_MAX];
	struct load_opts opts = {};
	struct linked_state *st;
	struct linked_build b;
	int i, ngone, err;

	st = state_open(iface, false, &err);
	if (!st)
		return err;
	linked_build_init(&b, st);
	if (st->damaged) {
		err = linked_state_damaged(st);
		goto out;
	}
	if (!st->exists) {
		err = xdpl_err(XDPL_ERR_NOTFOUND, ENOENT, "%s: no linked chain attached",
			       iface->name);
		goto out;
	}
	/* the ID the kernel shows on the interface (ip link) is the whole chain */
	if (sel->id && sel->id == linked_state_dispatcher_id(st)) {
		err = detach_all(st);
		goto out;
	}
	ngone = select_gone(st, sel, gone);
	if (!ngone) {
		err = backend_not_in_chain(iface, sel);
		goto out;
	}
	if (ngone == st->m.n) {
		err = detach_all(st);
		goto out;
	}
	err = linked_prepare();
	if (!err)
		err = linked_build_check_iface(&b, &opts);
	for (i = 0; i < st->m.n && !err; i++)
		if (!gone[i])
			err = linked_build_add_existing(&b, &st->m.comps[i]);
	b.counters = st->m.counters;
	b.no_inline = st->m.no_inline;
	if (!err)
		err = linked_build_and_swap(&b);
out:
	linked_build_free(&b);
	state_close(st);
	return err;
}

static int linked_status(const struct xdpl_iface *iface, struct iface_status *ist)
{
	__u64 packets[XDPL_DISP_SLOTS], bytes[XDPL_DISP_SLOTS];
	struct xdpl_dir dir = XDPL_DIR_INIT;
	LIBBPF_OPTS(bpf_xdp_query_opts, q);
	char path[LINKED_PATH_LEN];
	struct linked_state *st;
	int i, k, fd, cfd = -1, err;

	st = state_open(iface, false, &err);
	if (!st)
		return err;
	if (st->damaged || !st->exists) {
		err = st->damaged ? linked_state_damaged(st) : -ENOENT;
		goto out;
	}
	ist->backend = "linked";
	ist->owned = true;
	ist->dispatcher_id = linked_state_dispatcher_id(st);
	ist->traced = st->m.traced;
	if (!bpf_xdp_query(iface->ifindex, 0, &q))
		ist->mode = mode_of_attached(q.attach_mode);
	if (st->m.counters) {
		linked_state_pin_path(st, "counters", path, sizeof(path));
		cfd = bpf_obj_get(path);
		/* an older layout (packets only) until the next change replaces it */
		if (cfd >= 0 && linked_counters_fit(cfd, XDPL_CHAIN_MAX)) {
			close(cfd);
			cfd = -1;
		}
	}
	for (i = 0; i < st->m.n && ist->nprogs < XDPL_MAX_PROGS; i++) {
		const struct linked_comp *c = &st->m.comps[i];
		struct prog_status *ps = &ist->progs[ist->nprogs++];

		memset(ps, 0, sizeof(*ps));
		if (!linked_state_comp_dir(st, c->uid, false, &dir)) {
			sdir_fd_path(&dir, "prog", path, sizeof(path));
			fd = bpf_obj_get(path);
			if (fd >= 0) {
				prog_status_from_fd(fd, ps);
				close(fd);
			}
			sdir_close(&dir);
		}
		snprintf(ps->name, sizeof(ps->name), "%s", c->entry.name);
		ps->has_meta = true;
		ps->has_layout = true;
		ps->inlined = c->inlined;
		snprintf(ps->call_reason, sizeof(ps->call_reason), "%s", c->call_reason);
		ps->prio = c->entry.prio;
		ps->actions = c->entry.actions;
		if (cfd >= 0 && !linked_counters_read2(cfd, c->slot, packets, bytes)) {
			ps->has_counters = true;
			ps->has_bytes = st->m.bytes;
			ps->disp_bytes = st->m.bytes;
			for (k = 0; k < XDPL_ACTION_COUNT; k++) {
				ps->packets[k] =
					packets[k] > c->base[k] ? packets[k] - c->base[k] : 0;
				ps->bytes[k] = bytes[k] > c->bytes_base[k]
						       ? bytes[k] - c->bytes_base[k]
						       : 0;
			}
		}
	}
	err = 0;
out:
	if (cfd >= 0)
		close(cfd);
	state_close(st);
	return err;
}

/* ---- clean ---- */

static void clean_own(const struct xdpl_iface *iface)
{
	struct linked_state *st;
	int err;

	/* opening recovers: a chain no longer attached and a crash's leftovers go */
	st = state_open(iface, false, &err);
	if (!st)
		return;
	if (st->damaged) {
		pr_info("%s: removing linked state with a damaged or missing manifest\n",
			iface->name);
		if (linked_state_attached_id(st))
			pr_warn("%s: its chain stays attached; 'xdpload unload %s --all --force' "
				"detaches it\n",
				iface->name, iface->name);
		linked_state_destroy(st);
	}
	state_close(st);
}

static int clean_key(const char *key, void *arg)
{
	struct xdpl_iface iface = {};
	struct linked_state *st;
	struct iface_lock lk;
	unsigned long long cookie;
	bool gone;

	if (sscanf(key, "%llx-%d", &cookie, &iface.ifindex) != 2)
		return 0;
	iface.netns_cookie = cookie;
	if (iface_lock_take_key(key, true, &lk))
		return 0;
	if (cookie == netns_cookie() && if_indextoname(iface.ifindex, iface.name)) {
		clean_own(&iface);
		goto out;
	}
	st = calloc(1, sizeof(*st));
	if (!st || linked_state_open_key(key, st))
		goto out_free;
	/*
	 * Our namespace's interface that is gone took its program with it. Another
	 * namespace's state is touched only when that namespace is gone too: its
	 * ifindex means nothing here.
	 */
	gone = cookie == netns_cookie() || (st->m.netns_ino && !netns_alive(st->m.netns_ino));
	/* pins left without their /run half (which names the namespace): by cookie */
	if (!gone && st->run.fd < 0 && !st->m.netns_ino)
		gone = !netns_cookie_alive(cookie);
	if (gone) {
		pr_info("%s: removing linked state of a chain no longer attached\n", key);
		linked_state_destroy(st);
		iface_lock_forget(&lk);
	}
	linked_state_close(st);
out_free:
	free(st);
out:
	iface_lock_release(&lk);
	return 0;
}

static int linked_clean(const struct xdpl_iface *iface)
{
	int err;

	if (iface) {
		clean_own(iface);
		return 0;
	}
	err = linked_state_for_each_key(clean_key, NULL);
	linked_state_tidy();
	return err;
}

const struct backend_ops backend_linked = {
	.name = "linked",
	.max_progs = XDPL_CHAIN_MAX,
	.prepare = linked_prepare,
	.recover = linked_recover,
	.owns = linked_owns,
	.load = linked_load,
	.unload = linked_unload,
	.status = linked_status,
	.clean = linked_clean,
	.has_state = linked_state_key_exists,
};

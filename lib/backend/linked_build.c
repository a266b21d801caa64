// SPDX-License-Identifier: GPL-2.0-only
/* Build a linked chain and swap it onto the interface (see linked_build.h). */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include <linux/if_link.h>
#include "backend/legacy.h"
#include "builtin.h"
#include "bpffs.h"
#include "backend/linked_build.h"
#include "backend/linked_license.h"
#include "backend/linked_maps.h"
#include "backend/linked_tracer.h"
#include "fault.h"
#include "linked/capture.h"
#include "log.h"
#include "objload.h"
#include "verifier_log.h"

/* One component of the chain being built: just loaded by the user, or already there. */
struct lcomp {
	struct component *c;
	struct component own; /* storage for a component reopened from its saved copy */
	bool is_new;
	struct linked_comp meta;
	struct linked_prog *lp;
	int standalone_fd;
	__u64 pinned_here; /* bit i: map i's pin in <pins>/maps is this build's own */
};

void linked_build_init(struct linked_build *b, struct linked_state *st)
{
	memset(b, 0, sizeof(*b));
	b->st = st;
	linked_maps_init(&b->maps, st);
	b->traced = st->exists && st->m.traced;
	b->counters_fd = b->old_fd = -1;
	b->comp.prog_fd = b->comp.counters_fd = -1;
}

static void lcomp_free(struct lcomp *l)
{
	if (!l)
		return;
	if (l->lp)
		linked_prog_free(l->lp);
	if (l->c && l->c->prog)
		linked_capture_disarm(l->c->prog);
	if (l->standalone_fd >= 0)
		close(l->standalone_fd);
	if (l->c == &l->own)
		component_close(&l->own);
	free(l);
}

static struct lcomp *lcomp_add(struct linked_build *b)
{
	struct lcomp *l;

	if (b->n >= XDPL_CHAIN_MAX)
		return NULL;
	l = calloc(1, sizeof(*l));
	if (l) {
		l->standalone_fd = -1;
		b->lc[b->n++] = l;
	}
	return l;
}

int linked_build_add_existing(struct linked_build *b, const struct linked_comp *m)
{
	struct component_req req = { .prog_name = m->entry.name, .prio = -1 };
	char obj[32], path[LINKED_PATH_LEN], pin_dir[XDPL_PATH_LEN];
	struct lcomp *l = lcomp_add(b);
	int err;

	if (!l)
		return -ENOMEM;
	l->meta = *m;
	linked_state_obj_name(m->uid, obj, sizeof(obj));
	sdir_fd_path(&b->st->run, obj, path, sizeof(path));
	req.source = m->entry.label;
	req.saved_copy = path;
	if (m->pin_dir[0]) {
		err = bpffs_resolve(m->pin_dir, pin_dir, sizeof(pin_dir));
		if (err)
			return err;
		req.pin_dir = pin_dir;
	}
	l->c = &l->own;
	err = component_open(&l->own, &req, m->entry.order);
	if (err)
		return err;
	/* the chain's own record of it stands, whatever the object says now */
	l->own.entry = m->entry;
	return linked_maps_reuse(&b->maps, l->own.obj, m);
}

int linked_build_add_new(struct linked_build *b, struct component *c)
{
	struct lcomp *l = lcomp_add(b);

	if (!l)
		return -ENOMEM;
	l->c = c;
	l->is_new = true;
	l->meta.entry = c->entry;
	l->meta.uid = linked_state_new_uid(b->st);
	snprintf(l->meta.pin_dir, sizeof(l->meta.pin_dir), "%s", b->pin_dir ?: "");
	return linked_maps_place(&b->maps, c->obj, c->entry.label, l->meta.pin_dir[0],
				 &l->pinned_here);
}

/* Load the object (maps, tail-call targets) and take the captured program. */
static int capture(struct lcomp *l)
{
	int err;

	/* pins are checked now: an earlier component of this build may have made them */
	err = objload_check_maps(l->meta.entry.label, l->c->obj)
		      ?: objload_prepare_pins(l->meta.entry.label, l->c->obj);
	if (err)
		return err;
	err = linked_capture_arm(l->c->prog);
	if (err)
		return err;
	xdpl_clear_verifier_log();
	err = bpf_object__load(l->c->obj);
	if (err) {
		linked_capture_disarm(l->c->prog);
		return objload_error(l->meta.entry.label, err);
	}
	return linked_capture_take(l->c->prog, &l->lp);
}

static int standalone(const struct linked_state *st, struct lcomp *l)
{
	struct xdpl_dir dir = XDPL_DIR_INIT;
	char path[LINKED_PATH_LEN];

	if (!l->is_new && !linked_state_comp_dir(st, l->meta.uid, false, &dir)) {
		sdir_fd_path(&dir, "prog", path, sizeof(path));
		l->standalone_fd = bpf_obj_get(path);
		sdir_close(&dir);
		if (l->standalone_fd >= 0)
			return 0;
	}
	l->standalone_fd = linked_prog_load_standalone(l->lp, l->meta.entry.label);
	return l->standalone_fd < 0 ? l->standalone_fd : 0;
}

/* Pin a new component's program and maps and save its object, all under its fresh uid. */
static int save_new(const struct linked_state *st, struct lcomp *l)
{
	char path[LINKED_PATH_LEN], name[XDPL_NAME_LEN + 8];
	struct xdpl_dir dir = XDPL_DIR_INIT;
	struct bpf_map *m;
	int err;

	err = linked_state_comp_dir(st, l->meta.uid, true, &dir);
	if (err)
		return err;
	sdir_fd_path(&dir, "prog", path, sizeof(path));
	if (bpf_obj_pin(l->standalone_fd, path))
		err = xdpl_err(XDPL_ERR_PERM, errno, "%s: cannot pin it in %s: %s",
			       l->meta.entry.label, dir.path, strerror(errno));
	bpf_object__for_each_map (m, l->c->obj) {
		if (err || bpf_map__pin_path(m) || bpf_map__fd(m) < 0)
			continue;
		linked_maps_pin_name(m, name, sizeof(name));
		sdir_fd_path(&dir, name, path, sizeof(path));
		if (bpf_obj_pin(bpf_map__fd(m), path))
			err = xdpl_err(XDPL_ERR_PERM, errno, "%s: cannot pin its map %s in %s: %s",
				       l->meta.entry.label, bpf_map__name(m), dir.path,
				       strerror(errno));
	}
	sdir_close(&dir);
	if (err)
		return err;
	linked_state_obj_name(l->meta.uid, name, sizeof(name));
	err = sdir_write_file(&st->run, name, l->c->buf, l->c->len);
	if (err)
		return xdpl_err(XDPL_ERR_PERM, err, "cannot write %s/%s: %s", st->run.path, name,
				strerror(-err));
	return 0;
}

/* ---- counters ---- */

/* Is slot free of every component of the chain being built and of the one attached? */
static bool slot_free(const struct linked_build *b, unsigned int slot)
{
	int i;

	for (i = 0; i < b->n; i++)
		if (b->lc[i]->meta.slot == slot)
			return false;
	for (i = 0; i < b->st->m.n; i++)
		if (b->st->m.comps[i].slot == slot)
			return false;
	return true;
}

/*
 * A new component gets a slot no running chain counts into, and the slot's
 * current values as its base: the map is never written from user space, so no
 * increment of any component is lost to a read-modify-write.
 */
static int assign_slots(struct linked_build *b)
{
	unsigned int slot = 0;
	int i, err;

	for (i = 0; i < b->n; i++)
		if (b->lc[i]->is_new)
			b->lc[i]->meta.slot = XDPL_CHAIN_MAX; /* not given yet */
	for (i = 0; i < b->n; i++) {
		struct lcomp *l = b->lc[i];

		if (!l->is_new)
			continue;
		while (slot < XDPL_CHAIN_MAX && !slot_free(b, slot))
			slot++;
		if (slot == XDPL_CHAIN_MAX)
			return xdpl_err(XDPL_ERR_CHAIN, E2BIG, "no free counter slot");
		l->meta.slot = slot;
		memset(l->meta.base, 0, sizeof(l->meta.base));
		memset(l->meta.bytes_base, 0, sizeof(l->meta.bytes_base));
		if (!b->counters_new && b->counters_fd >= 0) {
			err = linked_counters_read2(b->counters_fd, slot, l->meta.base,
						    l->meta.bytes_base);
			if (err)
				return xdpl_err(XDPL_ERR_FAIL, err, "cannot read the counters: %s",
						strerror(-err));
		}
	}
	return 0;
}

static int setup_counters(struct linked_build *b)
{
	char path[LINKED_PATH_LEN];

	if (!b->counters)
		return assign_slots(b);
	linked_state_pin_path(b->st, "counters", path, sizeof(path));
	b->counters_fd = bpf_obj_get(path);
	if (b->counters_fd >= 0 && linked_counters_fit(b->counters_fd, XDPL_CHAIN_MAX)) {
		/* pinned by a build with packets only: the new layout starts from zero */
		pr_warn("%s: its counters map has an older layout; the counters start again "
			"from zero\n",
			b->st->iface.name);
		close(b->counters_fd);
		b->counters_fd = -1;
		b->counters_replace = true;
		for (int i = 0; i < b->n; i++) {
			memset(b->lc[i]->meta.base, 0, sizeof(b->lc[i]->meta.base));
			memset(b->lc[i]->meta.bytes_base, 0, sizeof(b->lc[i]->meta.bytes_base));
		}
	}
	if (b->counters_fd < 0) {
		b->counters_fd = linked_counters_create(XDPL_CHAIN_MAX);
		if (b->counters_fd < 0)
			return xdpl_err(XDPL_ERR_FAIL, b->counters_fd,
					"cannot create the counters map: %s",
					strerror(-b->counters_fd));
		b->counters_new = true;
	}
	return assign_slots(b);
}

/* ---- build and swap ---- */

static int compose_chain(struct linked_build *b)
{
	struct linked_input in[XDPL_CHAIN_MAX];
	struct linked_compose_opts o = { .no_counters = !b->counters,
					 .counters_fd = b->counters_fd,
					 .counter_slots = true,
					 .no_inline = b->no_inline };
	int i, err;

	if (b->traced) {
		err = linked_tracer_prepare(
			b->st, b->n && (b->lc[0]->lp->prog_flags & BPF_F_XDP_HAS_FRAGS),
			&b->tracer);
		if (err)
			return err;
		o.trace = b->tracer->lp;
		o.trace_rec_fd = b->tracer->rec_fd;
	}

	for (i = 0; i < b->n; i++) {
		in[i].label = b->lc[i]->meta.entry.label;
		in[i].prog = b->lc[i]->lp;
		in[i].chain_mask = b->lc[i]->meta.entry.actions;
		in[i].counter_slot = b->lc[i]->meta.slot;
	}
	err = linked_compose(in, b->n, &o, &b->comp);
	/* what status shows: inlined into the dispatcher, or called and why */
	for (i = 0; !err && i < b->n; i++) {
		struct linked_comp *m = &b->lc[i]->meta;

		m->inlined = b->comp.inlined[i];
		snprintf(m->call_reason, sizeof(m->call_reason), "%s",
			 m->inlined ? "" : b->comp.call_reason[i] ?: "");
	}
	return err;
}

static int swap_in(struct linked_build *b)
{
	LIBBPF_OPTS(bpf_xdp_attach_opts, ao);
	const struct xdpl_iface *iface = &b->st->iface;
	__u32 flags = b->attach_flags;
	int err;

	if (b->old_fd >= 0) {
		flags |= XDP_FLAGS_REPLACE;
		ao.old_prog_fd = b->old_fd;
	} else {
		flags |= XDP_FLAGS_UPDATE_IF_NOEXIST;
	}
	if (!bpf_xdp_attach(iface->ifindex, b->comp.prog_fd, flags, &ao))
		return 0;
	err = -errno;
	if (err == -EEXIST || err == -EBUSY) {
		LIBBPF_OPTS(bpf_xdp_query_opts, q);
		__u32 link = 0;

		/* a link came (or was there): trying again cannot help */
		if (!bpf_xdp_query(iface->ifindex, 0, &q))
			link = xdp_link_of(iface->ifindex, q.prog_id);
		if (link)
			return backend_link_error(iface, q.prog_id, link);
	}
	if (err == -EEXIST || err == -EBUSY)
		return xdpl_err(XDPL_ERR_BUSY, err,
				"%s: its XDP program changed while the chain was built (another "
				"tool?); nothing was changed, try again",
				iface->name);
	return backend_attach_error(iface, err, flags);
}

/* The next generation's manifest: what the chain being built is. */
static void next_manifest(const struct linked_build *b, struct linked_manifest *next)
{
	int i;

	*next = b->st->m;
	next->generation = b->st->exists ? b->st->m.generation + 1 : 1;
	next->mode = mode_of_flags(b->attach_flags);
	next->counters = b->counters;
	next->no_inline = b->no_inline;
	next->traced = b->traced;
	next->bytes = b->counters && b->comp.bytes;
	next->n = b->n;
	for (i = 0; i < b->n; i++)
		next->comps[i] = b->lc[i]->meta;
}

static int cmp_lcomp(const void *a, const void *b)
{
	const struct lcomp *x = *(struct lcomp *const *)a, *y = *(struct lcomp *const *)b;

	return chain_cmp(&x->meta.entry, &y->meta.entry);
}

/* Stage everything of generation next (new pins and objects, dispatcher_G, manifest.G). */
static int stage(struct linked_build *b, const struct linked_manifest *next)
{
	char path[LINKED_PATH_LEN], name[32];
	int i, err = 0;

	for (i = 0; i < b->n && !err; i++)
		if (b->lc[i]->is_new)
			err = save_new(b->st, b->lc[i]);
	xdpl_fault_point("linked:saved");
	if (!err && b->counters_new) {
		if (b->counters_replace)
			sdir_remove(&b->st->pins, "counters");
		linked_state_pin_path(b->st, "counters", path, sizeof(path));
		if (bpf_obj_pin(b->counters_fd, path))
			err = xdpl_err(XDPL_ERR_PERM, errno, "cannot pin the counters in %s: %s",
				       b->st->pins.path, strerror(errno));
	}
	linked_state_dispatcher_name(next->generation, name, sizeof(name));
	if (!err) {
		sdir_remove(&b->st->pins, name); /* a leftover of a crash */
		linked_state_pin_path(b->st, name, path, sizeof(path));
		if (bpf_obj_pin(b->comp.prog_fd, path))
			err = xdpl_err(XDPL_ERR_PERM, errno, "cannot pin the chain in %s: %s",
				       b->st->pins.path, strerror(errno));
	}
	xdpl_fault_point("linked:pinned");
	if (!err) {
		err = linked_state_stage(b->st, next);
		if (err)
			err = xdpl_err(XDPL_ERR_PERM, err, "cannot write %s/manifest.%u: %s",
				       b->st->run.path, next->generation, strerror(-err));
	}
	xdpl_fault_point("linked:staged");
	return err;
}

/* Before any object loads: one license for the chain, count set for it. */
static bool chain_gpl(const struct linked_build *b)
{
	struct component *comps[XDPL_CHAIN_MAX];
	int i;

	for (i = 0; i < b->n; i++)
		comps[i] = b->lc[i]->c;
	return linked_license_prepare(comps, b->n);
}

int linked_build_prepare(struct linked_build *b)
{
	int i, err = 0;
	bool gpl;

	b->next = malloc(sizeof(*b->next));
	if (!b->next)
		return -ENOMEM;
	qsort(b->lc, b->n, sizeof(b->lc[0]), cmp_lcomp);
	gpl = chain_gpl(b);
	for (i = 0; i < b->n && !err; i++)
		err = capture(b->lc[i]);
	for (i = 0; i < b->n && !err && !gpl; i++)
		linked_license_strip_count(b->lc[i]->c, b->lc[i]->lp);
	/* each one verified alone first: its verifier errors name it */
	for (i = 0; i < b->n && !err; i++)
		err = standalone(b->st, b->lc[i]);
	if (!err)
		err = setup_counters(b);
	if (!err)
		err = compose_chain(b);
	if (err) {
		free(b->next);
		b->next = NULL;
		return err;
	}
	next_manifest(b, b->next);
	err = stage(b, b->next);
	if (err)
		linked_build_abort(b);
	return err;
}

int linked_build_swap(struct linked_build *b)
{
	return swap_in(b);
}

int linked_build_swap_back(struct linked_build *b)
{
	LIBBPF_OPTS(bpf_xdp_attach_opts, ao);
	const struct xdpl_iface *iface = &b->st->iface;

	/* the kernel checks that our chain is still the one there */
	ao.old_prog_fd = b->comp.prog_fd;
	if (!bpf_xdp_attach(iface->ifindex, b->old_fd, b->attach_flags | XDP_FLAGS_REPLACE, &ao))
		return 0;
	return xdpl_err(XDPL_ERR_FAIL, errno,
			"%s: cannot put its previous XDP program back: %s; the new chain stays "
			"attached",
			iface->name, strerror(errno));
}

void linked_build_abort(struct linked_build *b)
{
	if (!b->next)
		return;
	linked_state_unstage(b->st, b->next->generation);
	free(b->next);
	b->next = NULL;
}

void linked_build_commit(struct linked_build *b)
{
	int err;

	xdpl_fault_point("linked:swapped");
	/* the chain runs: the commit is one rename, and leftovers go with the next command */
	b->committed = true;
	err = linked_state_commit(b->st, b->next);
	if (err < 0)
		pr_warn("%s: the chain runs, but its commit failed (%s); the next xdpload "
			"command finishes it\n",
			b->st->iface.name, strerror(-err));
	free(b->next);
	b->next = NULL;
}

int linked_build_comp_fd(const struct linked_build *b, const struct component *c)
{
	int i;

	for (i = 0; i < b->n; i++)
		if (b->lc[i]->c == c)
			return b->lc[i]->standalone_fd;
	return -1;
}

int linked_build_and_swap(struct linked_build *b)
{
	int err;

	err = linked_build_prepare(b);
	if (err)
		return err;
	err = linked_build_swap(b);
	if (err) {
		linked_build_abort(b);
		return err;
	}
	linked_build_commit(b);
	return 0;
}

void linked_build_free(struct linked_build *b)
{
	int i;

	/* a build that did not commit takes back the pins libbpf made for it */
	for (i = 0; i < b->n && !b->committed; i++)
		if (b->lc[i]->is_new && b->lc[i]->c)
			linked_maps_unpin(&b->maps, b->lc[i]->c->obj, b->lc[i]->pinned_here);
	for (i = 0; i < b->n; i++) {
		/* the caller closes the components it opened */
		if (b->lc[i]->is_new)
			b->lc[i]->c = NULL;
		lcomp_free(b->lc[i]);
	}
	b->n = 0;
	free(b->next);
	b->next = NULL;
	linked_maps_close(&b->maps);
	linked_composite_close(&b->comp);
	linked_tracer_free(b->tracer);
	b->tracer = NULL;
	if (b->counters_fd >= 0)
		close(b->counters_fd);
	if (b->old_fd >= 0)
		close(b->old_fd);
	b->counters_fd = b->old_fd = -1;
}

int linked_build_check_iface(struct linked_build *b, const struct load_opts *opts)
{
	const struct xdpl_iface *iface = &b->st->iface;
	LIBBPF_OPTS(bpf_xdp_query_opts, q);
	__u32 attached;
	int err;

	b->attach_flags = mode_flags(opts->mode);
	if (bpf_xdp_query(iface->ifindex, 0, &q))
		return xdpl_err(XDPL_ERR_FAIL, errno, "%s: cannot query XDP: %s", iface->name,
				strerror(errno));
	attached = q.prog_id;
	if (!attached)
		return 0;
	if (b->st->exists) {
		/* recovery left st->exists only for a chain that is attached: ours */
		err = backend_check_mode(iface, mode_of_attached(q.attach_mode), opts->mode);
		if (err)
			return err;
		b->attach_flags = mode_flags(mode_of_attached(q.attach_mode));
	} else {
		err = backend_check_foreign(iface, attached, opts->force);
		if (err)
			return err;
		if (opts->mode == XDP_MODE_UNSPEC)
			b->attach_flags = mode_flags(mode_of_attached(q.attach_mode));
		legacy_forget(iface);
	}
	b->old_fd = bpf_prog_get_fd_by_id(attached);
	if (b->old_fd < 0)
		return xdpl_err(XDPL_ERR_FAIL, errno, "%s: cannot open program %u: %s", iface->name,
				attached, strerror(errno));
	return 0;
}

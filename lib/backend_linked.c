// SPDX-License-Identifier: GPL-2.0-only
/*
 * The linked backend: the whole chain is one ordinary XDP program that calls each
 * component as a BPF-to-BPF function (DESIGN.md 3). Every change rebuilds that
 * program from the saved component objects, with their maps carried over from
 * their pins, and swaps it onto the interface atomically.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <net/if.h>
#include <sys/stat.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include <linux/if_link.h>
#include <xdpload/dispatcher.h>
#include "backend.h"
#include "chain.h"
#include "linked_capture.h"
#include "linked_compose.h"
#include "linked_state.h"
#include "log.h"
#include "owner.h"
#include "verifier_log.h"

/* One component of the chain being built: just loaded by the user, or already there. */
struct lcomp {
	struct component *c;
	struct component own; /* storage for a component reopened from the state */
	bool is_new;
	struct linked_state_comp meta;
	struct linked_prog *lp;
	int standalone_fd;
};

struct build {
	struct linked_state *st;
	struct lcomp *lc[LINKED_MAX_COMPONENTS];
	int n;
	bool counters;
	int counters_fd;
	bool counters_new;
	struct linked_composite comp;
	int old_fd; /* the program on the interface now, or -1 */
	__u32 attach_flags;
};

static int linked_prepare(void)
{
	int err = linked_capture_init();

	if (err)
		return xdpl_fail(XDPL_EXIT_FAIL, err, "cannot set up program capture: %s\n",
				 strerror(-err));
	return 0;
}

static void report(const struct linked_err *e, int err)
{
	xdpl_fail(e->code ?: XDPL_EXIT_FAIL, err, "%s\n", e->msg);
	if (e->log[0])
		fputs(e->log, stderr);
}

/* ---- components ---- */

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

static struct lcomp *lcomp_new(void)
{
	struct lcomp *l = calloc(1, sizeof(*l));

	if (l)
		l->standalone_fd = -1;
	return l;
}

/* bpffs refuses names with a dot, and internal maps are named like "obj.rodata". */
static void map_pin_name(const struct bpf_map *m, char *buf, size_t sz)
{
	char *p;

	snprintf(buf, sz, "map_%s", bpf_map__name(m));
	for (p = buf; *p; p++)
		if (*p == '.')
			*p = '_';
}

/* Maps pinned for a component: carry their state into the rebuilt chain. */
static int reuse_maps(const struct linked_state *st, struct lcomp *l)
{
	char path[LINKED_PATH_LEN], name[LINKED_NAME_LEN + 8];
	struct bpf_map *m;
	int fd, err;

	bpf_object__for_each_map (m, l->c->obj) {
		if (bpf_map__pin_path(m)) /* load -p: libbpf reuses its own pins */
			continue;
		map_pin_name(m, name, sizeof(name));
		linked_state_comp_path(st, l->meta.uid, name, path, sizeof(path));
		fd = bpf_obj_get(path);
		if (fd < 0) {
			pr_debug("%s: no pinned map %s, a new one is created\n", l->meta.label,
				 bpf_map__name(m));
			continue;
		}
		err = bpf_map__reuse_fd(m, fd);
		close(fd);
		if (err)
			return xdpl_fail(XDPL_EXIT_FAIL, err, "%s: cannot reuse its map %s: %s\n",
					 l->meta.label, bpf_map__name(m), strerror(-err));
	}
	return 0;
}

static int pin_maps(const struct linked_state *st, struct lcomp *l)
{
	char path[LINKED_PATH_LEN], name[LINKED_NAME_LEN + 8];
	struct bpf_map *m;

	bpf_object__for_each_map (m, l->c->obj) {
		if (bpf_map__pin_path(m) || bpf_map__fd(m) < 0)
			continue;
		map_pin_name(m, name, sizeof(name));
		linked_state_comp_path(st, l->meta.uid, name, path, sizeof(path));
		if (bpf_obj_pin(bpf_map__fd(m), path) && errno != EEXIST)
			return xdpl_fail(XDPL_EXIT_PERM, errno,
					 "%s: cannot pin its map at %s: %s\n", l->meta.label, path,
					 strerror(errno));
	}
	return 0;
}

/*
 * load -p: the directory libbpf pins LIBBPF_PIN_BY_NAME maps in, so that a rebuild
 * opens the object with the same one (and libbpf reuses those pins).
 */
static void pin_root_of(struct bpf_object *obj, char *buf, size_t sz)
{
	const char *path, *slash;
	struct bpf_map *m;

	buf[0] = '\0';
	bpf_object__for_each_map (m, obj) {
		path = bpf_map__pin_path(m);
		slash = path ? strrchr(path, '/') : NULL;
		if (slash) {
			snprintf(buf, sz, "%.*s", (int)(slash - path), path);
			return;
		}
	}
}

/* The manifest is one line per component, fields split by tabs. */
static void sanitize(char *s)
{
	for (; *s; s++)
		if (*s == '\t' || *s == '\n')
			*s = ' ';
}

/* The name libbpf gives an object decides its internal maps' names: keep it. */
static const char *object_name(const char *label)
{
	const char *base = strrchr(label, '/');

	return base ? base + 1 : label;
}

static int open_existing(const struct linked_state *st, const struct linked_state_comp *m,
			 struct lcomp *l)
{
	DECLARE_LIBBPF_OPTS(bpf_object_open_opts, o);
	struct component *c = &l->own;
	char path[LINKED_PATH_LEN], objname[64];
	struct bpf_program *p;
	int err;

	l->c = c;
	l->meta = *m;
	linked_state_obj_path(st, m->uid, path, sizeof(path));
	err = read_file(path, &c->buf, &c->len);
	if (err)
		return xdpl_fail(XDPL_EXIT_FAIL, err,
				 "%s: its saved copy %s is gone (%s); 'xdpload unload %s --all' "
				 "and load the chain again\n",
				 m->label, path, strerror(-err), st->iface.name);
	c->label = strdup(m->label);
	if (!c->label)
		return -ENOMEM;
	/* component_open names it the same way: its internal maps keep their names */
	snprintf(objname, sizeof(objname), "%.63s", object_name(m->label));
	o.object_name = objname;
	o.pin_root_path = m->pin_dir[0] ? m->pin_dir : NULL;
	c->obj = bpf_object__open_mem(c->buf, c->len, &o);
	err = libbpf_get_error(c->obj);
	if (err) {
		c->obj = NULL;
		return xdpl_fail(XDPL_EXIT_FAIL, err, "%s: cannot reopen its saved copy: %s\n",
				 m->label, strerror(-err));
	}
	bpf_object__for_each_program (p, c->obj) {
		if (!strcmp(bpf_program__name(p), m->name)) {
			c->prog = p;
			break;
		}
	}
	if (!c->prog)
		return xdpl_fail(XDPL_EXIT_FAIL, ENOENT,
				 "%s: program %s is not in its saved copy\n", m->label, m->name);
	c->name = bpf_program__name(c->prog);
	c->prio = m->prio;
	c->actions = m->actions;
	c->order = m->order;
	return reuse_maps(st, l);
}

static int cmp_lcomp(const void *a, const void *b)
{
	const struct lcomp *x = *(struct lcomp *const *)a, *y = *(struct lcomp *const *)b;

	return chain_cmp(x->meta.prio, x->meta.name, x->meta.order, y->meta.prio, y->meta.name,
			 y->meta.order);
}

/* Load the object (maps, tail-call targets) and take the captured program. */
static int capture(struct lcomp *l)
{
	struct linked_err e = {};
	int err;

	err = linked_capture_arm(l->c->prog, &e);
	if (err) {
		report(&e, err);
		return err;
	}
	xdpl_clear_verifier_log();
	err = bpf_object__load(l->c->obj);
	if (err) {
		linked_capture_disarm(l->c->prog);
		if (*xdpl_last_verifier_log())
			return verifier_report(l->meta.label, err);
		return xdpl_fail(err == -EPERM ? XDPL_EXIT_PERM : XDPL_EXIT_FAIL, err,
				 "%s: cannot load its maps: %s\n", l->meta.label, strerror(-err));
	}
	err = linked_capture_take(l->c->prog, &l->lp, &e);
	if (err)
		report(&e, err);
	return err;
}

static int standalone(const struct linked_state *st, struct lcomp *l)
{
	char path[LINKED_PATH_LEN];
	struct linked_err e = {};

	if (!l->is_new) {
		linked_state_comp_path(st, l->meta.uid, "prog", path, sizeof(path));
		l->standalone_fd = bpf_obj_get(path);
		if (l->standalone_fd >= 0)
			return 0;
	}
	l->standalone_fd = linked_prog_load_standalone(l->lp, l->meta.label, &e);
	if (l->standalone_fd < 0) {
		report(&e, l->standalone_fd);
		return l->standalone_fd;
	}
	return 0;
}

static int save_new(const struct linked_state *st, struct lcomp *l)
{
	char path[LINKED_PATH_LEN];
	int fd, err = 0;
	ssize_t w;

	linked_state_comp_path(st, l->meta.uid, NULL, path, sizeof(path));
	if (mkdir(path, 0700) && errno != EEXIST)
		return xdpl_fail(XDPL_EXIT_PERM, errno, "cannot create %s: %s\n", path,
				 strerror(errno));
	linked_state_comp_path(st, l->meta.uid, "prog", path, sizeof(path));
	if (bpf_obj_pin(l->standalone_fd, path))
		return xdpl_fail(XDPL_EXIT_PERM, errno, "%s: cannot pin it at %s: %s\n",
				 l->meta.label, path, strerror(errno));
	err = pin_maps(st, l);
	if (err)
		return err;
	linked_state_obj_path(st, l->meta.uid, path, sizeof(path));
	fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
	if (fd < 0)
		return xdpl_fail(XDPL_EXIT_PERM, errno, "cannot write %s: %s\n", path,
				 strerror(errno));
	w = write(fd, l->c->buf, l->c->len);
	if (w != (ssize_t)l->c->len || fsync(fd))
		err = xdpl_fail(XDPL_EXIT_FAIL, w < 0 ? errno : EIO, "cannot write %s\n", path);
	close(fd);
	return err;
}

/* ---- counters ---- */

/*
 * Zero one slot on every CPU (a removed component may have left counts in it).
 * The update rewrites the whole per-CPU value, so increments of other slots that
 * land between lookup and update are lost: only write when the slot needs it.
 */
static int zero_slot(int map_fd, unsigned int slot)
{
	int ncpu = libbpf_num_possible_cpus(), cpu, err = 0;
	size_t vsz = LINKED_MAX_COMPONENTS * XDPL_DISP_STRIDE, k;
	bool dirty = false;
	__u32 key = 0;
	char *vals;

	if (ncpu < 0)
		return ncpu;
	vals = calloc(ncpu, vsz);
	if (!vals)
		return -ENOMEM;
	if (bpf_map_lookup_elem(map_fd, &key, vals))
		err = -errno;
	for (cpu = 0; !err && cpu < ncpu; cpu++) {
		char *p = vals + cpu * vsz + slot * XDPL_DISP_STRIDE;

		for (k = 0; k < XDPL_DISP_STRIDE && !dirty; k++)
			dirty = p[k] != 0;
		memset(p, 0, XDPL_DISP_STRIDE);
	}
	if (!err && dirty && bpf_map_update_elem(map_fd, &key, vals, BPF_EXIST))
		err = -errno;
	free(vals);
	return err;
}

static int setup_counters(struct build *b)
{
	char path[LINKED_PATH_LEN];
	int i, err;

	b->counters_fd = -1;
	if (!b->counters)
		return 0;
	linked_state_path(b->st, "counters", path, sizeof(path));
	b->counters_fd = bpf_obj_get(path);
	if (b->counters_fd < 0) {
		b->counters_fd = linked_counters_create(LINKED_MAX_COMPONENTS);
		if (b->counters_fd < 0)
			return xdpl_fail(XDPL_EXIT_FAIL, b->counters_fd,
					 "cannot create the counters map: %s\n",
					 strerror(-b->counters_fd));
		b->counters_new = true;
		return 0;
	}
	for (i = 0; i < b->n; i++) {
		if (!b->lc[i]->is_new)
			continue;
		err = zero_slot(b->counters_fd, b->lc[i]->meta.slot);
		if (err)
			return xdpl_fail(XDPL_EXIT_FAIL, err, "cannot reset the counters: %s\n",
					 strerror(-err));
	}
	return 0;
}

/* ---- build and swap ---- */

static int compose_chain(struct build *b)
{
	struct linked_input in[LINKED_MAX_COMPONENTS];
	struct linked_compose_opts o = {
	    .no_counters = !b->counters, .counters_fd = b->counters_fd, .counter_slots = true};
	struct linked_err e = {};
	int i, err;

	for (i = 0; i < b->n; i++) {
		in[i].label = b->lc[i]->meta.label;
		in[i].prog = b->lc[i]->lp;
		in[i].chain_mask = b->lc[i]->meta.actions;
		in[i].counter_slot = b->lc[i]->meta.slot;
	}
	err = linked_compose(in, b->n, &o, &b->comp, &e);
	if (err)
		report(&e, err);
	return err;
}

static void unpin_new(struct build *b)
{
	int i;

	for (i = 0; i < b->n; i++)
		if (b->lc[i]->is_new)
			linked_state_remove_comp(b->st, b->lc[i]->meta.uid);
	linked_state_unstage(b->st);
	if (b->counters_new) {
		char path[LINKED_PATH_LEN];

		linked_state_path(b->st, "counters", path, sizeof(path));
		unlink(path);
	}
}

static int swap_in(struct build *b)
{
	LIBBPF_OPTS(bpf_xdp_attach_opts, ao);
	LIBBPF_OPTS(bpf_xdp_query_opts, q);
	const char *name = b->st->iface.name;
	__u32 flags = b->attach_flags;
	int err;

	if (b->old_fd >= 0) {
		flags |= XDP_FLAGS_REPLACE;
		ao.old_prog_fd = b->old_fd;
	} else {
		flags |= XDP_FLAGS_UPDATE_IF_NOEXIST;
	}
	if (!bpf_xdp_attach(b->st->iface.ifindex, b->comp.prog_fd, flags, &ao)) {
		if (!bpf_xdp_query(b->st->iface.ifindex, 0, &q))
			b->st->mode = mode_of_attached(q.attach_mode);
		return 0;
	}
	err = -errno;
	if (err == -EEXIST || err == -EBUSY)
		return xdpl_fail(XDPL_EXIT_BUSY, err,
				 "%s: its XDP program changed while the chain was built (another "
				 "tool?); nothing was changed, try again\n",
				 name);
	if (err == -EOPNOTSUPP && (flags & XDP_FLAGS_DRV_MODE))
		return xdpl_fail(XDPL_EXIT_FAIL, err,
				 "%s: the driver has no native XDP support; use -m skb\n", name);
	if (err == -ERANGE || err == -EINVAL)
		return xdpl_fail(XDPL_EXIT_FAIL, err,
				 "%s: the kernel refused to attach the chain: %s (MTU too large "
				 "for XDP without frags?)\n",
				 name, strerror(-err));
	return xdpl_fail(XDPL_EXIT_FAIL, err, "%s: cannot attach the chain: %s\n", name,
			 strerror(-err));
}

/* Build the chain b->lc[0..n) (unsorted), swap it in, commit. Removed uids go after. */
static int build_and_swap(struct build *b, const unsigned int *gone, int ngone)
{
	char path[LINKED_PATH_LEN];
	int i, err;

	qsort(b->lc, b->n, sizeof(b->lc[0]), cmp_lcomp);
	for (i = 0; i < b->n; i++) {
		err = capture(b->lc[i]);
		if (err)
			return err;
	}
	/* each new one verified alone first: its verifier errors name it */
	for (i = 0; i < b->n; i++) {
		err = standalone(b->st, b->lc[i]);
		if (err)
			return err;
	}
	err = setup_counters(b);
	if (!err)
		err = compose_chain(b);
	if (err)
		return err;

	for (i = 0; i < b->n && !err; i++)
		if (b->lc[i]->is_new)
			err = save_new(b->st, b->lc[i]);
	if (!err && b->counters_new) {
		linked_state_path(b->st, "counters", path, sizeof(path));
		if (bpf_obj_pin(b->counters_fd, path))
			err = xdpl_fail(XDPL_EXIT_PERM, errno, "cannot pin %s: %s\n", path,
					strerror(errno));
	}
	b->st->counters = b->counters;
	b->st->n = b->n;
	for (i = 0; i < b->n; i++)
		b->st->comps[i] = b->lc[i]->meta;
	if (!err)
		err = linked_state_stage(b->st);
	if (!err) {
		linked_state_path(b->st, "dispatcher_new", path, sizeof(path));
		unlink(path);
		if (bpf_obj_pin(b->comp.prog_fd, path))
			err = xdpl_fail(XDPL_EXIT_PERM, errno, "cannot pin %s: %s\n", path,
					strerror(errno));
	}
	if (!err)
		err = swap_in(b);
	if (err) {
		unpin_new(b);
		return err;
	}
	/* the chain runs: from here on, failures only leave files for clean */
	err = linked_state_stage(b->st); /* with the mode the kernel reports */
	if (!err)
		err = linked_state_commit(b->st);
	if (err)
		pr_warn("%s: the chain runs, but its state was not saved: %s\n", b->st->iface.name,
			strerror(-err));
	for (i = 0; i < ngone; i++)
		linked_state_remove_comp(b->st, gone[i]);
	if (!b->counters) {
		linked_state_path(b->st, "counters", path, sizeof(path));
		unlink(path);
	}
	return 0;
}

static void build_free(struct build *b)
{
	int i;

	for (i = 0; i < b->n; i++)
		lcomp_free(b->lc[i]);
	linked_composite_close(&b->comp);
	if (b->counters_fd >= 0)
		close(b->counters_fd);
	if (b->old_fd >= 0)
		close(b->old_fd);
}

static int open_existing_all(struct build *b)
{
	int i, err;

	for (i = 0; i < b->st->n; i++) {
		struct lcomp *l = lcomp_new();

		if (!l)
			return -ENOMEM;
		b->lc[b->n++] = l;
		err = open_existing(b->st, &b->st->comps[i], l);
		if (err)
			return err;
	}
	return 0;
}

static unsigned int free_slot(const struct build *b)
{
	unsigned int slot;
	int i;

	for (slot = 0; slot < LINKED_MAX_COMPONENTS; slot++) {
		for (i = 0; i < b->n && b->lc[i]->meta.slot != slot; i++)
			;
		if (i == b->n)
			return slot;
	}
	return 0;
}

/* ---- the backend ---- */

static int check_iface(struct build *b, const struct load_opts *opts, bool *ours)
{
	const struct xdpl_iface *iface = &b->st->iface;
	LIBBPF_OPTS(bpf_xdp_query_opts, q);
	struct prog_status ps = {};
	__u32 attached = 0;
	int fd;

	*ours = linked_state_attached(b->st, &attached);
	if (!*ours && b->st->exists) {
		pr_debug("%s: dropping linked state of a chain no longer attached\n", iface->name);
		linked_state_remove_all(b->st);
	}
	b->attach_flags = mode_flags(opts->mode);
	b->old_fd = -1;
	if (!attached)
		return 0;
	if (bpf_xdp_query(iface->ifindex, 0, &q))
		return xdpl_fail(XDPL_EXIT_FAIL, errno, "%s: cannot query XDP: %s\n", iface->name,
				 strerror(errno));
	if (*ours) {
		if (opts->mode != XDP_MODE_UNSPEC && opts->mode != mode_of_attached(q.attach_mode))
			return xdpl_fail(XDPL_EXIT_USAGE, EINVAL,
					 "%s: the chain runs in %s mode; load with -m %s\n",
					 iface->name, mode_name(mode_of_attached(q.attach_mode)),
					 mode_name(mode_of_attached(q.attach_mode)));
		b->attach_flags = mode_flags(mode_of_attached(q.attach_mode));
	} else {
		fd = bpf_prog_get_fd_by_id(attached);
		if (fd >= 0)
			prog_status_from_fd(fd, &ps);
		if (!opts->force) {
			if (fd >= 0)
				close(fd);
			return xdpl_fail(XDPL_EXIT_BUSY, EBUSY,
					 "%s: program %u (%s) is attached and xdpload's linked "
					 "dispatcher did not attach it; unload it first, or use "
					 "--force to replace it\n",
					 iface->name, attached, ps.name);
		}
		if (opts->mode == XDP_MODE_UNSPEC)
			b->attach_flags = mode_flags(mode_of_attached(q.attach_mode));
		pr_info("%s: replacing program %u (%s) (--force)\n", iface->name, attached,
			ps.name);
		owner_clear_legacy(iface);
	}
	b->old_fd = bpf_prog_get_fd_by_id(attached);
	if (b->old_fd < 0)
		return xdpl_fail(XDPL_EXIT_FAIL, errno, "%s: cannot open program %u: %s\n",
				 iface->name, attached, strerror(errno));
	return 0;
}

static int linked_load(const struct xdpl_iface *iface, struct component *comps, int n,
		       const struct load_opts *opts)
{
	struct linked_state *st = calloc(1, sizeof(*st));
	struct build b = {.counters_fd = -1, .old_fd = -1};
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
	err = check_iface(&b, opts, &ours);
	if (err)
		goto out;
	fresh = !st->exists;
	if (st->n + n > LINKED_MAX_COMPONENTS) {
		err = xdpl_fail(XDPL_EXIT_CHAIN, E2BIG,
				"%s: %d programs in the chain plus %d is more than the linked "
				"dispatcher chains (%d)\n",
				iface->name, st->n, n, LINKED_MAX_COMPONENTS);
		goto out;
	}
	err = open_existing_all(&b);
	if (err)
		goto out;
	for (i = 0; i < st->n; i++)
		if (st->comps[i].order >= max_order)
			max_order = st->comps[i].order + 1;
	for (i = 0; i < n; i++) {
		struct lcomp *l = lcomp_new();

		if (!l) {
			err = -ENOMEM;
			goto out;
		}
		l->c = &comps[i];
		l->is_new = true;
		l->meta.uid = st->next_uid++;
		l->meta.slot = free_slot(&b);
		l->meta.prio = comps[i].prio;
		l->meta.actions = comps[i].actions;
		l->meta.order = max_order + comps[i].order;
		snprintf(l->meta.name, sizeof(l->meta.name), "%s", comps[i].name);
		snprintf(l->meta.label, sizeof(l->meta.label), "%s", comps[i].label);
		sanitize(l->meta.label);
		pin_root_of(comps[i].obj, l->meta.pin_dir, sizeof(l->meta.pin_dir));
		b.lc[b.n++] = l;
	}
	b.counters = !opts->no_stats;
	err = build_and_swap(&b, NULL, 0);
	if (!err)
		pr_debug("%s: linked chain of %d programs, %u instructions\n", iface->name, b.n,
			 b.comp.insn_cnt);
out:
	/* the loader closes the components it opened */
	for (i = 0; i < b.n; i++)
		if (b.lc[i]->is_new)
			b.lc[i]->c = NULL;
	build_free(&b);
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
		return xdpl_fail(XDPL_EXIT_FAIL, errno, "%s: cannot open %s: %s\n", st->iface.name,
				 path, strerror(errno));
	bpf_xdp_query(st->iface.ifindex, 0, &q);
	ao.old_prog_fd = fd;
	if (bpf_xdp_attach(st->iface.ifindex, -1, mode_flags(mode_of_attached(q.attach_mode)) | XDP_FLAGS_REPLACE, &ao))
		err = xdpl_fail(XDPL_EXIT_FAIL, errno, "%s: cannot detach the chain: %s\n",
				st->iface.name, strerror(errno));
	close(fd);
	if (!err)
		linked_state_destroy(st);
	return err;
}

static int linked_unload(const struct xdpl_iface *iface, const struct unload_sel *sel)
{
	struct linked_state *st = calloc(1, sizeof(*st));
	struct build b = {.counters_fd = -1, .old_fd = -1};
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
		err = xdpl_fail(XDPL_EXIT_NOTFOUND, ENOENT, "%s: no linked chain attached\n",
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
		err =
		    xdpl_fail(XDPL_EXIT_NOTFOUND, ENOENT,
			      "%s: no program with that %s in the chain (see xdpload status %s)\n",
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
	err = check_iface(&b, &opts, &ours);
	if (err)
		goto out;
	for (i = 0; i < st->n; i++) {
		struct lcomp *l;
		int k;

		for (k = 0; k < ngone && gone[k] != st->comps[i].uid; k++)
			;
		if (k < ngone)
			continue;
		l = lcomp_new();
		if (!l) {
			err = -ENOMEM;
			goto out;
		}
		b.lc[b.n++] = l;
		err = open_existing(st, &st->comps[i], l);
		if (err)
			goto out;
	}
	b.counters = st->counters;
	err = build_and_swap(&b, gone, ngone);
out:
	build_free(&b);
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

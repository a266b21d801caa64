// SPDX-License-Identifier: GPL-2.0-only
/* Build a linked chain and swap it onto the interface (see linked_build.h). */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/stat.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include <linux/if_link.h>
#include <xdpload/dispatcher.h>
#include "chain.h"
#include "backend/linked_build.h"
#include "linked/capture.h"
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
			return xdpl_err(XDPL_ERR_FAIL, err, "%s: cannot reuse its map %s: %s",
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
			return xdpl_err(XDPL_ERR_PERM, errno, "%s: cannot pin its map at %s: %s",
					l->meta.label, path, strerror(errno));
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
		return xdpl_err(XDPL_ERR_FAIL, err,
				"%s: its saved copy %s is gone (%s); 'xdpload unload %s --all' "
				"and load the chain again",
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
		return xdpl_err(XDPL_ERR_FAIL, err, "%s: cannot reopen its saved copy: %s",
				m->label, strerror(-err));
	}
	bpf_object__for_each_program (p, c->obj) {
		if (!strcmp(bpf_program__name(p), m->name)) {
			c->prog = p;
			break;
		}
	}
	if (!c->prog)
		return xdpl_err(XDPL_ERR_FAIL, ENOENT, "%s: program %s is not in its saved copy",
				m->label, m->name);
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
	int err;

	err = linked_capture_arm(l->c->prog);
	if (err)
		return err;
	xdpl_clear_verifier_log();
	err = bpf_object__load(l->c->obj);
	if (err) {
		linked_capture_disarm(l->c->prog);
		if (*xdpl_last_verifier_log())
			return verifier_report(l->meta.label, err);
		return xdpl_err(err == -EPERM ? XDPL_ERR_PERM : XDPL_ERR_FAIL, err,
				"%s: cannot load its maps: %s", l->meta.label, strerror(-err));
	}
	return linked_capture_take(l->c->prog, &l->lp);
}

static int standalone(const struct linked_state *st, struct lcomp *l)
{
	char path[LINKED_PATH_LEN];

	if (!l->is_new) {
		linked_state_comp_path(st, l->meta.uid, "prog", path, sizeof(path));
		l->standalone_fd = bpf_obj_get(path);
		if (l->standalone_fd >= 0)
			return 0;
	}
	l->standalone_fd = linked_prog_load_standalone(l->lp, l->meta.label);
	return l->standalone_fd < 0 ? l->standalone_fd : 0;
}

static int save_new(const struct linked_state *st, struct lcomp *l)
{
	char path[LINKED_PATH_LEN];
	int fd, err = 0;
	ssize_t w;

	linked_state_comp_path(st, l->meta.uid, NULL, path, sizeof(path));
	if (mkdir(path, 0700) && errno != EEXIST)
		return xdpl_err(XDPL_ERR_PERM, errno, "cannot create %s: %s", path,
				strerror(errno));
	linked_state_comp_path(st, l->meta.uid, "prog", path, sizeof(path));
	if (bpf_obj_pin(l->standalone_fd, path))
		return xdpl_err(XDPL_ERR_PERM, errno, "%s: cannot pin it at %s: %s", l->meta.label,
				path, strerror(errno));
	err = pin_maps(st, l);
	if (err)
		return err;
	linked_state_obj_path(st, l->meta.uid, path, sizeof(path));
	fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
	if (fd < 0)
		return xdpl_err(XDPL_ERR_PERM, errno, "cannot write %s: %s", path, strerror(errno));
	w = write(fd, l->c->buf, l->c->len);
	if (w != (ssize_t)l->c->len || fsync(fd))
		err = xdpl_err(XDPL_ERR_FAIL, w < 0 ? errno : EIO, "cannot write %s", path);
	close(fd);
	return err;
}

int linked_build_add_existing(struct linked_build *b, const struct linked_state_comp *m)
{
	struct lcomp *l = lcomp_new();

	if (!l)
		return -ENOMEM;
	b->lc[b->n++] = l;
	return open_existing(b->st, m, l);
}

static unsigned int free_slot(const struct linked_build *b)
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

int linked_build_add_new(struct linked_build *b, struct component *c, unsigned int order)
{
	struct lcomp *l = lcomp_new();

	if (!l)
		return -ENOMEM;
	l->c = c;
	l->is_new = true;
	l->meta.uid = b->st->next_uid++;
	l->meta.slot = free_slot(b);
	l->meta.prio = c->prio;
	l->meta.actions = c->actions;
	l->meta.order = order;
	snprintf(l->meta.name, sizeof(l->meta.name), "%s", c->name);
	snprintf(l->meta.label, sizeof(l->meta.label), "%s", c->label);
	sanitize(l->meta.label);
	pin_root_of(c->obj, l->meta.pin_dir, sizeof(l->meta.pin_dir));
	b->lc[b->n++] = l;
	return 0;
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

static int setup_counters(struct linked_build *b)
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
			return xdpl_err(XDPL_ERR_FAIL, b->counters_fd,
					"cannot create the counters map: %s",
					strerror(-b->counters_fd));
		b->counters_new = true;
		return 0;
	}
	for (i = 0; i < b->n; i++) {
		if (!b->lc[i]->is_new)
			continue;
		err = zero_slot(b->counters_fd, b->lc[i]->meta.slot);
		if (err)
			return xdpl_err(XDPL_ERR_FAIL, err, "cannot reset the counters: %s",
					strerror(-err));
	}
	return 0;
}

/* ---- build and swap ---- */

static int compose_chain(struct linked_build *b)
{
	struct linked_input in[LINKED_MAX_COMPONENTS];
	struct linked_compose_opts o = { .no_counters = !b->counters,
					 .counters_fd = b->counters_fd,
					 .counter_slots = true };
	int i;

	for (i = 0; i < b->n; i++) {
		in[i].label = b->lc[i]->meta.label;
		in[i].prog = b->lc[i]->lp;
		in[i].chain_mask = b->lc[i]->meta.actions;
		in[i].counter_slot = b->lc[i]->meta.slot;
	}
	return linked_compose(in, b->n, &o, &b->comp);
}

static void unpin_new(struct linked_build *b)
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

static int swap_in(struct linked_build *b)
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
		return xdpl_err(XDPL_ERR_BUSY, err,
				"%s: its XDP program changed while the chain was built (another "
				"tool?); nothing was changed, try again",
				name);
	if (err == -EOPNOTSUPP && (flags & XDP_FLAGS_DRV_MODE))
		return xdpl_err(XDPL_ERR_FAIL, err,
				"%s: the driver has no native XDP support; use -m skb", name);
	if (err == -ERANGE || err == -EINVAL)
		return xdpl_err(XDPL_ERR_FAIL, err,
				"%s: the kernel refused to attach the chain: %s (MTU too large "
				"for XDP without frags?)",
				name, strerror(-err));
	return xdpl_err(XDPL_ERR_FAIL, err, "%s: cannot attach the chain: %s", name,
			strerror(-err));
}

int linked_build_and_swap(struct linked_build *b, const unsigned int *gone, int ngone)
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
			err = xdpl_err(XDPL_ERR_PERM, errno, "cannot pin %s: %s", path,
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
			err = xdpl_err(XDPL_ERR_PERM, errno, "cannot pin %s: %s", path,
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

void linked_build_free(struct linked_build *b)
{
	int i;

	for (i = 0; i < b->n; i++) {
		/* the caller closes the components it opened */
		if (b->lc[i]->is_new)
			b->lc[i]->c = NULL;
		lcomp_free(b->lc[i]);
	}
	linked_composite_close(&b->comp);
	if (b->counters_fd >= 0)
		close(b->counters_fd);
	if (b->old_fd >= 0)
		close(b->old_fd);
}

int linked_build_check_iface(struct linked_build *b, const struct load_opts *opts, bool *ours)
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
		return xdpl_err(XDPL_ERR_FAIL, errno, "%s: cannot query XDP: %s", iface->name,
				strerror(errno));
	if (*ours) {
		if (opts->mode != XDP_MODE_UNSPEC && opts->mode != mode_of_attached(q.attach_mode))
			return xdpl_err(XDPL_ERR_USAGE, EINVAL,
					"%s: the chain runs in %s mode; load with -m %s",
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
			return xdpl_err(XDPL_ERR_BUSY, EBUSY,
					"%s: program %u (%s) is attached and xdpload's linked "
					"dispatcher did not attach it; unload it first, or use "
					"--force to replace it",
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
		return xdpl_err(XDPL_ERR_FAIL, errno, "%s: cannot open program %u: %s", iface->name,
				attached, strerror(errno));
	return 0;
}

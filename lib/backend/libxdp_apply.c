// SPDX-License-Identifier: GPL-2.0-only
/* The libxdp backend's part of apply (see libxdp_apply.h). */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include "bpffs.h"
#include "backend/libxdp_apply.h"
#include "builtin.h"
#include "log.h"
#include "objload.h"
#include "verifier_log.h"

int libxdp_apply_open(const struct xdpl_iface *iface, struct libxdp_apply *la)
{
	struct xdp_multiprog *mp;
	struct xdp_program *p;
	int k;

	memset(la, 0, sizeof(*la));
	la->iface = *iface;
	mp = xdp_multiprog__get_from_ifindex(iface->ifindex);
	if (libxdp_get_error(mp))
		mp = NULL;
	if (mp && (xdp_multiprog__is_legacy(mp) || !xdp_multiprog__main_prog(mp))) {
		xdp_multiprog__close(mp);
		mp = NULL;
	}
	la->mp = mp;
	if (!mp)
		return 0;
	la->mode = xdp_multiprog__attach_mode(mp);
	libxdp_rec_read(iface, &la->recs);
	for (p = xdp_multiprog__next_prog(NULL, mp); p && la->n < XDPL_LIBXDP_MAX_PROGS;
	     p = xdp_multiprog__next_prog(p, mp)) {
		k = la->n++;
		la->cur[k] = p;
		la->rec[k] = libxdp_rec_find(&la->recs, xdp_program__id(p));
	}
	return 0;
}

void libxdp_apply_close(struct libxdp_apply *la)
{
	la->nnew = 0;
	xdp_multiprog__close(la->mp);
	la->mp = NULL;
}

bool libxdp_apply_exists(const struct libxdp_apply *la)
{
	return la->mp;
}

int libxdp_apply_foreign(const struct libxdp_apply *la, int *first)
{
	int k, n = 0;

	for (k = 0; k < la->n; k++)
		if (!la->rec[k] && !n++)
			*first = k;
	return n;
}

static unsigned int actions_of(const struct xdp_program *p)
{
	unsigned int mask = 0;
	int a;

	for (a = 0; a <= XDPL_ACTION_MAX; a++)
		if (xdp_program__chain_call_enabled(p, a))
			mask |= 1U << a;
	return mask;
}

bool libxdp_apply_same(const struct libxdp_apply *la, int k, const struct component *c,
		       const char *pin_dir)
{
	const struct libxdp_rec *r = la->rec[k];

	if (!r || strcmp(r->name, c->entry.name) ||
	    (unsigned int)xdp_program__run_prio(la->cur[k]) != c->entry.prio ||
	    actions_of(la->cur[k]) != c->entry.actions ||
	    !bpffs_same_dir(r->pin_dir, pin_dir ?: ""))
		return false;
	/* a bundled program is its name; a file is its bytes, wherever it lies now */
	if (c->builtin)
		return !source_is_file(r->label) && !strcmp(r->label, c->label);
	return source_is_file(r->label) && r->len == c->len &&
	       r->hash == libxdp_rec_hash(c->buf, c->len);
}

void libxdp_apply_entry(const struct libxdp_apply *la, int k, struct chain_entry *e)
{
	const struct libxdp_rec *r = la->rec[k];

	memset(e, 0, sizeof(*e));
	snprintf(e->name, sizeof(e->name), "%s", r ? r->name : xdp_program__name(la->cur[k]));
	snprintf(e->label, sizeof(e->label), "%.*s", (int)sizeof(e->label) - 1,
		 r ? r->label : e->name);
	e->prio = xdp_program__run_prio(la->cur[k]);
	e->actions = actions_of(la->cur[k]);
}

static int dup_fd(int fd)
{
	int d;

	if (fd < 0)
		return -ENOENT;
	d = fcntl(fd, F_DUPFD_CLOEXEC, 0);
	return d < 0 ? -errno : d;
}

int libxdp_apply_comp_fd(const struct libxdp_apply *la, int k)
{
	return dup_fd(xdp_program__fd(la->cur[k]));
}

__u32 libxdp_apply_comp_id(const struct libxdp_apply *la, int k)
{
	return xdp_program__id(la->cur[k]);
}

/*
 * Verify c: loaded as an freplace program against target, its maps made, never
 * attached. libxdp's API sets a program's priority and actions only before it
 * is loaded and loads it itself when it builds the dispatcher, so the program
 * that runs is real, a second opening of the same object whose maps are c's
 * (reused by fd): what is written into c's maps (a filter's rules) is there
 * before the first packet. libxdp's load of real repeats the verification.
 */
static int load_one(const struct libxdp_apply *la, const struct component *c,
		    const struct component *real, int target)
{
	struct bpf_map *m, *cm;
	int err;

	bpf_program__set_type(c->prog, BPF_PROG_TYPE_EXT);
	bpf_program__set_expected_attach_type(c->prog, 0);
	err = bpf_program__set_attach_target(c->prog, target, "probe");
	if (err)
		return xdpl_err(XDPL_ERR_FAIL, err, "%s: %s: cannot make it a libxdp program: %s",
				la->iface.name, c->label, strerror(-err));
	err = objload_check_maps(c->label, c->obj) ?: objload_prepare_pins(c->label, c->obj);
	if (err)
		return err;
	xdpl_clear_verifier_log();
	err = bpf_object__load(c->obj);
	if (err)
		return objload_error(c->label, err);
	bpf_object__for_each_map (m, real->obj) {
		cm = bpf_object__find_map_by_name(c->obj, bpf_map__name(m));
		err = cm ? bpf_map__reuse_fd(m, bpf_map__fd(cm)) : 0;
		if (err)
			return xdpl_err(XDPL_ERR_FAIL, err, "%s: %s: cannot share map %s: %s",
					la->iface.name, c->label, bpf_map__name(m), strerror(-err));
	}
	return objload_check_maps(real->label, real->obj)
		       ?: objload_prepare_pins(real->label, real->obj);
}

int libxdp_apply_prepare(struct libxdp_apply *la, const bool *keep, struct component *const *comps,
			 struct component *const *reals, const char *const *pin_dirs, int n,
			 enum xdp_attach_mode mode)
{
	int i, k, target = -1, err = 0;

	la->ngone = 0;
	for (k = 0; k < la->n; k++) {
		la->keep[k] = keep[k];
		if (!keep[k])
			la->gone[la->ngone++] = la->cur[k];
	}
	if (!n && !la->ngone)
		return 0;
	la->attach_mode = la->mp ? la->mode : mode;
	if (n) {
		target = freplace_scratch_target();
		if (target < 0)
			return xdpl_err(XDPL_ERR_CHAIN, -target,
					"%s: cannot load freplace programs here: %s (libxdp's "
					"dispatcher needs BPF_PROG_TYPE_EXT); use backend: linked",
					la->iface.name, strerror(-target));
	}
	for (i = 0; i < n && !err; i++) {
		err = load_one(la, comps[i], reals[i], target);
		if (err)
			break;
		libxdp_rec_fill(&la->new_rec[la->nnew], comps[i], 0, pin_dirs[i]);
		la->news[la->nnew] = reals[i]->xprog;
		la->new_comp[la->nnew++] = comps[i];
	}
	if (target >= 0)
		close(target);
	la->build = !err;
	return err;
}

int libxdp_apply_new_fd(const struct libxdp_apply *la, const struct component *c)
{
	int i;

	for (i = 0; i < la->nnew; i++)
		if (la->new_comp[i] == c)
			return dup_fd(bpf_program__fd(c->prog));
	return -ENOENT;
}

static int add(struct libxdp_apply *la, struct xdp_program *const *progs, int n, const char *what)
{
	struct xdp_program *v[XDPL_CHAIN_MAX];
	int err;

	/* a copy: libxdp sorts the array it is given into run order */
	memcpy(v, progs, n * sizeof(*v));
	xdpl_clear_verifier_log();
	err = xdp_program__attach_multi(v, n, la->iface.ifindex, la->attach_mode, 0);
	if (err)
		return xdpl_err(XDPL_ERR_FAIL, err, "%s: libxdp could not attach %s: %s",
				la->iface.name, what, strerror(-err));
	return 0;
}

static int drop(struct libxdp_apply *la, struct xdp_program *const *progs, int n, const char *what)
{
	struct xdp_program *v[XDPL_CHAIN_MAX];
	int err;

	memcpy(v, progs, n * sizeof(*v));
	err = xdp_program__detach_multi(v, n, la->iface.ifindex, la->attach_mode, 0);

	if (err)
		return xdpl_err(XDPL_ERR_FAIL, err, "%s: libxdp could not detach %s: %s",
				la->iface.name, what, strerror(-err));
	return 0;
}

/* Attached now: the programs that stay, the new ones if added, the old ones if not removed. */
static int attached_now(const struct libxdp_apply *la)
{
	return la->n - (la->removed ? la->ngone : 0) + (la->added ? la->nnew : 0);
}

int libxdp_apply_swap(struct libxdp_apply *la)
{
	bool add_first = attached_now(la) + la->nnew <= XDPL_LIBXDP_MAX_PROGS;
	int err = 0;

	if (!la->build)
		return 0;
	if (add_first && la->nnew) {
		err = add(la, la->news, la->nnew, "the new programs");
		la->added = !err;
	}
	if (!err && la->ngone) {
		err = drop(la, la->gone, la->ngone, "the programs that go");
		la->removed = !err;
	}
	if (!err && !add_first && la->nnew) {
		err = add(la, la->news, la->nnew, "the new programs");
		la->added = !err;
	}
	la->swapped = la->added || la->removed;
	if (err && la->swapped && libxdp_apply_swap_back(la))
		pr_warn("%s: its chain is half changed; 'xdpload apply' again\n", la->iface.name);
	return err;
}

int libxdp_apply_swap_back(struct libxdp_apply *la)
{
	bool readd_first;
	int err = 0;

	if (!la->swapped)
		return 0;
	readd_first = attached_now(la) + (la->removed ? la->ngone : 0) <= XDPL_LIBXDP_MAX_PROGS;
	if (readd_first && la->removed) {
		err = add(la, la->gone, la->ngone, "the programs that went again");
		la->removed = !!err;
	}
	if (!err && la->added) {
		err = drop(la, la->news, la->nnew, "the new programs");
		la->added = !!err;
	}
	if (!err && la->removed) {
		err = add(la, la->gone, la->ngone, "the programs that went again");
		la->removed = !!err;
	}
	la->swapped = la->added || la->removed;
	return err;
}

void libxdp_apply_abort(struct libxdp_apply *la)
{
	if (la->swapped)
		return;
	la->nnew = 0;
	la->build = false;
}

void libxdp_apply_commit(struct libxdp_apply *la)
{
	struct libxdp_recs *recs;
	int i, k, err;

	if (!la->swapped)
		return;
	recs = calloc(1, sizeof(*recs));
	if (!recs)
		return;
	for (k = 0; k < la->n; k++)
		if (la->keep[k] && la->rec[k])
			recs->v[recs->n++] = *la->rec[k];
	for (i = 0; i < la->nnew && recs->n < LIBXDP_REC_MAX; i++) {
		la->new_rec[i].id = xdp_program__id(la->news[i]);
		recs->v[recs->n++] = la->new_rec[i];
	}
	err = libxdp_rec_write(&la->iface, recs);
	if (err)
		pr_warn("%s: cannot record its programs as xdpload's: %s\n", la->iface.name,
			strerror(-err));
	free(recs);
}

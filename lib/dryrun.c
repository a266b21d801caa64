// SPDX-License-Identifier: GPL-2.0-only
/* Dry runs of a chain over packets with BPF_PROG_TEST_RUN (see dryrun.h). */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include <xdpload/dispatcher.h>
#include "backend/backend.h"
#include "backend/linked_reopen.h"
#include "dryrun.h"
#include "iface_lock.h"
#include "linked/capture.h"
#include "linked/compose.h"
#include "log.h"
#include "ops.h"
#include "percpu.h"
#include "status.h"
#include "verifier_log.h"

/* Room for what a program makes of a packet: 64 KiB plus the headroom it may push. */
#define DRYRUN_OUT_MAX (65536 + 512)
#define ETH_HLEN 14

struct dryrun {
	struct dryrun_info info;
	struct pktrec_prog progs[XDPL_CHAIN_MAX];
	int n;
	/* the components stay open: their objects own the maps the composite uses */
	struct component comps[XDPL_CHAIN_MAX];
	int ncomps;
	struct linked_composite comp; /* composed here, or prog_fd is the attached one */
	int prog_fd;
	__u32 counters_size;
	__u64 *prev; /* the counters after the last run, summed over CPUs */
	__u64 *cur;
	__u8 out[DRYRUN_OUT_MAX];
};

static struct dryrun *dryrun_new(void)
{
	struct dryrun *d = calloc(1, sizeof(*d));

	if (!d)
		return NULL;
	d->comp.prog_fd = d->comp.counters_fd = -1;
	d->prog_fd = -1;
	return d;
}

void dryrun_free(struct dryrun *d)
{
	int i;

	if (!d)
		return;
	if (d->prog_fd >= 0 && d->prog_fd != d->comp.prog_fd)
		close(d->prog_fd);
	linked_composite_close(&d->comp);
	for (i = 0; i < d->ncomps; i++)
		component_close(&d->comps[i]);
	free(d->prev);
	free(d->cur);
	free(d);
}

void dryrun_info(const struct dryrun *d, struct dryrun_info *info)
{
	*info = d->info;
	info->nprogs = d->n;
	info->progs = d->progs;
}

static void prog_from_entry(struct pktrec_prog *p, const struct chain_entry *e, __u32 id)
{
	snprintf(p->name, sizeof(p->name), "%s", e->name);
	snprintf(p->label, sizeof(p->label), "%s", e->label);
	p->prio = e->prio;
	p->actions = e->actions;
	p->id = id;
}

/* ---- composing ---- */

/*
 * A dry run changes nothing: maps the object pins by name get private copies,
 * not the pins libbpf would create (or reuse) under the bpffs.
 */
static void unpin_maps(struct component *c)
{
	struct bpf_map *m;

	bpf_object__for_each_map (m, c->obj)
		if (bpf_map__pin_path(m))
			bpf_map__set_pin_path(m, NULL);
}

/* Load the object (its maps, tail-call targets) and take the captured program. */
static int capture(struct component *c, struct linked_prog **lp)
{
	int err;

	err = linked_capture_arm(c->prog);
	if (err)
		return err;
	xdpl_clear_verifier_log();
	err = bpf_object__load(c->obj);
	if (err) {
		linked_capture_disarm(c->prog);
		if (*xdpl_last_verifier_log())
			return verifier_report(c->entry.label, err);
		return xdpl_err(err == -EPERM ? XDPL_ERR_PERM : XDPL_ERR_FAIL, err,
				"%s: cannot load its maps: %s", c->entry.label, strerror(-err));
	}
	return linked_capture_take(c->prog, lp);
}

static int read_counters(struct dryrun *d, __u64 *sum)
{
	__u32 key = 0;
	int ncpu, cpu;
	size_t k, nv = d->counters_size / sizeof(__u64);
	char *vals;

	vals = percpu_lookup(d->comp.counters_fd, &key, d->counters_size, &ncpu);
	if (!vals)
		return xdpl_err(XDPL_ERR_FAIL, errno, "cannot read the dry run's counters: %s",
				strerror(errno));
	memset(sum, 0, d->counters_size);
	for (cpu = 0; cpu < ncpu; cpu++) {
		const __u64 *v = (const __u64 *)(vals + cpu * PERCPU_STRIDE(d->counters_size));

		for (k = 0; k < nv; k++)
			sum[k] += v[k];
	}
	free(vals);
	return 0;
}

/* Compose d->comps (run order) with counters of the dry run's own. */
static int compose(struct dryrun *d)
{
	struct linked_prog *lp[XDPL_CHAIN_MAX] = {};
	struct linked_input in[XDPL_CHAIN_MAX];
	int i, err = 0;

	for (i = 0; i < d->ncomps && !err; i++) {
		err = capture(&d->comps[i], &lp[i]);
		in[i] = (struct linked_input){ .label = d->comps[i].entry.label,
					       .prog = lp[i],
					       .chain_mask = d->comps[i].entry.actions };
	}
	if (!err)
		err = linked_compose(in, d->ncomps, NULL, &d->comp);
	for (i = 0; i < d->ncomps; i++)
		if (lp[i])
			linked_prog_free(lp[i]);
	if (err)
		return err;
	d->prog_fd = d->comp.prog_fd;
	d->counters_size = d->ncomps * XDPL_DISP_STRIDE;
	d->prev = calloc(1, d->counters_size);
	d->cur = calloc(1, d->counters_size);
	if (!d->prev || !d->cur)
		return -ENOMEM;
	d->info.traced = true;
	return read_counters(d, d->prev);
}

static int cmp_comp(const void *a, const void *b)
{
	return chain_cmp(&((const struct component *)a)->entry,
			 &((const struct component *)b)->entry);
}

static int prepare(void)
{
	int err = linked_capture_init();

	if (err)
		return xdpl_err(XDPL_ERR_FAIL, err, "cannot set up program capture: %s",
				strerror(-err));
	return 0;
}

int dryrun_from_programs(const struct component_req *reqs, int n, const struct builtin_cfg *cfgs,
			 struct dryrun **out)
{
	struct dryrun *d;
	int i, err;

	if (n > XDPL_CHAIN_MAX)
		return xdpl_err(XDPL_ERR_CHAIN, E2BIG, "%d programs: a chain holds at most %d", n,
				XDPL_CHAIN_MAX);
	err = prepare();
	if (err)
		return err;
	d = dryrun_new();
	if (!d)
		return -ENOMEM;
	d->info.source = "programs";
	for (i = 0; i < n && !err; i++) {
		err = component_open(&d->comps[i], &reqs[i], i);
		if (!err || d->comps[i].label)
			d->ncomps++;
		if (!err)
			err = configure_builtin(&d->comps[i], &reqs[i], cfgs);
		if (!err)
			unpin_maps(&d->comps[i]);
	}
	if (!err) {
		/* run order, the rule every backend follows */
		qsort(d->comps, d->ncomps, sizeof(d->comps[0]), cmp_comp);
		for (i = 0; i < d->ncomps; i++)
			prog_from_entry(&d->progs[i], &d->comps[i].entry, 0);
		d->n = d->ncomps;
		err = compose(d);
	}
	if (err) {
		dryrun_free(d);
		return err;
	}
	*out = d;
	return 0;
}

/* ---- the chain on an interface ---- */

static int from_linked(const struct xdpl_iface *iface, struct dryrun *d)
{
	__u32 ids[XDPL_CHAIN_MAX];
	int i, n, err;

	err = prepare();
	if (err)
		return err;
	n = linked_reopen(iface, d->comps, ids);
	if (n < 0)
		return n;
	d->ncomps = d->n = n;
	for (i = 0; i < n; i++)
		prog_from_entry(&d->progs[i], &d->comps[i].entry, ids[i]);
	d->info.source = "linked";
	d->info.note = "the test packets also count in the chain's maps (counters, filter "
		       "hits, ratelimit buckets), as live packets do";
	return compose(d);
}

/* libxdp and legacy: run the program attached, the dispatcher or the one program. */
static int from_attached(const struct xdpl_iface *iface, const char *backend, struct dryrun *d)
{
	LIBBPF_OPTS(bpf_xdp_query_opts, q);
	struct iface_status *st = calloc(1, sizeof(*st));
	int i, err;

	if (!st)
		return -ENOMEM;
	err = status_collect(iface, st);
	if (err) {
		err = xdpl_err(XDPL_ERR_FAIL, err, "%s: cannot read its XDP state: %s", iface->name,
			       strerror(-err));
		goto out;
	}
	for (i = 0; i < st->nprogs; i++) {
		struct chain_entry e = {};

		chain_entry_set(&e, st->progs[i].name, st->progs[i].name, st->progs[i].prio,
				st->progs[i].actions, i);
		prog_from_entry(&d->progs[i], &e, st->progs[i].id);
	}
	d->n = st->nprogs;
	if (bpf_xdp_query(iface->ifindex, 0, &q) || !q.prog_id) {
		err = xdpl_err(XDPL_ERR_NOTFOUND, ENOENT, "%s: no XDP program attached",
			       iface->name);
		goto out;
	}
	d->prog_fd = bpf_prog_get_fd_by_id(q.prog_id);
	if (d->prog_fd < 0) {
		err = xdpl_err(XDPL_ERR_FAIL, errno, "%s: cannot open program %u: %s", iface->name,
			       q.prog_id, strerror(errno));
		goto out;
	}
	d->info.source = backend;
	/* one program alone: it decides every packet */
	d->info.traced = !strcmp(backend, "legacy");
	if (!d->info.traced)
		d->info.note = "libxdp's dispatcher keeps no per-program counts and the kernel "
			       "keeps its programs only as freplace extensions, so only the "
			       "chain's verdict is known; give the programs as files, or load "
			       "the chain with --dispatcher linked, to see which program decided";
	else
		d->info.note = "the test packets also count in the program's maps";
out:
	free(st);
	return err;
}

int dryrun_from_iface(const struct xdpl_iface *iface, struct dryrun **out)
{
	const struct backend_ops *be;
	struct iface_lock lk;
	struct dryrun *d;
	int err;

	d = dryrun_new();
	if (!d)
		return -ENOMEM;
	/* the lock keeps a change from swapping the chain while we read its state */
	err = iface_lock_take(iface, false, &lk);
	if (err && err != -ENOENT)
		goto out;
	err = lk.fd >= 0 ? backend_recover(iface) : 0;
	be = err ? NULL : backend_owner(iface);
	if (!err && !be)
		err = xdpl_err(XDPL_ERR_NOTFOUND, ENOENT, "%s: no XDP program attached",
			       iface->name);
	else if (be == &backend_linked)
		err = from_linked(iface, d);
	else if (be)
		err = from_attached(iface, be->name, d);
	iface_lock_release(&lk);
out:
	if (err) {
		dryrun_free(d);
		return err;
	}
	*out = d;
	return 0;
}

/* ---- running ---- */

/* Which components ran and what each returned: the counters that moved. */
static int steps_of(struct dryrun *d, struct pktrec *rec)
{
	int i, s, err;

	err = read_counters(d, d->cur);
	if (err)
		return err;
	rec->nsteps = 0;
	rec->decider = PKTREC_UNKNOWN;
	for (i = 0; i < d->ncomps; i++) {
		const __u64 *c = d->cur + i * XDPL_DISP_WORDS, *p = d->prev + i * XDPL_DISP_WORDS;

		for (s = 0; s <= XDPL_DISP_SLOT_OTHER; s++)
			if (c[s] != p[s])
				break;
		if (s > XDPL_DISP_SLOT_OTHER)
			continue;
		rec->steps[rec->nsteps].prog = i;
		rec->steps[rec->nsteps].action = s;
		rec->nsteps++;
	}
	memcpy(d->prev, d->cur, d->counters_size);
	if (rec->nsteps) {
		const struct pktrec_step *last = &rec->steps[rec->nsteps - 1];
		bool chained = last->action < PKTREC_ACTION_OTHER &&
			       (d->progs[last->prog].actions & (1U << last->action));

		rec->decider = chained ? PKTREC_END_OF_CHAIN : (int)last->prog;
	}
	return 0;
}

int dryrun_run(struct dryrun *d, const void *data, __u32 len, struct pktrec *rec, const __u8 **out)
{
	LIBBPF_OPTS(bpf_test_run_opts, o, .data_in = data, .data_size_in = len, .data_out = d->out,
		    .data_size_out = sizeof(d->out), .repeat = 1);
	int err;

	rec->traced = d->info.traced;
	rec->nsteps = 0;
	rec->decider = PKTREC_UNKNOWN;
	rec->error = 0;
	rec->modified = false;
	rec->out_len = 0;
	*out = NULL;
	if (len < ETH_HLEN) {
		rec->error = EINVAL; /* the kernel runs no XDP program on a runt */
		return 0;
	}
	if (bpf_prog_test_run_opts(d->prog_fd, &o)) {
		err = errno;
		if (err == EINVAL || err == E2BIG || err == ENOSPC) {
			rec->error = err;
			return 0;
		}
		return xdpl_err(err == EPERM ? XDPL_ERR_PERM : XDPL_ERR_FAIL, err,
				"the test run failed: %s", strerror(err));
	}
	rec->verdict = o.retval;
	rec->out_len = o.data_size_out;
	rec->modified = o.data_size_out != len || memcmp(d->out, data, len);
	*out = d->out;
	if (d->comp.counters_fd >= 0)
		return steps_of(d, rec);
	if (rec->traced && d->n == 1) {
		rec->nsteps = 1;
		rec->steps[0].prog = 0;
		rec->steps[0].action =
			rec->verdict <= XDP_REDIRECT ? rec->verdict : PKTREC_ACTION_OTHER;
		rec->decider = 0;
	}
	return 0;
}

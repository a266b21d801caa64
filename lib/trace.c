// SPDX-License-Identifier: GPL-2.0-only
/* xdpload trace's reader (see trace.h). */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include "backend/backend.h"
#include "backend/linked_state.h"
#include "backend/linked_trace.h"
#include "backend/linked_tracer.h"
#include "error.h"
#include "iface_lock.h"
#include "percpu.h"
#include "pktsum.h"
#include "progs/watch.h"
#include "trace.h"

struct trace_session {
	struct xdpl_iface iface;
	struct xdpl_trace_req req;
	char decided[XDPL_NAME_LEN], ran[XDPL_NAME_LEN];
	int slot, lock_fd, cfg_fd, stats_fd, ring_fd;
	struct ring_buffer *rb;
	struct xdpl_trace_reader cfg;
	struct xdpl_trace_stats base; /* the slot's counters when we took it */
	__u32 disp_id;		      /* the program attached when the chain was read */
	/* the chain when it was last read: programs in run order, by counter slot */
	struct pktrec_prog progs[XDPL_CHAIN_MAX + 1]; /* [nprogs]: "?", a program gone */
	int nprogs;
	int by_slot[XDPL_TRACE_STEPS];
	__u64 index, start_ns;
	trace_event_fn fn;
	void *ctx;
};

static __u64 mono_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000000000ULL + ts.tv_nsec;
}

static __u32 attached_id(const struct xdpl_iface *iface)
{
	LIBBPF_OPTS(bpf_xdp_query_opts, q);

	return bpf_xdp_query(iface->ifindex, 0, &q) ? 0 : q.prog_id;
}

static int slot_mask(const struct linked_manifest *m, const char *name, __u64 *mask)
{
	int i;

	*mask = 0;
	if (!name || !*name)
		return 0;
	for (i = 0; i < m->n; i++)
		if (!strcmp(m->comps[i].entry.name, name) && m->comps[i].slot < 64)
			*mask |= 1ULL << m->comps[i].slot;
	return *mask ? 0 : -ENOENT;
}

/* The chain's programs and the filters that name them, from the committed manifest. */
static int read_chain(struct trace_session *s, const struct linked_state *st)
{
	struct chain chain = { .n = 0 };
	int i, k, err;

	for (i = 0; i < st->m.n; i++)
		chain.v[chain.n++] = (struct chain_entry *)&st->m.comps[i].entry;
	chain_sort(&chain);
	for (k = 0; k < XDPL_TRACE_STEPS; k++)
		s->by_slot[k] = -1;
	for (k = 0; k < chain.n; k++) {
		const struct linked_comp *c = NULL;

		for (i = 0; i < st->m.n; i++)
			if (chain.v[k] == &st->m.comps[i].entry)
				c = &st->m.comps[i];
		if (!c)
			return -EINVAL;
		memset(&s->progs[k], 0, sizeof(s->progs[k]));
		snprintf(s->progs[k].name, sizeof(s->progs[k].name), "%s", c->entry.name);
		snprintf(s->progs[k].label, sizeof(s->progs[k].label), "%s", c->entry.label);
		s->progs[k].prio = c->entry.prio;
		s->progs[k].actions = c->entry.actions;
		if (c->slot < XDPL_TRACE_STEPS)
			s->by_slot[c->slot] = k;
	}
	s->nprogs = chain.n;
	memset(&s->progs[chain.n], 0, sizeof(s->progs[0]));
	snprintf(s->progs[chain.n].name, sizeof(s->progs[0].name), "?");
	err = slot_mask(&st->m, s->req.decided, &s->cfg.decided);
	if (err)
		return xdpl_err(XDPL_ERR_NOPROG, ENOENT, "%s: no program named '%s' in the chain",
				s->iface.name, s->req.decided);
	err = slot_mask(&st->m, s->req.ran, &s->cfg.ran);
	if (err)
		return xdpl_err(XDPL_ERR_NOPROG, ENOENT, "%s: no program named '%s' in the chain",
				s->iface.name, s->req.ran);
	s->disp_id = linked_state_dispatcher_id(st);
	return 0;
}

static int write_cfg(struct trace_session *s)
{
	__u32 key = s->slot;

	return bpf_map_update_elem(s->cfg_fd, &key, &s->cfg, BPF_ANY) ? -errno : 0;
}

static int sum_stats(int fd, int slot, struct xdpl_trace_stats *out)
{
	struct xdpl_trace_stats *v;
	__u32 key = slot;
	int ncpu, i;

	memset(out, 0, sizeof(*out));
	v = percpu_lookup(fd, &key, sizeof(*v), &ncpu);
	if (!v)
		return -errno;
	for (i = 0; i < ncpu; i++) {
		out->seen += v[i].seen;
		out->filtered += v[i].filtered;
		out->sampled += v[i].sampled;
		out->reported += v[i].reported;
		out->rate_limited += v[i].rate_limited;
		out->ring_full += v[i].ring_full;
	}
	free(v);
	return 0;
}

static int follow(struct trace_session *s);

static int on_sample(void *ctx, void *data, size_t size)
{
	struct trace_session *s = ctx;
	const struct xdpl_trace_event *ev = data;
	struct pktrec *r;
	unsigned int k, n;
	int ret, p;

	if (size < sizeof(*ev) || ev->ts_ns < s->start_ns)
		return 0; /* another layout, or from before this reader */
	r = calloc(1, sizeof(*r));
	if (!r)
		return -ENOMEM;
	r->index = ++s->index;
	r->time_ns = watch_event_realtime_ns(ev->ts_ns);
	r->interface = s->iface.name;
	r->rx_queue = ev->rx_queue;
	r->len = r->wire_len = r->out_len = ev->len;
	pkt_summarize(ev->data, ev->caplen < sizeof(ev->data) ? ev->caplen : sizeof(ev->data),
		      &r->hdr);
	r->traced = true;
	n = ev->nsteps < XDPL_TRACE_STEPS ? ev->nsteps : XDPL_TRACE_STEPS;
	/* a program the chain got after we read it: read it again (once per event) */
	for (k = 0; k < n; k++)
		if (s->by_slot[ev->slot[k] & (XDPL_TRACE_STEPS - 1)] < 0) {
			follow(s);
			break;
		}
	for (k = 0; k < n; k++) {
		p = s->by_slot[ev->slot[k] & (XDPL_TRACE_STEPS - 1)];
		r->steps[k].prog = p >= 0 ? (unsigned int)p : (unsigned int)s->nprogs;
		r->steps[k].action =
			ev->act[k] > PKTREC_ACTION_OTHER ? PKTREC_ACTION_OTHER : ev->act[k];
	}
	r->nsteps = n;
	r->decider = ev->end || !n ? PKTREC_END_OF_CHAIN : (int)r->steps[n - 1].prog;
	r->verdict = ev->verdict;
	ret = s->fn(r, s->progs, s->ctx);
	free(r);
	return ret;
}

/* Under the interface lock: the state, recovered (a dead reader's traced chain goes back). */
static int open_state(const struct xdpl_iface *iface, struct iface_lock *lk,
		      struct linked_state *st)
{
	const struct backend_ops *be;
	int err;

	err = iface_lock_take(iface, false, lk);
	if (err == -ENOENT)
		goto not_linked;
	if (err)
		return err;
	err = backend_recover(iface);
	if (err)
		goto fail;
	be = backend_owner(iface);
	if (be != &backend_linked) {
		iface_lock_release(lk);
		if (be)
			goto not_linked;
		return xdpl_err(XDPL_ERR_NOTFOUND, ENOENT, "%s: no XDP program attached",
				iface->name);
	}
	err = linked_state_open(iface, false, st);
	if (!err && (st->damaged || !st->exists)) {
		err = st->damaged ? linked_state_damaged(st) : -ENOENT;
		linked_state_close(st);
	}
	if (!err)
		return 0;
fail:
	iface_lock_release(lk);
	return err;
not_linked:
	if (attached_id(iface) == 0)
		return xdpl_err(XDPL_ERR_NOTFOUND, ENOENT, "%s: no XDP program attached",
				iface->name);
	return xdpl_err(XDPL_ERR_CHAIN, EOPNOTSUPP,
			"%s: its chain is not xdpload's linked dispatcher: the kernel reports no "
			"per-program verdicts for libxdp's freplace programs (nor for one program "
			"alone), so nothing can say which program decided; load the chain with "
			"--dispatcher linked to trace it",
			iface->name);
}

static int open_maps(struct trace_session *s, const struct linked_state *st)
{
	char ring[32];

	snprintf(ring, sizeof(ring), "%s%d", XDPL_TRACE_MAP_RING, s->slot);
	s->cfg_fd = linked_tracer_map(st, XDPL_TRACE_MAP_CFG);
	s->stats_fd = linked_tracer_map(st, XDPL_TRACE_MAP_STATS);
	s->ring_fd = linked_tracer_map(st, ring);
	if (s->cfg_fd < 0 || s->stats_fd < 0 || s->ring_fd < 0)
		return xdpl_err(XDPL_ERR_FAIL, ENOENT, "%s: the tracer's maps are missing in %s/%s",
				s->iface.name, st->pins.path, LINKED_TRACE_DIR);
	return 0;
}

static void session_free(struct trace_session *s)
{
	ring_buffer__free(s->rb);
	if (s->cfg_fd >= 0)
		close(s->cfg_fd);
	if (s->stats_fd >= 0)
		close(s->stats_fd);
	if (s->ring_fd >= 0)
		close(s->ring_fd);
	if (s->lock_fd >= 0)
		close(s->lock_fd);
	free(s);
}

int trace_start(const struct xdpl_iface *iface, const struct xdpl_trace_req *req, trace_event_fn fn,
		void *ctx, struct trace_session **out)
{
	struct linked_state *st = calloc(1, sizeof(*st));
	struct trace_session *s = calloc(1, sizeof(*s));
	struct iface_lock lk;
	int err;

	if (!s || !st) {
		free(s);
		free(st);
		return -ENOMEM;
	}
	s->cfg_fd = s->stats_fd = s->ring_fd = s->lock_fd = -1;
	s->iface = *iface;
	s->req = *req;
	s->fn = fn;
	s->ctx = ctx;
	if (req->rate > TRACE_MAX_RATE) {
		free(st);
		session_free(s);
		return xdpl_err(XDPL_ERR_USAGE, EINVAL, "--rate is at most %llu", TRACE_MAX_RATE);
	}
	err = open_state(iface, &lk, st);
	if (err) {
		free(st);
		session_free(s);
		return err;
	}
	err = linked_trace_claim(st, &s->slot, &s->lock_fd) ?: read_chain(s, st);
	if (!err)
		err = linked_trace_set(st, true);
	if (!err)
		err = open_maps(s, st) ?: read_chain(s, st);
	if (!err) {
		s->cfg.rate = req->rate ?: XDPL_TRACE_DEFAULT_RATE;
		s->cfg.sample = req->sample;
		s->cfg.protos = req->protos;
		s->cfg.verdicts = req->verdicts;
		s->cfg.pid = getpid();
		s->cfg.port = req->port;
		s->cfg.port_dir = req->port_dir;
		s->cfg.family = req->family;
		s->cfg.prefix = req->prefix;
		for (int b = 0; b < 16; b++) {
			int bits = req->prefix - 8 * b;

			s->cfg.mask[b] = bits >= 8  ? 0xff
					 : bits > 0 ? (__u8)(0xff << (8 - bits))
						    : 0;
		}
		s->cfg.addr_dir = req->addr_dir;
		memcpy(s->cfg.addr, req->addr, sizeof(s->cfg.addr));
		s->start_ns = mono_ns();
		s->cfg.until_ns = s->start_ns + XDPL_TRACE_LEASE_NS;
		err = sum_stats(s->stats_fd, s->slot, &s->base) ?: write_cfg(s);
		if (err)
			err = xdpl_err(XDPL_ERR_FAIL, err, "%s: cannot set up the tracer: %s",
				       iface->name, strerror(-err));
	}
	if (!err) {
		s->rb = ring_buffer__new(s->ring_fd, on_sample, s, NULL);
		if (!s->rb)
			err = xdpl_err(XDPL_ERR_FAIL, errno, "%s: cannot read the ring buffer: %s",
				       iface->name, strerror(errno));
	}
	if (err && s->lock_fd >= 0) {
		/* a traced chain we swapped in goes back unless another reader runs */
		close(s->lock_fd);
		s->lock_fd = -1;
		linked_trace_recover(st);
	}
	linked_state_close(st);
	free(st);
	iface_lock_release(&lk);
	if (err) {
		session_free(s);
		return err;
	}
	*out = s;
	return 0;
}

/* The chain changed (a load, an unload): read it again, under the lock. */
static int follow(struct trace_session *s)
{
	struct linked_state *st = calloc(1, sizeof(*st));
	struct iface_lock lk;
	int err;

	if (!st)
		return -ENOMEM;
	err = open_state(&s->iface, &lk, st);
	if (!err) {
		err = read_chain(s, st);
		/* a name filter whose program went: nothing more matches it */
		if (err == -ENOENT)
			xdpl_err_clear();
		linked_state_close(st);
		iface_lock_release(&lk);
		err = 0;
	} else {
		xdpl_err_clear();
		err = -ENOENT;
	}
	free(st);
	return err;
}

int trace_poll(struct trace_session *s, int timeout_ms)
{
	__u32 id;
	int ret, err;

	ret = ring_buffer__poll(s->rb, timeout_ms);
	if (ret < 0 && ret != -EINTR)
		return ret;
	id = attached_id(&s->iface);
	if (id != s->disp_id) {
		err = follow(s);
		if (err)
			return err;
	}
	s->cfg.until_ns = mono_ns() + XDPL_TRACE_LEASE_NS;
	write_cfg(s);
	return ret < 0 ? 0 : ret;
}

int trace_stats(struct trace_session *s, struct xdpl_trace_stats *out)
{
	struct xdpl_trace_stats now;
	int err = sum_stats(s->stats_fd, s->slot, &now);

	if (err)
		return err;
	out->seen = now.seen - s->base.seen;
	out->filtered = now.filtered - s->base.filtered;
	out->sampled = now.sampled - s->base.sampled;
	out->reported = now.reported - s->base.reported;
	out->rate_limited = now.rate_limited - s->base.rate_limited;
	out->ring_full = now.ring_full - s->base.ring_full;
	return 0;
}

int trace_stop(struct trace_session *s)
{
	struct linked_state *st;
	struct iface_lock lk;
	int err;

	if (!s)
		return 0;
	memset(&s->cfg, 0, sizeof(s->cfg));
	write_cfg(s);
	/* the slot is free once its lock goes; the last reader's recovery swaps back */
	close(s->lock_fd);
	s->lock_fd = -1;
	st = calloc(1, sizeof(*st));
	err = st ? open_state(&s->iface, &lk, st) : -ENOMEM;
	if (!err) {
		linked_state_close(st);
		iface_lock_release(&lk);
	} else if (err != -ENOMEM) {
		xdpl_err_clear(); /* the chain went away: nothing to swap back */
		err = 0;
	}
	free(st);
	session_free(s);
	return err;
}

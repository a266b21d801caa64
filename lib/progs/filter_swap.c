// SPDX-License-Identifier: GPL-2.0-only
/*
 * A whole rule set replaced atomically (see xdpl_filter_config in
 * <xdpload/filter.h>): the next generation's entries are written next to the
 * current ones, the generation flips, the old generation's entries go.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include "progs/filter.h"
#include "fault.h"
#include "progs/filter_maps.h"

#define NMAPS 6 /* src4 dst4 src6 dst6 (LPM tries), port, ether */

struct entry {
	int map; /* index into the maps of the set */
	__u8 key[sizeof(struct xdpl_filter_lpm6)];
	struct xdpl_filter_rule v, orig;
	bool in_old, in_new, written;
};

struct entries {
	struct entry *e;
	size_t n, cap;
};

static void map_fds(const struct filter_maps *m, int fds[NMAPS])
{
	fds[0] = m->src4;
	fds[1] = m->dst4;
	fds[2] = m->src6;
	fds[3] = m->dst6;
	fds[4] = m->port;
	fds[5] = m->ether;
}

static struct entry *push(struct entries *es)
{
	if (es->n == es->cap) {
		size_t cap = es->cap ? es->cap * 2 : 64;
		struct entry *a = realloc(es->e, cap * sizeof(*a));

		if (!a)
			return NULL;
		es->e = a;
		es->cap = cap;
	}
	memset(&es->e[es->n], 0, sizeof(es->e[0]));
	return &es->e[es->n++];
}

static struct entry *find(struct entries *es, int map, const __u8 *key)
{
	size_t i;

	for (i = 0; i < es->n; i++)
		if (es->e[i].map == map && !memcmp(es->e[i].key, key, sizeof(es->e[i].key)))
			return &es->e[i];
	return NULL;
}

/* Every entry; those no generation owns in gen @g (a swap that died) are removed. */
static int collect(const struct filter_maps *m, __u32 g, struct entries *es)
{
	int fds[NMAPS], i;
	size_t j;

	map_fds(m, fds);
	for (i = 0; i < NMAPS; i++) {
		__u8 key[32] = {}, next[32] = {};
		void *prev = NULL;
		__u32 ks = 0;
		int err = filter_map_key_size(fds[i], &ks);

		if (err)
			return err;
		while (!bpf_map_get_next_key(fds[i], prev, next)) {
			struct xdpl_filter_rule v;
			struct entry *e;

			memcpy(key, next, ks);
			prev = key;
			if (bpf_map_lookup_elem(fds[i], key, &v))
				continue;
			e = push(es);
			if (!e)
				return -ENOMEM;
			e->map = i;
			memcpy(e->key, key, ks);
			e->v = e->orig = v;
			e->in_old = v.own & (1u << g);
		}
	}
	/* a swap that died before its flip left entries of the other generation only */
	for (i = 0, j = 0; i < (int)es->n; i++) {
		if (!es->e[i].in_old) {
			bpf_map_delete_elem(fds[es->e[i].map], es->e[i].key);
			continue;
		}
		es->e[j++] = es->e[i];
	}
	es->n = j;
	return 0;
}

/* Does LPM key @q (a prefix) cover @p? Both of map @map (4 or 16 address bytes). */
static bool covers(int map, const __u8 *q, const __u8 *p)
{
	const struct xdpl_filter_lpm6 *a = (const void *)q, *b = (const void *)p;
	unsigned int len = a->prefixlen, i;

	(void)map; /* IPv4 keys are shorter: their prefix never reaches past 4 bytes */
	if (len > b->prefixlen)
		return false;
	for (i = 0; i < len / 8; i++)
		if (a->addr[i] != b->addr[i])
			return false;
	if (len % 8) {
		__u8 mask = 0xff << (8 - len % 8);

		if ((a->addr[i] & mask) != (b->addr[i] & mask))
			return false;
	}
	return true;
}

/*
 * What a lookup that finds @e means in generation @g, from the entries that
 * are rules of @g (in_old for the old generation, in_new for the new): the
 * longest of them covering @e's prefix, in an LPM trie; nothing in a hash.
 */
static __u32 borrowed(const struct entries *es, const struct entry *e, bool old, __u32 g)
{
	__u32 best_len = 0, id = 0;
	size_t i;

	if (e->map >= 4)
		return 0;
	for (i = 0; i < es->n; i++) {
		const struct entry *q = &es->e[i];
		__u32 len = ((const struct xdpl_filter_lpm6 *)q->key)->prefixlen;

		if (q->map != e->map || !(old ? q->in_old : q->in_new) ||
		    !covers(e->map, q->key, e->key))
			continue;
		if (!id || len >= best_len) {
			best_len = len;
			id = q->v.id[g];
		}
	}
	return id;
}

/* ---- combined rules: slots with an id per generation ---- */

struct combos {
	struct xdpl_filter_combo slot[XDPL_FILTER_MAX_COMBO], orig[XDPL_FILTER_MAX_COMBO];
	bool keep[XDPL_FILTER_MAX_COMBO]; /* a rule of the new generation */
};

static bool combo_same(const struct xdpl_filter_combo *a, const struct xdpl_filter_combo *b)
{
	struct xdpl_filter_combo x = *a, y = *b;

	x.id[0] = x.id[1] = y.id[0] = y.id[1] = 0;
	x.pad = y.pad = 0;
	return !memcmp(&x, &y, sizeof(x));
}

static int combo_write(const struct filter_maps *m, __u32 i, const struct xdpl_filter_combo *c)
{
	return bpf_map_update_elem(m->combo, &i, c, BPF_ANY) ? -errno : 0;
}

/* Give the next generation its combined rules (packets still use gen @g). */
static int combos_stage(const struct filter_maps *m, struct combos *cs, __u32 g,
			const struct xdpl_filter_combo *want, size_t nwant, bool keep_old,
			unsigned char *used, __u32 *next, __u32 *ncombo)
{
	__u32 ng = !g, i, id;
	size_t k;
	int err = 0;

	for (i = 0; i < XDPL_FILTER_MAX_COMBO; i++) {
		if (bpf_map_lookup_elem(m->combo, &i, &cs->slot[i]))
			return -errno;
		cs->orig[i] = cs->slot[i];
		/* what a swap that died left for the next generation goes */
		if (cs->slot[i].id[ng]) {
			cs->slot[i].id[ng] = 0;
			err = combo_write(m, i, &cs->slot[i]);
			if (err)
				return err;
		}
		cs->keep[i] = keep_old && cs->slot[i].id[g];
	}
	for (k = 0; k < nwant && !err; k++) {
		for (i = 0; i < XDPL_FILTER_MAX_COMBO; i++)
			if (cs->slot[i].id[g] && combo_same(&cs->slot[i], &want[k]))
				break;
		if (i < XDPL_FILTER_MAX_COMBO) {
			cs->keep[i] = true;
			continue;
		}
		for (i = 0; i < XDPL_FILTER_MAX_COMBO; i++)
			if (!cs->slot[i].id[0] && !cs->slot[i].id[1] && !cs->keep[i])
				break;
		if (i == XDPL_FILTER_MAX_COMBO)
			return -ENOSPC;
		err = filter_alloc_id(used, next, &id);
		if (!err)
			err = filter_zero_counter(m, id);
		/* the fields first, with both ids 0; the id below */
		cs->slot[i] = want[k];
		cs->slot[i].id[0] = cs->slot[i].id[1] = 0;
		if (!err)
			err = combo_write(m, i, &cs->slot[i]);
		cs->slot[i].id[ng] = id;
		cs->keep[i] = true;
	}
	*ncombo = 0;
	for (i = 0; i < XDPL_FILTER_MAX_COMBO && !err; i++) {
		if (cs->keep[i] && !cs->slot[i].id[ng]) {
			cs->slot[i].id[ng] = cs->slot[i].id[g];
		}
		if (cs->keep[i])
			err = combo_write(m, i, &cs->slot[i]);
		if (cs->slot[i].id[0] || cs->slot[i].id[1])
			*ncombo = i + 1;
	}
	return err;
}

/* After the flip: the old generation's rules go, the kept ones drop their old id. */
static void combos_finish(const struct filter_maps *m, struct combos *cs, __u32 g)
{
	__u32 i;

	for (i = 0; i < XDPL_FILTER_MAX_COMBO; i++) {
		if (!cs->slot[i].id[g] && !cs->keep[i])
			continue;
		if (!cs->keep[i])
			cs->slot[i].id[!g] = 0;
		cs->slot[i].id[g] = 0;
		combo_write(m, i, &cs->slot[i]);
	}
}

static void combos_undo(const struct filter_maps *m, struct combos *cs)
{
	__u32 i;

	for (i = 0; i < XDPL_FILTER_MAX_COMBO; i++)
		combo_write(m, i, &cs->orig[i]);
}

/* Put back what the swap wrote before its flip (packets never used it). */
static void undo(const struct filter_maps *m, struct entries *es)
{
	int fds[NMAPS];
	size_t i;

	map_fds(m, fds);
	for (i = 0; i < es->n; i++) {
		struct entry *e = &es->e[i];

		if (!e->written)
			continue;
		if (e->in_old)
			filter_skip_put(m, fds[e->map], e->key, &e->orig);
		else
			bpf_map_delete_elem(fds[e->map], e->key);
	}
}

static int write_entry(const struct filter_maps *m, int fd, struct entry *e)
{
	int err = filter_skip_put(m, fd, e->key, &e->v);

	if (!err)
		e->written = true;
	return err;
}

int filter_swap(const struct filter_maps *m, const struct filter_rule *rules, size_t n,
		const struct xdpl_filter_combo *combos, size_t ncombos, bool keep_old,
		size_t *added, size_t *present, size_t *removed)
{
	struct combos *cs = calloc(1, sizeof(*cs));
	struct xdpl_filter_config cfg;
	struct filter_key keys[2];
	struct entries es = {};
	unsigned char *used = NULL;
	__u32 g, ng, next = 1;
	int fds[NMAPS], lock, err, k, nk;
	size_t i;

	*added = *present = *removed = 0;
	if (!cs)
		return -ENOMEM;
	for (i = 0; i < n; i++)
		if (filter_rule_keys(m, &rules[i], keys) <= 0) {
			free(cs);
			return -EINVAL;
		}
	map_fds(m, fds);
	lock = filter_lock();
	if (lock < 0) {
		free(cs);
		return lock;
	}
	err = filter_cfg_read(m, &cfg);
	g = cfg.gen & 1;
	ng = !g;
	if (!err)
		err = collect(m, g, &es);
	if (!err)
		err = filter_used_ids(m, &used);
	/* the new set: the rules given (and, unless it replaces, the old ones) */
	for (i = 0; i < es.n; i++)
		es.e[i].in_new = keep_old;
	for (i = 0; i < n && !err; i++) {
		nk = filter_rule_keys(m, &rules[i], keys);
		for (k = 0; k < nk && !err; k++) {
			int map;
			struct entry *e;

			for (map = 0; map < NMAPS && fds[map] != keys[k].map; map++)
				;
			e = find(&es, map, keys[k].key);
			if (!e) {
				e = push(&es);
				if (!e) {
					err = -ENOMEM;
					break;
				}
				e->map = map;
				memcpy(e->key, keys[k].key, sizeof(e->key));
				err = filter_alloc_id(used, &next, &e->v.id[ng]);
				if (!err)
					err = filter_zero_counter(m, e->v.id[ng]);
			}
			e->in_new = true;
		}
	}
	/* the new generation's ids: kept rules keep theirs */
	for (i = 0; i < es.n && !err; i++) {
		struct entry *e = &es.e[i];

		if (e->in_old && e->in_new) {
			e->v.id[ng] = e->v.id[g];
			e->v.own = (1u << g) | (1u << ng);
		} else if (e->in_new) {
			e->v.own = 1u << ng;
		}
	}
	/* then what each generation gives for the other one's entries, and write */
	for (i = 0; i < es.n && !err; i++) {
		struct entry *e = &es.e[i];

		if (e->in_old && !e->in_new)
			e->v.id[ng] = borrowed(&es, e, false, ng);
		else if (!e->in_old)
			e->v.id[g] = borrowed(&es, e, true, g);
		err = write_entry(m, fds[e->map], e);
	}
	if (!err)
		err = combos_stage(m, cs, g, combos, ncombos, keep_old, used, &next, &cfg.ncombo);
	if (!err) {
		filter_active_bits(m, ng, &cfg.active[ng]);
		err = filter_cfg_write(m, &cfg);
	}
	if (!err)
		xdpl_fault_point("filter:staged");
	/* the flip: the one value a packet reads first */
	if (!err) {
		cfg.gen = ng;
		err = filter_cfg_write(m, &cfg);
	}
	if (err) {
		undo(m, &es);
		combos_undo(m, cs);
		goto out;
	}
	xdpl_fault_point("filter:flipped");
	combos_finish(m, cs, g);
	/* the old generation's entries go; the new ones drop what they borrowed */
	for (i = 0; i < es.n; i++) {
		struct entry *e = &es.e[i];

		if (!e->in_new) {
			bpf_map_delete_elem(fds[e->map], e->key);
			(*removed)++;
			continue;
		}
		e->in_old ? (*present)++ : (*added)++;
		e->v.id[g] = 0;
		e->v.own = 1u << ng;
		filter_skip_put(m, fds[e->map], e->key, &e->v);
	}
	filter_update_active(m);
out:
	filter_unlock(lock);
	free(used);
	free(es.e);
	free(cs);
	return err;
}

int filter_sweep(const struct filter_maps *m, __u32 g)
{
	struct entries es = {};
	__u32 i;
	int err;

	/* collect() removes the map entries no rule of @g owns */
	err = collect(m, g, &es);
	free(es.e);
	for (i = 0; !err && i < XDPL_FILTER_MAX_COMBO; i++) {
		struct xdpl_filter_combo c;

		if (bpf_map_lookup_elem(m->combo, &i, &c))
			return -errno;
		if (!c.id[!g])
			continue;
		c.id[!g] = 0;
		err = combo_write(m, i, &c);
	}
	return err;
}

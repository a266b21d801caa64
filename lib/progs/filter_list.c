// SPDX-License-Identifier: GPL-2.0-only
/* The filter's rules as a list, and its counters (see filter.h). */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <netinet/in.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include "percpu.h"
#include "progs/filter.h"
#include "progs/filter_maps.h"

/* One counter of a per-CPU counter map, summed over CPUs. */
static int sum_counter(int map_fd, __u32 id, struct xdpl_filter_counter *sum)
{
	struct xdpl_filter_counter *vals;
	int ncpu, i;

	memset(sum, 0, sizeof(*sum));
	vals = percpu_lookup(map_fd, &id, sizeof(*vals), &ncpu);
	if (!vals)
		return -errno;
	for (i = 0; i < ncpu; i++) {
		sum->packets += vals[i].packets;
		sum->bytes += vals[i].bytes;
	}
	free(vals);
	return 0;
}

int filter_stats(const struct filter_maps *m,
		 struct xdpl_filter_counter stats[XDPL_FILTER_NR_ACTIONS])
{
	__u32 a;
	int err = 0;

	for (a = 0; a < XDPL_FILTER_NR_ACTIONS && !err; a++)
		err = sum_counter(m->stats, a, &stats[a]);
	return err;
}

struct rule_vec {
	struct filter_rule *v;
	size_t n, cap;
};

static struct filter_rule *vec_push(struct rule_vec *vec)
{
	if (vec->n == vec->cap) {
		size_t cap = vec->cap ? vec->cap * 2 : 16;
		struct filter_rule *nv = realloc(vec->v, cap * sizeof(*nv));

		if (!nv)
			return NULL;
		vec->v = nv;
		vec->cap = cap;
	}
	memset(&vec->v[vec->n], 0, sizeof(vec->v[0]));
	return &vec->v[vec->n++];
}

static void key_to_rule(int which, const __u8 *key, struct filter_rule *r)
{
	switch (which) {
	case 0: /* src4 */
	case 1: /* dst4 */ {
		const struct xdpl_filter_lpm4 *k = (const void *)key;

		r->kind = FILTER_IP;
		r->family = 4;
		r->prefixlen = k->prefixlen;
		memcpy(r->addr, k->addr, 4);
		r->dir = which == 0 ? XDPL_FILTER_SRC : XDPL_FILTER_DST;
		break;
	}
	case 2: /* src6 */
	case 3: /* dst6 */ {
		const struct xdpl_filter_lpm6 *k = (const void *)key;

		r->kind = FILTER_IP;
		r->family = 6;
		r->prefixlen = k->prefixlen;
		memcpy(r->addr, k->addr, 16);
		r->dir = which == 2 ? XDPL_FILTER_SRC : XDPL_FILTER_DST;
		break;
	}
	case 4: {
		const struct xdpl_filter_port *k = (const void *)key;

		r->kind = FILTER_PORT;
		r->port = k->port;
		r->protos = k->proto == IPPROTO_TCP ? FILTER_PROTO_TCP : FILTER_PROTO_UDP;
		r->dir = k->dir ? XDPL_FILTER_DST : XDPL_FILTER_SRC;
		break;
	}
	case 5: {
		const struct xdpl_filter_ether *k = (const void *)key;

		r->kind = FILTER_ETHER;
		memcpy(r->mac, k->addr, 6);
		r->dir = k->dir ? XDPL_FILTER_DST : XDPL_FILTER_SRC;
		break;
	}
	}
}

static int rule_cmp(const void *a, const void *b)
{
	const struct filter_rule *x = a, *y = b;
	int c;

	if (x->kind != y->kind)
		return (int)x->kind - (int)y->kind;
	switch (x->kind) {
	case FILTER_IP:
		if (x->family != y->family)
			return x->family - y->family;
		c = memcmp(x->addr, y->addr, 16);
		if (c)
			return c;
		if (x->prefixlen != y->prefixlen)
			return (int)x->prefixlen - (int)y->prefixlen;
		break;
	case FILTER_PORT:
		if (x->port != y->port)
			return (int)x->port - (int)y->port;
		break;
	case FILTER_ETHER:
		c = memcmp(x->mac, y->mac, 6);
		if (c)
			return c;
		break;
	}
	if (x->dir != y->dir)
		return (int)x->dir - (int)y->dir;
	return (int)x->protos - (int)y->protos;
}

int filter_list(const struct filter_maps *m, struct filter_rule **rules, size_t *n, __u64 *no_match)
{
	int maps[] = { m->src4, m->dst4, m->src6, m->dst6, m->port, m->ether };
	struct xdpl_filter_counter c;
	struct rule_vec vec = {};
	size_t i;
	int err = 0;

	struct xdpl_filter_config cfg;
	__u32 g;

	err = filter_cfg_read(m, &cfg);
	if (err)
		return err;
	g = cfg.gen & 1;
	for (i = 0; i < sizeof(maps) / sizeof(maps[0]) && !err; i++) {
		__u8 key[32], next[32];
		struct xdpl_filter_rule v;
		void *prev = NULL;
		__u32 ks = 0;

		err = filter_map_key_size(maps[i], &ks);
		if (err)
			break;
		while (!bpf_map_get_next_key(maps[i], prev, next)) {
			struct filter_rule *r;

			memcpy(key, next, ks);
			prev = key;
			if (bpf_map_lookup_elem(maps[i], key, &v))
				continue; /* deleted meanwhile */
			if (!(v.own & (1u << g)))
				continue; /* the other generation's, during a swap */
			r = vec_push(&vec);
			if (!r) {
				err = -ENOMEM;
				break;
			}
			key_to_rule(i, key, r);
			r->id = v.id[g];
			if (r->id && r->id <= XDPL_FILTER_MAX_RULES) {
				err = sum_counter(m->hits, r->id, &c);
				if (err)
					break;
				r->hits = c.packets;
				r->bytes = c.bytes;
			}
		}
		if (!err && errno != ENOENT)
			err = -errno;
	}
	if (!err && no_match) {
		err = sum_counter(m->hits, XDPL_FILTER_NO_MATCH, &c);
		*no_match = c.packets;
	}
	if (err) {
		free(vec.v);
		return err;
	}
	if (vec.n)
		qsort(vec.v, vec.n, sizeof(vec.v[0]), rule_cmp);
	*rules = vec.v;
	*n = vec.n;
	return 0;
}

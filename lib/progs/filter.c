// SPDX-License-Identifier: GPL-2.0-only
/* Runtime rules of the bundled "filter" program (see filter.h). */
#include <errno.h>
#include <fcntl.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>
#include <netinet/in.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include "attached.h"
#include "progs/filter.h"
#include "percpu.h"

/* Serialises rule-id allocation between concurrent xdpload runs. */
#define FILTER_LOCK_DIR "/run/xdpload"
#define FILTER_LOCK_FILE FILTER_LOCK_DIR "/filter.lock"

void filter_maps_close(struct filter_maps *m)
{
	int *fds[] = { &m->cfg,	 &m->src4, &m->dst4,  &m->src6,
		       &m->dst6, &m->port, &m->ether, &m->hits };
	size_t i;

	for (i = 0; i < sizeof(fds) / sizeof(fds[0]); i++) {
		if (*fds[i] >= 0)
			close(*fds[i]);
		*fds[i] = -1;
	}
}

int filter_maps_open(int prog_fd, struct filter_maps *m)
{
	struct {
		int *fd;
		const char *name;
	} maps[] = {
		{ &m->cfg, XDPL_FILTER_MAP_CFG },     { &m->src4, XDPL_FILTER_MAP_SRC4 },
		{ &m->dst4, XDPL_FILTER_MAP_DST4 },   { &m->src6, XDPL_FILTER_MAP_SRC6 },
		{ &m->dst6, XDPL_FILTER_MAP_DST6 },   { &m->port, XDPL_FILTER_MAP_PORT },
		{ &m->ether, XDPL_FILTER_MAP_ETHER }, { &m->hits, XDPL_FILTER_MAP_HITS },
	};
	size_t i;

	for (i = 0; i < sizeof(maps) / sizeof(maps[0]); i++)
		*maps[i].fd = -1;
	for (i = 0; i < sizeof(maps) / sizeof(maps[0]); i++) {
		int fd = prog_map_fd_by_name(prog_fd, maps[i].name);

		if (fd < 0) {
			filter_maps_close(m);
			return fd;
		}
		*maps[i].fd = fd;
	}
	return 0;
}

/* ---- map keys ---- */

/* One map entry of a rule: which map, and its key. */
struct rule_key {
	int map;
	__u8 key[sizeof(struct xdpl_filter_lpm6)];
};

static int port_proto(unsigned int proto_bit)
{
	return proto_bit == FILTER_PROTO_TCP ? IPPROTO_TCP : IPPROTO_UDP;
}

/* The map entries of @r: up to two (a port rule for TCP and UDP). */
static int rule_keys(const struct filter_maps *m, const struct filter_rule *r,
		     struct rule_key keys[2])
{
	bool src = r->dir == XDPL_FILTER_SRC;
	int n = 0;

	memset(keys, 0, 2 * sizeof(keys[0]));
	switch (r->kind) {
	case FILTER_IP:
		if (r->family == 4) {
			struct xdpl_filter_lpm4 k = { .prefixlen = r->prefixlen };

			memcpy(k.addr, r->addr, 4);
			keys[0].map = src ? m->src4 : m->dst4;
			memcpy(keys[0].key, &k, sizeof(k));
		} else {
			struct xdpl_filter_lpm6 k = { .prefixlen = r->prefixlen };

			memcpy(k.addr, r->addr, 16);
			keys[0].map = src ? m->src6 : m->dst6;
			memcpy(keys[0].key, &k, sizeof(k));
		}
		return 1;
	case FILTER_PORT: {
		unsigned int bit;

		for (bit = FILTER_PROTO_TCP; bit <= FILTER_PROTO_UDP; bit <<= 1) {
			struct xdpl_filter_port k = { .port = r->port, .dir = r->dir };

			if (!(r->protos & bit))
				continue;
			k.proto = port_proto(bit);
			keys[n].map = m->port;
			memcpy(keys[n].key, &k, sizeof(k));
			n++;
		}
		return n;
	}
	case FILTER_ETHER: {
		struct xdpl_filter_ether k = { .dir = r->dir };

		memcpy(k.addr, r->mac, 6);
		keys[0].map = m->ether;
		memcpy(keys[0].key, &k, sizeof(k));
		return 1;
	}
	}
	return 0;
}

static int lock_rules(void)
{
	int fd;

	mkdir(FILTER_LOCK_DIR, 0755);
	fd = open(FILTER_LOCK_FILE, O_RDWR | O_CREAT | O_CLOEXEC, 0600);
	if (fd < 0)
		return -errno;
	if (flock(fd, LOCK_EX)) {
		int err = -errno;

		close(fd);
		return err;
	}
	return fd;
}

static void unlock_rules(int fd)
{
	if (fd >= 0)
		close(fd);
}

static int map_key_size(int map_fd, __u32 *key_size)
{
	struct bpf_map_info info = {};
	__u32 len = sizeof(info);

	if (bpf_obj_get_info_by_fd(map_fd, &info, &len))
		return -errno;
	*key_size = info.key_size;
	return 0;
}

/* Mark the ids used by every entry of @map_fd in @used. */
static int collect_ids(int map_fd, unsigned char *used)
{
	__u8 key[32], next[32];
	struct xdpl_filter_rule v;
	__u32 ks = 0;
	void *prev = NULL;
	int err;

	err = map_key_size(map_fd, &ks);
	if (err)
		return err;
	if (ks > sizeof(key))
		return -EINVAL;
	while (!bpf_map_get_next_key(map_fd, prev, next)) {
		if (!bpf_map_lookup_elem(map_fd, next, &v) && v.id <= XDPL_FILTER_MAX_RULES)
			used[v.id] = 1;
		memcpy(key, next, ks);
		prev = key;
	}
	return errno == ENOENT ? 0 : -errno;
}

static int alloc_id(const struct filter_maps *m, __u32 *id)
{
	int maps[] = { m->src4, m->dst4, m->src6, m->dst6, m->port, m->ether };
	unsigned char *used;
	size_t i;
	int err = 0;

	used = calloc(XDPL_FILTER_MAX_RULES + 1, 1);
	if (!used)
		return -ENOMEM;
	for (i = 0; i < sizeof(maps) / sizeof(maps[0]) && !err; i++)
		err = collect_ids(maps[i], used);
	if (!err) {
		err = -ENOSPC;
		for (i = 1; i <= XDPL_FILTER_MAX_RULES; i++) {
			if (!used[i]) {
				*id = i;
				err = 0;
				break;
			}
		}
	}
	free(used);
	return err;
}

static int zero_hits(const struct filter_maps *m, __u32 id)
{
	int ncpu = libbpf_num_possible_cpus();
	__u64 *vals;
	int err = 0;

	if (ncpu < 0)
		return ncpu;
	vals = calloc(ncpu, sizeof(*vals));
	if (!vals)
		return -ENOMEM;
	if (bpf_map_update_elem(m->hits, &id, vals, BPF_ANY))
		err = -errno;
	free(vals);
	return err;
}

static int sum_hits(const struct filter_maps *m, __u32 id, __u64 *sum)
{
	__u64 *vals;
	int ncpu, i;

	*sum = 0;
	vals = percpu_lookup(m->hits, &id, sizeof(*vals), &ncpu);
	if (!vals)
		return -errno;
	for (i = 0; i < ncpu; i++)
		*sum += vals[i];
	free(vals);
	return 0;
}

static bool map_empty(int map_fd)
{
	__u8 next[32];

	return bpf_map_get_next_key(map_fd, NULL, next) != 0;
}

/* OR into *bits the direction bits of the entries of a port or ether map. */
static void dir_bits(int map_fd, size_t dir_off, __u32 src_bit, __u32 dst_bit, __u32 *bits)
{
	__u8 key[32], next[32];
	void *prev = NULL;
	__u32 ks = 0;

	if (map_key_size(map_fd, &ks) || ks > sizeof(key))
		return;
	while (!bpf_map_get_next_key(map_fd, prev, next)) {
		*bits |= next[dir_off] == XDPL_FILTER_DST ? dst_bit : src_bit;
		memcpy(key, next, ks);
		prev = key;
	}
}

/*
 * Tell the program which match maps hold rules (it skips the others).
 * Called with the rules lock held, after every change of a match map.
 */
static int update_active(const struct filter_maps *m)
{
	struct xdpl_filter_config cfg = {};
	__u32 key = 0, bits = 0;

	if (!map_empty(m->src4))
		bits |= XDPL_FILTER_HAS_SRC4;
	if (!map_empty(m->dst4))
		bits |= XDPL_FILTER_HAS_DST4;
	if (!map_empty(m->src6))
		bits |= XDPL_FILTER_HAS_SRC6;
	if (!map_empty(m->dst6))
		bits |= XDPL_FILTER_HAS_DST6;
	dir_bits(m->port, offsetof(struct xdpl_filter_port, dir), XDPL_FILTER_HAS_PORT_SRC,
		 XDPL_FILTER_HAS_PORT_DST, &bits);
	dir_bits(m->ether, offsetof(struct xdpl_filter_ether, dir), XDPL_FILTER_HAS_ETHER_SRC,
		 XDPL_FILTER_HAS_ETHER_DST, &bits);
	if (bpf_map_lookup_elem(m->cfg, &key, &cfg))
		return -errno;
	if (cfg.active == bits)
		return 0;
	cfg.active = bits;
	if (bpf_map_update_elem(m->cfg, &key, &cfg, BPF_ANY))
		return -errno;
	return 0;
}

int filter_add(const struct filter_maps *m, const struct filter_rule *r)
{
	struct rule_key keys[2];
	struct xdpl_filter_rule v;
	bool added[2] = { false, false };
	int n, i, lock, err = 0, existing = 0;

	n = rule_keys(m, r, keys);
	if (n <= 0)
		return -EINVAL;
	lock = lock_rules();
	if (lock < 0)
		return lock;
	for (i = 0; i < n; i++) {
		if (!bpf_map_lookup_elem(keys[i].map, keys[i].key, &v)) {
			existing++;
			continue;
		}
		err = alloc_id(m, &v.id);
		if (err)
			break;
		/* Zero the counter before the rule can match, so it counts from 0. */
		err = zero_hits(m, v.id);
		if (err)
			break;
		if (bpf_map_update_elem(keys[i].map, keys[i].key, &v, BPF_NOEXIST)) {
			err = errno == E2BIG ? -ENOSPC : -errno;
			break;
		}
		added[i] = true;
	}
	if (!err)
		err = update_active(m);
	if (err) {
		/* Nothing half-applied: undo what this call added. */
		for (i = 0; i < n; i++)
			if (added[i])
				bpf_map_delete_elem(keys[i].map, keys[i].key);
		update_active(m);
	}
	unlock_rules(lock);
	if (err)
		return err;
	return existing == n ? 1 : 0;
}

int filter_del(const struct filter_maps *m, const struct filter_rule *r)
{
	struct rule_key keys[2];
	int n, i, lock, found = 0, err = 0;

	n = rule_keys(m, r, keys);
	if (n <= 0)
		return -EINVAL;
	lock = lock_rules();
	if (lock < 0)
		return lock;
	for (i = 0; i < n && !err; i++) {
		if (!bpf_map_delete_elem(keys[i].map, keys[i].key))
			found++;
		else if (errno != ENOENT)
			err = -errno;
	}
	if (found) {
		int ret = update_active(m);

		if (!err)
			err = ret;
	}
	unlock_rules(lock);
	if (err)
		return err;
	return found ? 0 : -ENOENT;
}

/* ---- listing ---- */

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
	if (x->dir != y->dir)
		return (int)x->dir - (int)y->dir;
	switch (x->kind) {
	case FILTER_IP:
		if (x->family != y->family)
			return x->family - y->family;
		c = memcmp(x->addr, y->addr, 16);
		return c ? c : (int)x->prefixlen - (int)y->prefixlen;
	case FILTER_PORT:
		if (x->port != y->port)
			return (int)x->port - (int)y->port;
		return (int)x->protos - (int)y->protos;
	case FILTER_ETHER:
		return memcmp(x->mac, y->mac, 6);
	}
	return 0;
}

int filter_list(const struct filter_maps *m, struct filter_rule **rules, size_t *n, __u64 *no_match)
{
	int maps[] = { m->src4, m->dst4, m->src6, m->dst6, m->port, m->ether };
	struct rule_vec vec = {};
	size_t i;
	int err = 0;

	for (i = 0; i < sizeof(maps) / sizeof(maps[0]) && !err; i++) {
		__u8 key[32], next[32];
		struct xdpl_filter_rule v;
		void *prev = NULL;
		__u32 ks = 0;

		err = map_key_size(maps[i], &ks);
		if (err)
			break;
		while (!bpf_map_get_next_key(maps[i], prev, next)) {
			struct filter_rule *r;

			memcpy(key, next, ks);
			prev = key;
			if (bpf_map_lookup_elem(maps[i], key, &v))
				continue; /* deleted meanwhile */
			r = vec_push(&vec);
			if (!r) {
				err = -ENOMEM;
				break;
			}
			key_to_rule(i, key, r);
			r->id = v.id;
			if (v.id && v.id <= XDPL_FILTER_MAX_RULES) {
				err = sum_hits(m, v.id, &r->hits);
				if (err)
					break;
			}
		}
		if (!err && errno != ENOENT)
			err = -errno;
	}
	if (!err && no_match)
		err = sum_hits(m, XDPL_FILTER_NO_MATCH, no_match);
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

int filter_policy_get(const struct filter_maps *m, enum xdpl_filter_policy *policy)
{
	struct xdpl_filter_config cfg;
	__u32 key = 0;

	if (bpf_map_lookup_elem(m->cfg, &key, &cfg))
		return -errno;
	*policy = cfg.policy == XDPL_FILTER_ALLOW ? XDPL_FILTER_ALLOW : XDPL_FILTER_DENY;
	return 0;
}

int filter_policy_set(const struct filter_maps *m, enum xdpl_filter_policy policy)
{
	struct xdpl_filter_config cfg = {};
	__u32 key = 0;
	int lock, err = 0;

	lock = lock_rules();
	if (lock < 0)
		return lock;
	/* Keep the active-map bits: they describe the rules, not the policy. */
	if (bpf_map_lookup_elem(m->cfg, &key, &cfg))
		err = -errno;
	cfg.policy = policy;
	if (!err && bpf_map_update_elem(m->cfg, &key, &cfg, BPF_ANY))
		err = -errno;
	unlock_rules(lock);
	return err;
}

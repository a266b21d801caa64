// SPDX-License-Identifier: GPL-2.0-only
/*
 * Runtime rules of the bundled "filter" program (see filter.h): the maps,
 * the rules lock, rule ids, changes. Listing and counters: filter_list.c.
 */
#include <errno.h>
#include <fcntl.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>
#include <netinet/in.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include "attached.h"
#include "iface.h"
#include "log.h"
#include "progs/filter.h"
#include "progs/filter_maps.h"
#include "progs/filter_set.h"

/* Serialises rule-id allocation between concurrent xdpload runs. */
#define FILTER_LOCK_DIR "/run/xdpload"
#define FILTER_LOCK_FILE FILTER_LOCK_DIR "/filter.lock"

void filter_maps_close(struct filter_maps *m)
{
	int *fds[] = { &m->cfg,	 &m->src4,  &m->dst4, &m->src6,	 &m->dst6,
		       &m->port, &m->ether, &m->hits, &m->stats, &m->ro };
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
		{ &m->stats, XDPL_FILTER_MAP_STATS }, { &m->ro, XDPL_FILTER_MAP_RO },
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

static int port_proto(unsigned int proto_bit)
{
	return proto_bit == FILTER_PROTO_TCP ? IPPROTO_TCP : IPPROTO_UDP;
}

int filter_rule_keys(const struct filter_maps *m, const struct filter_rule *r,
		     struct filter_key keys[2])
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

int filter_map_key_size(int map_fd, __u32 *key_size)
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

	err = filter_map_key_size(map_fd, &ks);
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

/* The ids in use, once per change: a bulk change allocates from it in memory. */
static int used_ids(const struct filter_maps *m, unsigned char **used)
{
	int maps[] = { m->src4, m->dst4, m->src6, m->dst6, m->port, m->ether };
	size_t i;
	int err = 0;

	*used = calloc(XDPL_FILTER_MAX_RULES + 1, 1);
	if (!*used)
		return -ENOMEM;
	(*used)[XDPL_FILTER_NO_MATCH] = 1;
	for (i = 0; i < sizeof(maps) / sizeof(maps[0]) && !err; i++)
		err = collect_ids(maps[i], *used);
	if (err) {
		free(*used);
		*used = NULL;
	}
	return err;
}

static int alloc_id(unsigned char *used, __u32 *next, __u32 *id)
{
	for (; *next <= XDPL_FILTER_MAX_RULES; (*next)++) {
		if (!used[*next]) {
			used[*next] = 1;
			*id = (*next)++;
			return 0;
		}
	}
	return -ENOSPC;
}

static int zero_counter(const struct filter_maps *m, __u32 id)
{
	int ncpu = libbpf_num_possible_cpus();
	struct xdpl_filter_counter *vals;
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

	if (filter_map_key_size(map_fd, &ks) || ks > sizeof(key))
		return;
	while (!bpf_map_get_next_key(map_fd, prev, next)) {
		*bits |= next[dir_off] == XDPL_FILTER_DST ? dst_bit : src_bit;
		memcpy(key, next, ks);
		prev = key;
	}
}

/* flt_cfg as the program applies it: before user space set it, the load-time values. */
static int cfg_read(const struct filter_maps *m, struct xdpl_filter_config *cfg)
{
	struct xdpl_filter_ro ro = {};
	__u32 key = 0;

	if (bpf_map_lookup_elem(m->cfg, &key, cfg))
		return -errno;
	if (cfg->flags & XDPL_FILTER_CFG_SET)
		return 0;
	if (bpf_map_lookup_elem(m->ro, &key, &ro))
		return -errno;
	cfg->policy = ro.policy;
	cfg->flags = (ro.flags & ~XDPL_FILTER_CFG_SET) | XDPL_FILTER_CFG_SET;
	return 0;
}

static int cfg_write(const struct filter_maps *m, const struct xdpl_filter_config *cfg)
{
	__u32 key = 0;

	if (bpf_map_update_elem(m->cfg, &key, cfg, BPF_ANY))
		return -errno;
	return 0;
}

/*
 * Tell the program which match maps hold rules (it skips the others).
 * Called with the rules lock held, after every change of a match map.
 */
static int update_active(const struct filter_maps *m)
{
	struct xdpl_filter_config cfg = {};
	__u32 bits = 0;
	int err;

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
	err = cfg_read(m, &cfg);
	if (err)
		return err;
	if (cfg.active == bits)
		return 0;
	cfg.active = bits;
	return cfg_write(m, &cfg);
}

/* What filter_change did, to undo it. */
struct undo {
	struct filter_key *keys;
	struct xdpl_filter_rule *vals;
	bool *added; /* else deleted */
	size_t n, cap;
};

static int undo_push(struct undo *u, const struct filter_key *k, const struct xdpl_filter_rule *v,
		     bool added)
{
	if (u->n == u->cap) {
		size_t cap = u->cap ? u->cap * 2 : 16;
		void *a = realloc(u->keys, cap * sizeof(*u->keys));

		if (!a)
			return -ENOMEM;
		u->keys = a;
		a = realloc(u->vals, cap * sizeof(*u->vals));
		if (!a)
			return -ENOMEM;
		u->vals = a;
		a = realloc(u->added, cap * sizeof(*u->added));
		if (!a)
			return -ENOMEM;
		u->added = a;
		u->cap = cap;
	}
	u->keys[u->n] = *k;
	u->vals[u->n] = *v;
	u->added[u->n++] = added;
	return 0;
}

static void undo_run(struct undo *u)
{
	size_t i = u->n;

	while (i--) {
		if (u->added[i])
			bpf_map_delete_elem(u->keys[i].map, u->keys[i].key);
		else
			bpf_map_update_elem(u->keys[i].map, u->keys[i].key, &u->vals[i], BPF_ANY);
	}
}

static void undo_free(struct undo *u)
{
	free(u->keys);
	free(u->vals);
	free(u->added);
}

static int del_key(const struct filter_key *k, struct undo *u, size_t *found)
{
	struct xdpl_filter_rule v;

	if (bpf_map_lookup_elem(k->map, k->key, &v))
		return errno == ENOENT ? 0 : -errno;
	if (bpf_map_delete_elem(k->map, k->key))
		return errno == ENOENT ? 0 : -errno;
	if (found)
		(*found)++;
	return undo_push(u, k, &v, false);
}

static int add_key(const struct filter_maps *m, const struct filter_key *k, unsigned char *used,
		   __u32 *next, struct undo *u, size_t *added, size_t *present)
{
	struct xdpl_filter_rule v;
	int err;

	if (!bpf_map_lookup_elem(k->map, k->key, &v)) {
		(*present)++;
		return 0;
	}
	err = alloc_id(used, next, &v.id);
	/* Zero the counter before the rule can match, so it counts from 0. */
	if (!err)
		err = zero_counter(m, v.id);
	if (err)
		return err;
	if (bpf_map_update_elem(k->map, k->key, &v, BPF_NOEXIST))
		return errno == E2BIG ? -ENOSPC : -errno;
	(*added)++;
	return undo_push(u, k, &v, true);
}

int filter_change(const struct filter_maps *m, const struct filter_rule *add, size_t nadd,
		  const struct filter_rule *del, size_t ndel, size_t *added, size_t *present)
{
	struct filter_key keys[2];
	struct undo u = {};
	unsigned char *used = NULL;
	size_t i, nadded = 0, npresent = 0;
	__u32 next = 1;
	int n, k, lock, err = 0;

	for (i = 0; i < nadd + ndel; i++)
		if (filter_rule_keys(m, i < nadd ? &add[i] : &del[i - nadd], keys) <= 0)
			return -EINVAL;
	lock = lock_rules();
	if (lock < 0)
		return lock;
	for (i = 0; i < ndel && !err; i++) {
		n = filter_rule_keys(m, &del[i], keys);
		for (k = 0; k < n && !err; k++)
			err = del_key(&keys[k], &u, NULL);
	}
	if (!err && nadd)
		err = used_ids(m, &used);
	for (i = 0; i < nadd && !err; i++) {
		n = filter_rule_keys(m, &add[i], keys);
		for (k = 0; k < n && !err; k++)
			err = add_key(m, &keys[k], used, &next, &u, &nadded, &npresent);
	}
	if (!err)
		err = update_active(m);
	if (err) {
		/* Nothing half-applied. */
		undo_run(&u);
		update_active(m);
		nadded = npresent = 0;
	}
	unlock_rules(lock);
	free(used);
	undo_free(&u);
	if (added)
		*added = nadded;
	if (present)
		*present = npresent;
	return err;
}

int filter_add(const struct filter_maps *m, const struct filter_rule *r)
{
	size_t added = 0, present = 0;
	int err;

	err = filter_change(m, r, 1, NULL, 0, &added, &present);
	if (err)
		return err;
	return added ? 0 : 1;
}

/* Delete the entries of @keys (or, with @fn, those of @map that fn selects). */
static int del_keys(const struct filter_maps *m, const struct filter_key *keys, size_t n,
		    size_t *found)
{
	struct undo u = {};
	size_t i;
	int lock, err = 0;

	lock = lock_rules();
	if (lock < 0)
		return lock;
	for (i = 0; i < n && !err; i++)
		err = del_key(&keys[i], &u, found);
	if (!err && *found)
		err = update_active(m);
	if (err) {
		undo_run(&u);
		update_active(m);
		*found = 0;
	}
	unlock_rules(lock);
	undo_free(&u);
	return err;
}

int filter_del(const struct filter_maps *m, const struct filter_rule *r)
{
	struct filter_key keys[2];
	size_t found = 0;
	int n, err;

	n = filter_rule_keys(m, r, keys);
	if (n <= 0)
		return -EINVAL;
	err = del_keys(m, keys, n, &found);
	if (err)
		return err;
	return found ? 0 : -ENOENT;
}

int filter_remove(const struct filter_maps *m, const struct filter_rule *r, unsigned int dirs,
		  unsigned int protos, size_t *removed)
{
	struct filter_key keys[8];
	size_t n = 0;
	unsigned int d, p;

	*removed = 0;
	for (d = FILTER_DIR_SRC; d <= FILTER_DIR_DST; d <<= 1) {
		for (p = FILTER_PROTO_TCP; p <= FILTER_PROTO_UDP; p <<= 1) {
			struct filter_rule e = *r;
			bool all = !dirs && !protos;

			if (r->kind != FILTER_PORT && p != FILTER_PROTO_TCP)
				continue;
			if (!all && !(dirs & d) && !(r->kind == FILTER_PORT && (protos & p)))
				continue;
			e.dir = d == FILTER_DIR_DST ? XDPL_FILTER_DST : XDPL_FILTER_SRC;
			e.protos = r->kind == FILTER_PORT ? p : 0;
			if (filter_rule_keys(m, &e, &keys[n]) == 1)
				n++;
		}
	}
	return del_keys(m, keys, n, removed);
}

int filter_flush(const struct filter_maps *m, size_t *removed)
{
	int maps[] = { m->src4, m->dst4, m->src6, m->dst6, m->port, m->ether };
	struct filter_key *keys = NULL;
	size_t i, n = 0, cap = 0;
	int err = 0;

	*removed = 0;
	for (i = 0; i < sizeof(maps) / sizeof(maps[0]) && !err; i++) {
		__u8 next[32];
		void *prev = NULL;
		__u32 ks = 0;

		err = filter_map_key_size(maps[i], &ks);
		while (!err && !bpf_map_get_next_key(maps[i], prev, next)) {
			if (n == cap) {
				void *a = realloc(keys, (cap = cap ? cap * 2 : 64) * sizeof(*keys));

				if (!a) {
					err = -ENOMEM;
					break;
				}
				keys = a;
			}
			memset(&keys[n], 0, sizeof(keys[n]));
			keys[n].map = maps[i];
			memcpy(keys[n].key, next, ks);
			prev = keys[n++].key;
		}
	}
	if (!err)
		err = del_keys(m, keys, n, removed);
	free(keys);
	return err;
}

/* ---- settings ---- */

int filter_settings_get(const struct filter_maps *m, struct filter_settings *s)
{
	struct xdpl_filter_config cfg;
	struct xdpl_filter_ro ro = {};
	__u32 key = 0;
	int err;

	err = cfg_read(m, &cfg);
	if (err)
		return err;
	if (bpf_map_lookup_elem(m->ro, &key, &ro))
		return -errno;
	s->policy = cfg.policy == XDPL_FILTER_POLICY_DENY ? XDPL_FILTER_POLICY_DENY
							  : XDPL_FILTER_POLICY_ALLOW;
	s->neigh = !(cfg.flags & XDPL_FILTER_NEIGH_OFF);
	s->features = ro.features;
	return 0;
}

int filter_policy_get(const struct filter_maps *m, enum xdpl_filter_policy *policy)
{
	struct filter_settings s = {};
	int err;

	err = filter_settings_get(m, &s);
	if (!err)
		*policy = s.policy;
	return err;
}

/* Change flt_cfg under the rules lock: the policy, or one flag. */
static int cfg_update(const struct filter_maps *m, int policy, __u32 set, __u32 clear)
{
	struct xdpl_filter_config cfg;
	int lock, err;

	lock = lock_rules();
	if (lock < 0)
		return lock;
	err = cfg_read(m, &cfg);
	if (!err) {
		if (policy >= 0)
			cfg.policy = policy;
		cfg.flags = (cfg.flags | set | XDPL_FILTER_CFG_SET) & ~clear;
		err = cfg_write(m, &cfg);
	}
	unlock_rules(lock);
	return err;
}

int filter_policy_set(const struct filter_maps *m, enum xdpl_filter_policy policy)
{
	return cfg_update(m, policy, 0, 0);
}

int filter_neigh_set(const struct filter_maps *m, bool on)
{
	return on ? cfg_update(m, -1, 0, XDPL_FILTER_NEIGH_OFF)
		  : cfg_update(m, -1, XDPL_FILTER_NEIGH_OFF, 0);
}

const char *filter_policy_str(enum xdpl_filter_policy p)
{
	return p == XDPL_FILTER_POLICY_DENY ? "deny" : "allow";
}

/* ---- load's options ---- */

static const char *const policy_words[] = { "allow", "deny", NULL };
/* bit i is XDPL_FILTER_FEAT_*: tcp, udp, ipv4, ipv6, ethernet */
static const char *const feature_words[] = { "tcp", "udp", "ipv4", "ipv6", "ethernet", NULL };
static const char *const neigh_words[] = { "off", "on", NULL };

const struct builtin_opt filter_builtin_options[] = {
	{ "policy", "allow|deny",
	  "what happens to frames matching no rule: allow passes them, deny drops them", 0, 1,
	  XDPL_FILTER_POLICY_ALLOW, policy_words, false, false },
	{ "features", "FEATS",
	  "rule classes compiled in (tcp,udp,ipv4,ipv6,ethernet); the verifier drops the rest", 1,
	  XDPL_FILTER_FEAT_ALL, XDPL_FILTER_FEAT_ALL, feature_words, true, false },
	{ "neigh", "on|off", "match ARP and IPv6 neighbour discovery against IP rules", 0, 1, 1,
	  neigh_words, false, false },
	{ "set", "NAME", "share the rules of set NAME with every filter loaded with it", 1,
	  XDPL_FILTER_SET_LEN - 1, 0, NULL, false, true },
	{ .name = NULL },
};

void filter_features_str(unsigned int features, char *buf, size_t len)
{
	builtin_opt_str(&filter_builtin_options[1], features, buf, len);
}

int filter_builtin_configure(struct bpf_object *obj, const __u64 *vals)
{
	struct xdpl_filter_ro ro = {
		.policy = vals[0] ? XDPL_FILTER_POLICY_DENY : XDPL_FILTER_POLICY_ALLOW,
		.features = vals[1] & XDPL_FILTER_FEAT_ALL,
		.flags = vals[2] ? 0 : XDPL_FILTER_NEIGH_OFF,
	};
	struct bpf_map *m;
	int err;

	err = filter_set_attach(obj, BUILTIN_STR(vals[3]), builtin_iface(), ro.set);
	if (err)
		return err;
	m = bpf_object__find_map_by_name(obj, XDPL_FILTER_MAP_RO);
	if (!m)
		return xdpl_err(XDPL_ERR_FAIL, ENOENT,
				"filter: no %s section in the object (an old build?)",
				XDPL_FILTER_RO_SECTION);
	err = bpf_map__set_initial_value(m, &ro, sizeof(ro));
	if (err)
		return xdpl_err(XDPL_ERR_FAIL, err, "filter: cannot set its load options: %s",
				strerror(-err));
	return 0;
}

/* ---- who shares these rules ---- */

static __u32 map_id(int fd)
{
	struct bpf_map_info info = {};
	__u32 len = sizeof(info);

	return bpf_obj_get_info_by_fd(fd, &info, &len) ? 0 : info.id;
}

int filter_ifaces(const struct filter_maps *m, struct xdpl_iface **out, int *nout)
{
	struct xdpl_iface *all = NULL;
	__u32 want = map_id(m->cfg);
	int n = 0, i, k = 0, err;

	*out = NULL;
	*nout = 0;
	err = iface_list(&all, &n);
	if (err)
		return err;
	for (i = 0; i < n; i++) {
		struct filter_maps other;
		int fd;

		/* status is quiet about interfaces without a filter: not an error here */
		fd = attached_prog_fd(&all[i], "filter");
		xdpl_err_clear();
		if (fd < 0)
			continue;
		if (!filter_maps_open(fd, &other)) {
			if (map_id(other.cfg) == want)
				all[k++] = all[i];
			filter_maps_close(&other);
		}
		close(fd);
	}
	*out = all;
	*nout = k;
	return 0;
}

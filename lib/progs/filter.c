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

int filter_lock(void)
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

void filter_unlock(int fd)
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
		if (!bpf_map_lookup_elem(map_fd, next, &v)) {
			if (v.id[0] <= XDPL_FILTER_MAX_RULES)
				used[v.id[0]] = 1;
			if (v.id[1] <= XDPL_FILTER_MAX_RULES)
				used[v.id[1]] = 1;
		}
		memcpy(key, next, ks);
		prev = key;
	}
	return errno == ENOENT ? 0 : -errno;
}

/* The ids in use, once per change: a bulk change allocates from it in memory. */
int filter_used_ids(const struct filter_maps *m, unsigned char **used)
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
	/* and the combined rules' */
	for (i = 0; i < XDPL_FILTER_MAX_COMBO && !err; i++) {
		struct xdpl_filter_combo c;
		__u32 slot = i;
		int k;

		if (bpf_map_lookup_elem(m->combo, &slot, &c))
			err = -errno;
		else
			for (k = 0; k < 2; k++)
				if (c.id[k] <= XDPL_FILTER_MAX_RULES)
					(*used)[c.id[k]] = 1;
	}
	if (err) {
		free(*used);
		*used = NULL;
	}
	return err;
}

int filter_alloc_id(unsigned char *used, __u32 *next, __u32 *id)
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

int filter_zero_counter(const struct filter_maps *m, __u32 id)
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

/*
 * OR into *bits @src_bit or @dst_bit for each entry of @map_fd that means
 * something in generation @g (a direction at @dir_off of the key, or the map's
 * own direction when @dir_off is negative: @src_bit for it).
 */
static void gen_bits(int map_fd, __u32 g, int dir_off, __u32 src_bit, __u32 dst_bit, __u32 *bits)
{
	__u8 key[32], next[32];
	struct xdpl_filter_rule v;
	void *prev = NULL;
	__u32 ks = 0;

	if (filter_map_key_size(map_fd, &ks) || ks > sizeof(key))
		return;
	while (!bpf_map_get_next_key(map_fd, prev, next)) {
		memcpy(key, next, ks);
		prev = key;
		if (bpf_map_lookup_elem(map_fd, key, &v) || !v.id[g & 1])
			continue;
		*bits |= dir_off >= 0 && key[dir_off] == XDPL_FILTER_DST ? dst_bit : src_bit;
	}
}

void filter_active_bits(const struct filter_maps *m, __u32 g, __u32 *bits)
{
	*bits = 0;
	gen_bits(m->src4, g, -1, XDPL_FILTER_HAS_SRC4, 0, bits);
	gen_bits(m->dst4, g, -1, XDPL_FILTER_HAS_DST4, 0, bits);
	gen_bits(m->src6, g, -1, XDPL_FILTER_HAS_SRC6, 0, bits);
	gen_bits(m->dst6, g, -1, XDPL_FILTER_HAS_DST6, 0, bits);
	gen_bits(m->port, g, offsetof(struct xdpl_filter_port, dir), XDPL_FILTER_HAS_PORT_SRC,
		 XDPL_FILTER_HAS_PORT_DST, bits);
	gen_bits(m->ether, g, offsetof(struct xdpl_filter_ether, dir), XDPL_FILTER_HAS_ETHER_SRC,
		 XDPL_FILTER_HAS_ETHER_DST, bits);
}

/* flt_cfg as the program applies it: before user space set it, the load-time values. */
int filter_cfg_read(const struct filter_maps *m, struct xdpl_filter_config *cfg)
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

int filter_cfg_write(const struct filter_maps *m, const struct xdpl_filter_config *cfg)
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
int filter_update_active(const struct filter_maps *m)
{
	struct xdpl_filter_config cfg = {};
	__u32 bits = 0;
	int err;

	err = filter_cfg_read(m, &cfg);
	if (err)
		return err;
	err = filter_skip_sync(m);
	if (err)
		return err;
	filter_active_bits(m, cfg.gen, &bits);
	if (cfg.active[cfg.gen & 1] == bits)
		return 0;
	cfg.active[cfg.gen & 1] = bits;
	return filter_cfg_write(m, &cfg);
}

/* The generation packets use now (read under the lock). */
static int cur_gen(const struct filter_maps *m, __u32 *g)
{
	struct xdpl_filter_config cfg;
	int err = filter_cfg_read(m, &cfg);

	*g = cfg.gen & 1;
	return err;
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

static void undo_run(const struct filter_maps *m, struct undo *u)
{
	size_t i = u->n;

	while (i--) {
		if (u->added[i])
			bpf_map_delete_elem(u->keys[i].map, u->keys[i].key);
		else
			filter_skip_put(m, u->keys[i].map, u->keys[i].key, &u->vals[i]);
	}
}

static void undo_free(struct undo *u)
{
	free(u->keys);
	free(u->vals);
	free(u->added);
}

static int del_key(const struct filter_key *k, __u32 g, struct undo *u, size_t *found)
{
	struct xdpl_filter_rule v;

	if (bpf_map_lookup_elem(k->map, k->key, &v))
		return errno == ENOENT ? 0 : -errno;
	if (bpf_map_delete_elem(k->map, k->key))
		return errno == ENOENT ? 0 : -errno;
	if (found && (v.own & (1u << g)))
		(*found)++;
	return undo_push(u, k, &v, false);
}

static int add_key(const struct filter_maps *m, const struct filter_key *k, __u32 g,
		   unsigned char *used, __u32 *next, struct undo *u, size_t *added, size_t *present)
{
	struct xdpl_filter_rule v = {}, old;
	bool leftover;
	int err;

	leftover = !bpf_map_lookup_elem(k->map, k->key, &old);
	if (leftover && (old.own & (1u << g))) {
		(*present)++;
		return 0;
	}
	/* (a leftover of a swap that did not finish: made a rule of this generation) */
	err = filter_alloc_id(used, next, &v.id[g]);
	/* Zero the counter before the rule can match, so it counts from 0. */
	if (!err)
		err = filter_zero_counter(m, v.id[g]);
	if (err)
		return err;
	v.own = 1u << g;
	err = filter_skip_put(m, k->map, k->key, &v);
	if (err)
		return err;
	(*added)++;
	return leftover ? undo_push(u, k, &old, false) : undo_push(u, k, &v, true);
}

int filter_change(const struct filter_maps *m, const struct filter_rule *add, size_t nadd,
		  const struct filter_rule *del, size_t ndel, size_t *added, size_t *present)
{
	struct filter_key keys[2];
	struct undo u = {};
	unsigned char *used = NULL;
	size_t i, nadded = 0, npresent = 0;
	__u32 next = 1, g = 0;
	int n, k, lock, err = 0;

	for (i = 0; i < nadd + ndel; i++)
		if (filter_rule_keys(m, i < nadd ? &add[i] : &del[i - nadd], keys) <= 0)
			return -EINVAL;
	lock = filter_lock();
	if (lock < 0)
		return lock;
	err = cur_gen(m, &g);
	if (!err)
		err = filter_sweep(m, g);
	for (i = 0; i < ndel && !err; i++) {
		n = filter_rule_keys(m, &del[i], keys);
		for (k = 0; k < n && !err; k++)
			err = del_key(&keys[k], g, &u, NULL);
	}
	if (!err && nadd)
		err = filter_used_ids(m, &used);
	for (i = 0; i < nadd && !err; i++) {
		n = filter_rule_keys(m, &add[i], keys);
		for (k = 0; k < n && !err; k++)
			err = add_key(m, &keys[k], g, used, &next, &u, &nadded, &npresent);
	}
	if (!err)
		err = filter_update_active(m);
	if (err) {
		/* Nothing half-applied. */
		undo_run(m, &u);
		filter_update_active(m);
		nadded = npresent = 0;
	}
	filter_unlock(lock);
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
	__u32 g = 0;
	int lock, err = 0;

	lock = filter_lock();
	if (lock < 0)
		return lock;
	err = cur_gen(m, &g);
	if (!err)
		err = filter_sweep(m, g);
	for (i = 0; i < n && !err; i++)
		err = del_key(&keys[i], g, &u, found);
	if (!err && *found)
		err = filter_update_active(m);
	if (err) {
		undo_run(m, &u);
		filter_update_active(m);
		*found = 0;
	}
	filter_unlock(lock);
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

/* ---- load's options ---- */

static const char *const policy_words[] = { "allow", "deny", NULL };
/* bit i is XDPL_FILTER_FEAT_*: tcp, udp, ipv4, ipv6, ethernet */
static const char *const feature_words[] = { "tcp", "udp", "ipv4", "ipv6", "ethernet", NULL };
static const char *const neigh_words[] = { "off", "on", NULL };

const struct builtin_opt filter_builtin_options[] = {
	/* default 2: not given (allow, or the policy a rule set has) */
	{ "policy", "allow|deny",
	  "frames matching no rule: allow passes them (default), deny drops them; a rule set "
	  "keeps its own",
	  0, 2, 2, policy_words, false, false },
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

/*
 * A rule set's policy is the set's (flt_cfg is shared): a new set takes the
 * one given (or allow); loading a set with another policy than it has is
 * refused, as xdp-filter refuses to load with the other policy.
 */
static int set_policy(struct bpf_object *obj, const char *set, bool given, __u32 policy,
		      __u32 flags)
{
	struct bpf_map *m = bpf_object__find_map_by_name(obj, XDPL_FILTER_MAP_CFG);
	struct xdpl_filter_config cfg = {};
	__u32 key = 0;
	int fd = m ? bpf_map__fd(m) : -1;

	if (fd < 0 || bpf_map_lookup_elem(fd, &key, &cfg))
		return xdpl_err(XDPL_ERR_FAIL, errno, "filter: cannot read rule set '%s': %s", set,
				strerror(errno));
	if (cfg.flags & XDPL_FILTER_CFG_SET) {
		if (!given || cfg.policy == policy)
			return 0;
		return xdpl_err(XDPL_ERR_USAGE, EINVAL,
				"filter: rule set '%s' has policy %s: load it with --policy %s or "
				"without --policy (the set's policy changes with 'xdpload filter "
				"IFACE policy %s', for every interface of the set)",
				set, filter_policy_str(cfg.policy), filter_policy_str(cfg.policy),
				filter_policy_str(policy));
	}
	cfg.policy = policy;
	cfg.flags = flags | XDPL_FILTER_CFG_SET;
	if (bpf_map_update_elem(fd, &key, &cfg, BPF_ANY))
		return xdpl_err(XDPL_ERR_FAIL, errno, "filter: cannot set rule set '%s': %s", set,
				strerror(errno));
	return 0;
}

int filter_builtin_configure(struct bpf_object *obj, const __u64 *vals)
{
	bool given = vals[0] <= 1;
	struct xdpl_filter_ro ro = {
		.policy = given && vals[0] ? XDPL_FILTER_POLICY_DENY : XDPL_FILTER_POLICY_ALLOW,
		.features = vals[1] & XDPL_FILTER_FEAT_ALL,
		.flags = vals[2] ? 0 : XDPL_FILTER_NEIGH_OFF,
	};
	struct bpf_map *m;
	int err;

	err = filter_set_attach(obj, BUILTIN_STR(vals[3]), builtin_iface(), ro.set);
	if (!err && ro.set[0] && builtin_iface())
		err = set_policy(obj, ro.set, given, ro.policy, ro.flags);
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

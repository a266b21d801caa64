// SPDX-License-Identifier: GPL-2.0-only
/* The filter's combined rules (see filter_combo.h). */
#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <netinet/in.h>
#include <bpf/bpf.h>

#include "percpu.h"
#include "progs/filter_combo.h"
#include "progs/filter_maps.h"

static int parse_num(const char *s, unsigned long min, unsigned long max, unsigned long *v)
{
	char *end;

	if (!*s || *s < '0' || *s > '9')
		return -EINVAL;
	errno = 0;
	*v = strtoul(s, &end, 10);
	return *end || errno || *v < min || *v > max ? -EINVAL : 0;
}

static int parse_range(const char *s, __u16 *lo, __u16 *hi)
{
	char buf[16], *dash;
	unsigned long a, b;

	if (strlen(s) >= sizeof(buf))
		return -EINVAL;
	strcpy(buf, s);
	dash = strchr(buf, '-');
	if (dash)
		*dash++ = '\0';
	if (parse_num(buf, 1, 65535, &a) || (dash && parse_num(dash, 1, 65535, &b)))
		return -EINVAL;
	if (!dash)
		b = a;
	if (b < a)
		return -EINVAL;
	*lo = a;
	*hi = b;
	return 0;
}

static const struct {
	const char *name;
	int proto;
} protos[] = {
	{ "tcp", IPPROTO_TCP },	      { "udp", IPPROTO_UDP },	{ "icmp", IPPROTO_ICMP },
	{ "icmpv6", IPPROTO_ICMPV6 }, { "sctp", IPPROTO_SCTP }, { NULL, 0 },
};

int filter_combo_parse(char *const *words, int n, struct xdpl_filter_combo *c, char *err,
		       size_t errlen)
{
	struct filter_rule r;
	unsigned long v;
	int i, k;

	memset(c, 0, sizeof(*c));
	if (!n) {
		snprintf(err, errlen,
			 "a combined rule needs at least one of src, dst, proto, sport, dport, "
			 "vlan");
		return -EINVAL;
	}
	for (i = 0; i < n; i += 2) {
		const char *w = words[i], *val = i + 1 < n ? words[i + 1] : NULL;

		if (!val) {
			snprintf(err, errlen, "'%s' needs a value", w);
			return -EINVAL;
		}
		if (!strcmp(w, "src") || !strcmp(w, "dst")) {
			bool src = !strcmp(w, "src");

			memset(&r, 0, sizeof(r));
			if (filter_parse_ip(val, &r, err, errlen))
				return -EINVAL;
			if (c->family && c->family != r.family) {
				snprintf(err, errlen, "src and dst must both be IPv4 or both IPv6");
				return -EINVAL;
			}
			c->family = r.family;
			memcpy(src ? c->src : c->dst, r.addr, 16);
			if (src)
				c->src_len = r.prefixlen;
			else
				c->dst_len = r.prefixlen;
		} else if (!strcmp(w, "proto")) {
			for (k = 0; protos[k].name && strcmp(protos[k].name, val); k++)
				;
			if (protos[k].name)
				c->proto = protos[k].proto;
			else if (!parse_num(val, 1, 255, &v))
				c->proto = v;
			else {
				snprintf(err, errlen,
					 "bad proto '%s': tcp, udp, icmp, icmpv6, sctp or 1..255",
					 val);
				return -EINVAL;
			}
		} else if (!strcmp(w, "sport") || !strcmp(w, "dport")) {
			bool s = !strcmp(w, "sport");

			if (parse_range(val, s ? &c->sport_lo : &c->dport_lo,
					s ? &c->sport_hi : &c->dport_hi)) {
				snprintf(err, errlen, "bad %s '%s': a port or LOW-HIGH, 1..65535",
					 w, val);
				return -EINVAL;
			}
		} else if (!strcmp(w, "vlan")) {
			if (parse_num(val, 0, 4094, &v)) {
				snprintf(err, errlen, "bad vlan '%s': 0..4094", val);
				return -EINVAL;
			}
			c->vlan = v + 1;
		} else {
			snprintf(err, errlen,
				 "unknown field '%s' (src, dst, proto, sport, dport, vlan)", w);
			return -EINVAL;
		}
	}
	/* "src 0.0.0.0/0" is any IPv4 source: keep the family, match by it */
	return 0;
}

void filter_combo_str(const struct xdpl_filter_combo *c, char *buf, size_t len)
{
	char a[INET6_ADDRSTRLEN];
	size_t used = 0;
	int k;

#define APPEND(...) used += snprintf(buf + used, used < len ? len - used : 0, __VA_ARGS__)
	buf[0] = '\0';
	if (c->family && (c->src_len || !c->dst_len)) {
		inet_ntop(c->family == 4 ? AF_INET : AF_INET6, c->src, a, sizeof(a));
		APPEND("%ssrc %s/%u", used ? " " : "", a, c->src_len);
	}
	if (c->family && c->dst_len) {
		inet_ntop(c->family == 4 ? AF_INET : AF_INET6, c->dst, a, sizeof(a));
		APPEND("%sdst %s/%u", used ? " " : "", a, c->dst_len);
	}
	if (c->proto) {
		for (k = 0; protos[k].name && protos[k].proto != c->proto; k++)
			;
		if (protos[k].name)
			APPEND("%sproto %s", used ? " " : "", protos[k].name);
		else
			APPEND("%sproto %u", used ? " " : "", c->proto);
	}
	if (c->sport_hi && c->sport_lo == c->sport_hi)
		APPEND("%ssport %u", used ? " " : "", c->sport_lo);
	else if (c->sport_hi)
		APPEND("%ssport %u-%u", used ? " " : "", c->sport_lo, c->sport_hi);
	if (c->dport_hi && c->dport_lo == c->dport_hi)
		APPEND("%sdport %u", used ? " " : "", c->dport_lo);
	else if (c->dport_hi)
		APPEND("%sdport %u-%u", used ? " " : "", c->dport_lo, c->dport_hi);
	if (c->vlan)
		APPEND("%svlan %u", used ? " " : "", c->vlan - 1);
#undef APPEND
}

static bool same(const struct xdpl_filter_combo *a, const struct xdpl_filter_combo *b)
{
	struct xdpl_filter_combo x = *a, y = *b;

	x.id[0] = x.id[1] = y.id[0] = y.id[1] = 0;
	x.pad = y.pad = 0;
	return !memcmp(&x, &y, sizeof(x));
}

/* The slots, and the generation packets use. */
static int read_all(const struct filter_maps *m, struct xdpl_filter_combo *slots, __u32 *g,
		    bool locked)
{
	struct xdpl_filter_config cfg;
	__u32 i;
	int err = filter_cfg_read(m, &cfg);

	if (err)
		return err;
	*g = cfg.gen & 1;
	/* a swap that was killed may have left the other generation's ids (sweep under the lock) */
	err = locked ? filter_sweep(m, *g) : 0;
	if (err)
		return err;
	for (i = 0; i < XDPL_FILTER_MAX_COMBO; i++)
		if (bpf_map_lookup_elem(m->combo, &i, &slots[i]))
			return -errno;
	return 0;
}

/* slots 0 .. ncombo-1 are looked at: the highest slot in use + 1 */
static int set_ncombo(const struct filter_maps *m, const struct xdpl_filter_combo *slots)
{
	struct xdpl_filter_config cfg;
	__u32 n = 0, i;
	int err;

	for (i = 0; i < XDPL_FILTER_MAX_COMBO; i++)
		if (slots[i].id[0] || slots[i].id[1])
			n = i + 1;
	err = filter_cfg_read(m, &cfg);
	if (err || cfg.ncombo == n)
		return err;
	cfg.ncombo = n;
	return filter_cfg_write(m, &cfg);
}

int filter_combo_add(const struct filter_maps *m, const struct xdpl_filter_combo *c)
{
	struct xdpl_filter_combo slots[XDPL_FILTER_MAX_COMBO], v = *c;
	unsigned char *used = NULL;
	__u32 i, free_slot = XDPL_FILTER_MAX_COMBO, next = 1, g = 0, id = 0;
	int lock, err;

	lock = filter_lock();
	if (lock < 0)
		return lock;
	err = read_all(m, slots, &g, true);
	for (i = 0; !err && i < XDPL_FILTER_MAX_COMBO; i++) {
		if (slots[i].id[g] && same(&slots[i], c)) {
			filter_unlock(lock);
			return 1;
		}
		if (!slots[i].id[0] && !slots[i].id[1] && free_slot == XDPL_FILTER_MAX_COMBO)
			free_slot = i;
	}
	if (!err && free_slot == XDPL_FILTER_MAX_COMBO)
		err = -ENOSPC;
	if (!err)
		err = filter_used_ids(m, &used);
	if (!err)
		err = filter_alloc_id(used, &next, &id);
	if (!err)
		err = filter_zero_counter(m, id);
	if (!err) {
		/* the fields first (the slot still free), then the id alone */
		v.id[0] = v.id[1] = 0;
		if (bpf_map_update_elem(m->combo, &free_slot, &v, BPF_ANY))
			err = -errno;
		v.id[g] = id;
		if (!err && bpf_map_update_elem(m->combo, &free_slot, &v, BPF_ANY))
			err = -errno;
		slots[free_slot] = v;
	}
	if (!err)
		err = set_ncombo(m, slots);
	filter_unlock(lock);
	free(used);
	return err;
}

int filter_combo_del(const struct filter_maps *m, const struct xdpl_filter_combo *c, int *found)
{
	struct xdpl_filter_combo slots[XDPL_FILTER_MAX_COMBO];
	__u32 i, g = 0;
	int lock, err;

	*found = 0;
	lock = filter_lock();
	if (lock < 0)
		return lock;
	err = read_all(m, slots, &g, true);
	for (i = 0; !err && i < XDPL_FILTER_MAX_COMBO; i++) {
		if (!slots[i].id[g] || !same(&slots[i], c))
			continue;
		/* only the ids change: the slot is free */
		slots[i].id[0] = slots[i].id[1] = 0;
		if (bpf_map_update_elem(m->combo, &i, &slots[i], BPF_ANY))
			err = -errno;
		(*found)++;
	}
	if (!err && *found)
		err = set_ncombo(m, slots);
	filter_unlock(lock);
	return err;
}

int filter_combo_flush(const struct filter_maps *m, size_t *removed)
{
	struct xdpl_filter_combo slots[XDPL_FILTER_MAX_COMBO];
	__u32 i, g = 0;
	int lock, err;

	*removed = 0;
	lock = filter_lock();
	if (lock < 0)
		return lock;
	err = read_all(m, slots, &g, true);
	for (i = 0; !err && i < XDPL_FILTER_MAX_COMBO; i++) {
		if (!slots[i].id[0] && !slots[i].id[1])
			continue;
		if (!slots[i].id[g])
			(*removed)--; /* a leftover of a swap, not a rule: counted below anyway */
		slots[i].id[0] = slots[i].id[1] = 0;
		if (bpf_map_update_elem(m->combo, &i, &slots[i], BPF_ANY))
			err = -errno;
		(*removed)++;
	}
	if (!err)
		err = set_ncombo(m, slots);
	filter_unlock(lock);
	return err;
}

int filter_combo_list(const struct filter_maps *m, struct filter_combo **rules, size_t *n)
{
	struct xdpl_filter_combo slots[XDPL_FILTER_MAX_COMBO];
	struct filter_combo *v;
	__u32 i, g = 0;
	int err;

	*rules = NULL;
	*n = 0;
	err = read_all(m, slots, &g, false);
	if (err)
		return err;
	v = calloc(XDPL_FILTER_MAX_COMBO, sizeof(*v));
	if (!v)
		return -ENOMEM;
	for (i = 0; i < XDPL_FILTER_MAX_COMBO; i++) {
		struct xdpl_filter_counter *vals;
		int ncpu, k;

		if (!slots[i].id[g] || slots[i].id[g] > XDPL_FILTER_MAX_RULES)
			continue;
		v[*n].c = slots[i];
		v[*n].slot = i;
		v[*n].id = slots[i].id[g];
		vals = percpu_lookup(m->hits, &slots[i].id[g], sizeof(*vals), &ncpu);
		for (k = 0; vals && k < ncpu; k++) {
			v[*n].hits += vals[k].packets;
			v[*n].bytes += vals[k].bytes;
		}
		free(vals);
		(*n)++;
	}
	*rules = v;
	return 0;
}

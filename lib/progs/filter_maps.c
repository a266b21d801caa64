// SPDX-License-Identifier: GPL-2.0-only
/* The filter's maps, found from its program, and the map entries of a rule (see filter_maps.h). */
#include <errno.h>
#include <string.h>
#include <unistd.h>
#include <netinet/in.h>
#include <bpf/bpf.h>

#include "attached.h"
#include "progs/filter.h"
#include "progs/filter_maps.h"

void filter_maps_close(struct filter_maps *m)
{
	int *fds[] = { &m->cfg,	  &m->src4, &m->dst4,  &m->src6, &m->dst6, &m->port,
		       &m->ether, &m->hits, &m->stats, &m->ro,	 &m->combo, &m->skip };
	size_t i;

	filter_skip_unmap(m);
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
		{ &m->combo, XDPL_FILTER_MAP_COMBO },
	};
	size_t i;
	int err;

	m->skip = -1;
	m->skip_mem = NULL;
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
	/* a filter loaded by an older xdpload has no flt_skip: it looks every class up */
	err = prog_map_fd_by_name(prog_fd, XDPL_FILTER_MAP_SKIP);
	if (err >= 0) {
		m->skip = err;
		err = filter_skip_map(m);
	} else if (err == -ENOENT) {
		err = 0;
	}
	if (err) {
		filter_maps_close(m);
		return err;
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

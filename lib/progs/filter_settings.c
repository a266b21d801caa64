// SPDX-License-Identifier: GPL-2.0-only
/*
 * The filter's settings (policy, neigh), load's options and their configure
 * hook, and the interfaces that share a filter's rules (see filter.h).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include "attached.h"
#include "iface.h"
#include "log.h"
#include "progs/filter.h"
#include "progs/filter_maps.h"
#include "progs/filter_set.h"

/* ---- settings ---- */

int filter_settings_get(const struct filter_maps *m, struct filter_settings *s)
{
	struct xdpl_filter_config cfg;
	struct xdpl_filter_ro ro = {};
	__u32 key = 0;
	int err;

	err = filter_cfg_read(m, &cfg);
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

	lock = filter_lock();
	if (lock < 0)
		return lock;
	err = filter_cfg_read(m, &cfg);
	if (!err) {
		if (policy >= 0)
			cfg.policy = policy;
		cfg.flags = (cfg.flags | set | XDPL_FILTER_CFG_SET) & ~clear;
		err = filter_cfg_write(m, &cfg);
	}
	filter_unlock(lock);
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

// SPDX-License-Identifier: GPL-2.0-only
/* Runtime settings and counters of the bundled "ratelimit" program (see ratelimit.h). */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include "attached.h"
#include "log.h"
#include "percpu.h"
#include "progs/ratelimit.h"

const struct builtin_opt ratelimit_builtin_options[] = {
	{ "rate", "PPS", "packets per second per source", 1, RATELIMIT_MAX_RATE,
	  XDPL_RL_DEFAULT_RATE, NULL, false, false },
	{ "burst", "N", "packets a source may send at once after being idle", 1,
	  RATELIMIT_MAX_BURST, XDPL_RL_DEFAULT_BURST, NULL, false, false },
	{ .name = NULL },
};

int ratelimit_builtin_configure(struct bpf_object *obj, const __u64 *vals)
{
	struct xdpl_rl_config cfg = { .rate_pps = vals[0], .burst = vals[1] };
	struct bpf_map *m;
	int err;

	m = bpf_object__find_map_by_name(obj, XDPL_RL_MAP_CFG);
	if (!m)
		return xdpl_err(XDPL_ERR_FAIL, ENOENT,
				"ratelimit: no %s section in the object (an old build?)",
				XDPL_RL_CFG_SECTION);
	err = bpf_map__set_initial_value(m, &cfg, sizeof(cfg));
	if (err)
		return xdpl_err(XDPL_ERR_FAIL, err, "ratelimit: cannot set its settings: %s",
				strerror(-err));
	return 0;
}

int ratelimit_configure(int prog_fd, __u64 rate_pps, __u64 burst)
{
	struct xdpl_rl_config cfg = { .rate_pps = rate_pps, .burst = burst };
	__u32 key = 0;
	int fd, err = 0;

	if (!rate_pps || rate_pps > RATELIMIT_MAX_RATE || !burst || burst > RATELIMIT_MAX_BURST)
		return -EINVAL;
	fd = prog_map_fd_by_name(prog_fd, XDPL_RL_MAP_CFG);
	if (fd < 0)
		return fd;
	if (bpf_map_update_elem(fd, &key, &cfg, BPF_ANY))
		err = -errno;
	close(fd);
	return err;
}

int ratelimit_get_config(int prog_fd, __u64 *rate_pps, __u64 *burst)
{
	struct xdpl_rl_config cfg;
	__u32 key = 0;
	int fd, err = 0;

	fd = prog_map_fd_by_name(prog_fd, XDPL_RL_MAP_CFG);
	if (fd < 0)
		return fd;
	if (bpf_map_lookup_elem(fd, &key, &cfg))
		err = -errno;
	close(fd);
	if (err)
		return err;
	/* The program reads zeros as its defaults; say what it actually applies. */
	*rate_pps = cfg.rate_pps ? cfg.rate_pps : XDPL_RL_DEFAULT_RATE;
	*burst = cfg.burst ? cfg.burst : XDPL_RL_DEFAULT_BURST;
	return 0;
}

static int count_sources(int prog_fd, __u64 *sources)
{
	struct xdpl_rl_key key, next;
	void *prev = NULL;
	int fd;

	fd = prog_map_fd_by_name(prog_fd, XDPL_RL_MAP_BUCKETS);
	if (fd < 0)
		return fd;
	*sources = 0;
	while (!bpf_map_get_next_key(fd, prev, &next)) {
		key = next;
		prev = &key;
		(*sources)++;
	}
	close(fd);
	return 0;
}

int ratelimit_get_stats(int prog_fd, struct xdpl_rl_stats *stats, __u64 *sources)
{
	struct xdpl_rl_stats *vals;
	int ncpu, fd, i, err = 0;
	__u32 key = 0;

	fd = prog_map_fd_by_name(prog_fd, XDPL_RL_MAP_STATS);
	if (fd < 0)
		return fd;
	memset(stats, 0, sizeof(*stats));
	vals = percpu_lookup(fd, &key, sizeof(*vals), &ncpu);
	if (!vals) {
		err = -errno;
	} else {
		for (i = 0; i < ncpu; i++) {
			stats->passed += vals[i].passed;
			stats->dropped += vals[i].dropped;
			stats->other += vals[i].other;
		}
	}
	free(vals);
	close(fd);
	if (!err && sources)
		err = count_sources(prog_fd, sources);
	return err;
}

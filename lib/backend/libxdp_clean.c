// SPDX-License-Identifier: GPL-2.0-only
/*
 * libxdp's clean-up, made safe across network namespaces. libxdp keys a
 * dispatcher's pins (<bpffs>/xdp/dispatch-IFINDEX-ID) by ifindex alone, and
 * libxdp_clean_references() removes every such directory whose dispatcher is
 * not the one attached at IFINDEX in the caller's namespace: run in one
 * namespace, it orphans the live chain of another whose interface has the same
 * ifindex (xdp-tools#287). So it is called only for ifindexes where every other
 * dispatcher is attached in no namespace of the host.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/stat.h>
#include <bpf/libbpf.h>
#include <xdp/libxdp.h>
#include "backend/libxdp_clean.h"
#include "log.h"

#define MAX_NETNS 512
#define MAX_DIRS 256

struct pin_dir {
	int ifindex;
	__u32 id;
};

static __u32 attached_here(int ifindex)
{
	LIBBPF_OPTS(bpf_xdp_query_opts, q);

	return bpf_xdp_query(ifindex, 0, &q) ? 0 : q.prog_id;
}

/*
 * Call fn(arg) inside each network namespace of the host but ours (named ones and
 * those of processes, once per nsfs inode) until it returns true (*found).
 */
static int for_each_other_netns(bool (*fn)(void *arg), void *arg, bool *found)
{
	static const char *const roots[] = { "/run/netns", "/proc" };
	ino_t seen[MAX_NETNS];
	char path[320];
	struct dirent *d;
	struct stat s;
	int n = 0, r, self, fd, err = 0;
	DIR *dp;

	self = open("/proc/self/ns/net", O_RDONLY | O_CLOEXEC);
	if (self < 0 || fstat(self, &s))
		return -errno;
	seen[n++] = s.st_ino;
	for (r = 0; r < 2 && !*found && !err; r++) {
		dp = opendir(roots[r]);
		while (dp && !*found && !err && (d = readdir(dp))) {
			if (d->d_name[0] == '.' ||
			    (r == 1 && (d->d_name[0] < '0' || d->d_name[0] > '9')))
				continue;
			snprintf(path, sizeof(path), "%s/%s%s", roots[r], d->d_name,
				 r ? "/ns/net" : "");
			if (stat(path, &s))
				continue;
			for (fd = 0; fd < n && seen[fd] != s.st_ino; fd++)
				;
			if (fd < n)
				continue;
			if (n == MAX_NETNS) {
				err = -E2BIG; /* cannot tell: keep everything */
				break;
			}
			seen[n++] = s.st_ino;
			fd = open(path, O_RDONLY | O_CLOEXEC);
			if (fd < 0)
				continue; /* gone meanwhile */
			if (setns(fd, CLONE_NEWNET)) {
				err = -errno;
			} else {
				*found = fn(arg);
				if (setns(self, CLONE_NEWNET))
					err = -errno; /* we must never stay elsewhere */
			}
			close(fd);
		}
		if (dp)
			closedir(dp);
	}
	close(self);
	return err;
}

struct probe {
	const struct pin_dir *dirs;
	int n;
	int ifindex;
	__u32 here;
};

/* In the namespace entered: does a dispatcher of p->ifindex, not ours, run at it? */
static bool other_live(void *arg)
{
	const struct probe *p = arg;
	__u32 id = attached_here(p->ifindex);
	int i;

	for (i = 0; id && i < p->n; i++)
		if (p->dirs[i].ifindex == p->ifindex && p->dirs[i].id == id && id != p->here)
			return true;
	return false;
}

static int scan_dirs(struct pin_dir *dirs, int max)
{
	const char *root = getenv("LIBXDP_BPFFS") ?: "/sys/fs/bpf";
	char path[300];
	struct dirent *d;
	int n = 0;
	DIR *dp;

	snprintf(path, sizeof(path), "%s/xdp", root);
	dp = opendir(path);
	if (!dp)
		return 0;
	while (n < max && (d = readdir(dp)))
		if (sscanf(d->d_name, "dispatch-%d-%u", &dirs[n].ifindex, &dirs[n].id) == 2)
			n++;
	closedir(dp);
	return n;
}

int libxdp_clean_safely(int only_ifindex)
{
	struct pin_dir dirs[MAX_DIRS];
	int i, k, n, err, ret = 0;

	n = scan_dirs(dirs, MAX_DIRS);
	for (i = 0; i < n; i++) {
		struct probe p = { .dirs = dirs, .n = n, .ifindex = dirs[i].ifindex };
		bool live = false;

		if (only_ifindex && p.ifindex != only_ifindex)
			continue;
		for (k = 0; k < i && dirs[k].ifindex != p.ifindex; k++)
			;
		if (k < i)
			continue; /* this ifindex was decided already */
		p.here = attached_here(p.ifindex);
		err = for_each_other_netns(other_live, &p, &live);
		if (err || live) {
			pr_debug("ifindex %d: libxdp's pins of another namespace's live "
				 "dispatcher share it; left alone%s\n",
				 p.ifindex, err ? " (namespaces cannot be read)" : "");
			continue;
		}
		err = libxdp_clean_references(p.ifindex);
		pr_debug("libxdp clean-up of ifindex %d: %s\n", p.ifindex,
			 err < 0 ? strerror(-err) : "done");
		if (err < 0 && err != -ENOENT && err != -EOPNOTSUPP)
			ret = ret ?: err;
	}
	return ret;
}

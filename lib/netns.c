// SPDX-License-Identifier: GPL-2.0-only
/* Every network namespace of the host (see netns.h). */
#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/stat.h>
#include "error.h"
#include "iface.h"
#include "log.h"
#include "netns.h"

#define NETNS_RUN_DIR "/run/netns"

struct nslist {
	struct netns_info *v;
	size_t n;
};

static struct netns_info *known(const struct nslist *l, __u64 ino)
{
	size_t i;

	for (i = 0; i < l->n; i++)
		if (l->v[i].ino == ino)
			return &l->v[i];
	return NULL;
}

static int add(struct nslist *l, const char *path, const char *name, pid_t pid, bool current)
{
	struct netns_info *v;
	struct stat s;

	if (stat(path, &s))
		return 0;
	v = known(l, s.st_ino);
	if (v) {
		/* ours, and it has a name too */
		if (name && !v->name[0]) {
			snprintf(v->name, sizeof(v->name), "%s", name);
			v->pid = 0;
		}
		return 0;
	}
	v = realloc(l->v, (l->n + 1) * sizeof(*v));
	if (!v)
		return -ENOMEM;
	l->v = v;
	memset(&v[l->n], 0, sizeof(v[0]));
	v[l->n].ino = s.st_ino;
	snprintf(v[l->n].name, sizeof(v[l->n].name), "%s", name ?: "");
	v[l->n].pid = name ? 0 : pid;
	v[l->n].current = current;
	l->n++;
	return 0;
}

static int by_name(const struct dirent **a, const struct dirent **b)
{
	return strcmp((*a)->d_name, (*b)->d_name);
}

static int only_pids(const struct dirent *d)
{
	const char *p = d->d_name;

	for (; *p; p++)
		if (!isdigit((unsigned char)*p))
			return 0;
	return d->d_name[0] != '\0';
}

static int by_pid(const struct dirent **a, const struct dirent **b)
{
	return atoi((*a)->d_name) - atoi((*b)->d_name);
}

static int collect(struct nslist *l)
{
	char path[PATH_MAX];
	struct dirent **ents;
	int i, n, err;

	err = add(l, "/proc/self/ns/net", NULL, getpid(), true);
	n = scandir(NETNS_RUN_DIR, &ents, NULL, by_name);
	for (i = 0; i < n; i++) {
		if (!err && ents[i]->d_name[0] != '.') {
			snprintf(path, sizeof(path), NETNS_RUN_DIR "/%s", ents[i]->d_name);
			err = add(l, path, ents[i]->d_name, 0, false);
		}
		free(ents[i]);
	}
	if (n >= 0)
		free(ents);
	n = scandir("/proc", &ents, only_pids, by_pid);
	for (i = 0; i < n; i++) {
		if (!err) {
			snprintf(path, sizeof(path), "/proc/%s/ns/net", ents[i]->d_name);
			err = add(l, path, NULL, atoi(ents[i]->d_name), false);
		}
		free(ents[i]);
	}
	if (n >= 0)
		free(ents);
	return err;
}

/* Enter ns; -ENOENT when it is gone (its last process exited, its name removed). */
static int enter(const struct netns_info *ns)
{
	char path[PATH_MAX];
	struct stat s;
	int fd, err = 0;

	if (ns->name[0])
		snprintf(path, sizeof(path), NETNS_RUN_DIR "/%s", ns->name);
	else
		snprintf(path, sizeof(path), "/proc/%d/ns/net", (int)ns->pid);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -ENOENT;
	/* a pid reused by a process of another namespace is not the one listed */
	if (fstat(fd, &s) || s.st_ino != ns->ino)
		err = -ENOENT;
	else if (setns(fd, CLONE_NEWNET))
		err = -errno;
	close(fd);
	return err;
}

int netns_for_each(int (*fn)(const struct netns_info *ns, void *arg), void *arg)
{
	struct nslist l = {};
	size_t i;
	int self, err;

	self = open("/proc/self/ns/net", O_RDONLY | O_CLOEXEC);
	if (self < 0)
		return xdpl_err(XDPL_ERR_FAIL, errno, "cannot open our network namespace: %s",
				strerror(errno));
	err = collect(&l);
	for (i = 0; i < l.n && !err; i++) {
		if (!l.v[i].current) {
			err = enter(&l.v[i]);
			if (err == -ENOENT) {
				err = 0;
				continue;
			}
			if (err) {
				err = xdpl_err(XDPL_ERR_PERM, err,
					       "cannot enter network namespace %s: %s",
					       l.v[i].name[0] ? l.v[i].name : "of a process",
					       strerror(-err));
				break;
			}
		}
		err = fn(&l.v[i], arg);
		if (!l.v[i].current && setns(self, CLONE_NEWNET)) {
			err = xdpl_err(XDPL_ERR_FAIL, errno,
				       "cannot return to our network namespace: %s",
				       strerror(errno));
			break;
		}
	}
	close(self);
	free(l.v);
	return err;
}

__u64 netns_self_ino(void)
{
	struct stat s;

	return stat("/proc/self/ns/net", &s) ? 0 : (__u64)s.st_ino;
}

static bool ino_in_dir(const char *dir, const char *suffix, __u64 ino)
{
	char path[PATH_MAX];
	struct dirent *d;
	struct stat s;
	bool found = false;
	DIR *dp = opendir(dir);

	if (!dp)
		return false;
	while (!found && (d = readdir(dp))) {
		if (d->d_name[0] == '.')
			continue;
		snprintf(path, sizeof(path), "%s/%s%s", dir, d->d_name, suffix);
		found = !stat(path, &s) && (__u64)s.st_ino == ino;
	}
	closedir(dp);
	return found;
}

bool netns_alive(__u64 ino)
{
	/* a namespace lives while a process is in it or something holds it (ip netns) */
	return !ino || ino_in_dir("/run/netns", "", ino) || ino_in_dir("/proc", "/ns/net", ino);
}

struct cookie_find {
	__u64 cookie;
	bool found;
};

static int match_cookie(const struct netns_info *ns, void *arg)
{
	struct cookie_find *f = arg;

	(void)ns;
	f->found = netns_cookie() == f->cookie;
	return f->found; /* non-zero stops the walk */
}

bool netns_cookie_alive(__u64 cookie)
{
	struct cookie_find f = { .cookie = cookie };

	/* when the walk cannot tell (no way back, no permission): alive */
	if (netns_for_each(match_cookie, &f) < 0)
		return true;
	return f.found;
}

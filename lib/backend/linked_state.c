// SPDX-License-Identifier: GPL-2.0-only
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <bpf/bpf.h>
#include <linux/if_link.h>
#include "bpffs.h"
#include "backend/linked_state.h"
#include "log.h"
#include "owner.h"

#define MANIFEST_MAGIC "xdpload-linked 1"
#define PIN_SUBDIR "xdpload"

void linked_state_path(const struct linked_state *st, const char *name, char *buf, size_t sz)
{
	if (!strcmp(name, "manifest") || !strcmp(name, "manifest.new") || !strcmp(name, "lock"))
		snprintf(buf, sz, "%s/%s", st->run_dir, name);
	else
		snprintf(buf, sz, "%s/%s", st->pin_dir, name);
}

void linked_state_comp_path(const struct linked_state *st, unsigned int uid, const char *name,
			    char *buf, size_t sz)
{
	if (name)
		snprintf(buf, sz, "%s/%u/%s", st->pin_dir, uid, name);
	else
		snprintf(buf, sz, "%s/%u", st->pin_dir, uid);
}

void linked_state_obj_path(const struct linked_state *st, unsigned int uid, char *buf, size_t sz)
{
	snprintf(buf, sz, "%s/%u.o", st->run_dir, uid);
}

__u32 linked_pin_id(const char *path)
{
	struct bpf_prog_info info = {};
	__u32 len = sizeof(info);
	int fd = bpf_obj_get(path);
	__u32 id = 0;

	if (fd < 0)
		return 0;
	/* prog and map info both start with type, id */
	if (!bpf_obj_get_info_by_fd(fd, &info, &len))
		id = info.id;
	close(fd);
	return id;
}

__u64 linked_netns_ino(void)
{
	struct stat s;

	return stat("/proc/self/ns/net", &s) ? 0 : (__u64)s.st_ino;
}

static bool ino_in_dir(const char *dir, const char *suffix, __u64 ino)
{
	char path[LINKED_PATH_LEN];
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

bool linked_netns_alive(__u64 ino)
{
	/* a namespace lives while a process is in it or something holds it (ip netns) */
	return !ino || ino_in_dir("/run/netns", "", ino) || ino_in_dir("/proc", "/ns/net", ino);
}

static int mkdirs(const char *path)
{
	char buf[LINKED_PATH_LEN], *p;

	snprintf(buf, sizeof(buf), "%s", path);
	for (p = buf + 1; *p; p++) {
		if (*p != '/')
			continue;
		*p = '\0';
		if (mkdir(buf, 0700) && errno != EEXIST)
			return -errno;
		*p = '/';
	}
	if (mkdir(buf, 0700) && errno != EEXIST)
		return -errno;
	return 0;
}

/* ---- manifest ---- */

static int parse_comp(char *line, struct linked_state_comp *c)
{
	char *fields[4] = {}, *p = line, *tab;
	int i;

	if (sscanf(line, "comp %u %u %u %u %u", &c->uid, &c->slot, &c->prio, &c->actions,
		   &c->order) != 5)
		return -EINVAL;
	for (i = 0; i < 4; i++) {
		tab = strchr(p, '\t');
		if (!tab)
			break;
		*tab = '\0';
		p = tab + 1;
		fields[i] = p;
	}
	for (i = 0; i < 4; i++) {
		char *nl = fields[i] ? strchr(fields[i], '\t') : NULL;

		if (nl)
			*nl = '\0';
	}
	if (!fields[0] || !fields[1])
		return -EINVAL;
	snprintf(c->name, sizeof(c->name), "%s", fields[0]);
	snprintf(c->label, sizeof(c->label), "%s", fields[1]);
	snprintf(c->pin_dir, sizeof(c->pin_dir), "%s", fields[2] ?: "");
	return 0;
}

static int read_manifest(struct linked_state *st, const char *path)
{
	char line[2048], mode[32];
	unsigned long long ino;
	unsigned int v;
	int err = 0;
	FILE *f;

	f = fopen(path, "r");
	if (!f)
		return errno == ENOENT ? 0 : -errno;
	if (!fgets(line, sizeof(line), f) ||
	    strncmp(line, MANIFEST_MAGIC, strlen(MANIFEST_MAGIC))) {
		fclose(f);
		return -EINVAL;
	}
	st->n = 0;
	while (fgets(line, sizeof(line), f)) {
		line[strcspn(line, "\n")] = '\0';
		if (sscanf(line, "mode %31s", mode) == 1) {
			if (mode_parse(mode, &st->mode))
				err = -EINVAL;
		} else if (sscanf(line, "counters %u", &v) == 1) {
			st->counters = v;
		} else if (sscanf(line, "next_uid %u", &v) == 1) {
			st->next_uid = v;
		} else if (sscanf(line, "netns_ino %llu", &ino) == 1) {
			st->netns_ino = ino;
		} else if (!strncmp(line, "comp ", 5)) {
			if (st->n == LINKED_MAX_COMPONENTS || parse_comp(line, &st->comps[st->n]))
				err = -EINVAL;
			else
				st->n++;
		}
	}
	fclose(f);
	if (err)
		return err;
	st->exists = true;
	return 0;
}

static int write_manifest(const struct linked_state *st, const char *path)
{
	int i, fd, err = 0;
	FILE *f;

	fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
	if (fd < 0)
		return -errno;
	f = fdopen(fd, "w");
	if (!f) {
		close(fd);
		return -errno;
	}
	fprintf(f, "%s\nmode %s\ncounters %d\nnext_uid %u\nnetns_ino %llu\n", MANIFEST_MAGIC,
		mode_name(st->mode), st->counters, st->next_uid, (unsigned long long)st->netns_ino);
	for (i = 0; i < st->n; i++) {
		const struct linked_state_comp *c = &st->comps[i];

		fprintf(f, "comp %u %u %u %u %u\t%s\t%s\t%s\n", c->uid, c->slot, c->prio,
			c->actions, c->order, c->name, c->label, c->pin_dir);
	}
	if (fflush(f) || fsync(fd))
		err = -errno;
	if (fclose(f) && !err)
		err = -errno;
	return err;
}

int linked_state_stage(const struct linked_state *st)
{
	char path[LINKED_PATH_LEN];

	linked_state_path(st, "manifest.new", path, sizeof(path));
	return write_manifest(st, path);
}

int linked_state_commit(const struct linked_state *st)
{
	char from[LINKED_PATH_LEN], to[LINKED_PATH_LEN];
	int err = 0;

	linked_state_path(st, "dispatcher_new", from, sizeof(from));
	linked_state_path(st, "dispatcher", to, sizeof(to));
	if (!access(from, F_OK) && rename(from, to))
		err = -errno;
	linked_state_path(st, "manifest.new", from, sizeof(from));
	linked_state_path(st, "manifest", to, sizeof(to));
	if (rename(from, to) && !err)
		err = -errno;
	return err;
}

void linked_state_unstage(const struct linked_state *st)
{
	char path[LINKED_PATH_LEN];

	linked_state_path(st, "dispatcher_new", path, sizeof(path));
	unlink(path);
	linked_state_path(st, "manifest.new", path, sizeof(path));
	unlink(path);
}

bool linked_state_attached(const struct linked_state *st, __u32 *attached_id)
{
	LIBBPF_OPTS(bpf_xdp_query_opts, q);
	char path[LINKED_PATH_LEN];
	__u32 id;

	*attached_id = 0;
	if (!bpf_xdp_query(st->iface.ifindex, 0, &q))
		*attached_id = q.prog_id;
	if (!*attached_id)
		return false;
	linked_state_path(st, "dispatcher", path, sizeof(path));
	id = linked_pin_id(path);
	return id && id == *attached_id;
}

/* ---- removal ---- */

static void remove_dir_files(const char *dir)
{
	char path[LINKED_PATH_LEN];
	struct dirent *d;
	DIR *dp = opendir(dir);

	if (!dp)
		return;
	while ((d = readdir(dp))) {
		if (d->d_name[0] == '.')
			continue;
		snprintf(path, sizeof(path), "%s/%s", dir, d->d_name);
		if (d->d_type == DT_DIR) {
			remove_dir_files(path);
			rmdir(path);
		} else {
			unlink(path);
		}
	}
	closedir(dp);
}

void linked_state_remove_comp(const struct linked_state *st, unsigned int uid)
{
	char path[LINKED_PATH_LEN];

	linked_state_comp_path(st, uid, NULL, path, sizeof(path));
	remove_dir_files(path);
	rmdir(path);
	linked_state_obj_path(st, uid, path, sizeof(path));
	unlink(path);
}

static void remove_state(struct linked_state *st, bool with_lock)
{
	char path[LINKED_PATH_LEN];
	struct dirent *d;
	DIR *dp;

	remove_dir_files(st->pin_dir);
	rmdir(st->pin_dir);
	dp = opendir(st->run_dir);
	while (dp && (d = readdir(dp))) {
		if (d->d_name[0] == '.' || (!with_lock && !strcmp(d->d_name, "lock")))
			continue;
		snprintf(path, sizeof(path), "%s/%s", st->run_dir, d->d_name);
		unlink(path);
	}
	if (dp)
		closedir(dp);
	if (with_lock)
		rmdir(st->run_dir);
	st->exists = false;
	st->n = 0;
}

void linked_state_remove_all(struct linked_state *st)
{
	remove_state(st, false);
}

void linked_state_destroy(struct linked_state *st)
{
	/*
	 * The lock goes too, while we hold it: a run waiting on it finds, once it
	 * has it, that the path no longer names the file it locked, and starts over.
	 */
	remove_state(st, true);
}

static bool uid_known(const struct linked_state *st, unsigned int uid)
{
	int i;

	for (i = 0; i < st->n; i++)
		if (st->comps[i].uid == uid)
			return true;
	return false;
}

int linked_state_remove_orphans(const struct linked_state *st)
{
	char path[LINKED_PATH_LEN];
	struct dirent *d;
	unsigned int uid;
	int removed = 0;
	char tail[8];
	DIR *dp;

	dp = opendir(st->pin_dir);
	while (dp && (d = readdir(dp))) {
		if (sscanf(d->d_name, "%u%1s", &uid, tail) != 1 || uid_known(st, uid))
			continue;
		linked_state_comp_path(st, uid, NULL, path, sizeof(path));
		remove_dir_files(path);
		rmdir(path);
		removed++;
	}
	if (dp)
		closedir(dp);
	dp = opendir(st->run_dir);
	while (dp && (d = readdir(dp))) {
		if (sscanf(d->d_name, "%u.%1s", &uid, tail) != 2 || uid_known(st, uid))
			continue;
		snprintf(path, sizeof(path), "%s/%s", st->run_dir, d->d_name);
		unlink(path);
		removed++;
	}
	if (dp)
		closedir(dp);
	return removed;
}

/* ---- open / close ---- */

/* A change staged, swapped or not, then interrupted: finish it or undo it. */
static void recover(struct linked_state *st)
{
	char path[LINKED_PATH_LEN];
	__u32 attached = 0, staged;
	LIBBPF_OPTS(bpf_xdp_query_opts, q);

	linked_state_path(st, "manifest.new", path, sizeof(path));
	if (access(path, F_OK))
		return;
	if (!bpf_xdp_query(st->iface.ifindex, 0, &q))
		attached = q.prog_id;
	linked_state_path(st, "dispatcher_new", path, sizeof(path));
	staged = linked_pin_id(path);
	if (staged && staged == attached) {
		pr_debug("%s: finishing a change an earlier run left half-done\n", st->iface.name);
		linked_state_commit(st);
	} else {
		pr_debug("%s: undoing a change an earlier run left half-done\n", st->iface.name);
		linked_state_unstage(st);
	}
}

/* Is fd still the file at path? linked_state_remove_all() unlinks a held lock. */
static bool same_file(int fd, const char *path)
{
	struct stat a, b;

	return !fstat(fd, &a) && !stat(path, &b) && a.st_dev == b.st_dev && a.st_ino == b.st_ino;
}

/* Leaves st->lock_fd at -1 (and returns 0) when there is no state and create is false. */
static int take_lock(struct linked_state *st, bool exclusive, bool create)
{
	char path[LINKED_PATH_LEN];
	int err;

	linked_state_path(st, "lock", path, sizeof(path));
	for (;;) {
		if (create) {
			err = mkdirs(st->run_dir);
			if (err)
				return xdpl_err(XDPL_ERR_PERM, err, "%s: cannot create %s: %s",
						st->iface.name, st->run_dir, strerror(-err));
		}
		st->lock_fd = open(path, O_RDWR | O_CLOEXEC | (create ? O_CREAT : 0), 0600);
		if (st->lock_fd < 0) {
			if (errno == ENOENT && !create)
				return 0; /* no state for this interface */
			return xdpl_err(XDPL_ERR_PERM, errno, "%s: cannot open %s: %s",
					st->iface.name, path, strerror(errno));
		}
		if (flock(st->lock_fd, exclusive ? LOCK_EX : LOCK_SH)) {
			err = -errno;
			linked_state_close(st);
			return xdpl_err(XDPL_ERR_FAIL, err, "%s: cannot lock %s: %s",
					st->iface.name, path, strerror(-err));
		}
		if (same_file(st->lock_fd, path))
			return 0;
		linked_state_close(st);
	}
}

int linked_state_open(const struct xdpl_iface *iface, bool exclusive, bool create,
		      struct linked_state *st)
{
	char bpffs[LINKED_DIR_LEN / 2], path[LINKED_PATH_LEN];
	int err;

	memset(st, 0, sizeof(*st));
	st->lock_fd = -1;
	st->iface = *iface;
	st->next_uid = 1;
	st->mode = XDP_MODE_UNSPEC;
	iface_key(iface, st->key, sizeof(st->key));
	snprintf(st->run_dir, sizeof(st->run_dir), XDPL_RUN_DIR "/%.64s", st->key);
	if (create || exclusive || !access(st->run_dir, F_OK)) {
		err = bpffs_root(bpffs, sizeof(bpffs));
		if (err)
			return err;
		snprintf(st->pin_dir, sizeof(st->pin_dir), "%.120s/" PIN_SUBDIR "/%.64s", bpffs,
			 st->key);
	}
	if (create) {
		err = mkdirs(st->run_dir);
		if (!err)
			err = mkdirs(st->pin_dir);
		if (err)
			return xdpl_err(XDPL_ERR_PERM, err, "%s: cannot create its state in %s: %s",
					iface->name, err == -EACCES ? st->run_dir : st->pin_dir,
					strerror(-err));
	}
	err = take_lock(st, exclusive, create);
	if (err || st->lock_fd < 0)
		return err;
	if (exclusive)
		recover(st);
	linked_state_path(st, "manifest", path, sizeof(path));
	err = read_manifest(st, path);
	if (err && exclusive && !create) {
		/* unload and clean decide: clean removes it */
		st->damaged = true;
		st->exists = false;
		st->n = 0;
		return 0;
	}
	if (err) {
		linked_state_close(st);
		return linked_state_damaged(st);
	}
	if (!st->exists)
		st->netns_ino = linked_netns_ino();
	return 0;
}

int linked_state_damaged(const struct linked_state *st)
{
	return xdpl_err(XDPL_ERR_FAIL, EBADMSG,
			"%s: its linked state %s/manifest is damaged ('xdpload clean %s' "
			"removes it)",
			st->iface.name, st->run_dir, st->iface.name);
}

void linked_state_close(struct linked_state *st)
{
	if (st->lock_fd >= 0)
		close(st->lock_fd);
	st->lock_fd = -1;
}

int linked_state_for_each_key(int (*fn)(const char *key, void *arg), void *arg)
{
	char bpffs[LINKED_DIR_LEN / 2], dir[LINKED_DIR_LEN], seen[4096] = "";
	const char *dirs[2] = { XDPL_RUN_DIR, NULL };
	struct dirent *d;
	int i, err = 0;
	DIR *dp;

	if (!bpffs_root(bpffs, sizeof(bpffs))) {
		snprintf(dir, sizeof(dir), "%.120s/" PIN_SUBDIR, bpffs);
		dirs[1] = dir;
	}
	for (i = 0; i < 2 && !err; i++) {
		if (!dirs[i])
			continue;
		dp = opendir(dirs[i]);
		while (dp && !err && (d = readdir(dp))) {
			unsigned long long cookie;
			int ifindex;
			char tail[2], tagged[300];

			if (sscanf(d->d_name, "%llx-%d%1s", &cookie, &ifindex, tail) != 2)
				continue;
			snprintf(tagged, sizeof(tagged), "|%s|", d->d_name);
			if (strstr(seen, tagged))
				continue;
			if (strlen(seen) + strlen(tagged) < sizeof(seen))
				strcat(seen, tagged);
			err = fn(d->d_name, arg);
		}
		if (dp)
			closedir(dp);
	}
	return err;
}

// SPDX-License-Identifier: GPL-2.0-only
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/stat.h>
#include "error.h"
#include "statedir.h"

int sdir_open_root(const char *path, struct xdpl_dir *out)
{
	out->fd = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	snprintf(out->path, sizeof(out->path), "%s", path);
	return out->fd < 0 ? -errno : 0;
}

/* Refuse what another user could have put there, or could change under us. */
static int check_trusted(const struct xdpl_dir *d)
{
	struct stat st;

	if (fstat(d->fd, &st))
		return xdpl_err(XDPL_ERR_PERM, errno, "%s: cannot stat: %s", d->path,
				strerror(errno));
	if (st.st_uid != geteuid())
		return xdpl_err(XDPL_ERR_PERM, EPERM,
				"%s is owned by uid %u, not by us (uid %u): refusing to keep "
				"state there; remove it if you did not make it",
				d->path, st.st_uid, geteuid());
	if (st.st_mode & (S_IWGRP | S_IWOTH))
		return xdpl_err(XDPL_ERR_PERM, EPERM,
				"%s is writable by others (mode %04o): refusing to keep state "
				"there; chmod 0700 it or remove it",
				d->path, st.st_mode & 07777);
	return 0;
}

int sdir_open(const struct xdpl_dir *base, const char *name, bool create, struct xdpl_dir *out)
{
	int err;

	out->fd = -1;
	snprintf(out->path, sizeof(out->path), "%.*s/%s", XDPL_PATH_LEN / 2, base->path, name);
	if (create && mkdirat(base->fd, name, 0700) && errno != EEXIST)
		return xdpl_err(XDPL_ERR_PERM, errno, "cannot create %s: %s", out->path,
				strerror(errno));
	out->fd = openat(base->fd, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (out->fd < 0) {
		err = -errno;
		if (err == -ENOENT && !create)
			return err;
		if (err == -ELOOP || err == -ENOTDIR)
			return xdpl_err(XDPL_ERR_PERM, err,
					"%s is not a directory (a symlink?): refusing to keep "
					"state there; remove it if you did not make it",
					out->path);
		return xdpl_err(XDPL_ERR_PERM, err, "cannot open %s: %s", out->path,
				strerror(-err));
	}
	err = check_trusted(out);
	if (err)
		sdir_close(out);
	return err;
}

void sdir_close(struct xdpl_dir *d)
{
	if (d->fd >= 0)
		close(d->fd);
	d->fd = -1;
}

void sdir_fd_path(const struct xdpl_dir *d, const char *name, char *buf, size_t sz)
{
	snprintf(buf, sz, "/proc/self/fd/%d/%s", d->fd, name);
}

bool sdir_exists(const struct xdpl_dir *d, const char *name)
{
	struct stat st;

	return d->fd >= 0 && !fstatat(d->fd, name, &st, AT_SYMLINK_NOFOLLOW);
}

static int empty_fd(int fd);

int sdir_remove(const struct xdpl_dir *d, const char *name)
{
	struct stat st;
	int fd, err;

	if (fstatat(d->fd, name, &st, AT_SYMLINK_NOFOLLOW))
		return errno == ENOENT ? 0 : -errno;
	if (!S_ISDIR(st.st_mode))
		return unlinkat(d->fd, name, 0) && errno != ENOENT ? -errno : 0;
	fd = openat(d->fd, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	err = empty_fd(fd);
	close(fd);
	if (unlinkat(d->fd, name, AT_REMOVEDIR) && errno != ENOENT && !err)
		err = -errno;
	return err;
}

static int empty_fd(int fd)
{
	struct xdpl_dir d = { .fd = fd };
	struct dirent *e;
	int err = 0, dup_fd;
	DIR *dp;

	dup_fd = dup(fd);
	if (dup_fd < 0)
		return -errno;
	dp = fdopendir(dup_fd);
	if (!dp) {
		close(dup_fd);
		return -errno;
	}
	/* the dup shares the offset of fd, which an earlier walk left at the end */
	rewinddir(dp);
	while ((e = readdir(dp))) {
		if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, ".."))
			continue;
		err = sdir_remove(&d, e->d_name) ?: err;
	}
	closedir(dp);
	return err;
}

int sdir_empty(const struct xdpl_dir *d)
{
	return empty_fd(d->fd);
}

int sdir_rename(const struct xdpl_dir *d, const char *from, const char *to)
{
	if (renameat(d->fd, from, d->fd, to))
		return -errno;
	/* the rename is the commit: make it survive a crash of the machine too */
	fsync(d->fd);
	return 0;
}

int sdir_write_file(const struct xdpl_dir *d, const char *name, const void *buf, size_t len)
{
	char tmp[256];
	size_t off = 0;
	int fd, err = 0;
	ssize_t w;

	snprintf(tmp, sizeof(tmp), ".%s.tmp", name);
	unlinkat(d->fd, tmp, 0);
	fd = openat(d->fd, tmp, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
	if (fd < 0)
		return -errno;
	while (off < len && !err) {
		w = write(fd, (const char *)buf + off, len - off);
		if (w < 0 && errno != EINTR)
			err = -errno;
		else if (w > 0)
			off += w;
	}
	if (!err && fsync(fd))
		err = -errno;
	close(fd);
	if (!err)
		err = sdir_rename(d, tmp, name);
	if (err)
		unlinkat(d->fd, tmp, 0);
	return err;
}

int sdir_read_file(const struct xdpl_dir *d, const char *name, size_t max, char **buf, size_t *len)
{
	struct stat st;
	ssize_t got;
	size_t off = 0;
	int fd, err = 0;

	*buf = NULL;
	fd = openat(d->fd, name, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	if (fstat(fd, &st) || !S_ISREG(st.st_mode)) {
		err = errno ? -errno : -EINVAL;
		goto out;
	}
	if ((size_t)st.st_size > max) {
		err = -EFBIG;
		goto out;
	}
	*buf = malloc(st.st_size + 1);
	if (!*buf) {
		err = -ENOMEM;
		goto out;
	}
	while (off < (size_t)st.st_size) {
		got = read(fd, *buf + off, st.st_size - off);
		if (got < 0 && errno == EINTR)
			continue;
		if (got <= 0) {
			err = got ? -errno : -EIO;
			goto out;
		}
		off += got;
	}
	(*buf)[off] = '\0';
	*len = off;
out:
	if (err) {
		free(*buf);
		*buf = NULL;
	}
	close(fd);
	return err;
}

int sdir_for_each(const struct xdpl_dir *d, int (*fn)(const char *name, void *arg), void *arg)
{
	struct dirent *e;
	int err = 0, fd;
	DIR *dp;

	fd = dup(d->fd);
	if (fd < 0)
		return -errno;
	dp = fdopendir(fd);
	if (!dp) {
		close(fd);
		return -errno;
	}
	rewinddir(dp);
	while (!err && (e = readdir(dp)))
		if (strcmp(e->d_name, ".") && strcmp(e->d_name, ".."))
			err = fn(e->d_name, arg);
	closedir(dp);
	return err;
}

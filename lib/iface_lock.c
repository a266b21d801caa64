// SPDX-License-Identifier: GPL-2.0-only
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <sys/file.h>
#include <sys/stat.h>
#include "error.h"
#include "iface_lock.h"

int xdpl_run_root(bool create, struct xdpl_dir *out)
{
	struct xdpl_dir run = XDPL_DIR_INIT;
	int err;

	err = sdir_open_root(XDPL_RUN_ROOT, &run);
	if (err)
		return xdpl_err(XDPL_ERR_PERM, err, "cannot open %s: %s", XDPL_RUN_ROOT,
				strerror(-err));
	err = sdir_open(&run, XDPL_STATE_NAME, create, out);
	sdir_close(&run);
	return err;
}

static int locks_dir(bool create, struct xdpl_dir *out)
{
	struct xdpl_dir root = XDPL_DIR_INIT;
	int err;

	err = xdpl_run_root(create, &root);
	if (!err)
		err = sdir_open(&root, "locks", create, out);
	sdir_close(&root);
	return err;
}

/* Is fd still the file named key in dir? iface_lock_forget() unlinks a held lock. */
static bool still_linked(int dir_fd, int fd, const char *key)
{
	struct stat a, b;

	return !fstat(fd, &a) && !fstatat(dir_fd, key, &b, AT_SYMLINK_NOFOLLOW) &&
	       a.st_dev == b.st_dev && a.st_ino == b.st_ino;
}

int iface_lock_take_key(const char *key, bool create, struct iface_lock *lk)
{
	struct xdpl_dir dir = XDPL_DIR_INIT;
	int err;

	lk->fd = -1;
	snprintf(lk->key, sizeof(lk->key), "%s", key);
	err = locks_dir(create, &dir);
	if (err)
		return err;
	for (;;) {
		lk->fd = openat(dir.fd, key,
				O_RDWR | O_NOFOLLOW | O_CLOEXEC | (create ? O_CREAT : 0), 0600);
		if (lk->fd < 0) {
			err = -errno;
			if (err != -ENOENT || create)
				err = xdpl_err(XDPL_ERR_PERM, err, "cannot open the lock %s/%s: %s",
					       dir.path, key, strerror(-err));
			break;
		}
		if (flock(lk->fd, LOCK_EX)) {
			err = xdpl_err(XDPL_ERR_FAIL, errno, "cannot lock %s/%s: %s", dir.path, key,
				       strerror(errno));
			iface_lock_release(lk);
			break;
		}
		if (still_linked(dir.fd, lk->fd, key))
			break;
		/* the state went while we waited: start afresh with the new lock */
		iface_lock_release(lk);
	}
	sdir_close(&dir);
	return err;
}

int iface_lock_take(const struct xdpl_iface *iface, bool create, struct iface_lock *lk)
{
	char key[64];

	iface_key(iface, key, sizeof(key));
	return iface_lock_take_key(key, create, lk);
}

void iface_lock_release(struct iface_lock *lk)
{
	if (lk->fd >= 0)
		close(lk->fd);
	lk->fd = -1;
}

struct locks_walk {
	bool (*in_use)(const char *key);
};

static int clean_lock(const char *key, void *arg)
{
	struct locks_walk *w = arg;
	struct iface_lock lk;

	if (iface_lock_take_key(key, false, &lk))
		return 0;
	if (!w->in_use(key))
		iface_lock_forget(&lk);
	iface_lock_release(&lk);
	return 0;
}

void iface_locks_clean(bool (*in_use)(const char *key))
{
	struct xdpl_dir dir = XDPL_DIR_INIT;
	struct locks_walk w = { .in_use = in_use };

	if (locks_dir(false, &dir))
		return;
	sdir_for_each(&dir, clean_lock, &w);
	sdir_close(&dir);
}

void iface_lock_forget(struct iface_lock *lk)
{
	struct xdpl_dir dir = XDPL_DIR_INIT;

	if (lk->fd >= 0 && !locks_dir(false, &dir))
		unlinkat(dir.fd, lk->key, 0);
	sdir_close(&dir);
}

/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Directories xdpload keeps state in. They sit on file systems others may be
 * able to write to (a bpffs mounted 1777 is common), so every directory is
 * opened relative to its parent's fd without following symlinks, and refused
 * unless it is a real directory owned by us (root) and writable by nobody else.
 * Files are created and removed with the *at() calls on those fds; the bpf
 * syscalls, which take paths, get /proc/self/fd/N/NAME, which resolves through
 * the fd and not through the names above it.
 */
#ifndef XDPL_STATEDIR_H
#define XDPL_STATEDIR_H

#include <stdbool.h>
#include <stddef.h>

#define XDPL_PATH_LEN 512

/* The roots: /run/xdpload (run-time files) and xdpload/ on the bpffs (pins). */
#define XDPL_RUN_ROOT "/run"
#define XDPL_STATE_NAME "xdpload"

struct xdpl_dir {
	int fd;			  /* -1: not open */
	char path[XDPL_PATH_LEN]; /* for messages */
};

#define XDPL_DIR_INIT    \
	{                \
		.fd = -1 \
	}

/* Open an absolute path as a base: trusted by where it is (/run, a bpffs mount). */
int sdir_open_root(const char *path, struct xdpl_dir *out);
/*
 * Open name below base as a state directory, creating it (0700) when create is
 * set. Returns 0, -ENOENT when it is missing and create is not set (nothing
 * recorded), or another -errno with the error recorded (kind PERM) naming the
 * directory and why it is refused.
 */
int sdir_open(const struct xdpl_dir *base, const char *name, bool create, struct xdpl_dir *out);
void sdir_close(struct xdpl_dir *d);

/* The path a bpf syscall takes for name inside d (resolved through d's fd). */
void sdir_fd_path(const struct xdpl_dir *d, const char *name, char *buf, size_t sz);
/* Does name exist in d (a symlink counts; it is not followed)? */
bool sdir_exists(const struct xdpl_dir *d, const char *name);
/* Remove name from d, and for a directory all that is below it; never follows symlinks. */
int sdir_remove(const struct xdpl_dir *d, const char *name);
/* Remove everything inside d (d itself stays). */
int sdir_empty(const struct xdpl_dir *d);
/* Rename within d (atomic), then make the change durable. */
int sdir_rename(const struct xdpl_dir *d, const char *from, const char *to);
/* Write name in d atomically (a temporary file, fsync, rename). */
int sdir_write_file(const struct xdpl_dir *d, const char *name, const void *buf, size_t len);
/* Read name from d, at most max bytes (-EFBIG beyond); *buf is NUL-terminated, caller frees. */
int sdir_read_file(const struct xdpl_dir *d, const char *name, size_t max, char **buf, size_t *len);
/* Call fn for every entry of d but . and .. (stops at the first non-zero return). */
int sdir_for_each(const struct xdpl_dir *d, int (*fn)(const char *name, void *arg), void *arg);

#endif

/* SPDX-License-Identifier: GPL-2.0-only */
/* Finding (or mounting) the BPF filesystem that holds xdpload's pins. */
#ifndef XDPL_BPFFS_H
#define XDPL_BPFFS_H

#include <stdbool.h>
#include <stddef.h>

/*
 * Path of a bpffs whose pins outlive this process. /sys/fs/bpf when it is one;
 * inside `ip netns exec` (which remounts /sys and hides it) the bpffs of the
 * nearest ancestor process that sees one, reached through /proc/PID/root, so
 * every invocation sees the same pins; else a bpffs is mounted on /sys/fs/bpf,
 * as libxdp does. Reports errors.
 */
int bpffs_root(char *path, size_t sz);

/*
 * Point libxdp (LIBXDP_BPFFS) at the init mount namespace's bpffs when ours is
 * hidden, so its dispatcher pins outlive `ip netns exec` too. A no-op when the
 * user set LIBXDP_BPFFS or /sys/fs/bpf is a bpffs.
 */
void bpffs_prepare_libxdp(void);

/*
 * Where a pin directory the user named (load -p) is from this process: under
 * `ip netns exec`, whose /sys hides the bpffs, a path below /sys/fs/bpf is
 * reached through the bpffs_root() that the invoking shell sees, so the pins
 * land on the real bpffs and outlive the command. NULL: bpffs_root() itself.
 */
int bpffs_resolve(const char *dir, char *path, size_t sz);

/* Is path on a bpffs? */
int is_bpffs(const char *path);

/* Do @a and @b name the same directory, trailing slashes aside (pin dirs as given)? */
bool bpffs_same_dir(const char *a, const char *b);

#endif

/* SPDX-License-Identifier: GPL-2.0-only */
/* Finding (or mounting) the BPF filesystem that holds xdpload's pins. */
#ifndef XDPL_BPFFS_H
#define XDPL_BPFFS_H

#include <stddef.h>

/*
 * Path of a bpffs whose pins outlive this process. /sys/fs/bpf when it is one;
 * inside `ip netns exec` (which remounts /sys and hides it) the init mount
 * namespace's, reached through /proc/1/root, so every invocation sees the same
 * pins; else a bpffs is mounted on /sys/fs/bpf, as libxdp does. Reports errors.
 */
int bpffs_root(char *path, size_t sz);

/* Is path on a bpffs? */
int is_bpffs(const char *path);

#endif

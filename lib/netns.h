/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Every network namespace of the host, for `status --all-netns`: the named ones
 * (/run/netns, as `ip netns` makes them) and those only processes hold
 * (/proc/PID/ns/net), each once. Labs in namespaces are visible from the host.
 * And whether a namespace still lives, for clean (state of a dead one goes).
 */
#ifndef XDPL_NETNS_H
#define XDPL_NETNS_H

#include <stdbool.h>
#include <sys/types.h>
#include <linux/types.h>

struct netns_info {
	__u64 ino;	/* the namespace's nsfs inode: what tells them apart */
	char name[256]; /* its /run/netns name, or "" */
	pid_t pid;	/* a process in it, when it has no name (else 0) */
	bool current;	/* the caller's own */
};

/*
 * Call fn inside each namespace in turn (the caller's first, then the named
 * ones by name, then the others by process ID), and come back to the caller's.
 * A namespace that vanished meanwhile is skipped. Stops at fn's first non-zero
 * return and returns it; -errno (recorded) when it cannot come back.
 */
int netns_for_each(int (*fn)(const struct netns_info *ns, void *arg), void *arg);

/* Is the network namespace with this nsfs inode still alive on this host? */
bool netns_alive(__u64 ino);
/* Does a namespace with this cookie (SO_NETNS_COOKIE) live? Enters each in turn. */
bool netns_cookie_alive(__u64 cookie);
/* The nsfs inode of our network namespace, 0 when it cannot be read. */
__u64 netns_self_ino(void);

#endif

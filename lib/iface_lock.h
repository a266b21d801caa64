/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * One lock per interface (keyed like its state: netns cookie and ifindex) that
 * every xdpload command holds while it reads or changes what xdpload keeps for
 * that interface. The lock file lives outside the state (/run/xdpload/locks/KEY),
 * so the state can be created after the lock is held and removed while it is
 * held; a waiter never finds a half-removed state.
 */
#ifndef XDPL_IFACE_LOCK_H
#define XDPL_IFACE_LOCK_H

#include <stdbool.h>
#include "iface.h"
#include "statedir.h"

struct iface_lock {
	int fd; /* -1: not held */
	char key[64];
};

/*
 * Take iface's lock, waiting for other runs. With create false and no lock file
 * (xdpload never kept anything for iface), returns -ENOENT without recording an
 * error. Other errors are recorded (kind PERM).
 */
int iface_lock_take(const struct xdpl_iface *iface, bool create, struct iface_lock *lk);
/* The same for a state key (clean walks keys whose interface may be gone). */
int iface_lock_take_key(const char *key, bool create, struct iface_lock *lk);
void iface_lock_release(struct iface_lock *lk);
/* Remove the lock file while holding it (nothing is kept for the key any more). */
void iface_lock_forget(struct iface_lock *lk);

/*
 * Remove the lock files of keys nothing is kept for (in_use says), each while
 * holding it: what clean does after the backends removed their leftovers.
 */
void iface_locks_clean(bool (*in_use)(const char *key));

/* The run-time root, /run/xdpload, opened and checked (created with create). */
int xdpl_run_root(bool create, struct xdpl_dir *out);

#endif

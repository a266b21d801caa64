/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The linked backend's state for one interface, keyed by iface_key() (network
 * namespace cookie and ifindex):
 *
 *   <bpffs>/xdpload/<key>/dispatcher      the composite program (attached)
 *   <bpffs>/xdpload/<key>/counters        per-component, per-action packet counters
 *   <bpffs>/xdpload/<key>/<uid>/prog      standalone copy of component <uid> (its ID, tag)
 *   <bpffs>/xdpload/<key>/<uid>/map_NAME  each of its maps (dots in NAME become _, bpffs
 *                                         refuses them): state survives rebuilds,
 *                                         prog arrays keep their tail-call targets
 *   /run/xdpload/<key>/lock               flock: one xdpload run at a time per interface
 *   /run/xdpload/<key>/manifest           the chain (components, order, mode)
 *   /run/xdpload/<key>/<uid>.o            each component's object file, to rebuild
 *
 * A change stages dispatcher_new and manifest.new, swaps the program on the
 * interface, then renames both into place. Opening the state with the lock
 * finishes or undoes a change a crash interrupted.
 */
#ifndef XDPL_LINKED_STATE_H
#define XDPL_LINKED_STATE_H

#include <stdbool.h>
#include <linux/types.h>
#include "iface.h"
#include "linked/compose.h"

#define LINKED_NAME_LEN 128
#define LINKED_PATH_LEN 1024 /* any path built from the directories below */
#define LINKED_DIR_LEN 256

struct linked_state_comp {
	unsigned int uid;  /* names its pins and saved object; never reused on an interface */
	unsigned int slot; /* its counters in the counters map */
	unsigned int prio;
	unsigned int actions; /* chain-call actions, 1 << XDP_* */
	unsigned int order;
	char name[LINKED_NAME_LEN];   /* program (function) name */
	char label[LINKED_DIR_LEN];   /* what the user loaded: builtin name or file */
	char pin_dir[LINKED_DIR_LEN]; /* load -p, or "" */
};

struct linked_state {
	struct xdpl_iface iface;
	char key[64];
	char run_dir[LINKED_DIR_LEN];
	char pin_dir[LINKED_DIR_LEN];
	int lock_fd;
	bool exists;  /* a manifest was read */
	bool damaged; /* the manifest cannot be read (only for unload and clean) */
	enum xdp_attach_mode mode;
	bool counters;
	unsigned int next_uid;
	__u64 netns_ino; /* to tell, from another namespace, whether ours is gone */
	int n;
	struct linked_state_comp comps[LINKED_MAX_COMPONENTS];
};

/*
 * Lock (exclusive, or shared for readers) and read the interface's state.
 * create: make the directories (for a load). With the exclusive lock a change
 * a crash interrupted is finished or undone first. Reports errors; a damaged
 * manifest is an error except for exclusive opens without create (unload,
 * clean), which get st->damaged instead.
 */
int linked_state_open(const struct xdpl_iface *iface, bool exclusive, bool create,
		      struct linked_state *st);
void linked_state_close(struct linked_state *st);
/* Report a damaged manifest (and how to remove it); returns -EBADMSG. */
int linked_state_damaged(const struct linked_state *st);

/* Stage the manifest (manifest.new); linked_state_commit renames it into place. */
int linked_state_stage(const struct linked_state *st);
int linked_state_commit(const struct linked_state *st);
/* Drop a staged change that was not swapped in. */
void linked_state_unstage(const struct linked_state *st);

/* Paths. */
void linked_state_path(const struct linked_state *st, const char *name, char *buf, size_t sz);
void linked_state_comp_path(const struct linked_state *st, unsigned int uid, const char *name,
			    char *buf, size_t sz);
void linked_state_obj_path(const struct linked_state *st, unsigned int uid, char *buf, size_t sz);

/* The kernel ID of a pinned program or map (0 when the pin is missing). */
__u32 linked_pin_id(const char *path);

/* Remove one component's pins and saved object. */
void linked_state_remove_comp(const struct linked_state *st, unsigned int uid);
/* Remove everything: pins, run files, directories (the lock goes on close). */
void linked_state_remove_all(struct linked_state *st);
/* Remove everything, the lock and run directory included: the chain is gone. */
void linked_state_destroy(struct linked_state *st);
/* Remove pins and objects of uids not in the manifest (leftovers of crashes). */
int linked_state_remove_orphans(const struct linked_state *st);

/*
 * Is the interface running this state's dispatcher? Sets *attached_id to the
 * program ID on the interface (0 for none).
 */
bool linked_state_attached(const struct linked_state *st, __u32 *attached_id);

/*
 * Every state directory (under /run/xdpload and <bpffs>/xdpload), for clean:
 * calls fn(key, arg) once per key.
 */
int linked_state_for_each_key(int (*fn)(const char *key, void *arg), void *arg);

/* Is the network namespace with this nsfs inode still alive on this host? */
bool linked_netns_alive(__u64 ino);

/* The nsfs inode of our network namespace. */
__u64 linked_netns_ino(void);

#endif

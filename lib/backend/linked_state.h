/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The linked backend's state for one interface, keyed by iface_key() (network
 * namespace cookie and ifindex), and the protocol that keeps it consistent with
 * what the kernel runs through any crash (ARCHITECTURE.md, "linked state"):
 *
 *   <bpffs>/xdpload/KEY/dispatcher_G   the composite program of generation G
 *   <bpffs>/xdpload/KEY/counters       per-component, per-action packet counters
 *   <bpffs>/xdpload/KEY/cUID/prog      standalone copy of component UID (its ID, tag)
 *   <bpffs>/xdpload/KEY/cUID/map_NAME  each of its maps (state survives rebuilds)
 *   <bpffs>/xdpload/KEY/maps/NAME      maps pinned by name (LIBBPF_PIN_BY_NAME) without
 *                                      load -p: the chain's, shared by its programs
 *   /run/xdpload/KEY/manifest          the committed chain (JSON, linked_manifest.h)
 *   /run/xdpload/KEY/manifest.G        generation G, staged before its swap
 *   /run/xdpload/KEY/cUID.o            each component's object file, to rebuild
 *   /run/xdpload/KEY/reader.N          flocked while trace reader N runs
 *   <bpffs>/xdpload/KEY/trace/map_NAME the tracer's maps (linked_trace.h)
 *   /run/xdpload/locks/KEY             the interface's lock (iface_lock.h)
 *
 * A change stages everything new under fresh uids and generation G, swaps
 * dispatcher_G onto the interface, and commits with one rename (manifest.G to
 * manifest). Opening the state (under the interface lock) recovers: the
 * attached program's ID says whether the staged generation is live (roll
 * forward) or not (roll back); whatever no committed generation names is
 * removed; a committed chain no longer attached is forgotten.
 */
#ifndef XDPL_LINKED_STATE_H
#define XDPL_LINKED_STATE_H

#include <stdbool.h>
#include <linux/types.h>
#include "backend/linked_manifest.h"
#include "iface.h"
#include "statedir.h"

#define LINKED_PATH_LEN 1024 /* a /proc/self/fd path to any pin */
/* in the pins: maps pinned by name, kept for the chain's life */
#define LINKED_MAPS_DIR "maps"
/* in the pins: the tracer's maps (xdpload trace), kept while the chain exists */
#define LINKED_TRACE_DIR "trace"
/* in the run-time directory: "reader.N", flocked by the trace reader of slot N */
#define LINKED_TRACE_READER "reader."

struct linked_state {
	struct xdpl_iface iface;
	char key[64];
	struct xdpl_dir run;  /* /run/xdpload/KEY, or fd -1 when absent */
	struct xdpl_dir pins; /* <bpffs>/xdpload/KEY, or fd -1 when absent */
	bool exists;	      /* a committed chain is attached (m is it) */
	bool damaged;	      /* a manifest that cannot be read: see linked_state_damaged() */
	struct linked_manifest m;
};

/*
 * Open iface's state and recover it; the caller holds the interface lock.
 * create: make the directories (a load). Without create and without state,
 * returns 0 with st->exists false. A damaged manifest sets st->damaged (clean
 * and unload --force decide); other errors are recorded.
 */
int linked_state_open(const struct xdpl_iface *iface, bool create, struct linked_state *st);
/*
 * Open the state of key without touching the kernel (clean, for keys of other
 * network namespaces or interfaces that are gone): no recovery.
 */
int linked_state_open_key(const char *key, struct linked_state *st);
void linked_state_close(struct linked_state *st);
/* Record the error for a damaged manifest (and how to remove it); returns -EBADMSG. */
int linked_state_damaged(const struct linked_state *st);

/* A uid no component, staged or committed or left over, ever had on this state. */
unsigned int linked_state_new_uid(struct linked_state *st);
/* Where component uid's pins go (created) and its saved object's name in st->run. */
int linked_state_comp_dir(const struct linked_state *st, unsigned int uid, bool create,
			  struct xdpl_dir *out);
void linked_state_obj_name(unsigned int uid, char *buf, size_t sz);
/* The /proc/self/fd path of a pin in st->pins ("counters", "dispatcher.3"). */
void linked_state_pin_path(const struct linked_state *st, const char *name, char *buf, size_t sz);
void linked_state_dispatcher_name(unsigned int generation, char *buf, size_t sz);

/* Stage next (its generation set by the caller): manifest.G, durable. */
int linked_state_stage(const struct linked_state *st, const struct linked_manifest *next);
/* The commit: manifest.G becomes the manifest; st->m becomes next; leftovers go. */
int linked_state_commit(struct linked_state *st, const struct linked_manifest *next);
/* Undo a staged generation that was not swapped in, and what it created. */
void linked_state_unstage(struct linked_state *st, unsigned int generation);
/* Remove what no committed generation names (a crash's or a change's leftovers). */
int linked_state_sweep(struct linked_state *st);
/* Remove everything kept for the interface (the lock is the caller's). */
void linked_state_destroy(struct linked_state *st);

/* The kernel ID of a pinned program or map at a /proc/self/fd path (0 when missing). */
__u32 linked_pin_id(const char *path);
/* The ID of the program attached to st's interface (0 for none). */
__u32 linked_state_attached_id(const struct linked_state *st);
/* The ID of the committed chain's dispatcher (0 when there is none). */
__u32 linked_state_dispatcher_id(const struct linked_state *st);

/* Remove <bpffs>/xdpload when no state is left in it (clean). */
void linked_state_tidy(void);
/* Is there linked state (run-time files or pins) for key? */
bool linked_state_key_exists(const char *key);
/* Every key with linked state (for clean); calls fn(key, arg). */
int linked_state_for_each_key(int (*fn)(const char *key, void *arg), void *arg);

#endif

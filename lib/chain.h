/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The chain model: what a chain member is (struct chain_entry, embedded by every
 * structure that describes one: an opened component, a linked state's component,
 * a program in a status report) and the run order, identical for both backends.
 */
#ifndef XDPL_CHAIN_H
#define XDPL_CHAIN_H

#include <stdbool.h>
#include <stddef.h>

/* Programs one chain holds at most: what status shows and the linked backend builds. */
#define XDPL_CHAIN_MAX 64
#define XDPL_NAME_LEN 128  /* a program (function) name, as BTF has it */
#define XDPL_LABEL_LEN 256 /* what the user loaded: a bundled name or a file path */
#define XDPL_DEFAULT_PRIO 50

struct chain_entry {
	char name[XDPL_NAME_LEN];
	char label[XDPL_LABEL_LEN];
	unsigned int prio;
	unsigned int actions; /* chain-call actions, mask of 1 << XDP_* */
	unsigned int order;   /* load order: the last ordering key */
};

/* libxdp's rule: ascending priority, then program name, then load order. */
int chain_cmp(const struct chain_entry *a, const struct chain_entry *b);

/* A chain in run order: pointers to entries embedded in the caller's structures. */
struct chain {
	struct chain_entry *v[XDPL_CHAIN_MAX];
	int n;
};

/* Insert e at its place in run order; -E2BIG when the chain is full. */
int chain_insert(struct chain *c, struct chain_entry *e);
/* Take e out of the chain (no-op when it is not in it). */
void chain_remove(struct chain *c, const struct chain_entry *e);
/* Re-establish run order after entries changed. */
void chain_sort(struct chain *c);
/* The load order for a program added now: after every entry there. */
unsigned int chain_next_order(const struct chain *c);
/*
 * Is e the program called name? The kernel keeps 15 characters of a name, so a
 * name cut there (as bpftool and ip show it) matches too.
 */
bool chain_entry_is(const struct chain_entry *e, const char *name);
/* Index of the first entry in run order called name, or -1 (unload -n removes that one). */
int chain_find_name(const struct chain *c, const char *name);

/* Copy a string into a fixed field; the manifest and labels never hold a tab or newline. */
void chain_entry_set(struct chain_entry *e, const char *name, const char *label, unsigned int prio,
		     unsigned int actions, unsigned int order);

#endif

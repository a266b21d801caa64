/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The manifest of a linked chain: what the linked backend needs to rebuild it,
 * one JSON document per generation (format in ARCHITECTURE.md, "linked state").
 * Pure: parsing and formatting only, so that it can be unit-tested and fuzzed.
 */
#ifndef XDPL_LINKED_MANIFEST_H
#define XDPL_LINKED_MANIFEST_H

#include <stdbool.h>
#include <stddef.h>
#include <linux/types.h>
#include <xdp/libxdp.h>
#include <xdpload/dispatcher.h>
#include "chain.h"

#define LINKED_MANIFEST_FORMAT 2
#define LINKED_MANIFEST_MAX (1 << 20) /* bytes: far above 64 components */

struct linked_comp {
	struct chain_entry entry;
	unsigned int uid;	      /* names its pins and saved object; never reused */
	unsigned int slot;	      /* its counters in the counters map */
	char pin_dir[XDPL_LABEL_LEN]; /* load -p, or "" */
	/* the counters of its slot when it got the slot: status shows what it added */
	__u64 base[XDPL_DISP_SLOTS];
	__u64 bytes_base[XDPL_DISP_SLOTS]; /* the same for its bytes (optional: zeros) */
	/* inlined into the dispatcher, or called and why (optional: false, "" if absent) */
	bool inlined;
	char call_reason[64];
};

struct linked_manifest {
	unsigned int generation; /* names the dispatcher pin of this chain: dispatcher_G */
	enum xdp_attach_mode mode;
	bool counters;
	bool no_inline; /* load --no-inline: every rebuild calls every component (optional) */
	/* the dispatcher is the traced variant: a trace reader runs (optional: false) */
	bool traced;
	bool bytes;	       /* the dispatcher counts bytes too (optional: false) */
	__u64 netns_ino;       /* to tell, from another namespace, whether ours is gone */
	unsigned int next_uid; /* every uid below it was given out */
	int n;
	struct linked_comp comps[XDPL_CHAIN_MAX];
};

/* Parse text (len bytes, need not be NUL-terminated); -EBADMSG when malformed. */
int linked_manifest_parse(const char *text, size_t len, struct linked_manifest *m);
/* Format m; *out is allocated (the caller frees), *len set. */
int linked_manifest_format(const struct linked_manifest *m, char **out, size_t *len);

#endif

/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * A linked chain's maps across rebuilds. Maps pinned by name
 * (LIBBPF_PIN_BY_NAME) belong to the chain unless load -p gave a directory:
 * they live in <pins>/maps/NAME, shared by the chain's programs by name and
 * removed with the chain. A component already in the chain gets its maps back
 * by FD, from its own pins or the chain's, so a rebuild keeps their contents.
 * A build that does not commit takes back the pins it made.
 */
#ifndef XDPL_LINKED_MAPS_H
#define XDPL_LINKED_MAPS_H

#include <stdbool.h>
#include <linux/types.h>
#include <bpf/libbpf.h>
#include "backend/linked_state.h"
#include "statedir.h"

/* The chain's maps/ directory as one build uses it. */
struct linked_maps {
	struct linked_state *st;
	struct xdpl_dir dir; /* <pins>/maps, opened on need */
	bool made;	     /* this build made it: a failed build leaves none */
};

/*
 * The name a component's own map is pinned under in its directory: bpffs
 * refuses names with a dot, and internal maps are named like "obj.rodata".
 */
void linked_maps_pin_name(const struct bpf_map *m, char *buf, size_t sz);

void linked_maps_init(struct linked_maps *lm, struct linked_state *st);

/*
 * A new component's maps pinned by name go to the chain's directory (unless
 * user_pins: then where libbpf puts them, as with xdp-loader). Sets bit i of
 * *made_here for map i when its pin will be this build's own.
 */
int linked_maps_place(struct linked_maps *lm, struct bpf_object *obj, const char *label,
		      bool user_pins, __u64 *made_here);

/* A component already in the chain: its maps by FD from their pins. */
int linked_maps_reuse(struct linked_maps *lm, struct bpf_object *obj, const struct linked_comp *m);

/* Remove the pins marked in made_here (a build that did not commit). */
void linked_maps_unpin(struct linked_maps *lm, struct bpf_object *obj, __u64 made_here);

void linked_maps_close(struct linked_maps *lm);

#endif

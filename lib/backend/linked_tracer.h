/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The tracer function (progs/internal/tracer.bpf.c) for a traced linked
 * chain: opened from the copy embedded in xdpload, its maps reused from
 * <pins>/trace/ (or created and pinned there, kept while the chain exists, so
 * a reader's ring buffers and settings survive every rebuild), captured like
 * a component. linked_build.c hands it to compose.
 */
#ifndef XDPL_LINKED_TRACER_H
#define XDPL_LINKED_TRACER_H

#include <linux/types.h>
#include "backend/linked_state.h"
#include "linked/capture.h"

struct linked_tracer {
	struct bpf_object *obj;
	struct linked_prog *lp;
	int rec_fd; /* its record map (the object's) */
};

/*
 * Open, reuse or pin its maps, capture. frags: the chain handles multi-buffer
 * packets (the tracer's flags follow). Returns 0 or -errno (recorded).
 */
int linked_tracer_prepare(const struct linked_state *st, bool frags, struct linked_tracer **out);
void linked_tracer_free(struct linked_tracer *t);

/* The fd of the tracer's pinned map NAME (tr_cfg, tr_ring0 ...) of st, or -errno. */
int linked_tracer_map(const struct linked_state *st, const char *name);

#endif

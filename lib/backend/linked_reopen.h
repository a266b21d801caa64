/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Reopen the chain committed on an interface, as a rebuild would, for a dry run
 * (dryrun.h): each component from its saved object, with the maps pinned for
 * it reused, so the dry run meets the same rules and settings as the chain
 * attached. Nothing is loaded and nothing on the interface or in the state
 * changes.
 */
#ifndef XDPL_LINKED_REOPEN_H
#define XDPL_LINKED_REOPEN_H

#include <linux/types.h>
#include "chain.h"
#include "component.h"
#include "iface.h"

/*
 * Open iface's committed linked chain (the caller holds the interface lock) into
 * comps[XDPL_CHAIN_MAX], in run order; ids[i] is the kernel ID of component i's
 * standalone copy (0 when it has none). Returns the number of components, or
 * -errno recorded (-ENOENT: no linked chain there). The caller closes comps.
 */
int linked_reopen(const struct xdpl_iface *iface, struct component *comps, __u32 *ids);

#endif

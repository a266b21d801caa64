/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Reach a bundled program that is already attached (filter, ratelimit, watch)
 * and its maps, for either dispatcher backend: their runtime settings change
 * through the maps, without a reload.
 */
#ifndef XDPLOAD_LIB_ATTACHED_H
#define XDPLOAD_LIB_ATTACHED_H

struct xdpl_iface;

/*
 * The fd of the program named @name attached to @iface (a chain component, or
 * the single program), looked up through status. Reports its own errors: not
 * attached (NOTFOUND), status unreadable (PERM or FAIL). The caller checked
 * privileges (xdpload's prologue does, once for every command).
 */
int attached_prog_fd(const struct xdpl_iface *iface, const char *name);

/*
 * The fd of the map called @name among the maps program @prog_fd uses,
 * or -ENOENT. The caller closes it.
 */
int prog_map_fd_by_name(int prog_fd, const char *name);

#endif

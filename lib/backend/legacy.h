/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * One program attached without a dispatcher. xdpload attaches one that way when
 * libxdp falls back to it (libxdp's backend, one program, no freplace), and
 * remembers its ID in /run/xdpload/legacy/KEY so that unload tells it from a
 * program another tool attached.
 */
#ifndef XDPL_LEGACY_H
#define XDPL_LEGACY_H

#include <stdbool.h>
#include <linux/types.h>
#include "iface.h"

/* Remember that xdpload attached program prog_id on iface. */
int legacy_mark(const struct xdpl_iface *iface, __u32 prog_id);
/* Did xdpload attach prog_id on iface? */
bool legacy_is_ours(const struct xdpl_iface *iface, __u32 prog_id);
/* Forget what was remembered for iface (its program went or was replaced). */
void legacy_forget(const struct xdpl_iface *iface);

#endif

/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Which single programs xdpload attached without a dispatcher (libxdp's fallback),
 * so that unload can tell them from programs other tools attached.
 */
#ifndef XDPL_OWNER_H
#define XDPL_OWNER_H

#include <stdbool.h>
#include <linux/types.h>
#include "iface.h"

/* Run-time state lives here, one directory per iface_key(). */
#define XDPL_RUN_DIR "/run/xdpload"

int owner_mark_legacy(const struct xdpl_iface *iface, __u32 prog_id);
bool owner_is_legacy(const struct xdpl_iface *iface, __u32 prog_id);
void owner_clear_legacy(const struct xdpl_iface *iface);

/* Forget single programs that are no longer loaded (their interface or namespace went). */
void owner_clean_legacy(void);

#endif

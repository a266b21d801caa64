/* SPDX-License-Identifier: GPL-2.0-only */
/* libxdp's pin clean-up, never across network namespaces (libxdp_clean.c). */
#ifndef XDPL_LIBXDP_CLEAN_H
#define XDPL_LIBXDP_CLEAN_H

/*
 * libxdp_clean_references() for each ifindex (or only_ifindex) where it cannot
 * remove the pins of a dispatcher another namespace runs. Returns 0 or -errno
 * (not recorded) of the first failure.
 */
int libxdp_clean_safely(int only_ifindex);

#endif

/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/* Common includes and run-config defaults for the bundled BPF programs. */
#ifndef XDPLOAD_PROG_H
#define XDPLOAD_PROG_H

#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>
#include <xdp/xdp_helpers.h>

/*
 * The bundled programs are built SEC("xdp.frags"): they read headers only, which
 * are in the first buffer, so they are correct on multi-buffer packets and join
 * a chain with programs that need frags. Next to a program built without frags
 * the linked backend builds them without the flag (linked_build.c).
 */

/* Chain-call action set for XDP_RUN_CONFIG: run the next program after XDP_PASS. */
#define XDPL_CHAIN_ON_PASS __uint(XDP_PASS, 1)

#endif

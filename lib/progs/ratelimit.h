/* SPDX-License-Identifier: GPL-2.0-only */
/* Runtime settings and counters of the bundled "ratelimit" program. */
#ifndef XDPLOAD_LIB_RATELIMIT_H
#define XDPLOAD_LIB_RATELIMIT_H

#include <linux/types.h>
#include <xdpload/ratelimit.h>
#include "builtin.h"

/* Limits accepted by ratelimit_configure(). */
#define RATELIMIT_MAX_RATE 1000000000ULL /* one packet per nanosecond */
#define RATELIMIT_MAX_BURST 1000000000ULL

/*
 * Set the rate (packets/s per source) and burst of ratelimit program
 * @prog_fd (a component program or the standalone copy: they share the
 * map of its settings section). Takes effect for the next packet, no reload. 0, -EINVAL for a value
 * out of range (1..RATELIMIT_MAX_*), -ENOENT if @prog_fd is not a ratelimit.
 */
int ratelimit_configure(int prog_fd, __u64 rate_pps, __u64 burst);

/* The settings in effect (defaults resolved). */
int ratelimit_get_config(int prog_fd, __u64 *rate_pps, __u64 *burst);

/* Counters summed over CPUs, and the number of tracked sources. */
int ratelimit_get_stats(int prog_fd, struct xdpl_rl_stats *stats, __u64 *sources);

struct bpf_object;

/* The options of `xdpload load IFACE ratelimit`: --rate and --burst (builtin.h). */
extern const struct builtin_opt ratelimit_builtin_options[];

/*
 * Set rate and burst (vals[0], vals[1]) in the opened, not yet loaded ratelimit
 * object: the program starts with them. 0, or -errno with the error recorded.
 */
int ratelimit_builtin_configure(struct bpf_object *obj, const __u64 *vals);

#endif

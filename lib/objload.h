/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Loading a component's object with libbpf (or libxdp, which calls libbpf): what
 * to check before, so that a refusal names its cause, and the one error for a
 * failed load, whichever backend loaded it.
 */
#ifndef XDPL_OBJLOAD_H
#define XDPL_OBJLOAD_H

#include <bpf/libbpf.h>

/*
 * Refuse what libbpf would refuse with a bare errno: a map whose max_entries
 * is 0 (the object's own loader sizes it before loading). Records the error.
 */
int objload_check_maps(const char *label, struct bpf_object *obj);

/*
 * Maps pinned by name whose pin exists are reused, as libbpf does; but the
 * kernel adds BPF_F_RDONLY_PROG to a devmap's or cpumap's flags, so libbpf 1.1
 * refuses the very map it pinned. Take those flags from the pin so that its
 * check passes; refuse a pin that is another map (exit 7, naming both).
 */
int objload_prepare_pins(const char *label, struct bpf_object *obj);

/*
 * The error for bpf_object__load() (or libxdp's load) of label failing with err:
 * the verifier's log when there is one (exit 6), a pin that cannot be made or
 * reused (exit 7), no permission (exit 7), else libbpf's own reason in one line
 * (exit 3). Call xdpl_clear_verifier_log() before the load. Returns -errno.
 */
int objload_error(const char *label, int err);

#endif

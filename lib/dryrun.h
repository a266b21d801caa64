/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * A dry run: a chain composed with the linked engine and never attached, run
 * over packets with BPF_PROG_TEST_RUN (xdpload test). It works on every kernel
 * the linked backend works on, so with either backend in use.
 *
 * Which programs ran comes from the dispatcher's per-component counters, in a
 * counters map of the dry run's own: around each run, the components whose
 * slot moved, and the action slot that moved, are the programs that ran and
 * what each returned; the last one whose action ends the chain decided.
 *
 * The chain comes from files and bundled programs (fresh maps, as a load would
 * create them), or from the chain attached on an interface:
 *  - linked: its components are reopened from their saved objects with their
 *    pinned maps, so filter rules and ratelimit settings apply; the test
 *    packets then also count in those maps (count's counters, filter's hits,
 *    ratelimit's buckets), as live packets would;
 *  - libxdp: the kernel keeps its programs only as freplace extensions, which
 *    cannot be recomposed, so the attached dispatcher itself is run: the
 *    verdict and the rewritten packet are known, not which program decided;
 *  - legacy: the one program is run.
 */
#ifndef XDPL_DRYRUN_H
#define XDPL_DRYRUN_H

#include <stdbool.h>
#include <linux/types.h>
#include "builtin.h"
#include "component.h"
#include "iface.h"
#include "pktrec.h"

struct dryrun;

struct dryrun_info {
	int nprogs;
	const struct pktrec_prog *progs; /* in run order */
	bool traced;			 /* per-program steps are known */
	const char *source;		 /* "programs", "linked", "libxdp", "legacy" */
	const char *note;		 /* what the dry run cannot tell, or NULL */
};

/* Compose the programs (load's requests; cfgs: the bundled programs' options or NULL). */
int dryrun_from_programs(const struct component_req *reqs, int n, const struct builtin_cfg *cfgs,
			 struct dryrun **out);
/* The chain attached on iface (see above). Takes and releases the interface's lock. */
int dryrun_from_iface(const struct xdpl_iface *iface, struct dryrun **out);

void dryrun_info(const struct dryrun *d, struct dryrun_info *info);

/*
 * Run one packet. Fills rec's run fields (traced, steps, decider, verdict,
 * modified, out_len, error) and points *out at the packet as the chain left
 * it (valid until the next run). A packet the kernel refuses to run (shorter
 * than an Ethernet header, longer than a test run takes) sets rec->error and
 * returns 0; other failures return -errno, recorded.
 */
int dryrun_run(struct dryrun *d, const void *data, __u32 len, struct pktrec *rec, const __u8 **out);

void dryrun_free(struct dryrun *d);

#endif

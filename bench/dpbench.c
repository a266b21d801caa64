// SPDX-License-Identifier: GPL-2.0-only
/*
 * Data-path cost per packet through BPF_PROG_TEST_RUN (bench/README.md, part 1).
 *
 *   dpbench [-r REPS] [-n REPEAT] [-c CPU] [-p PROGS_DIR] [-b BENCH_BPF_DIR]
 *   dpbench [-r REPS] [-n REPEAT] [-c CPU] LABEL=PROG_ID...
 *
 * For chains of 1, 2, 5, 10 and 32 components (the bundled pass program N-1
 * times, then the bundled drop program) it loads
 *   linked      the linked dispatcher as xdpload builds it (inlined), without
 *               per-component counters
 *   linked+cnt  the same with them
 *   called      the linked dispatcher calling every component (--no-inline)
 *   called+cnt  the same with counters
 *   hand        one hand-written program making the same calls (bench/bpf/hand.bpf.c)
 *   single      one hand-written program doing the same work without calls
 * and once
 *   drop        the bundled drop program alone
 *   raw-taken, raw-fallthrough
 *               a chain of 10 as raw instructions in the branch layout the
 *               dispatcher had until 80c7066 and in the compiled one, which
 *               it has since (see load_raw_chain)
 * then runs a fixed 64-byte UDP frame through each, REPEAT times per call, every
 * program once per repetition, the six of one chain length back to back, in
 * rotating order, so that drifts of the host hit all of them alike. Each line of output is one JSON
 * object:
 *   {"rep":R,"variant":"linked","n":5,"ns":12.34,"kernel_ns":12,"retval":1}
 * ns is the calling thread's CPU time over the call divided by REPEAT (the
 * kernel's own "duration" is whole nanoseconds only, kept as kernel_ns).
 * Every run must return XDP_DROP, and the counters must have counted every
 * packet in the drop slot of the last component, or dpbench fails.
 *
 * With LABEL=PROG_ID arguments it measures those loaded programs instead (e.g.
 * the components of a chain that xdpload attached, by their kernel IDs), in
 * the same way, with "variant":LABEL, and any verdict.
 */
#include <errno.h>
#include <getopt.h>
#include <sched.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <linux/if_ether.h>
#include <linux/ip.h>
#include <linux/udp.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include <xdpload/dispatcher.h>
#include "error.h"
#include "linked/capture.h"
#include "linked/compose.h"
#include "linked/emit.h"
#include "testrun.h"

#define MAX_N 32
#define RAW_N 10
#define MAX_VARIANTS 40
#define PER_LEN 6 /* variants per chain length */

static const unsigned int chain_lens[] = { 1, 2, 5, 10, 32 };
#define NLENS (sizeof(chain_lens) / sizeof(chain_lens[0]))

struct variant {
	const char *name;
	unsigned int n;
	int prog_fd;
	int counters_fd;	    /* linked+cnt and called+cnt only, else -1 */
	unsigned long long packets; /* run through it so far */
};

struct comp {
	struct bpf_object *obj;
	struct linked_prog *lp;
};

static const char *progs_dir = "build/progs";
static const char *bench_dir = "build/bench/bpf";

static void die(const char *what, int err)
{
	fprintf(stderr, "dpbench: %s: %s\n", what, strerror(err < 0 ? -err : err));
	exit(1);
}

static void open_comp(struct comp *c, const char *builtin)
{
	struct bpf_program *p;
	char path[512];
	int err;

	snprintf(path, sizeof(path), "%s/%s.o", progs_dir, builtin);
	c->obj = bpf_object__open_file(path, NULL);
	if (!c->obj)
		die(path, errno);
	p = bpf_object__next_program(c->obj, NULL);
	if (!p)
		die(path, ENOENT);
	err = linked_capture_arm(p);
	if (err)
		die(xdpl_last_error()->msg, err);
	err = bpf_object__load(c->obj);
	if (err)
		die(path, err);
	err = linked_capture_take(p, &c->lp);
	if (err)
		die(xdpl_last_error()->msg, err);
}

/* A linked chain of n: pass x (n-1), then drop; called: --no-inline. */
static void compose_chain(struct comp *comps, unsigned int n, bool counters, bool called,
			  struct variant *v)
{
	struct linked_input in[MAX_N];
	struct linked_compose_opts o = { .no_counters = !counters,
					 .counters_fd = -1,
					 .no_inline = called };
	struct linked_composite c = {};
	const struct xdpl_error *e = xdpl_last_error();
	unsigned int i;
	int err;

	for (i = 0; i < n; i++) {
		/* comps[0..MAX_N-2] are pass, comps[MAX_N-1] is drop */
		in[i].prog = comps[i == n - 1 ? MAX_N - 1 : i].lp;
		in[i].label = i == n - 1 ? "drop" : "pass";
		in[i].chain_mask = 1u << XDP_PASS;
	}
	err = linked_compose(in, n, &o, &c);
	if (err) {
		fprintf(stderr, "dpbench: compose %u: %s\n%s\n", n, e->msg, e->log);
		exit(1);
	}
	for (i = 0; i < n; i++)
		if (c.inlined[i] == called)
			fprintf(stderr, "dpbench: %s %u: component %u %s\n",
				called ? "called" : "linked", n, i,
				called ? "inlined" : c.call_reason[i]);
	memset(v, 0, sizeof(*v));
	v->name = called ? counters ? "called+cnt" : "called" : counters ? "linked+cnt" : "linked";
	v->n = n;
	v->prog_fd = c.prog_fd;
	v->counters_fd = counters ? c.counters_fd : -1;
}

/*
 * The same chain of n as raw instructions, pass x (n-1) then drop, the verdict
 * checked either as the generated dispatcher did until 80c7066 (a taken branch
 * over `exit` when the chain goes on) or as the compiled hand-written chains
 * and today's dispatcher do (falling through when it goes on). Only the layout
 * differs between the two. Each
 * callee derives its verdict from ctx->rx_queue_index (0 in a test run) so the
 * verifier cannot know it: with constant verdicts it would resolve the checks
 * and remove the dead exits, as it does not for the global components.
 */
static int load_raw_chain(unsigned int n, bool taken)
{
	struct linked_emit e = LINKED_EMIT_INIT;
	int callee = linked_emit_new_labels(&e, n), verdict = linked_emit_new_label(&e), next, cnt;
	LIBBPF_OPTS(bpf_prog_load_opts, o);
	unsigned int i;
	int fd, err;

	LINKED_EMIT(&e, BPF_MOV64_REG(BPF_REG_6, BPF_REG_1));
	for (i = 0; i < n; i++) {
		LINKED_EMIT(&e, BPF_MOV64_REG(BPF_REG_1, BPF_REG_6));
		linked_emit_call(&e, callee + i);
		if (taken) {
			next = linked_emit_new_label(&e);
			linked_emit_jump(&e, BPF_JMP32_IMM(BPF_JEQ, BPF_REG_0, XDP_PASS, 0), next);
			LINKED_EMIT(&e, BPF_EXIT_INSN());
			linked_emit_label_place(&e, next);
		} else {
			linked_emit_jump(&e, BPF_JMP32_IMM(BPF_JNE, BPF_REG_0, XDP_PASS, 0),
					 verdict);
		}
	}
	if (taken)
		LINKED_EMIT(&e, BPF_MOV64_IMM(BPF_REG_0, XDP_PASS));
	else
		linked_emit_label_place(&e, verdict);
	LINKED_EMIT(&e, BPF_EXIT_INSN());
	for (i = 0; i < n; i++) {
		linked_emit_label_place(&e, callee + i);
		LINKED_EMIT(&e,
			    BPF_LDX_MEM(BPF_W, BPF_REG_0, BPF_REG_1,
					offsetof(struct xdp_md, rx_queue_index)),
			    BPF_ALU64_IMM(BPF_AND, BPF_REG_0, 1),
			    BPF_ALU64_IMM(BPF_ADD, BPF_REG_0, i == n - 1 ? XDP_DROP : XDP_PASS),
			    BPF_EXIT_INSN());
	}
	cnt = linked_emit_finish(&e);
	if (cnt < 0)
		die("generating a raw chain", -cnt);
	static char log[65536];

	o.log_buf = log;
	o.log_size = sizeof(log);
	o.log_level = 1;
	fd = bpf_prog_load(BPF_PROG_TYPE_XDP, taken ? "raw_taken" : "raw_fallthru", "GPL", e.insns,
			   cnt, &o);
	err = fd < 0 ? errno : 0;
	linked_emit_free(&e);
	if (fd < 0) {
		fprintf(stderr, "%s\n", log);
		die("loading a raw chain", err);
	}
	return fd;
}

static int prog_fd_by_name(struct bpf_object *obj, const char *name)
{
	struct bpf_program *p = bpf_object__find_program_by_name(obj, name);

	if (!p)
		die(name, ENOENT);
	return bpf_program__fd(p);
}

static struct bpf_object *load_plain(const char *dir, const char *file)
{
	struct bpf_object *obj;
	char path[512];
	int err;

	snprintf(path, sizeof(path), "%s/%s", dir, file);
	obj = bpf_object__open_file(path, NULL);
	if (!obj)
		die(path, errno);
	err = bpf_object__load(obj);
	if (err)
		die(path, err);
	return obj;
}

static bool any_verdict;

static void run_one(struct variant *v, unsigned int repeat, int rep)
{
	unsigned char frame[64];
	LIBBPF_OPTS(bpf_test_run_opts, o, .data_in = frame, .data_size_in = sizeof(frame),
		    .repeat = repeat);
	double t0, t1;
	int err;

	make_frame(frame, sizeof(frame));
	t0 = thread_ns();
	err = bpf_prog_test_run_opts(v->prog_fd, &o);
	t1 = thread_ns();
	if (err)
		die("BPF_PROG_TEST_RUN", errno);
	if (!any_verdict && o.retval != XDP_DROP) {
		fprintf(stderr, "dpbench: %s n=%u returned %u, not XDP_DROP\n", v->name, v->n,
			o.retval);
		exit(1);
	}
	v->packets += repeat;
	printf("{\"rep\":%d,\"variant\":\"%s\",\"n\":%u,\"ns\":%.3f,\"kernel_ns\":%u,"
	       "\"retval\":%u}\n",
	       rep, v->name, v->n, (t1 - t0) / repeat, o.duration, o.retval);
}

/* The dispatcher must have counted every packet as a drop by the last component. */
static void check_counters(const struct variant *v)
{
	__u64 slots[XDPL_DISP_SLOTS];
	int err = linked_counters_read(v->counters_fd, v->n - 1, slots);

	if (err)
		die("reading the dispatcher counters", err);
	if (slots[XDP_DROP] != v->packets) {
		fprintf(stderr, "dpbench: %s n=%u counted %llu drops, ran %llu packets\n", v->name,
			v->n, (unsigned long long)slots[XDP_DROP], v->packets);
		exit(1);
	}
}

int main(int argc, char **argv)
{
	struct variant vs[MAX_VARIANTS];
	struct comp comps[MAX_N];
	struct bpf_object *hand, *drop;
	unsigned int repeat = 1u << 20, nv = 0, ng, i, k;
	int reps = 41, cpu = 1, opt, r;
	char name[32];

	while ((opt = getopt(argc, argv, "r:n:c:p:b:")) != -1) {
		switch (opt) {
		case 'r':
			reps = atoi(optarg);
			break;
		case 'n':
			repeat = strtoul(optarg, NULL, 0);
			break;
		case 'c':
			cpu = atoi(optarg);
			break;
		case 'p':
			progs_dir = optarg;
			break;
		case 'b':
			bench_dir = optarg;
			break;
		default:
			fprintf(stderr, "usage: dpbench [-r REPS] [-n REPEAT] [-c CPU] "
					"[-p PROGS_DIR] [-b BENCH_BPF_DIR]\n");
			return 2;
		}
	}
	if (cpu >= 0) {
		cpu_set_t set;

		CPU_ZERO(&set);
		CPU_SET(cpu, &set);
		if (sched_setaffinity(0, sizeof(set), &set))
			die("sched_setaffinity", errno);
	}
	libbpf_set_print(NULL);
	if (optind < argc) {
		any_verdict = true;
		for (; optind < argc && nv < MAX_VARIANTS; optind++) {
			char *eq = strchr(argv[optind], '=');
			int fd;

			if (!eq)
				die(argv[optind], EINVAL);
			*eq = '\0';
			fd = bpf_prog_get_fd_by_id(strtoul(eq + 1, NULL, 0));
			if (fd < 0)
				die(eq + 1, errno);
			vs[nv++] = (struct variant){ argv[optind], 1, fd, -1, 0 };
		}
		goto measure;
	}
	r = linked_capture_init();
	if (r)
		die("linked_capture_init", r);
	for (i = 0; i < MAX_N - 1; i++)
		open_comp(&comps[i], "pass");
	open_comp(&comps[MAX_N - 1], "drop");

	hand = load_plain(bench_dir, "hand.o");
	drop = load_plain(progs_dir, "drop.o");
	for (k = 0; k < NLENS; k++) {
		compose_chain(comps, chain_lens[k], false, false, &vs[nv++]);
		compose_chain(comps, chain_lens[k], true, false, &vs[nv++]);
		compose_chain(comps, chain_lens[k], false, true, &vs[nv++]);
		compose_chain(comps, chain_lens[k], true, true, &vs[nv++]);
		snprintf(name, sizeof(name), "hand_%u", chain_lens[k]);
		vs[nv++] = (struct variant){ "hand", chain_lens[k], prog_fd_by_name(hand, name), -1,
					     0 };
		snprintf(name, sizeof(name), "single_%u", chain_lens[k]);
		vs[nv++] = (struct variant){ "single", chain_lens[k], prog_fd_by_name(hand, name),
					     -1, 0 };
	}
	vs[nv++] = (struct variant){ "drop", 1, prog_fd_by_name(drop, "drop"), -1, 0 };
	vs[nv++] = (struct variant){ "raw-taken", RAW_N, load_raw_chain(RAW_N, true), -1, 0 };
	vs[nv++] =
		(struct variant){ "raw-fallthrough", RAW_N, load_raw_chain(RAW_N, false), -1, 0 };

measure:
	/* one warm-up call each, reported as rep -1 */
	for (i = 0; i < nv; i++)
		run_one(&vs[i], repeat / 16, -1);
	/*
	 * The programs compared with each other (one chain length) run back to
	 * back, so that a noisy phase of the host hits both sides of a ratio;
	 * the order rotates within and across the groups.
	 */
	/* groups: one per chain length (PER_LEN), drop (1), the raw pair (2); or all given */
	ng = any_verdict ? 1 : NLENS + 2;
	for (r = 0; r < reps; r++) {
		for (k = 0; k < ng; k++) {
			unsigned int g = (k + r) % ng;
			unsigned int first = any_verdict  ? 0
					     : g <= NLENS ? g * PER_LEN
							  : NLENS * PER_LEN + 1;
			unsigned int len = any_verdict	? nv
					   : g < NLENS	? PER_LEN
					   : g == NLENS ? 1
							: 2;

			for (i = 0; i < len; i++)
				run_one(&vs[first + (i + r) % len], repeat, r);
		}
	}
	for (i = 0; i < nv; i++)
		if (vs[i].counters_fd >= 0)
			check_counters(&vs[i]);
	fflush(stdout);
	return 0;
}

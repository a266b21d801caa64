// SPDX-License-Identifier: GPL-2.0-only
/*
 * The bundled filter's cost per packet through BPF_PROG_TEST_RUN, by feature
 * set and rule classes (bench/README.md, "filterbench").
 *
 *   filterbench [-r REPS] [-n REPEAT] [-c CPU] [-p PROGS_DIR]
 *
 * Loads build/progs/filter.o four times, configured as `xdpload load IFACE
 * filter [--features F]` would, with rules written through lib/progs/filter.c:
 *   empty       all features, no rules (every class skipped: the floor)
 *   all-mixed   all features, 100 rules over every class: 20 IPv4 source and
 *               20 destination prefixes, 20 IPv6 prefixes, 20 ports, 20 MACs
 *   all-ipv4    all features, 100 IPv4 prefixes (50 source, 50 destination):
 *               the empty classes are skipped at run time
 *   ipv4-only   --features ipv4, the same 100 IPv4 prefixes: the other classes'
 *               code is removed by the verifier
 * then runs a 64-byte IPv4 UDP frame that matches no rule (every lookup of the
 * active classes is made; the policy passes it) through each, REPEAT times per
 * call, one call of each per repetition in rotating order. Each line is one
 * JSON object: {"rep":R,"variant":"all-mixed","ns":12.34,"retval":2}; the
 * summary line at the end has the medians and the median per-repetition
 * ratios to all-mixed, and each program's instruction count after the
 * verifier (xlated_insns; dead code of left-out features is removed). Nothing
 * is asserted about timing.
 */
#include <errno.h>
#include <getopt.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <arpa/inet.h>
#include <linux/if_ether.h>
#include <linux/ip.h>
#include <linux/udp.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include "error.h"
#include "progs/filter.h"
#include "testrun.h"

#define NVAR 4
#define MAX_REPS 101

struct variant {
	const char *name;
	unsigned int features;
	bool mixed, rules;
	struct bpf_object *obj;
	int prog_fd;
	double ns[MAX_REPS];
};

static struct variant vars[NVAR] = {
	{ .name = "empty", .features = XDPL_FILTER_FEAT_ALL },
	{ .name = "all-mixed", .features = XDPL_FILTER_FEAT_ALL, .mixed = true, .rules = true },
	{ .name = "all-ipv4", .features = XDPL_FILTER_FEAT_ALL, .rules = true },
	{ .name = "ipv4-only", .features = XDPL_FILTER_FEAT_IPV4, .rules = true },
};

static void die(const char *what, int err)
{
	fprintf(stderr, "filterbench: %s: %s\n", what, strerror(err < 0 ? -err : err));
	exit(1);
}

static void add(const struct filter_maps *m, const char *kind, const char *value, int dir)
{
	struct filter_rule r = {};
	char err[160];

	if (filter_parse_value(kind, value, &r, err, sizeof(err)))
		die(err, EINVAL);
	r.dir = dir;
	r.protos = r.kind == FILTER_PORT ? FILTER_PROTO_UDP : 0;
	if (filter_add(m, &r) < 0)
		die("filter_add", errno);
}

static void load(struct variant *v, const char *dir)
{
	__u64 vals[BUILTIN_MAX_OPTS] = { 2 /* not given: allow */, v->features, 1, 0 };
	struct filter_maps m;
	char path[512], buf[64];
	int i, err;

	snprintf(path, sizeof(path), "%s/filter.o", dir);
	v->obj = bpf_object__open_file(path, NULL);
	if (!v->obj)
		die(path, errno);
	err = filter_builtin_configure(v->obj, vals);
	if (!err)
		err = bpf_object__load(v->obj);
	if (err)
		die("loading filter.o", err);
	v->prog_fd = bpf_program__fd(bpf_object__find_program_by_name(v->obj, "filter"));
	err = filter_maps_open(v->prog_fd, &m);
	if (err)
		die("filter maps", err);
	for (i = 0; v->rules && i < 100; i++) {
		/* 10.X.Y.0/24 never covers the frame's 192.0.2.x addresses */
		snprintf(buf, sizeof(buf), "10.%d.%d.0/24", i / 4, i % 4);
		if (!v->mixed) {
			add(&m, "ip", buf, i % 2 ? XDPL_FILTER_DST : XDPL_FILTER_SRC);
			continue;
		}
		switch (i % 5) {
		case 0:
			add(&m, "ip", buf, XDPL_FILTER_SRC);
			break;
		case 1:
			add(&m, "ip", buf, XDPL_FILTER_DST);
			break;
		case 2:
			snprintf(buf, sizeof(buf), "2001:db8:%x::/48", i);
			add(&m, "ip", buf, i % 2 ? XDPL_FILTER_DST : XDPL_FILTER_SRC);
			break;
		case 3:
			snprintf(buf, sizeof(buf), "%d", 1000 + i);
			add(&m, "port", buf, i % 2 ? XDPL_FILTER_DST : XDPL_FILTER_SRC);
			break;
		case 4:
			snprintf(buf, sizeof(buf), "02:00:00:00:01:%02x", i);
			add(&m, "ether", buf, i % 2 ? XDPL_FILTER_DST : XDPL_FILTER_SRC);
			break;
		}
	}
	filter_maps_close(&m);
}

static double run_one(struct variant *v, unsigned int repeat, int rep)
{
	unsigned char frame[64];
	LIBBPF_OPTS(bpf_test_run_opts, o, .data_in = frame, .data_size_in = sizeof(frame),
		    .repeat = repeat);
	double t0, t1, ns;

	make_frame(frame, sizeof(frame));
	t0 = thread_ns();
	if (bpf_prog_test_run_opts(v->prog_fd, &o))
		die("BPF_PROG_TEST_RUN", errno);
	t1 = thread_ns();
	if (o.retval != XDP_PASS) {
		fprintf(stderr, "filterbench: %s returned %u, not XDP_PASS\n", v->name, o.retval);
		exit(1);
	}
	ns = (t1 - t0) / repeat;
	printf("{\"rep\":%d,\"variant\":\"%s\",\"ns\":%.3f,\"retval\":%u}\n", rep, v->name, ns,
	       o.retval);
	return ns;
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

static double median(double *v, int n)
{
	double *c = malloc(n * sizeof(*c)), m;

	memcpy(c, v, n * sizeof(*c));
	qsort(c, n, sizeof(*c), cmp_double);
	m = n % 2 ? c[n / 2] : (c[n / 2 - 1] + c[n / 2]) / 2;
	free(c);
	return m;
}

int main(int argc, char **argv)
{
	const char *dir = "build/progs";
	unsigned int repeat = 1000000;
	double ratio[MAX_REPS];
	int reps = 7, cpu = -1, opt, r, i, k;

	while ((opt = getopt(argc, argv, "r:n:c:p:")) != -1) {
		switch (opt) {
		case 'r':
			reps = atoi(optarg);
			break;
		case 'n':
			repeat = strtoul(optarg, NULL, 10);
			break;
		case 'c':
			cpu = atoi(optarg);
			break;
		case 'p':
			dir = optarg;
			break;
		default:
			fprintf(stderr,
				"usage: filterbench [-r REPS] [-n REPEAT] [-c CPU] [-p DIR]\n");
			return 2;
		}
	}
	if (reps < 1 || reps > MAX_REPS || !repeat)
		die("bad -r or -n", EINVAL);
	if (cpu >= 0) {
		cpu_set_t set;

		CPU_ZERO(&set);
		CPU_SET(cpu, &set);
		sched_setaffinity(0, sizeof(set), &set);
	}
	libbpf_set_print(NULL);
	for (i = 0; i < NVAR; i++)
		load(&vars[i], dir);
	for (r = 0; r < reps; r++)
		for (k = 0; k < NVAR; k++) {
			i = (r + k) % NVAR; /* rotating order: drifts hit all alike */
			vars[i].ns[r] = run_one(&vars[i], repeat, r);
		}
	printf("{\"summary\":true,\"repeat\":%u,\"reps\":%d,\"median_ns\":{", repeat, reps);
	for (i = 0; i < NVAR; i++)
		printf("%s\"%s\":%.3f", i ? "," : "", vars[i].name, median(vars[i].ns, reps));
	/* what the verifier kept: the instructions the kernel runs */
	printf("},\"xlated_insns\":{");
	for (i = 0; i < NVAR; i++) {
		struct bpf_prog_info info = {};
		__u32 len = sizeof(info);

		bpf_obj_get_info_by_fd(vars[i].prog_fd, &info, &len);
		printf("%s\"%s\":%u", i ? "," : "", vars[i].name, info.xlated_prog_len / 8);
	}
	printf("},\"ratio_to_all_mixed\":{");
	for (i = 0; i < NVAR; i++) {
		for (r = 0; r < reps; r++)
			ratio[r] = vars[i].ns[r] / vars[1].ns[r];
		printf("%s\"%s\":%.3f", i ? "," : "", vars[i].name, median(ratio, reps));
	}
	printf("}}\n");
	for (i = 0; i < NVAR; i++)
		bpf_object__close(vars[i].obj);
	return 0;
}

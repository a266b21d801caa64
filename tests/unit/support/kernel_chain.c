// SPDX-License-Identifier: GPL-2.0-only
/* Compose test components and run them in the kernel: see kernel_chain.h. */
#include <errno.h>
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <linux/if_ether.h>
#include <linux/ip.h>
#include <linux/udp.h>
#include <arpa/inet.h>
#include <cmocka.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include "error.h"
#include "linked/capture.h"
#include "linked/compose.h"
#include "kernel_chain.h"

const char *progs_dir(void)
{
	return getenv("LINKED_PROGS_DIR") ?: "build/tests/progs";
}

void open_comp_tweak(struct tcomp *t, const char *file, const char *prog, tweak_fn tweak,
		     const void *arg)
{
	struct bpf_program *p, *sel = NULL;
	char path[256];
	int err;

	/* a name from the test objects' directory, or a path */
	if (strchr(file, '/'))
		snprintf(path, sizeof(path), "%s", file);
	else
		snprintf(path, sizeof(path), "%s/%s.o", progs_dir(), file);
	snprintf(t->label, sizeof(t->label), "%s",
		 strrchr(file, '/') ? strrchr(file, '/') + 1 : file);
	t->obj = bpf_object__open_file(path, NULL);
	if (!t->obj)
		fail_msg("cannot open %s: %s", path, strerror(errno));
	bpf_object__for_each_program (p, t->obj) {
		if (!prog || !strcmp(bpf_program__name(p), prog)) {
			sel = p;
			break;
		}
	}
	assert_non_null(sel);
	err = linked_capture_arm(sel);
	assert_int_equal(err, 0);
	if (tweak)
		tweak(t->obj, arg);
	err = bpf_object__load(t->obj);
	assert_int_equal(err, 0);
	err = linked_capture_take(sel, &t->lp);
	if (err)
		fail_msg("take: %s", xdpl_last_error()->msg);
}

void open_comp(struct tcomp *t, const char *file, const char *prog)
{
	open_comp_tweak(t, file, prog, NULL, NULL);
}

void close_comp(struct tcomp *t)
{
	linked_prog_free(t->lp);
	bpf_object__close(t->obj);
	memset(t, 0, sizeof(*t));
}

void set_rodata_action(struct bpf_object *obj, const void *arg)
{
	struct bpf_map *m;

	bpf_object__for_each_map (m, obj) {
		size_t sz;
		const void *v;
		char buf[64];

		if (!strstr(bpf_map__name(m), ".rodata"))
			continue;
		v = bpf_map__initial_value(m, &sz);
		assert_non_null(v);
		assert_true(sz >= sizeof(__u32) && sz <= sizeof(buf));
		memcpy(buf, v, sz);
		memcpy(buf, arg, sizeof(__u32));
		assert_int_equal(bpf_map__set_initial_value(m, buf, sz), 0);
	}
}

int compose(struct tcomp *t, const __u32 *masks, unsigned int n, bool counters, bool no_inline,
	    struct linked_composite *out)
{
	struct linked_input in[MAXC + 8];
	struct linked_compose_opts o = { .no_counters = !counters, .no_inline = no_inline };
	unsigned int i;

	assert_true(n <= MAXC + 8);
	for (i = 0; i < n; i++) {
		in[i].label = t[i].label;
		in[i].prog = t[i].lp;
		in[i].chain_mask = masks ? masks[i] : PASS_MASK;
	}
	xdpl_err_clear();
	return linked_compose(in, n, &o, out);
}

void compose_ok(struct tcomp *t, const __u32 *masks, unsigned int n, bool counters, bool no_inline,
		struct linked_composite *out)
{
	const struct xdpl_error *e = (xdpl_err_clear(), xdpl_last_error());
	int err = compose(t, masks, n, counters, no_inline, out);

	if (err)
		fail_msg("compose: %d %s\n%s", err, e->msg, e->log);
	assert_true(out->prog_fd >= 0);
}

/*
 * The headers are built in place-holders and copied: at offset 14 the IP header
 * is not 4-byte aligned, and UBSan (make check-asan) rightly objects to writing
 * it through a pointer.
 */
void make_packet(unsigned char *buf, size_t len)
{
	struct ethhdr eth = { .h_proto = htons(ETH_P_IP) };
	struct iphdr ip = { .version = 4, .ihl = 5, .ttl = 64, .protocol = IPPROTO_UDP };
	struct udphdr udp = { .source = htons(1234), .dest = htons(5678) };

	memset(buf, 0, len);
	memset(eth.h_dest, 0x02, ETH_ALEN);
	memset(eth.h_source, 0x04, ETH_ALEN);
	ip.tot_len = htons(len - sizeof(eth));
	ip.saddr = htonl(0x0a000001);
	ip.daddr = htonl(0x0a000002);
	udp.len = htons(len - sizeof(eth) - sizeof(ip));
	memcpy(buf, &eth, sizeof(eth));
	memcpy(buf + sizeof(eth), &ip, sizeof(ip));
	memcpy(buf + sizeof(eth) + sizeof(ip), &udp, sizeof(udp));
}

int run(int fd, __u32 repeat, __u32 *duration)
{
	unsigned char pkt[64];
	LIBBPF_OPTS(bpf_test_run_opts, o, .data_in = pkt, .data_size_in = sizeof(pkt),
		    .repeat = repeat);
	int err;

	make_packet(pkt, sizeof(pkt));
	err = bpf_prog_test_run_opts(fd, &o);
	assert_int_equal(err, 0);
	if (duration)
		*duration = o.duration;
	return (int)o.retval;
}

int map_fd(struct bpf_object *obj, const char *suffix)
{
	struct bpf_map *m;
	size_t l = strlen(suffix);

	bpf_object__for_each_map (m, obj) {
		const char *n = bpf_map__name(m);
		size_t nl = strlen(n);

		if (nl >= l && !strcmp(n + nl - l, suffix))
			return bpf_map__fd(m);
	}
	fail_msg("no map *%s", suffix);
	return -1;
}

__u64 percpu_sum(int map_fd, __u32 key)
{
	int ncpu = libbpf_num_possible_cpus(), i;
	__u64 vals[256] = {}, sum = 0;

	assert_true(ncpu > 0 && ncpu <= 256);
	assert_int_equal(bpf_map_lookup_elem(map_fd, &key, vals), 0);
	for (i = 0; i < ncpu; i++)
		sum += vals[i];
	return sum;
}

__u64 array_u64(int map_fd, __u32 key)
{
	__u64 v = 0;

	assert_int_equal(bpf_map_lookup_elem(map_fd, &key, &v), 0);
	return v;
}

void counters(const struct linked_composite *c, unsigned int idx, __u64 *slots)
{
	assert_int_equal(linked_counters_read(c->counters_fd, idx, slots), 0);
}

// SPDX-License-Identifier: GPL-2.0-only
/* Frames, the bundled programs and their rules, for the filter's unit tests (filter_prog.h). */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <cmocka.h>
#include <linux/bpf.h>
#include <linux/in.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include "progs/filter_rule.h"
#include "filter_prog.h"

void put16(struct frame *f, unsigned int v)
{
	f->b[f->len++] = v >> 8;
	f->b[f->len++] = v;
}

void eth(struct frame *f, int vlans, const char *src_mac)
{
	int i;

	memset(f, 0, sizeof(*f));
	for (i = 0; i < 6; i++)
		f->b[i] = 0x02;
	sscanf(src_mac, "%hhx:%hhx:%hhx:%hhx:%hhx:%hhx", &f->b[6], &f->b[7], &f->b[8], &f->b[9],
	       &f->b[10], &f->b[11]);
	f->len = 12;
	if (vlans == 2) {
		put16(f, 0x88a8);
		put16(f, 20);
	}
	if (vlans >= 1) {
		put16(f, 0x8100);
		put16(f, 10);
	}
}

void udp(struct frame *f, unsigned int sport, unsigned int dport)
{
	put16(f, sport);
	put16(f, dport);
	put16(f, 8);
	put16(f, 0);
}

void ipv4_udp(struct frame *f, const char *src, unsigned int frag_off, unsigned int dport)
{
	unsigned char *ip;

	put16(f, 0x0800);
	ip = f->b + f->len;
	ip[0] = 0x45;
	ip[3] = 28;
	ip[6] = frag_off >> 8;
	ip[7] = frag_off;
	ip[8] = 64;
	ip[9] = IPPROTO_UDP;
	inet_pton(AF_INET, src, ip + 12);
	inet_pton(AF_INET, "192.0.2.2", ip + 16);
	f->len += 20;
	udp(f, 1000, dport);
}

/* IPv6 with a hop-by-hop and a destination-options header before the transport */
void ipv6(struct frame *f, const char *src, int exthdrs, unsigned int proto, unsigned int dport)
{
	unsigned char *ip;

	put16(f, 0x86dd);
	ip = f->b + f->len;
	ip[0] = 0x60;
	ip[6] = exthdrs ? IPPROTO_HOPOPTS : proto;
	ip[7] = 64;
	inet_pton(AF_INET6, src, ip + 8);
	inet_pton(AF_INET6, "2001:db8::2", ip + 24);
	f->len += 40;
	if (exthdrs) {
		f->b[f->len] = IPPROTO_DSTOPTS; /* hop-by-hop, 8 bytes */
		f->len += 8;
		f->b[f->len] = proto; /* destination options, 16 bytes */
		f->b[f->len + 1] = 1;
		f->len += 16;
	}
	if (proto == IPPROTO_ICMPV6) {
		f->b[f->len] = dport; /* the ICMPv6 type */
		f->len += 8;
	} else {
		udp(f, 1000, dport);
	}
}

int load_prog(struct prog *p, const char *name)
{
	char path[128];

	snprintf(path, sizeof(path), "build/progs/%s.o", name);
	p->obj = bpf_object__open_file(path, NULL);
	if (!p->obj || bpf_object__load(p->obj))
		return -1;
	p->fd = bpf_program__fd(bpf_object__find_program_by_name(p->obj, name));
	return p->fd < 0 ? -1 : 0;
}

int frame_run(struct prog *p, struct frame *f)
{
	LIBBPF_OPTS(bpf_test_run_opts, o, .data_in = f->b,
		    .data_size_in = f->len < 64 ? 64 : f->len, .repeat = 1);

	assert_int_equal(bpf_prog_test_run_opts(p->fd, &o), 0);
	return o.retval;
}

/* Not root: the program tests skip. Root: a program that does not load fails them. */
int setup_filter(void **state)
{
	struct prog *p;

	*state = NULL;
	if (geteuid() != 0)
		return 0;
	p = calloc(1, sizeof(*p));
	if (!p || load_prog(p, "filter") || filter_maps_open(p->fd, &p->m)) {
		fprintf(stderr,
			"build/progs/filter.o does not load (run from the top directory)\n");
		free(p);
		return -1;
	}
	*state = p;
	return 0;
}

int teardown_prog(void **state)
{
	struct prog *p = *state;

	if (p) {
		if (p->m.hits > 0)
			filter_maps_close(&p->m);
		bpf_object__close(p->obj);
		free(p);
	}
	return 0;
}

void rule_add(struct prog *p, const char *kind, const char *value, int dir, unsigned int protos)
{
	struct filter_rule r = {};
	char err[160];

	if (!strcmp(kind, "ip"))
		assert_int_equal(filter_parse_ip(value, &r, err, sizeof(err)), 0);
	else if (!strcmp(kind, "port"))
		assert_int_equal(filter_parse_port(value, &r, err, sizeof(err)), 0);
	else
		assert_int_equal(filter_parse_mac(value, &r, err, sizeof(err)), 0);
	r.dir = dir;
	r.protos = protos;
	assert_int_equal(filter_add(&p->m, &r), 0);
}

__u64 rule_hits(struct prog *p, const char *key)
{
	struct filter_rule *rules;
	size_t n, i;
	__u64 nm, h = ~0ULL;
	char buf[64];

	assert_int_equal(filter_list(&p->m, &rules, &n, &nm), 0);
	for (i = 0; i < n; i++) {
		filter_rule_key_str(&rules[i], buf, sizeof(buf));
		if (!strcmp(buf, key))
			h = rules[i].hits;
	}
	free(rules);
	return h;
}

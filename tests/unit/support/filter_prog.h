/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * For the unit tests of the bundled filter and ratelimit programs
 * (test_filter, test_filter_skip): build a frame (Ethernet with 0-2 VLAN
 * tags, IPv4 or IPv6 with extension headers, UDP or ICMPv6), load a program
 * from build/progs, run the frame through it with BPF_PROG_TEST_RUN, add
 * rules and read their hits. Failures are cmocka failures of the calling
 * test. Needs root (setup_filter leaves *state NULL without it: skip).
 */
#ifndef XDPL_TESTS_FILTER_PROG_H
#define XDPL_TESTS_FILTER_PROG_H

#include <stddef.h>
#include <linux/types.h>
#include "progs/filter.h"

struct frame {
	unsigned char b[256];
	size_t len;
};

struct prog {
	struct bpf_object *obj;
	int fd;
	struct filter_maps m;
};

void put16(struct frame *f, unsigned int v);
/* destination 02:02:02:02:02:02; @vlans tags (ids 20 outer, 10 inner) */
void eth(struct frame *f, int vlans, const char *src_mac);
void udp(struct frame *f, unsigned int sport, unsigned int dport);
/* to 192.0.2.2, UDP from port 1000 */
void ipv4_udp(struct frame *f, const char *src, unsigned int frag_off, unsigned int dport);
/* to 2001:db8::2; with @exthdrs a hop-by-hop and a destination-options header */
void ipv6(struct frame *f, const char *src, int exthdrs, unsigned int proto, unsigned int dport);

/* build/progs/NAME.o loaded, its program NAME in p->fd: 0, or -1 */
int load_prog(struct prog *p, const char *name);
/* the frame through the program: its verdict */
int frame_run(struct prog *p, struct frame *f);

/* cmocka setup and teardown: a loaded filter with its maps in *state (NULL without root) */
int setup_filter(void **state);
int teardown_prog(void **state);

/* add a rule: @kind "ip", "port" or "ether" */
void rule_add(struct prog *p, const char *kind, const char *value, int dir, unsigned int protos);
/* the hits of the rule whose key reads @key, ~0 when there is none */
__u64 rule_hits(struct prog *p, const char *key);

#endif

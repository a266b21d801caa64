/* SPDX-License-Identifier: GPL-2.0-only */
/* What the test-run benchmarks (dpbench, filterbench) share: the frame and the clock. */
#ifndef XDPL_BENCH_TESTRUN_H
#define XDPL_BENCH_TESTRUN_H

#include <string.h>
#include <time.h>
#include <arpa/inet.h>
#include <linux/if_ether.h>
#include <linux/ip.h>
#include <linux/udp.h>

/* 64-byte Ethernet + IPv4 + UDP frame (the size of a minimal frame without FCS + 4) */
static inline void make_frame(unsigned char *buf, size_t len)
{
	struct ethhdr *eth = (void *)buf;
	struct iphdr *ip = (void *)(eth + 1);
	struct udphdr *udp = (void *)(ip + 1);

	memset(buf, 0, len);
	memset(eth->h_dest, 0x02, ETH_ALEN);
	memset(eth->h_source, 0x04, ETH_ALEN);
	eth->h_proto = htons(ETH_P_IP);
	ip->version = 4;
	ip->ihl = 5;
	ip->ttl = 64;
	ip->protocol = IPPROTO_UDP;
	ip->tot_len = htons(len - sizeof(*eth));
	ip->saddr = htonl(0xc0000201); /* 192.0.2.1 */
	ip->daddr = htonl(0xc0000202);
	udp->source = htons(9);
	udp->dest = htons(9);
	udp->len = htons(len - sizeof(*eth) - sizeof(*ip));
}

static inline double thread_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
	return ts.tv_sec * 1e9 + ts.tv_nsec;
}

#endif

// SPDX-License-Identifier: GPL-2.0-only
/*
 * Helpers for the packet-rate benchmark (bench/pps.py drives them).
 *
 *   ppstool gen NETNS IFACE SRC_IP DST_IP DST_MAC SECS CPU GEN_OBJ
 *	Traffic source: BPF_PROG_TEST_RUN with BPF_F_TEST_XDP_LIVE_FRAMES runs
 *	GEN_OBJ's XDP_TX program on a 64-byte UDP frame (60 bytes + FCS) with
 *	ingress_ifindex = IFACE, so every frame leaves through IFACE's
 *	ndo_xdp_xmit, for SECS seconds, pinned to CPU. Prints
 *	"sent=N secs=S pps=R calls=C".
 *   ppstool xdp NETNS IFACE native|skb OBJ PROG
 *	Attach OBJ's XDP program PROG (stays attached after ppstool exits).
 *   ppstool tc NETNS IFACE OBJ PROG
 *	clsact ingress + cls_bpf direct-action filter running OBJ's PROG.
 *
 * NETNS is a name under /run/netns ("-" for the current namespace).
 */
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <net/if.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <linux/if_ether.h>
#include <linux/if_link.h>
#include <linux/ip.h>
#include <linux/udp.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#ifndef BPF_F_TEST_XDP_LIVE_FRAMES
#define BPF_F_TEST_XDP_LIVE_FRAMES (1U << 1)
#endif

#define FRAME_LEN 60

static void die(const char *what, int err)
{
	fprintf(stderr, "ppstool: %s: %s\n", what, strerror(err < 0 ? -err : err));
	exit(1);
}

static void enter_netns(const char *name)
{
	char path[256];
	int fd;

	if (!strcmp(name, "-"))
		return;
	snprintf(path, sizeof(path), "/run/netns/%s", name);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		die(path, errno);
	if (setns(fd, CLONE_NEWNET))
		die("setns", errno);
	close(fd);
}

static unsigned int ifindex_of(const char *iface)
{
	unsigned int idx = if_nametoindex(iface);

	if (!idx)
		die(iface, errno);
	return idx;
}

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

static uint16_t ip_csum(const void *p, int len)
{
	const uint16_t *w = p;
	uint32_t s = 0;

	for (; len > 1; len -= 2)
		s += *w++;
	while (s >> 16)
		s = (s & 0xffff) + (s >> 16);
	return ~s;
}

static void build_frame(uint8_t *buf, const char *iface, const char *sip, const char *dip,
			const char *dmac)
{
	struct ethhdr *eth = (void *)buf;
	struct iphdr *ip = (void *)(eth + 1);
	struct udphdr *udp = (void *)(ip + 1);
	struct ifreq ifr = {};
	uint8_t *d = eth->h_dest;
	int fd;

	memset(buf, 0, FRAME_LEN);
	if (sscanf(dmac, "%hhx:%hhx:%hhx:%hhx:%hhx:%hhx", &d[0], &d[1], &d[2], &d[3], &d[4],
		   &d[5]) != 6)
		die(dmac, EINVAL);
	fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	snprintf(ifr.ifr_name, sizeof(ifr.ifr_name), "%s", iface);
	if (fd < 0 || ioctl(fd, SIOCGIFHWADDR, &ifr))
		die("SIOCGIFHWADDR", errno);
	close(fd);
	memcpy(eth->h_source, ifr.ifr_hwaddr.sa_data, ETH_ALEN);
	eth->h_proto = htons(ETH_P_IP);
	ip->version = 4;
	ip->ihl = 5;
	ip->tot_len = htons(FRAME_LEN - sizeof(*eth));
	ip->ttl = 64;
	ip->protocol = IPPROTO_UDP;
	if (inet_pton(AF_INET, sip, &ip->saddr) != 1 || inet_pton(AF_INET, dip, &ip->daddr) != 1)
		die("bad IPv4 address", EINVAL);
	/* the skb paths drop frames with a bad IP checksum before any contender */
	ip->check = ip_csum(ip, sizeof(*ip));
	udp->source = htons(9);
	udp->dest = htons(9); /* nothing listens: a frame that got through counts in NoPorts */
	udp->len = htons(FRAME_LEN - sizeof(*eth) - sizeof(*ip));
}

static struct bpf_object *load_obj(const char *path, const char *prog, int *prog_fd)
{
	struct bpf_object *obj = bpf_object__open_file(path, NULL);
	struct bpf_program *p;
	int err;

	if (!obj)
		die(path, errno);
	bpf_object__for_each_program (p, obj)
		bpf_program__set_autoload(p, !strcmp(bpf_program__name(p), prog));
	err = bpf_object__load(obj);
	if (err)
		die(path, err);
	p = bpf_object__find_program_by_name(obj, prog);
	if (!p)
		die(prog, ENOENT);
	*prog_fd = bpf_program__fd(p);
	return obj;
}

/*
 * Each BPF_PROG_TEST_RUN call costs a fixed ~20 ms here (the caller sleeps),
 * so short calls cap the rate: the first call measures the rate, the later
 * ones are sized to last about a second each.
 */
static int cmd_gen(char **argv)
{
	const char *iface = argv[1];
	double secs = atof(argv[5]), t0, t_end, c0, left, rate = 0;
	int cpu = atoi(argv[6]), prog_fd, err;
	unsigned long long sent = 0, calls = 0;
	uint8_t frame[FRAME_LEN];
	struct xdp_md ctx = {};
	cpu_set_t set;
	__u32 chunk;

	enter_netns(argv[0]);
	CPU_ZERO(&set);
	CPU_SET(cpu, &set);
	if (sched_setaffinity(0, sizeof(set), &set))
		die("sched_setaffinity", errno);
	build_frame(frame, iface, argv[2], argv[3], argv[4]);
	load_obj(argv[7], "bench_gen", &prog_fd);
	ctx.data_end = FRAME_LEN;
	ctx.ingress_ifindex = ifindex_of(iface);

	t0 = now();
	t_end = t0 + secs;
	while ((left = t_end - now()) > 0.02) {
		LIBBPF_OPTS(bpf_test_run_opts, o, .data_in = frame, .data_size_in = FRAME_LEN,
			    .ctx_in = &ctx, .ctx_size_in = sizeof(ctx),
			    .flags = BPF_F_TEST_XDP_LIVE_FRAMES, .batch_size = 64);

		chunk = rate ? rate * (left < 1.0 ? left : 1.0) : 1u << 18;
		if (chunk < 1024)
			chunk = 1024;
		o.repeat = chunk;
		c0 = now();
		err = bpf_prog_test_run_opts(prog_fd, &o);
		calls++;
		if (err && errno == EINTR)
			continue;
		if (err)
			die("BPF_PROG_TEST_RUN (live frames)", errno);
		sent += chunk;
		rate = chunk / (now() - c0);
	}
	secs = now() - t0;
	printf("sent=%llu secs=%.3f pps=%.0f calls=%llu\n", sent, secs, sent / secs, calls);
	return 0;
}

static int cmd_xdp(char **argv)
{
	__u32 flags = XDP_FLAGS_UPDATE_IF_NOEXIST;
	int prog_fd, err;

	enter_netns(argv[0]);
	if (!strcmp(argv[2], "native"))
		flags |= XDP_FLAGS_DRV_MODE;
	else if (!strcmp(argv[2], "skb"))
		flags |= XDP_FLAGS_SKB_MODE;
	else
		die(argv[2], EINVAL);
	load_obj(argv[3], argv[4], &prog_fd);
	err = bpf_xdp_attach(ifindex_of(argv[1]), prog_fd, flags, NULL);
	if (err)
		die("bpf_xdp_attach", err);
	return 0;
}

static int cmd_tc(char **argv)
{
	int prog_fd, err;

	enter_netns(argv[0]);
	load_obj(argv[2], argv[3], &prog_fd);
	LIBBPF_OPTS(bpf_tc_hook, hook, .ifindex = ifindex_of(argv[1]),
		    .attach_point = BPF_TC_INGRESS);
	LIBBPF_OPTS(bpf_tc_opts, opts, .handle = 1, .priority = 1, .prog_fd = prog_fd);
	err = bpf_tc_hook_create(&hook);
	if (err && err != -EEXIST)
		die("bpf_tc_hook_create", err);
	err = bpf_tc_attach(&hook, &opts);
	if (err)
		die("bpf_tc_attach", err);
	return 0;
}

int main(int argc, char **argv)
{
	libbpf_set_print(NULL);
	if (argc == 10 && !strcmp(argv[1], "gen"))
		return cmd_gen(argv + 2);
	if (argc == 7 && !strcmp(argv[1], "xdp"))
		return cmd_xdp(argv + 2);
	if (argc == 6 && !strcmp(argv[1], "tc"))
		return cmd_tc(argv + 2);
	fprintf(stderr, "usage: ppstool gen NETNS IFACE SRC_IP DST_IP DST_MAC SECS CPU GEN_OBJ\n"
			"       ppstool xdp NETNS IFACE native|skb OBJ PROG\n"
			"       ppstool tc NETNS IFACE OBJ PROG\n");
	return 2;
}

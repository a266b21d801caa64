// SPDX-License-Identifier: GPL-2.0-only
/* The XDP features of a device, over generic netlink (see xdp_features.h). */
#include <errno.h>
#include <stdbool.h>
#include <stddef.h>
#include <string.h>
#include <unistd.h>
#include <sys/socket.h>
#include <linux/genetlink.h>
#include <linux/netlink.h>
#include "error.h"
#include "xdp_features.h"

/* <linux/netdev.h> (Linux 6.3); Debian 12's headers predate it. */
#define NETDEV_FAMILY_NAME "netdev"
#define NETDEV_CMD_DEV_GET 1
#define NETDEV_A_DEV_IFINDEX 1
#define NETDEV_A_DEV_XDP_FEATURES 3
#define NETDEV_A_DEV_XDP_ZC_MAX_SEGS 4
#define NETDEV_A_DEV_XDP_RX_METADATA_FEATURES 5

const struct xdp_feature_name xdp_feature_names[] = {
	{ "NETDEV_XDP_ACT_BASIC", 1ULL << 0 },	     { "NETDEV_XDP_ACT_REDIRECT", 1ULL << 1 },
	{ "NETDEV_XDP_ACT_NDO_XMIT", 1ULL << 2 },    { "NETDEV_XDP_ACT_XSK_ZEROCOPY", 1ULL << 3 },
	{ "NETDEV_XDP_ACT_HW_OFFLOAD", 1ULL << 4 },  { "NETDEV_XDP_ACT_RX_SG", 1ULL << 5 },
	{ "NETDEV_XDP_ACT_NDO_XMIT_SG", 1ULL << 6 }, { NULL, 0 },
};

#define BUF_SZ 8192

struct nl_req {
	struct nlmsghdr nh;
	struct genlmsghdr gh;
	char attrs[64];
};

static void put_attr(struct nl_req *r, __u16 type, const void *data, __u16 len)
{
	struct nlattr *a = (struct nlattr *)((char *)r + NLMSG_ALIGN(r->nh.nlmsg_len));

	a->nla_type = type;
	a->nla_len = NLA_HDRLEN + len;
	memcpy((char *)a + NLA_HDRLEN, data, len);
	r->nh.nlmsg_len = NLMSG_ALIGN(r->nh.nlmsg_len) + NLA_ALIGN(a->nla_len);
}

/* One request, one answer: calls fn on each attribute of the reply; 0 or -errno. */
static int transact(int sock, struct nl_req *r, void (*fn)(const struct nlattr *, void *),
		    void *arg)
{
	static __u32 seq;
	char buf[BUF_SZ];
	struct nlmsghdr *nh;
	ssize_t len;

	r->nh.nlmsg_flags = NLM_F_REQUEST | NLM_F_ACK;
	r->nh.nlmsg_seq = ++seq;
	if (send(sock, r, r->nh.nlmsg_len, 0) < 0)
		return -errno;
	for (;;) {
		len = recv(sock, buf, sizeof(buf), 0);
		if (len < 0)
			return -errno;
		for (nh = (struct nlmsghdr *)buf; NLMSG_OK(nh, len); nh = NLMSG_NEXT(nh, len)) {
			const struct nlattr *a;
			int rem;

			if (nh->nlmsg_seq != r->nh.nlmsg_seq)
				continue;
			if (nh->nlmsg_type == NLMSG_ERROR) {
				const struct nlmsgerr *e = NLMSG_DATA(nh);

				if (e->error)
					return e->error;
				return 0; /* the ack: the reply came before it */
			}
			if (nh->nlmsg_type == NLMSG_DONE)
				return 0;
			a = (const struct nlattr *)((const char *)NLMSG_DATA(nh) + GENL_HDRLEN);
			rem = nh->nlmsg_len - NLMSG_LENGTH(GENL_HDRLEN);
			while (rem >= (int)NLA_HDRLEN && a->nla_len >= NLA_HDRLEN &&
			       a->nla_len <= rem) {
				fn(a, arg);
				rem -= NLA_ALIGN(a->nla_len);
				a = (const struct nlattr *)((const char *)a +
							    NLA_ALIGN(a->nla_len));
			}
		}
	}
}

static void family_attr(const struct nlattr *a, void *arg)
{
	if ((a->nla_type & NLA_TYPE_MASK) == CTRL_ATTR_FAMILY_ID)
		memcpy(arg, (const char *)a + NLA_HDRLEN, sizeof(__u16));
}

static void dev_attr(const struct nlattr *a, void *arg)
{
	struct xdp_features *f = arg;
	const char *v = (const char *)a + NLA_HDRLEN;
	int len = a->nla_len - NLA_HDRLEN;

	switch (a->nla_type & NLA_TYPE_MASK) {
	case NETDEV_A_DEV_XDP_FEATURES:
		if (len >= 8)
			memcpy(&f->flags, v, 8);
		break;
	case NETDEV_A_DEV_XDP_ZC_MAX_SEGS:
		if (len >= 4)
			memcpy(&f->zc_max_segs, v, 4);
		break;
	case NETDEV_A_DEV_XDP_RX_METADATA_FEATURES:
		if (len >= 8) {
			memcpy(&f->rx_metadata, v, 8);
			f->has_rx_metadata = true;
		}
		break;
	}
}

int xdp_features_query(int ifindex, const char *ifname, struct xdp_features *f)
{
	struct nl_req r = {};
	__u16 family = 0;
	__u32 idx = ifindex;
	int sock, err;

	memset(f, 0, sizeof(*f));
	sock = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_GENERIC);
	if (sock < 0)
		return xdpl_err(XDPL_ERR_FAIL, errno, "cannot open a netlink socket: %s",
				strerror(errno));
	r.nh.nlmsg_len = NLMSG_LENGTH(GENL_HDRLEN);
	r.nh.nlmsg_type = GENL_ID_CTRL;
	r.gh.cmd = CTRL_CMD_GETFAMILY;
	r.gh.version = 1;
	put_attr(&r, CTRL_ATTR_FAMILY_NAME, NETDEV_FAMILY_NAME, sizeof(NETDEV_FAMILY_NAME));
	err = transact(sock, &r, family_attr, &family);
	if (err == -ENOENT || (!err && !family)) {
		err = xdpl_err(XDPL_ERR_FAIL, EOPNOTSUPP,
			       "%s: this kernel does not report XDP features (Linux 6.3 and "
			       "later do)",
			       ifname);
		goto out;
	}
	if (err) {
		err = xdpl_err(XDPL_ERR_FAIL, err, "cannot look up the netdev netlink family: %s",
			       strerror(-err));
		goto out;
	}
	memset(&r, 0, sizeof(r));
	r.nh.nlmsg_len = NLMSG_LENGTH(GENL_HDRLEN);
	r.nh.nlmsg_type = family;
	r.gh.cmd = NETDEV_CMD_DEV_GET;
	r.gh.version = 1;
	put_attr(&r, NETDEV_A_DEV_IFINDEX, &idx, sizeof(idx));
	err = transact(sock, &r, dev_attr, f);
	if (err)
		err = xdpl_err(err == -EPERM ? XDPL_ERR_PERM : XDPL_ERR_FAIL, err,
			       "%s: cannot read its XDP features: %s", ifname, strerror(-err));
out:
	close(sock);
	return err;
}

// SPDX-License-Identifier: GPL-2.0-only
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/socket.h>
#include <linux/if_link.h>
#include "iface.h"
#include "log.h"

#ifndef SO_NETNS_COOKIE
#define SO_NETNS_COOKIE 71
#endif

__u64 netns_cookie(void)
{
	socklen_t len = sizeof(__u64);
	__u64 cookie = 0;
	int fd;

	fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return 0;
	if (getsockopt(fd, SOL_SOCKET, SO_NETNS_COOKIE, &cookie, &len))
		cookie = 0;
	close(fd);
	return cookie;
}

int iface_resolve(const char *name, struct xdpl_iface *iface)
{
	memset(iface, 0, sizeof(*iface));
	if (strlen(name) >= IF_NAMESIZE || !(iface->ifindex = if_nametoindex(name)))
		return xdpl_err(XDPL_ERR_NOIFACE, ENODEV,
				"%s: no such interface in this network namespace (see 'ip link')",
				name);
	strcpy(iface->name, name);
	iface->netns_cookie = netns_cookie();
	return 0;
}

static int by_index(const void *a, const void *b)
{
	return ((const struct xdpl_iface *)a)->ifindex - ((const struct xdpl_iface *)b)->ifindex;
}

int iface_list(struct xdpl_iface **ifaces, int *n)
{
	struct if_nameindex *all, *i;
	__u64 cookie = netns_cookie();
	int cnt = 0;

	all = if_nameindex();
	if (!all)
		return -errno;
	for (i = all; i->if_index; i++)
		cnt++;
	*ifaces = calloc(cnt ? cnt : 1, sizeof(**ifaces));
	if (!*ifaces) {
		if_freenameindex(all);
		return -ENOMEM;
	}
	for (*n = 0, i = all; i->if_index; i++, (*n)++) {
		(*ifaces)[*n].ifindex = i->if_index;
		(*ifaces)[*n].netns_cookie = cookie;
		snprintf((*ifaces)[*n].name, IF_NAMESIZE, "%s", i->if_name);
	}
	if_freenameindex(all);
	qsort(*ifaces, *n, sizeof(**ifaces), by_index);
	return 0;
}

static const struct {
	const char *name;
	enum xdp_attach_mode mode;
} modes[] = {
	{ "native", XDP_MODE_NATIVE },	    { "skb", XDP_MODE_SKB },	{ "hw", XDP_MODE_HW },
	{ "unspecified", XDP_MODE_UNSPEC }, { "drv", XDP_MODE_NATIVE }, { "generic", XDP_MODE_SKB },
	{ "offload", XDP_MODE_HW },
};

int mode_parse(const char *name, enum xdp_attach_mode *mode)
{
	size_t i;

	for (i = 0; i < sizeof(modes) / sizeof(modes[0]); i++) {
		if (!strcmp(name, modes[i].name)) {
			*mode = modes[i].mode;
			return 0;
		}
	}
	return -EINVAL;
}

const char *mode_name(enum xdp_attach_mode mode)
{
	size_t i;

	for (i = 0; i < sizeof(modes) / sizeof(modes[0]); i++)
		if (modes[i].mode == mode)
			return modes[i].name;
	return "unknown";
}

__u32 mode_flags(enum xdp_attach_mode mode)
{
	switch (mode) {
	case XDP_MODE_NATIVE:
		return XDP_FLAGS_DRV_MODE;
	case XDP_MODE_SKB:
		return XDP_FLAGS_SKB_MODE;
	case XDP_MODE_HW:
		return XDP_FLAGS_HW_MODE;
	default:
		return 0;
	}
}

void iface_key(const struct xdpl_iface *iface, char *buf, size_t sz)
{
	snprintf(buf, sz, "%llx-%d", (unsigned long long)iface->netns_cookie, iface->ifindex);
}

enum xdp_attach_mode mode_of_attached(__u8 attach_mode)
{
	switch (attach_mode) {
	case XDP_ATTACHED_DRV:
		return XDP_MODE_NATIVE;
	case XDP_ATTACHED_SKB:
		return XDP_MODE_SKB;
	case XDP_ATTACHED_HW:
		return XDP_MODE_HW;
	default:
		return XDP_MODE_UNSPEC;
	}
}

enum xdp_attach_mode mode_of_flags(__u32 flags)
{
	if (flags & XDP_FLAGS_DRV_MODE)
		return XDP_MODE_NATIVE;
	if (flags & XDP_FLAGS_SKB_MODE)
		return XDP_MODE_SKB;
	if (flags & XDP_FLAGS_HW_MODE)
		return XDP_MODE_HW;
	return XDP_MODE_UNSPEC;
}

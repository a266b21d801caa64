// SPDX-License-Identifier: GPL-2.0-only
/* Find a program on an interface, and a map of a program (see attached.h). */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include "attached.h"
#include "iface.h"
#include "log.h"
#include "ops.h"
#include "status.h"

int attached_prog_fd(const struct xdpl_iface *iface, const char *name)
{
	const char *ifname = iface->name;
	const struct prog_status *ps;
	struct iface_status *st;
	int err, fd;

	st = calloc(1, sizeof(*st));
	if (!st)
		return -ENOMEM;
	err = xdpl_status(iface, st);
	if (err) {
		free(st);
		return xdpl_err(err == -EPERM || err == -EACCES ? XDPL_ERR_PERM : XDPL_ERR_FAIL,
				err, "%s: cannot read the XDP status: %s (run as root)", ifname,
				strerror(-err));
	}
	ps = status_find(st, 0, name);
	if (!ps) {
		free(st);
		return xdpl_err(XDPL_ERR_NOTFOUND, ENOENT,
				"%s: no '%s' program attached (load it: xdpload load %s %s)",
				ifname, name, ifname, name);
	}
	fd = bpf_prog_get_fd_by_id(ps->id);
	if (fd < 0) {
		err = -errno;
		fd = xdpl_err(err == -EPERM ? XDPL_ERR_PERM : XDPL_ERR_FAIL, err,
			      "%s: cannot open program '%s' (id %u): %s", ifname, name, ps->id,
			      strerror(-err));
	}
	free(st);
	return fd;
}

int prog_map_fd_by_name(int prog_fd, const char *name)
{
	struct bpf_prog_info info = {};
	__u32 len = sizeof(info), *ids, n, i;
	int err, fd;

	err = bpf_obj_get_info_by_fd(prog_fd, &info, &len);
	if (err)
		return -errno;
	n = info.nr_map_ids;
	if (!n)
		return -ENOENT;
	ids = calloc(n, sizeof(*ids));
	if (!ids)
		return -ENOMEM;
	memset(&info, 0, sizeof(info));
	info.nr_map_ids = n;
	info.map_ids = (__u64)(unsigned long)ids;
	len = sizeof(info);
	if (bpf_obj_get_info_by_fd(prog_fd, &info, &len)) {
		err = -errno;
		goto out;
	}
	if (info.nr_map_ids < n)
		n = info.nr_map_ids;
	err = -ENOENT;
	for (i = 0; i < n; i++) {
		struct bpf_map_info minfo = {};
		__u32 mlen = sizeof(minfo);

		fd = bpf_map_get_fd_by_id(ids[i]);
		if (fd < 0)
			continue;
		if (!bpf_obj_get_info_by_fd(fd, &minfo, &mlen) && !strcmp(minfo.name, name)) {
			err = fd;
			break;
		}
		close(fd);
	}
out:
	free(ids);
	return err;
}

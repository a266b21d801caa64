// SPDX-License-Identifier: GPL-2.0-only
/* The bundled "count" program's counters (see count.h). */
#include <errno.h>
#include <stdlib.h>
#include <unistd.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include <xdpload/counters.h>
#include "attached.h"
#include "percpu.h"
#include "progs/count.h"

int count_read(__u32 prog_id, __u64 *packets, __u64 *bytes)
{
	struct xdpl_count *vals;
	int prog_fd, fd, ncpu, i, err = 0;
	struct bpf_map_info info = {};
	__u32 key = 0, len = sizeof(info);

	prog_fd = bpf_prog_get_fd_by_id(prog_id);
	if (prog_fd < 0)
		return -errno;
	fd = prog_map_fd_by_name(prog_fd, XDPL_COUNT_MAP_NAME);
	close(prog_fd);
	if (fd < 0)
		return fd;
	/* a program of the same name with another layout is not ours */
	if (bpf_obj_get_info_by_fd(fd, &info, &len) || info.type != BPF_MAP_TYPE_PERCPU_ARRAY ||
	    info.value_size != sizeof(*vals)) {
		close(fd);
		return -ENOENT;
	}
	vals = percpu_lookup(fd, &key, sizeof(*vals), &ncpu);
	if (!vals) {
		err = -errno;
	} else {
		*packets = *bytes = 0;
		for (i = 0; i < ncpu; i++) {
			*packets += vals[i].packets;
			*bytes += vals[i].bytes;
		}
	}
	free(vals);
	close(fd);
	return err;
}

int count_use_xdp_buff(struct bpf_object *obj, bool on)
{
	struct xdpl_count_ro ro = { .xdp_buff = on };
	struct bpf_map *m = bpf_object__find_map_by_name(obj, XDPL_COUNT_RO_SECTION);

	return m ? bpf_map__set_initial_value(m, &ro, sizeof(ro)) : -ENOENT;
}

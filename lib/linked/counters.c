// SPDX-License-Identifier: GPL-2.0-only
/* The linked dispatcher's per-component counters map (layout in <xdpload/dispatcher.h>). */
#include <errno.h>
#include <sys/syscall.h>
#include <linux/capability.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include <xdpload/dispatcher.h>
#include "chain.h"
#include "linked/counters.h"
#include "percpu.h"

/* The counters' lookup key (0) as a map value: read-only for programs, frozen. */
int linked_counters_key_create(void)
{
	LIBBPF_OPTS(bpf_map_create_opts, o, .map_flags = BPF_F_RDONLY_PROG);
	int fd = bpf_map_create(BPF_MAP_TYPE_ARRAY, XDPL_DISP_KEY_MAP_NAME, sizeof(__u32),
				sizeof(__u32), 1, &o);

	if (fd < 0)
		return -errno;
	if (bpf_map_freeze(fd)) {
		int err = -errno;

		close(fd);
		return err;
	}
	return fd;
}

int linked_counters_create(unsigned int n)
{
	int fd;

	if (!n || n > XDPL_CHAIN_MAX)
		return -EINVAL;
	fd = bpf_map_create(BPF_MAP_TYPE_PERCPU_ARRAY, XDPL_DISP_COUNTERS_MAP_NAME, sizeof(__u32),
			    n * XDPL_DISP_STRIDE, 1, NULL);
	return fd < 0 ? -errno : fd;
}

int linked_counters_read(int map_fd, unsigned int idx, __u64 *packets)
{
	return linked_counters_read2(map_fd, idx, packets, NULL);
}

int linked_counters_read2(int map_fd, unsigned int idx, __u64 *packets, __u64 *bytes)
{
	struct bpf_map_info info = {};
	__u32 len = sizeof(info), key = 0;
	int ncpu, cpu, s;
	char *vals;

	if (bpf_obj_get_info_by_fd(map_fd, &info, &len))
		return -errno;
	if ((idx + 1) * XDPL_DISP_STRIDE > info.value_size)
		return -ERANGE;
	vals = percpu_lookup(map_fd, &key, info.value_size, &ncpu);
	if (!vals)
		return -errno;
	memset(packets, 0, XDPL_DISP_SLOTS * sizeof(__u64));
	if (bytes)
		memset(bytes, 0, XDPL_DISP_SLOTS * sizeof(__u64));
	for (cpu = 0; cpu < ncpu; cpu++) {
		const __u64 *v = (const __u64 *)(vals + cpu * PERCPU_STRIDE(info.value_size)) +
				 idx * XDPL_DISP_WORDS;

		for (s = 0; s < XDPL_DISP_SLOTS; s++) {
			packets[s] += v[s];
			if (bytes)
				bytes[s] += v[XDPL_DISP_SLOTS + s];
		}
	}
	free(vals);
	return 0;
}

int linked_counters_fit(int fd, unsigned int nslots)
{
	struct bpf_map_info info = {};
	__u32 len = sizeof(info);

	if (bpf_obj_get_info_by_fd(fd, &info, &len))
		return -errno;
	if (info.type != BPF_MAP_TYPE_PERCPU_ARRAY || info.max_entries < 1 ||
	    info.value_size < nslots * XDPL_DISP_STRIDE)
		return -EINVAL;
	return 0;
}

bool linked_counters_bytes_allowed(void)
{
	struct __user_cap_header_struct h = { .version = _LINUX_CAPABILITY_VERSION_3 };
	struct __user_cap_data_struct d[2] = {};

	/* the verifier lets pointers be subtracted with perfmon_capable() */
	if (syscall(SYS_capget, &h, d))
		return false;
	return (d[CAP_PERFMON / 32].effective & (1u << (CAP_PERFMON % 32))) ||
	       (d[CAP_SYS_ADMIN / 32].effective & (1u << (CAP_SYS_ADMIN % 32)));
}

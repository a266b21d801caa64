// SPDX-License-Identifier: GPL-2.0-only
#include <errno.h>
#include <string.h>
#include <unistd.h>
#include <bpf/bpf.h>
#include "log.h"
#include "objload.h"
#include "verifier_log.h"

int objload_check_maps(const char *label, struct bpf_object *obj)
{
	struct bpf_map *m;

	bpf_object__for_each_map (m, obj) {
		/* libbpf sizes a perf event array to the CPUs itself */
		if (bpf_map__max_entries(m) || bpf_map__type(m) == BPF_MAP_TYPE_PERF_EVENT_ARRAY ||
		    !bpf_map__autocreate(m))
			continue;
		return xdpl_err(XDPL_ERR_NOFILE, EINVAL,
				"%s: the object expects its own loader to size map %s "
				"(max_entries is 0)",
				label, bpf_map__name(m));
	}
	return 0;
}

/* flags the kernel may add to what the object asked for */
#define KERNEL_MAP_FLAGS (BPF_F_RDONLY_PROG | BPF_F_WRONLY_PROG)

int objload_prepare_pins(const char *label, struct bpf_object *obj)
{
	struct bpf_map_info info;
	__u32 len = sizeof(info);
	const char *path;
	struct bpf_map *m;
	int fd, err = 0;

	bpf_object__for_each_map (m, obj) {
		path = bpf_map__pin_path(m);
		if (!path || bpf_map__is_pinned(m))
			continue;
		fd = bpf_obj_get(path);
		if (fd < 0 && errno == ENOENT)
			continue; /* libbpf creates and pins it */
		if (fd < 0)
			return xdpl_err(XDPL_ERR_PERM, errno,
					"%s: cannot open the pin of map %s: %s", label,
					bpf_map__name(m), strerror(errno));
		memset(&info, 0, sizeof(info));
		len = sizeof(info);
		err = bpf_obj_get_info_by_fd(fd, &info, &len) ? -errno : 0;
		close(fd);
		if (err)
			return xdpl_err(XDPL_ERR_PERM, err, "%s: cannot read the pin of map %s: %s",
					label, bpf_map__name(m), strerror(-err));
		if (info.type != bpf_map__type(m) || info.key_size != bpf_map__key_size(m) ||
		    info.value_size != bpf_map__value_size(m) ||
		    info.max_entries != bpf_map__max_entries(m) ||
		    ((info.map_flags ^ bpf_map__map_flags(m)) & ~KERNEL_MAP_FLAGS))
			return xdpl_err(XDPL_ERR_PERM, EEXIST,
					"%s: another map is pinned where its map %s goes (%s: "
					"its type, sizes or flags differ); remove the pin or "
					"load with another -p",
					label, bpf_map__name(m), path);
		err = bpf_map__set_map_flags(m, info.map_flags);
		if (err)
			return xdpl_err(XDPL_ERR_FAIL, err, "%s: cannot set map %s's flags: %s",
					label, bpf_map__name(m), strerror(-err));
	}
	return 0;
}

int objload_error(const char *label, int err)
{
	char why[256];

	if (*xdpl_last_verifier_log())
		return verifier_report(label, err);
	xdpl_libbpf_reason(err, why, sizeof(why));
	if (strstr(why, "pin") || strstr(why, "BPF FS"))
		return xdpl_err(XDPL_ERR_PERM, err, "%s: cannot pin its maps: %s", label, why);
	if (err == -EPERM || err == -EACCES)
		return xdpl_err(XDPL_ERR_PERM, err,
				"%s: the kernel refused to load it: %s (run as root, or with "
				"CAP_BPF and CAP_NET_ADMIN)",
				label, why);
	return xdpl_err(XDPL_ERR_NOFILE, err, "%s: libbpf cannot load it: %s", label, why);
}

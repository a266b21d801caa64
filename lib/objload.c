// SPDX-License-Identifier: GPL-2.0-only
#include <errno.h>
#include <string.h>
#include "log.h"
#include "objload.h"
#include "verifier_log.h"

int objload_check_maps(const char *label, struct bpf_object *obj)
{
	struct bpf_map *m;

	bpf_object__for_each_map (m, obj) {
		/* libbpf sizes a perf event array to the CPUs itself */
		if (bpf_map__max_entries(m) ||
		    bpf_map__type(m) == BPF_MAP_TYPE_PERF_EVENT_ARRAY || !bpf_map__autocreate(m))
			continue;
		return xdpl_err(XDPL_ERR_NOFILE, EINVAL,
				"%s: the object expects its own loader to size map %s "
				"(max_entries is 0)",
				label, bpf_map__name(m));
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

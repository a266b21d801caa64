// SPDX-License-Identifier: GPL-2.0-only
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/vfs.h>
#include <linux/magic.h>
#include "bpffs.h"
#include "log.h"

#define BPFFS_DEFAULT "/sys/fs/bpf"
#define BPFFS_INIT_NS "/proc/1/root/sys/fs/bpf"

int is_bpffs(const char *path)
{
	struct statfs st;

	return !statfs(path, &st) && st.f_type == BPF_FS_MAGIC;
}

int bpffs_root(char *path, size_t sz)
{
	const char *root = BPFFS_DEFAULT;

	if (is_bpffs(BPFFS_DEFAULT))
		goto found;
	root = BPFFS_INIT_NS;
	if (is_bpffs(BPFFS_INIT_NS)) {
		pr_debug("%s is not a bpffs here (ip netns exec?); using %s\n", BPFFS_DEFAULT,
			 BPFFS_INIT_NS);
		goto found;
	}
	root = BPFFS_DEFAULT;
	mkdir(BPFFS_DEFAULT, 0755);
	if (mount("bpf", BPFFS_DEFAULT, "bpf", 0, "mode=0700"))
		return xdpl_fail(XDPL_EXIT_PERM, errno,
				 "cannot mount a bpffs on %s: %s (mount -t bpf bpf %s)\n",
				 BPFFS_DEFAULT, strerror(errno), BPFFS_DEFAULT);
	pr_debug("mounted a bpffs on %s\n", BPFFS_DEFAULT);
found:
	snprintf(path, sz, "%s", root);
	return 0;
}

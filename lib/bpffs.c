// SPDX-License-Identifier: GPL-2.0-only
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/vfs.h>
#include <linux/magic.h>
#include "bpffs.h"
#include "log.h"

#define BPFFS_DEFAULT "/sys/fs/bpf"

static char outer_bpffs[64];

static pid_t parent_of(pid_t pid)
{
	char path[64];
	int ppid = 0;
	FILE *f;

	snprintf(path, sizeof(path), "/proc/%d/stat", pid);
	f = fopen(path, "r");
	if (!f)
		return 0;
	/* "pid (comm) state ppid": comm may hold spaces, so skip to its ')'. */
	if (fscanf(f, "%*d (%*[^)]) %*c %d", &ppid) != 1)
		ppid = 0;
	fclose(f);
	return ppid;
}

/*
 * The bpffs of the nearest ancestor that sees one, reached through
 * /proc/PID/root: `ip netns exec` runs us in a mount namespace of our own whose
 * /sys hides the bpffs that the shell which started us still has.
 */
static const char *outer_root(void)
{
	pid_t pid = getppid();
	int hops;

	if (outer_bpffs[0])
		return outer_bpffs;
	for (hops = 0; pid > 0 && hops < 16; hops++, pid = parent_of(pid)) {
		snprintf(outer_bpffs, sizeof(outer_bpffs), "/proc/%d/root" BPFFS_DEFAULT, pid);
		if (is_bpffs(outer_bpffs))
			return outer_bpffs;
	}
	/* a deep process tree: the init mount namespace's, as a last resort */
	snprintf(outer_bpffs, sizeof(outer_bpffs), "/proc/1/root" BPFFS_DEFAULT);
	if (is_bpffs(outer_bpffs))
		return outer_bpffs;
	outer_bpffs[0] = '\0';
	return NULL;
}

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
	root = outer_root();
	if (root) {
		pr_debug("%s is not a bpffs here (ip netns exec?); using %s\n", BPFFS_DEFAULT,
			 root);
		goto found;
	}
	root = BPFFS_DEFAULT;
	mkdir(BPFFS_DEFAULT, 0755);
	if (mount("bpf", BPFFS_DEFAULT, "bpf", 0, "mode=0700"))
		return xdpl_err(XDPL_ERR_PERM, errno,
				"cannot mount a bpffs on %s: %s (mount -t bpf bpf %s)",
				BPFFS_DEFAULT, strerror(errno), BPFFS_DEFAULT);
	pr_debug("mounted a bpffs on %s\n", BPFFS_DEFAULT);
found:
	snprintf(path, sz, "%s", root);
	return 0;
}

int bpffs_resolve(const char *dir, char *path, size_t sz)
{
	size_t len = strlen(BPFFS_DEFAULT);
	char root[256];
	int err;

	if (!dir)
		return bpffs_root(path, sz);
	if (strncmp(dir, BPFFS_DEFAULT, len) || (dir[len] && dir[len] != '/') ||
	    is_bpffs(BPFFS_DEFAULT)) {
		snprintf(path, sz, "%s", dir);
		return 0;
	}
	err = bpffs_root(root, sizeof(root));
	if (err)
		return err;
	if ((size_t)snprintf(path, sz, "%s%s", root, dir + len) >= sz)
		return xdpl_err(XDPL_ERR_USAGE, ENAMETOOLONG, "%s: pin path too long", dir);
	return 0;
}

void bpffs_prepare_libxdp(void)
{
	const char *root;

	if (getenv("LIBXDP_BPFFS") || is_bpffs(BPFFS_DEFAULT))
		return;
	root = outer_root();
	if (!root)
		return;
	setenv("LIBXDP_BPFFS", root, 0);
	pr_debug("libxdp will use the bpffs at %s\n", root);
}

bool bpffs_same_dir(const char *a, const char *b)
{
	size_t la = strlen(a), lb = strlen(b);

	while (la > 1 && a[la - 1] == '/')
		la--;
	while (lb > 1 && b[lb - 1] == '/')
		lb--;
	return la == lb && !strncmp(a, b, la);
}

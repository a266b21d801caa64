// SPDX-License-Identifier: GPL-2.0-only
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <sys/stat.h>
#include <bpf/bpf.h>
#include "owner.h"

static void legacy_path(const struct xdpl_iface *iface, char *buf, size_t sz, bool mkdirs)
{
	char key[64];

	iface_key(iface, key, sizeof(key));
	if (mkdirs) {
		mkdir(XDPL_RUN_DIR, 0755);
		snprintf(buf, sz, XDPL_RUN_DIR "/%s", key);
		mkdir(buf, 0755);
	}
	snprintf(buf, sz, XDPL_RUN_DIR "/%s/legacy-prog-id", key);
}

int owner_mark_legacy(const struct xdpl_iface *iface, __u32 prog_id)
{
	char path[256];
	FILE *f;

	legacy_path(iface, path, sizeof(path), true);
	f = fopen(path, "w");
	if (!f)
		return -errno;
	fprintf(f, "%u\n", prog_id);
	return fclose(f) ? -errno : 0;
}

bool owner_is_legacy(const struct xdpl_iface *iface, __u32 prog_id)
{
	unsigned int id = 0;
	char path[256];
	FILE *f;

	legacy_path(iface, path, sizeof(path), false);
	f = fopen(path, "r");
	if (!f)
		return false;
	if (fscanf(f, "%u", &id) != 1)
		id = 0;
	fclose(f);
	return id && id == prog_id;
}

void owner_clear_legacy(const struct xdpl_iface *iface)
{
	char path[256];

	legacy_path(iface, path, sizeof(path), false);
	unlink(path);
	/* the interface's run directory goes too, unless a linked chain keeps state there */
	*strrchr(path, '/') = '\0';
	rmdir(path);
}

static bool prog_loaded(__u32 id)
{
	int fd = bpf_prog_get_fd_by_id(id);

	if (fd < 0)
		return false;
	close(fd);
	return true;
}

void owner_clean_legacy(void)
{
	char path[512];
	unsigned int id;
	struct dirent *d;
	DIR *dp;
	FILE *f;

	dp = opendir(XDPL_RUN_DIR);
	while (dp && (d = readdir(dp))) {
		if (d->d_name[0] == '.')
			continue;
		snprintf(path, sizeof(path), XDPL_RUN_DIR "/%s/legacy-prog-id", d->d_name);
		f = fopen(path, "r");
		if (!f)
			continue;
		if (fscanf(f, "%u", &id) != 1)
			id = 0;
		fclose(f);
		if (id && prog_loaded(id))
			continue;
		unlink(path);
		*strrchr(path, '/') = '\0';
		rmdir(path);
	}
	if (dp)
		closedir(dp);
}

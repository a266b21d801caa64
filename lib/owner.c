// SPDX-License-Identifier: GPL-2.0-only
#include <errno.h>
#include <stdio.h>
#include <unistd.h>
#include <sys/stat.h>
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
}

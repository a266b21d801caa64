// SPDX-License-Identifier: GPL-2.0-only
/* The filter's rule sets (see filter_set.h). */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <fcntl.h>
#include <unistd.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include "attached.h"
#include "bpffs.h"
#include "iface.h"
#include "log.h"
#include "statedir.h"
#include "progs/filter_set.h"

#define SETS_DIR "sets"

/* The maps a set holds: the rules, their counters, the runtime settings. */
static const char *const set_maps[] = {
	XDPL_FILTER_MAP_CFG,   XDPL_FILTER_MAP_SRC4,
	XDPL_FILTER_MAP_DST4,  XDPL_FILTER_MAP_SRC6,
	XDPL_FILTER_MAP_DST6,  XDPL_FILTER_MAP_PORT,
	XDPL_FILTER_MAP_ETHER, XDPL_FILTER_MAP_HITS,
	XDPL_FILTER_MAP_COMBO, XDPL_FILTER_MAP_SKIP,
	NULL,
};

static void kept_name(const struct xdpl_iface *iface, char *buf, size_t sz)
{
	char key[XDPL_FILTER_SET_LEN - 1];

	iface_key(iface, key, sizeof(key));
	snprintf(buf, sz, "@%.*s", (int)sizeof(key) - 1, key);
}

/* <bpffs>/xdpload/sets/NAME, created when @create. */
static int open_set_dir(const char *name, bool create, struct xdpl_dir *out)
{
	struct xdpl_dir root = XDPL_DIR_INIT, top = XDPL_DIR_INIT, sets = XDPL_DIR_INIT;
	char path[256];
	int err;

	err = bpffs_root(path, sizeof(path));
	if (!err)
		err = sdir_open_root(path, &root);
	if (!err)
		err = sdir_open(&root, "xdpload", create, &top);
	if (!err)
		err = sdir_open(&top, SETS_DIR, create, &sets);
	if (!err)
		err = sdir_open(&sets, name, create, out);
	sdir_close(&sets);
	sdir_close(&top);
	sdir_close(&root);
	return err;
}

/* A pinned map fits the object's map of that name (an old or foreign pin does not). */
static int check_fit(const struct bpf_map *m, int fd, const char *set)
{
	struct bpf_map_info info = {};
	__u32 len = sizeof(info);

	if (bpf_obj_get_info_by_fd(fd, &info, &len))
		return -errno;
	if (info.type != bpf_map__type(m) || info.key_size != bpf_map__key_size(m) ||
	    info.value_size != bpf_map__value_size(m) ||
	    info.max_entries != bpf_map__max_entries(m))
		return xdpl_err(
			XDPL_ERR_FAIL, EINVAL,
			"filter: the map %s of rule set '%s' does not fit this filter (made "
			"by another version?): unload every filter of the set, remove it "
			"(xdpload unload without --keep-maps) and load again",
			bpf_map__name(m), set);
	return 0;
}

static int create_map(const struct bpf_map *m)
{
	LIBBPF_OPTS(bpf_map_create_opts, opts, .map_flags = bpf_map__map_flags(m));
	int fd;

	fd = bpf_map_create(bpf_map__type(m), bpf_map__name(m), bpf_map__key_size(m),
			    bpf_map__value_size(m), bpf_map__max_entries(m), &opts);
	return fd < 0 ? -errno : fd;
}

/* Reuse (or create and pin) every map of the set in @dir for @obj. */
static int use_set(struct bpf_object *obj, const struct xdpl_dir *dir, const char *set, bool create)
{
	char path[512];
	int i, fd, err = 0;

	for (i = 0; set_maps[i] && !err; i++) {
		struct bpf_map *m = bpf_object__find_map_by_name(obj, set_maps[i]);

		if (!m)
			return xdpl_err(XDPL_ERR_FAIL, ENOENT, "filter: no map %s in the object",
					set_maps[i]);
		sdir_fd_path(dir, set_maps[i], path, sizeof(path));
		fd = bpf_obj_get(path);
		/* a set made before flt_skip gets one: all clear, it skips nothing until a change */
		if (fd < 0 && errno == ENOENT &&
		    (create || !strcmp(set_maps[i], XDPL_FILTER_MAP_SKIP))) {
			fd = create_map(m);
			if (fd >= 0 && bpf_obj_pin(fd, path)) {
				err = -errno;
				close(fd);
				return xdpl_err(XDPL_ERR_PERM, err,
						"filter: cannot pin map %s of rule set '%s': %s",
						set_maps[i], set, strerror(-err));
			}
		}
		if (fd < 0)
			return xdpl_err(XDPL_ERR_FAIL, errno,
					"filter: rule set '%s' has no map %s: %s", set, set_maps[i],
					strerror(errno));
		err = check_fit(m, fd, set);
		if (!err)
			err = bpf_map__reuse_fd(m, fd);
		close(fd);
	}
	return err;
}

int filter_set_attach(struct bpf_object *obj, const char *name, const struct xdpl_iface *iface,
		      char used[XDPL_FILTER_SET_LEN])
{
	struct xdpl_dir dir = XDPL_DIR_INIT;
	char kept[XDPL_FILTER_SET_LEN];
	int err;

	used[0] = '\0';
	if (!iface) {
		/* a dry run pins nothing: an existing set's maps, else maps of its own */
		if (!name || open_set_dir(name, false, &dir)) {
			xdpl_err_clear();
			return 0;
		}
		err = use_set(obj, &dir, name, false);
		sdir_close(&dir);
		if (!err)
			snprintf(used, XDPL_FILTER_SET_LEN, "%s", name);
		return err;
	}
	if (!name) {
		kept_name(iface, kept, sizeof(kept));
		err = open_set_dir(kept, false, &dir);
		if (err == -ENOENT) {
			xdpl_err_clear();
			return 0;
		}
		if (err)
			return err;
		pr_info("filter: the rules kept by unload --keep-maps come back (rule set %s)\n",
			kept);
		name = kept;
	} else {
		err = open_set_dir(name, true, &dir);
		if (err)
			return err;
	}
	err = use_set(obj, &dir, name, name != kept);
	sdir_close(&dir);
	if (!err)
		snprintf(used, XDPL_FILTER_SET_LEN, "%s", name);
	return err;
}

int filter_set_name(const struct filter_maps *m, char name[XDPL_FILTER_SET_LEN])
{
	struct xdpl_filter_ro ro = {};
	__u32 key = 0;

	if (bpf_map_lookup_elem(m->ro, &key, &ro))
		return -errno;
	memcpy(name, ro.set, XDPL_FILTER_SET_LEN);
	name[XDPL_FILTER_SET_LEN - 1] = '\0';
	return 0;
}

/* Pin the attached filter's set maps as @name (unload --keep-maps). */
static int keep_maps(const struct filter_maps *m, const char *name)
{
	int fds[] = { m->cfg,  m->src4,	 m->dst4, m->src6,  m->dst6,
		      m->port, m->ether, m->hits, m->combo, m->skip };
	struct xdpl_dir dir = XDPL_DIR_INIT;
	char path[512];
	int i, err;

	err = open_set_dir(name, true, &dir);
	for (i = 0; set_maps[i] && !err; i++) {
		if (fds[i] < 0) /* flt_skip of an older filter: the next load makes one */
			continue;
		sdir_fd_path(&dir, set_maps[i], path, sizeof(path));
		if (bpf_obj_pin(fds[i], path) && errno != EEXIST)
			err = xdpl_err(XDPL_ERR_PERM, errno, "cannot keep map %s in %s: %s",
				       set_maps[i], dir.path, strerror(errno));
	}
	sdir_close(&dir);
	return err;
}

static void remove_set(const char *name)
{
	struct xdpl_dir sets = XDPL_DIR_INIT, dir = XDPL_DIR_INIT;
	char parent[256];

	if (open_set_dir(name, false, &dir)) {
		xdpl_err_clear();
		return;
	}
	sdir_close(&dir);
	/* the sets directory: its parent of NAME */
	if (!bpffs_root(parent, sizeof(parent))) {
		struct xdpl_dir root = XDPL_DIR_INIT, top = XDPL_DIR_INIT;

		if (!sdir_open_root(parent, &root) && !sdir_open(&root, "xdpload", false, &top) &&
		    !sdir_open(&top, SETS_DIR, false, &sets)) {
			sdir_remove(&sets, name);
			pr_debug("filter: rule set %s removed\n", name);
			/* the last set: sets/ goes too (fails while another is there) */
			unlinkat(top.fd, SETS_DIR, AT_REMOVEDIR);
		}
		sdir_close(&sets);
		sdir_close(&top);
		sdir_close(&root);
	}
	xdpl_err_clear();
}

/* Does any loaded program use map @id? (The kernel frees a program a little after its last user
 * goes.) */
static bool map_in_use(__u32 id)
{
	__u32 pid = 0, ids[64];
	int tries;

	for (tries = 0; tries < 20; tries++, usleep(50000)) {
		bool used = false;

		pid = 0;
		while (!used && !bpf_prog_get_next_id(pid, &pid)) {
			struct bpf_prog_info info = {};
			__u32 len = sizeof(info), i;
			int fd = bpf_prog_get_fd_by_id(pid);

			if (fd < 0)
				continue;
			info.nr_map_ids = sizeof(ids) / sizeof(ids[0]);
			info.map_ids = (__u64)(unsigned long)ids;
			if (!bpf_obj_get_info_by_fd(fd, &info, &len))
				for (i = 0; i < info.nr_map_ids && i < 64; i++)
					used |= ids[i] == id;
			close(fd);
		}
		if (!used)
			return false;
	}
	return true;
}

int filter_unload_begin(const struct xdpl_iface *iface, bool keep, struct filter_unload *u)
{
	struct filter_maps m;
	int fd, err;

	memset(u, 0, sizeof(*u));
	u->keep = keep;
	fd = attached_prog_fd(iface, "filter");
	xdpl_err_clear();
	if (fd < 0)
		return 0; /* no filter: nothing to keep or remove */
	err = filter_maps_open(fd, &m);
	close(fd);
	if (err)
		return 0; /* a program named filter that is not ours */
	u->active = true;
	err = filter_set_name(&m, u->set);
	if (!err && keep && !u->set[0]) {
		kept_name(iface, u->kept, sizeof(u->kept));
		err = keep_maps(&m, u->kept);
	}
	filter_maps_close(&m);
	return err;
}

static __u32 set_cfg_id(const char *name)
{
	struct xdpl_dir dir = XDPL_DIR_INIT;
	struct bpf_map_info info = {};
	__u32 len = sizeof(info), id = 0;
	char path[512];
	int fd;

	if (open_set_dir(name, false, &dir)) {
		xdpl_err_clear();
		return 0;
	}
	sdir_fd_path(&dir, XDPL_FILTER_MAP_CFG, path, sizeof(path));
	fd = bpf_obj_get(path);
	if (fd >= 0 && !bpf_obj_get_info_by_fd(fd, &info, &len))
		id = info.id;
	if (fd >= 0)
		close(fd);
	sdir_close(&dir);
	return id;
}

/* Is the filter on @iface (still) one whose flt_cfg is map @id? */
static bool attached_uses(const struct xdpl_iface *iface, __u32 id)
{
	struct bpf_map_info info = {};
	__u32 len = sizeof(info);
	int fd, mfd;
	bool same = false;

	fd = attached_prog_fd(iface, "filter");
	xdpl_err_clear();
	if (fd < 0)
		return false;
	mfd = prog_map_fd_by_name(fd, XDPL_FILTER_MAP_CFG);
	if (mfd >= 0) {
		same = !bpf_obj_get_info_by_fd(mfd, &info, &len) && info.id == id;
		close(mfd);
	}
	close(fd);
	return same;
}

void filter_unload_end(const struct xdpl_iface *iface, struct filter_unload *u, bool ok)
{
	const char *name = u->kept[0] ? u->kept : u->set;
	__u32 id;

	if (!u->active || !name[0])
		return;
	id = set_cfg_id(name);
	if (!ok || (id && (attached_uses(iface, id) || map_in_use(id)))) {
		/* the filter is still attached (or another uses the set) */
		if (u->kept[0])
			remove_set(u->kept);
		return;
	}
	if (u->keep) {
		pr_info("%s: the filter's rules are kept (rule set %s); the next load of the "
			"filter on %s takes them\n",
			iface->name, name, iface->name);
		return;
	}
	remove_set(name);
}

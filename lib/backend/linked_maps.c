// SPDX-License-Identifier: GPL-2.0-only
/* A linked chain's maps across rebuilds (see linked_maps.h). */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include <xdpload/counters.h>
#include "backend/linked_maps.h"
#include "error.h"
#include "log.h"

#define MAX_TRACKED_MAPS 64

void linked_maps_init(struct linked_maps *lm, struct linked_state *st)
{
	lm->st = st;
	lm->dir.fd = -1;
	lm->made = false;
}

void linked_maps_pin_name(const struct bpf_map *m, char *buf, size_t sz)
{
	char *p;

	snprintf(buf, sz, "map_%s", bpf_map__name(m));
	for (p = buf; *p; p++)
		if (*p == '.')
			*p = '_';
}

/* 1 with the pin's path in buf, 0 for a map not pinned by name, or -errno. */
static int pin_path(struct linked_maps *lm, const struct bpf_map *m, bool user_pins, char *buf,
		    size_t sz)
{
	int err;

	if (!bpf_map__pin_path(m))
		return 0;
	if (user_pins) {
		snprintf(buf, sz, "%s", bpf_map__pin_path(m));
		return 1;
	}
	if (lm->dir.fd < 0) {
		lm->made = !sdir_exists(&lm->st->pins, LINKED_MAPS_DIR);
		err = sdir_open(&lm->st->pins, LINKED_MAPS_DIR, true, &lm->dir);
		if (err)
			return err;
	}
	sdir_fd_path(&lm->dir, bpf_map__name(m), buf, sz);
	return 1;
}

int linked_maps_place(struct linked_maps *lm, struct bpf_object *obj, const char *label,
		      bool user_pins, __u64 *made_here)
{
	char path[LINKED_PATH_LEN];
	struct bpf_map *m;
	int err, i = 0;

	bpf_object__for_each_map (m, obj) {
		err = pin_path(lm, m, user_pins, path, sizeof(path));
		if (err < 0)
			return err;
		if (!err || user_pins) {
			i++;
			continue;
		}
		/* a name already pinned is another component's map, which it shares */
		if (i < MAX_TRACKED_MAPS && !sdir_exists(&lm->dir, bpf_map__name(m)))
			*made_here |= 1ull << i;
		i++;
		if (bpf_map__set_pin_path(m, path))
			return xdpl_err(XDPL_ERR_FAIL, ENOMEM, "%s: cannot pin map %s", label,
					bpf_map__name(m));
	}
	return 0;
}

/*
 * libbpf is not asked to reuse a pin: version 1.1 refuses a devmap it pinned
 * itself (the kernel adds BPF_F_RDONLY_PROG to its flags).
 */
int linked_maps_reuse(struct linked_maps *lm, struct bpf_object *obj, const struct linked_comp *c)
{
	char path[LINKED_PATH_LEN], name[XDPL_NAME_LEN + 8];
	struct xdpl_dir dir = XDPL_DIR_INIT;
	bool have_dir, by_name, user_pins = c->pin_dir[0];
	struct bpf_map *m;
	int fd, err = 0;

	have_dir = !linked_state_comp_dir(lm->st, c->uid, false, &dir);
	bpf_object__for_each_map (m, obj) {
		/* count's settings follow the chain it is in (its license): made anew each build */
		if (m == bpf_object__find_map_by_name(obj, XDPL_COUNT_RO_SECTION))
			continue;
		err = pin_path(lm, m, user_pins, path, sizeof(path));
		if (err < 0)
			break;
		by_name = err;
		err = 0;
		if (!by_name && !have_dir)
			continue; /* new maps, as for a new component */
		if (!by_name) {
			linked_maps_pin_name(m, name, sizeof(name));
			sdir_fd_path(&dir, name, path, sizeof(path));
		}
		fd = bpf_obj_get(path);
		if (fd < 0) {
			pr_debug("%s: no pinned map %s, a new one is created\n", c->entry.label,
				 bpf_map__name(m));
			/* pinned by name: libbpf pins the new one where it belongs */
			if (by_name && !user_pins)
				err = bpf_map__set_pin_path(m, path);
			if (err)
				break;
			continue;
		}
		err = bpf_map__set_pin_path(m, NULL) ?: bpf_map__reuse_fd(m, fd);
		close(fd);
		if (err) {
			err = xdpl_err(XDPL_ERR_FAIL, err, "%s: cannot reuse its map %s: %s",
				       c->entry.label, bpf_map__name(m), strerror(-err));
			break;
		}
	}
	sdir_close(&dir);
	return err < 0 ? err : 0;
}

void linked_maps_unpin(struct linked_maps *lm, struct bpf_object *obj, __u64 made_here)
{
	struct bpf_map *m;
	int i = 0;

	if (!obj || lm->dir.fd < 0)
		return;
	bpf_object__for_each_map (m, obj) {
		if (i < MAX_TRACKED_MAPS && (made_here & (1ull << i)))
			unlinkat(lm->dir.fd, bpf_map__name(m), 0);
		i++;
	}
}

void linked_maps_close(struct linked_maps *lm)
{
	sdir_close(&lm->dir);
	/* ENOTEMPTY when its maps were pinned: only a failed build's empty one goes */
	if (lm->made && lm->st)
		unlinkat(lm->st->pins.fd, LINKED_MAPS_DIR, AT_REMOVEDIR);
	lm->made = false;
}

// SPDX-License-Identifier: GPL-2.0-only
/* Reopen a committed linked chain with its pinned maps (see linked_reopen.h). */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include "backend/linked_maps.h"
#include "backend/linked_reopen.h"
#include "backend/linked_state.h"
#include "log.h"

static int reuse_pinned_maps(const struct linked_state *st, const struct linked_comp *lc,
			     struct component *c, __u32 *id)
{
	char path[LINKED_PATH_LEN], name[XDPL_NAME_LEN + 8];
	struct xdpl_dir dir = XDPL_DIR_INIT;
	struct bpf_map *m;
	int fd, err = 0;

	if (linked_state_comp_dir(st, lc->uid, false, &dir))
		return 0; /* no pins: fresh maps, as a rebuild would make */
	sdir_fd_path(&dir, "prog", path, sizeof(path));
	*id = linked_pin_id(path);
	bpf_object__for_each_map (m, c->obj) {
		if (bpf_map__pin_path(m)) /* load -p: libbpf reuses its own pins */
			continue;
		linked_maps_pin_name(m, name, sizeof(name));
		sdir_fd_path(&dir, name, path, sizeof(path));
		fd = bpf_obj_get(path);
		if (fd < 0)
			continue;
		err = bpf_map__reuse_fd(m, fd);
		close(fd);
		if (err) {
			err = xdpl_err(XDPL_ERR_FAIL, err, "%s: cannot reuse its map %s: %s",
				       lc->entry.label, bpf_map__name(m), strerror(-err));
			break;
		}
	}
	sdir_close(&dir);
	return err;
}

int linked_reopen(const struct xdpl_iface *iface, struct component *comps, __u32 *ids)
{
	char obj[32], path[LINKED_PATH_LEN];
	struct linked_state *st;
	int i, n = 0, err;

	st = calloc(1, sizeof(*st));
	if (!st)
		return -ENOMEM;
	err = linked_state_open(iface, false, st);
	if (err)
		goto out;
	if (st->damaged) {
		err = linked_state_damaged(st);
		goto out_close;
	}
	if (!st->exists) {
		err = xdpl_err(XDPL_ERR_NOTFOUND, ENOENT, "%s: no linked chain attached",
			       iface->name);
		goto out_close;
	}
	/* the manifest lists the components in run order (the build sorts them) */
	for (i = 0; i < st->m.n && !err; i++) {
		const struct linked_comp *lc = &st->m.comps[i];
		struct component_req req = { .source = lc->entry.label,
					     .prog_name = lc->entry.name,
					     .prio = -1,
					     .pin_dir = lc->pin_dir[0] ? lc->pin_dir : NULL };

		linked_state_obj_name(lc->uid, obj, sizeof(obj));
		sdir_fd_path(&st->run, obj, path, sizeof(path));
		req.saved_copy = path;
		ids[i] = 0;
		err = component_open(&comps[i], &req, lc->entry.order);
		if (err)
			break;
		n++;
		comps[i].entry = lc->entry; /* the chain's record stands */
		err = reuse_pinned_maps(st, lc, &comps[i], &ids[i]);
	}
	if (err)
		while (n > 0)
			component_close(&comps[--n]);
out_close:
	linked_state_close(st);
out:
	free(st);
	return err ? err : n;
}

// SPDX-License-Identifier: GPL-2.0-only
/* The tracer of a traced linked chain (see linked_tracer.h). */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include <xdpload/trace.h>
#include "backend/linked_tracer.h"
#include "error.h"
#include "log.h"

extern const char xdpl_blob_internal_tracer_start[], xdpl_blob_internal_tracer_end[];

static void pin_name(const char *map, char *buf, size_t sz)
{
	snprintf(buf, sz, "map_%s", map);
}

int linked_tracer_map(const struct linked_state *st, const char *name)
{
	struct xdpl_dir dir = XDPL_DIR_INIT;
	char path[LINKED_PATH_LEN], pn[64];
	int fd, err;

	if (st->pins.fd < 0)
		return -ENOENT;
	err = sdir_open(&st->pins, LINKED_TRACE_DIR, false, &dir);
	if (err)
		return err;
	pin_name(name, pn, sizeof(pn));
	sdir_fd_path(&dir, pn, path, sizeof(path));
	fd = bpf_obj_get(path);
	err = fd < 0 ? -errno : fd;
	sdir_close(&dir);
	return err;
}

/* Every map from its pin, or, when it has none, pinned once the object is loaded. */
static int reuse_or_mark(struct bpf_object *obj, const struct xdpl_dir *dir, bool *fresh, int max)
{
	char path[LINKED_PATH_LEN], pn[64];
	struct bpf_map *m;
	int i = 0, fd, err;

	bpf_object__for_each_map (m, obj) {
		if (i >= max)
			return -E2BIG;
		pin_name(bpf_map__name(m), pn, sizeof(pn));
		sdir_fd_path(dir, pn, path, sizeof(path));
		fd = bpf_obj_get(path);
		fresh[i] = fd < 0;
		if (fd >= 0) {
			err = bpf_map__reuse_fd(m, fd);
			close(fd);
			if (err)
				return err;
		}
		i++;
	}
	return 0;
}

static int pin_fresh(struct bpf_object *obj, const struct xdpl_dir *dir, const bool *fresh)
{
	char path[LINKED_PATH_LEN], pn[64];
	struct bpf_map *m;
	int i = 0;

	bpf_object__for_each_map (m, obj) {
		if (fresh[i++]) {
			pin_name(bpf_map__name(m), pn, sizeof(pn));
			sdir_fd_path(dir, pn, path, sizeof(path));
			if (bpf_obj_pin(bpf_map__fd(m), path))
				return -errno;
		}
	}
	return 0;
}

int linked_tracer_prepare(const struct linked_state *st, bool frags, struct linked_tracer **out)
{
	LIBBPF_OPTS(bpf_object_open_opts, oo, .object_name = "xdpl_tracer");
	struct xdpl_dir dir = XDPL_DIR_INIT;
	struct bpf_program *prog;
	struct linked_tracer *t;
	bool fresh[16] = {};
	int err;

	t = calloc(1, sizeof(*t));
	if (!t)
		return -ENOMEM;
	t->rec_fd = -1;
	t->obj = bpf_object__open_mem(
		xdpl_blob_internal_tracer_start,
		xdpl_blob_internal_tracer_end - xdpl_blob_internal_tracer_start, &oo);
	if (!t->obj) {
		err = -errno;
		free(t);
		return xdpl_err(XDPL_ERR_FAIL, err, "cannot open the tracer: %s", strerror(-err));
	}
	prog = bpf_object__find_program_by_name(t->obj, XDPL_TRACE_PROG_NAME);
	err = prog ? sdir_open(&st->pins, LINKED_TRACE_DIR, true, &dir) : -ENOENT;
	if (!err)
		err = reuse_or_mark(t->obj, &dir, fresh, 16);
	if (!err)
		err = linked_capture_arm(prog);
	if (!err) {
		err = bpf_object__load(t->obj);
		if (err)
			linked_capture_disarm(prog);
	}
	if (!err)
		err = linked_capture_take(prog, &t->lp);
	if (!err)
		err = pin_fresh(t->obj, &dir, fresh);
	sdir_close(&dir);
	if (err) {
		linked_tracer_free(t);
		return xdpl_err(XDPL_ERR_FAIL, err, "cannot set up the tracer: %s", strerror(-err));
	}
	t->rec_fd = bpf_object__find_map_fd_by_name(t->obj, XDPL_TRACE_MAP_REC);
	if (!frags)
		t->lp->prog_flags &= ~BPF_F_XDP_HAS_FRAGS;
	*out = t;
	return 0;
}

void linked_tracer_free(struct linked_tracer *t)
{
	if (!t)
		return;
	if (t->lp)
		linked_prog_free(t->lp);
	bpf_object__close(t->obj);
	free(t);
}

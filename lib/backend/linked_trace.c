// SPDX-License-Identifier: GPL-2.0-only
/* Trace readers and the traced dispatcher's life (see linked_trace.h). */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <sys/file.h>
#include <xdpload/trace.h>
#include "backend/linked_build.h"
#include "backend/linked_trace.h"
#include "error.h"
#include "linked/capture.h"
#include "log.h"

static void reader_name(int slot, char *buf, size_t sz)
{
	snprintf(buf, sz, "%s%d", LINKED_TRACE_READER, slot);
}

/* reader.N opened and flocked: its fd, or -EWOULDBLOCK (a live reader) or -errno. */
static int lock_reader(const struct linked_state *st, int slot, bool create)
{
	char name[32];
	int fd;

	reader_name(slot, name, sizeof(name));
	fd = openat(st->run.fd, name, O_RDWR | O_CLOEXEC | O_NOFOLLOW | (create ? O_CREAT : 0),
		    0600);
	if (fd < 0)
		return -errno;
	if (flock(fd, LOCK_EX | LOCK_NB)) {
		int err = -errno;

		close(fd);
		return err == -EAGAIN ? -EWOULDBLOCK : err;
	}
	return fd;
}

bool linked_trace_readers_alive(const struct linked_state *st)
{
	int slot, fd;

	if (st->run.fd < 0)
		return false;
	for (slot = 0; slot < XDPL_TRACE_READERS; slot++) {
		fd = lock_reader(st, slot, false);
		if (fd == -EWOULDBLOCK)
			return true;
		if (fd >= 0)
			close(fd);
	}
	return false;
}

int linked_trace_claim(const struct linked_state *st, int *slot, int *lock_fd)
{
	int s, fd;

	for (s = 0; s < XDPL_TRACE_READERS; s++) {
		fd = lock_reader(st, s, true);
		if (fd == -EWOULDBLOCK)
			continue;
		if (fd < 0)
			return xdpl_err(XDPL_ERR_PERM, fd, "%s: cannot create %s/%s%d: %s",
					st->iface.name, st->run.path, LINKED_TRACE_READER, s,
					strerror(-fd));
		*slot = s;
		*lock_fd = fd;
		return 0;
	}
	return xdpl_err(XDPL_ERR_BUSY, EBUSY,
			"%s: %d trace readers already run (xdpload trace or watch); stop one "
			"of them",
			st->iface.name, XDPL_TRACE_READERS);
}

int linked_trace_set(struct linked_state *st, bool traced)
{
	struct load_opts opts = {};
	struct linked_build b;
	int i, err;

	if (!st->exists)
		return -ENOENT;
	if (st->m.traced == traced)
		return 0;
	err = linked_capture_init();
	if (err)
		return xdpl_err(XDPL_ERR_FAIL, err, "cannot set up program capture: %s",
				strerror(-err));
	linked_build_init(&b, st);
	err = linked_build_check_iface(&b, &opts);
	for (i = 0; i < st->m.n && !err; i++)
		err = linked_build_add_existing(&b, &st->m.comps[i]);
	b.counters = st->m.counters;
	b.no_inline = st->m.no_inline;
	b.traced = traced;
	if (!err)
		err = linked_build_and_swap(&b);
	if (!err)
		pr_debug("%s: the %s dispatcher is attached (%u instructions)\n", st->iface.name,
			 traced ? "traced" : "untraced", b.comp.insn_cnt);
	linked_build_free(&b);
	return err;
}

int linked_trace_recover(struct linked_state *st)
{
	int err;

	if (!st->exists || !st->m.traced || linked_trace_readers_alive(st))
		return 0;
	pr_debug("%s: no trace reader is left: the untraced dispatcher goes back\n",
		 st->iface.name);
	err = linked_trace_set(st, false);
	if (err) {
		/* the traced chain decides as the untraced one would: the command goes on */
		pr_warn("%s: cannot swap the untraced dispatcher back (the next command tries "
			"again): %s\n",
			st->iface.name, xdpl_last_error()->msg);
		xdpl_err_clear();
	}
	return 0;
}

// SPDX-License-Identifier: GPL-2.0-only
/*
 * Opening an untrusted object: component_open on a file holding the input, the
 * whole path a `load FILE` takes before the kernel: objfile (type, size, ELF
 * header, ELF extent), objcheck (the trial parse in a child), the real
 * bpf_object__open_mem, program selection (and the listing in its error
 * messages), xdp_program__create and the run-config reading, and close.
 *
 * What fails the run: a crash, a sanitizer report or a hang in this process,
 * that is in xdpload's code, or in libbpf or libxdp after the child parsed the
 * same bytes without crashing (which would mean the trial parse does not cover
 * what the real one does). What does not: inputs that crash libbpf or libxdp in
 * the child. Those are libbpf's bugs, not xdpload's, and refusing them is the
 * point; they are kept under $FUZZ_KEEP_DIR/child-crash/ and counted.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/mman.h>
#include "component.h"
#include "error.h"
#include "fuzz.h"

static int fd = -1;
static char path[64];

int fuzz_init(void)
{
	/* a memfd is a regular file with a path (/proc/self/fd/N) and leaves nothing behind */
	fd = memfd_create("fuzz-obj", MFD_CLOEXEC);
	if (fd < 0) {
		perror("memfd_create");
		return 1;
	}
	snprintf(path, sizeof(path), "/proc/self/fd/%d", fd);
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct component_req req = { .source = path, .prio = -1 };
	const struct xdpl_error *e;
	struct component c;

	if (ftruncate(fd, 0) || pwrite(fd, data, size, 0) != (ssize_t)size)
		abort();
	/* some inputs ask for what is not there, for the listing in the message */
	if (size % 3 == 1)
		req.section = "xdp.nosuch";
	else if (size % 3 == 2)
		req.prog_name = "nosuch";
	xdpl_err_clear();
	if (component_open(&c, &req, 0)) {
		e = xdpl_last_error();
		if (e->kind == XDPL_ERR_NOFILE && strstr(e->msg, ": malformed object ("))
			fuzz_keep(strstr(e->msg, "took longer") ? "child-timeout" : "child-crash",
				  data, size);
		/* every failure is reported: an error without a message is a bug */
		if (e->kind == XDPL_ERR_NONE || !e->msg[0])
			abort();
	}
	component_close(&c);
	return 0;
}

// SPDX-License-Identifier: GPL-2.0-only
/* Reading untrusted objects (objfile) and the trial parse in a child (objcheck). */
#include <errno.h>
#include <fcntl.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <elf.h>
#include <sys/stat.h>
#include <cmocka.h>
#include "error.h"
#include "objcheck.h"
#include "objfile.h"

#define OBJ "build/progs/drop.o" /* run from the top directory, as make check-unit does */

static char dir[] = "/tmp/xdpl-objfile-XXXXXX";

static int setup(void **state)
{
	return mkdtemp(dir) ? 0 : -1;
}

static int teardown(void **state)
{
	char cmd[64];

	snprintf(cmd, sizeof(cmd), "rm -rf %s", dir);
	return system(cmd);
}

static const char *tmp(const char *name)
{
	static char path[128];

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	return path;
}

static void *slurp(const char *path, size_t *len)
{
	void *buf;

	assert_int_equal(read_file(path, &buf, len), 0);
	return buf;
}

static void spit(const char *path, const void *buf, size_t len)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0600);

	assert_true(fd >= 0);
	assert_int_equal(write(fd, buf, len), (ssize_t)len);
	close(fd);
}

/* objfile_read(path) fails with -err and a message containing what */
static void refused(const char *path, int err, const char *what)
{
	void *buf = NULL;
	size_t len;

	xdpl_err_clear();
	assert_int_equal(objfile_read(path, &buf, &len), -err);
	assert_null(buf);
	assert_int_equal(xdpl_last_error()->kind, XDPL_ERR_NOFILE);
	if (!strstr(xdpl_last_error()->msg, what))
		fail_msg("'%s' does not say '%s'", xdpl_last_error()->msg, what);
}

static void test_not_regular(void **state)
{
	void *buf;
	size_t len;

	assert_int_equal(mkfifo(tmp("fifo.o"), 0600), 0);
	refused(tmp("fifo.o"), ENODEV, "fifo.o: is a FIFO, not an eBPF object file");
	refused(dir, EISDIR, "is a directory");
	refused("/dev/null", ENODEV, "/dev/null: is a device");
	refused(tmp("nosuch.o"), ENOENT, "nosuch.o: no such file");
	/* the saved-copy reader refuses the same, silently */
	xdpl_err_clear();
	assert_int_equal(read_file(tmp("fifo.o"), &buf, &len), -ENODEV);
	assert_int_equal(read_file(dir, &buf, &len), -EISDIR);
	assert_int_equal(xdpl_last_error()->kind, XDPL_ERR_NONE);
}

static void test_size_limit(void **state)
{
	void *buf;
	size_t len;
	int fd = open(tmp("big.o"), O_WRONLY | O_CREAT | O_TRUNC, 0600);

	assert_true(fd >= 0);
	assert_int_equal(ftruncate(fd, XDPL_OBJ_MAX_SIZE + 1), 0);
	close(fd);
	refused(tmp("big.o"), EFBIG, "over the 64 MiB limit");
	assert_int_equal(read_file(tmp("big.o"), &buf, &len), -EFBIG);
	/* at the limit: read (it is not an ELF object, so refused for that, after 64 bytes) */
	assert_int_equal(truncate(tmp("big.o"), XDPL_OBJ_MAX_SIZE), 0);
	refused(tmp("big.o"), ENOEXEC, "not an eBPF ELF object");
	unlink(tmp("big.o"));
}

static void test_elf_header(void **state)
{
	size_t len;
	char *obj = slurp(OBJ, &len);
	Elf64_Ehdr *eh = (Elf64_Ehdr *)obj;

	assert_true(objfile_is_bpf_elf(obj, len));
	assert_false(objfile_is_bpf_elf(obj, sizeof(*eh) - 1));
	eh->e_machine = EM_X86_64;
	assert_false(objfile_is_bpf_elf(obj, len));
	eh->e_machine = EM_BPF;
	eh->e_ident[EI_CLASS] = ELFCLASS32;
	assert_false(objfile_is_bpf_elf(obj, len));
	spit(tmp("x86.o"), obj, len);
	refused(tmp("x86.o"), ENOEXEC, "not an eBPF ELF object");
	spit(tmp("short.o"), obj, 10);
	refused(tmp("short.o"), ENOEXEC, "not an eBPF ELF object");
	free(obj);
}

static void test_extent(void **state)
{
	size_t len, got;
	char *obj = slurp(OBJ, &len), *padded = calloc(1, len + 4096), *buf;
	Elf64_Ehdr *eh = (Elf64_Ehdr *)padded;

	assert_int_equal(objfile_elf_extent(obj, len), len);
	memcpy(padded, obj, len);
	assert_int_equal(objfile_elf_extent(padded, len + 4096), len);
	/* what objfile_read keeps, and so what the linked backend saves */
	spit(tmp("padded.o"), padded, len + 4096);
	assert_int_equal(objfile_read(tmp("padded.o"), (void **)&buf, &got), 0);
	assert_int_equal(got, len);
	assert_memory_equal(buf, obj, len);
	free(buf);
	/* headers that do not add up: keep everything, libbpf says what is wrong */
	eh->e_shoff = len + 4096 - 8;
	assert_int_equal(objfile_elf_extent(padded, len + 4096), len + 4096);
	eh->e_shoff = ((Elf64_Ehdr *)obj)->e_shoff;
	eh->e_shnum = 0xffff;
	assert_int_equal(objfile_elf_extent(padded, len + 4096), len + 4096);
	eh->e_shnum = ((Elf64_Ehdr *)obj)->e_shnum;
	eh->e_shentsize = 63;
	assert_int_equal(objfile_elf_extent(padded, len + 4096), len + 4096);
	eh->e_shentsize = sizeof(Elf64_Shdr);
	eh->e_shoff = (Elf64_Off)-64;
	assert_int_equal(objfile_elf_extent(padded, len + 4096), len + 4096);
	free(obj);
	free(padded);
}

static int child_ok(void *arg)
{
	return 0;
}

static int child_segv(void *arg)
{
	objcheck_stage("libxdp");
	raise(SIGSEGV);
	return 0;
}

static int child_hang(void *arg)
{
	objcheck_stage("libbpf");
	for (;;)
		pause();
	return 0;
}

static int child_exit(void *arg)
{
	return 42;
}

static void test_fork(void **state)
{
	struct objcheck_result r;

	objcheck_fork(child_ok, NULL, 1000, &r);
	assert_int_equal(r.verdict, OBJCHECK_OK);
	objcheck_fork(child_segv, NULL, 1000, &r);
	assert_int_equal(r.verdict, OBJCHECK_SIGNAL);
	assert_int_equal(r.sig, SIGSEGV);
	assert_string_equal(r.stage, "libxdp");
	objcheck_fork(child_hang, NULL, 300, &r);
	assert_int_equal(r.verdict, OBJCHECK_TIMEOUT);
	assert_string_equal(r.stage, "libbpf");
	assert_in_range(r.ms, 300, 2000);
	objcheck_fork(child_exit, NULL, 1000, &r);
	assert_int_equal(r.verdict, OBJCHECK_EXIT);
	assert_int_equal(r.status, 42);
	/* with SIGCHLD ignored the child is still waited for */
	signal(SIGCHLD, SIG_IGN);
	objcheck_fork(child_segv, NULL, 1000, &r);
	signal(SIGCHLD, SIG_DFL);
	assert_int_equal(r.verdict, OBJCHECK_SIGNAL);
}

static void test_parse(void **state)
{
	size_t len;
	char *obj = slurp(OBJ, &len);

	xdpl_err_clear();
	assert_int_equal(objcheck_parse("drop.o", obj, len, NULL), 0);
	/* libbpf refusing it cleanly is for the real open to report */
	assert_int_equal(objcheck_parse("drop.o", obj, len / 2, NULL), 0);
	assert_int_equal(xdpl_last_error()->kind, XDPL_ERR_NONE);
	free(obj);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_not_regular), cmocka_unit_test(test_size_limit),
		cmocka_unit_test(test_elf_header),  cmocka_unit_test(test_extent),
		cmocka_unit_test(test_fork),	    cmocka_unit_test(test_parse),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}

// SPDX-License-Identifier: GPL-2.0-only
/*
 * The bundled count program through BPF_PROG_TEST_RUN (root; skipped
 * otherwise): every frame's bytes, a multi-buffer frame's with all its
 * buffers. On 6.2 and later count reads the kernel's xdp_buff to call
 * bpf_xdp_get_buff_len() only for multi-buffer frames; before 6.2 (the VM
 * lab runs this too) it calls it for every frame: both must count the same.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>
#include <linux/bpf.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include <xdpload/counters.h>
#include "builtin.h"
#include "percpu.h"
#include "progs/count.h"

static int run_frame(int prog_fd, size_t len)
{
	unsigned char *frame = calloc(1, len);
	LIBBPF_OPTS(bpf_test_run_opts, o, .data_in = frame, .data_size_in = len, .repeat = 1);
	int err;

	assert_non_null(frame);
	memset(frame, 0x02, 12);
	frame[12] = 0x08; /* IPv4, though count reads none of it */
	err = bpf_prog_test_run_opts(prog_fd, &o);
	free(frame);
	assert_int_equal(err, 0);
	return o.retval;
}

static void counted(int map_fd, __u64 *packets, __u64 *bytes)
{
	struct xdpl_count *v;
	__u32 key = 0;
	int ncpu, i;

	v = percpu_lookup(map_fd, &key, sizeof(*v), &ncpu);
	assert_non_null(v);
	*packets = *bytes = 0;
	for (i = 0; i < ncpu; i++) {
		*packets += v[i].packets;
		*bytes += v[i].bytes;
	}
	free(v);
}

extern const char xdpl_blob_internal_count_nobtf_start[], xdpl_blob_internal_count_nobtf_end[];

static void count_bytes(const char *start, size_t len)
{
	/* one buffer; one just under a page; more than a page: buffers in frags */
	const size_t sizes[] = { 64, 1514, 3000, 9000, 60 * 1024 };
	struct bpf_object *obj;
	__u64 packets, bytes, want = 0;
	size_t i;
	int fd;

	obj = bpf_object__open_mem(start, len, NULL);
	assert_non_null(obj);
	assert_int_equal(bpf_object__load(obj), 0);
	fd = bpf_program__fd(bpf_object__find_program_by_name(obj, "count"));
	assert_true(fd >= 0);
	for (i = 0; i < sizeof(sizes) / sizeof(sizes[0]); i++) {
		assert_int_equal(run_frame(fd, sizes[i]), XDP_PASS);
		want += sizes[i];
	}
	counted(bpf_map__fd(bpf_object__find_map_by_name(obj, XDPL_COUNT_MAP_NAME)), &packets,
		&bytes);
	assert_int_equal(packets, sizeof(sizes) / sizeof(sizes[0]));
	assert_int_equal(bytes, want);
	bpf_object__close(obj);
}

/* The build load picks (on this kernel, with BTF: the one reading xdp_buff's flags). */
static void test_count_bytes(void **state)
{
	const struct builtin_prog *b = builtin_find("count");
	const char *start;
	size_t len;

	if (geteuid() != 0)
		skip();
	assert_non_null(b);
	builtin_object(b, &start, &len);
	count_bytes(start, len);
}

/* The build for a kernel without BTF, which takes the call for every frame. */
static void test_count_bytes_nobtf(void **state)
{
	if (geteuid() != 0)
		skip();
	count_bytes(xdpl_blob_internal_count_nobtf_start,
		    xdpl_blob_internal_count_nobtf_end - xdpl_blob_internal_count_nobtf_start);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_count_bytes),
		cmocka_unit_test(test_count_bytes_nobtf),
	};

	libbpf_set_print(NULL);
	return cmocka_run_group_tests(tests, NULL, NULL);
}

// SPDX-License-Identifier: GPL-2.0-only
/* The error model: the first error is kept, its kind, errno and message as recorded. */
#include <errno.h>
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <string.h>
#include <cmocka.h>
#include "error.h"

static int reset(void **state)
{
	xdpl_err_clear();
	return 0;
}

static void test_returns_negative_errno(void **state)
{
	assert_int_equal(xdpl_err(XDPL_ERR_CHAIN, E2BIG, "%s: %d", "x", 3), -E2BIG);
	xdpl_err_clear();
	assert_int_equal(xdpl_err(XDPL_ERR_CHAIN, -ENOENT, "y"), -ENOENT);
	xdpl_err_clear();
	assert_int_equal(xdpl_err(XDPL_ERR_CHAIN, 0, "y"), -EINVAL);
}

static void test_record(void **state)
{
	const struct xdpl_error *e = xdpl_last_error();

	assert_int_equal(e->kind, XDPL_ERR_NONE);
	xdpl_err_comp(XDPL_ERR_VERIFIER, EACCES, "drop.o", "%s: refused\n", "drop.o");
	assert_int_equal(e->kind, XDPL_ERR_VERIFIER);
	assert_int_equal(e->err, EACCES);
	assert_string_equal(e->msg, "drop.o: refused"); /* trailing newline dropped */
	assert_string_equal(e->component, "drop.o");
	assert_string_equal(e->log, "");
	xdpl_err_set_log("  R0 !read_ok\n");
	assert_string_equal(e->log, "  R0 !read_ok\n");
}

static void test_first_error_is_the_cause(void **state)
{
	const struct xdpl_error *e = xdpl_last_error();

	xdpl_err(XDPL_ERR_NOFILE, ENOENT, "first");
	assert_int_equal(xdpl_err(XDPL_ERR_FAIL, EIO, "second"), -EIO);
	assert_int_equal(e->kind, XDPL_ERR_NOFILE);
	assert_string_equal(e->msg, "first");
	xdpl_err_clear();
	assert_int_equal(e->kind, XDPL_ERR_NONE);
	assert_string_equal(e->msg, "");
}

static void test_kind_names(void **state)
{
	assert_string_equal(xdpl_err_kind_name(XDPL_ERR_USAGE), "usage");
	assert_string_equal(xdpl_err_kind_name(XDPL_ERR_VERIFIER), "verifier");
	assert_string_equal(xdpl_err_kind_name((enum xdpl_err_kind)999), "fail");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup(test_returns_negative_errno, reset),
		cmocka_unit_test_setup(test_record, reset),
		cmocka_unit_test_setup(test_first_error_is_the_cause, reset),
		cmocka_unit_test_setup(test_kind_names, reset),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}

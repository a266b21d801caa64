// SPDX-License-Identifier: GPL-2.0-only
/* The command line's one number parser: what it takes and what it refuses. */
#include <errno.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>
#include "params.h"

static void test_u64_accepts(void **state)
{
	__u64 v = 0;

	assert_int_equal(parse_u64_range("1", 1, 10, &v), 0);
	assert_int_equal(v, 1);
	assert_int_equal(parse_u64_range("007", 0, 10, &v), 0);
	assert_int_equal(v, 7);
	assert_int_equal(parse_u64_range("4294967295", 1, UINT32_MAX, &v), 0);
	assert_int_equal(v, UINT32_MAX);
	assert_int_equal(parse_u64_range("18446744073709551615", 0, UINT64_MAX, &v), 0);
	assert_true(v == UINT64_MAX);
}

static void test_u64_refuses(void **state)
{
	static const char *const not_numbers[] = {
		"",    " 1", "1 ", "\t1", "1\n", "+1", "-1",  "0x10", "1e3",
		"1.0", "1,", "١",  "1 2", "--1", "-0", "abc", "1a",   "½",
	};
	__u64 v = 42;
	size_t i;

	for (i = 0; i < sizeof(not_numbers) / sizeof(not_numbers[0]); i++)
		assert_int_equal(parse_u64_range(not_numbers[i], 0, UINT64_MAX, &v), -EINVAL);
	assert_int_equal(parse_u64_range(NULL, 0, 1, &v), -EINVAL);
	assert_int_equal(v, 42); /* untouched on error */
}

static void test_u64_ranges(void **state)
{
	__u64 v = 42;

	/* the measured bug: 2^32 + 205008 must not become 205008 */
	assert_int_equal(parse_u64_range("4295172304", 1, UINT32_MAX, &v), -ERANGE);
	assert_int_equal(parse_u64_range("4294967296", 1, UINT32_MAX, &v), -ERANGE);
	assert_int_equal(parse_u64_range("0", 1, UINT32_MAX, &v), -ERANGE);
	assert_int_equal(parse_u64_range("18446744073709551616", 0, UINT64_MAX, &v), -ERANGE);
	assert_int_equal(parse_u64_range("99999999999999999999999", 0, UINT64_MAX, &v), -ERANGE);
	assert_int_equal(parse_u64_range("11", 1, 10, &v), -ERANGE);
	assert_int_equal(v, 42);
}

static void test_double(void **state)
{
	static const char *const not_numbers[] = {
		"", " 1", "1 ", "+1", "-1", "1e3", "0x1p3", "inf", "nan", ".", "1..2", "1,5",
	};
	double d = 0;
	size_t i;

	assert_int_equal(parse_double_range("0.5", 0.001, 86400, &d), 0);
	assert_true(d == 0.5);
	assert_int_equal(parse_double_range("2", 0.001, 86400, &d), 0);
	assert_true(d == 2);
	assert_int_equal(parse_double_range(".25", 0.001, 86400, &d), 0);
	assert_true(d == 0.25);
	for (i = 0; i < sizeof(not_numbers) / sizeof(not_numbers[0]); i++)
		assert_int_equal(parse_double_range(not_numbers[i], 0, 1e9, &d), -EINVAL);
	assert_int_equal(parse_double_range("0", 0.001, 86400, &d), -ERANGE);
	assert_int_equal(parse_double_range("86400.5", 0.001, 86400, &d), -ERANGE);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_u64_accepts),
		cmocka_unit_test(test_u64_refuses),
		cmocka_unit_test(test_u64_ranges),
		cmocka_unit_test(test_double),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}

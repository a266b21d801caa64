// SPDX-License-Identifier: GPL-2.0-only
/* The chain model: run order, insertion, removal, selection by name. */
#include <errno.h>
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <string.h>
#include <cmocka.h>
#include "chain.h"

static struct chain_entry mk(const char *name, unsigned int prio, unsigned int order)
{
	struct chain_entry e;

	memset(&e, 0, sizeof(e));
	chain_entry_set(&e, name, name, prio, 1U << 2, order);
	return e;
}

static void test_order_rule(void **state)
{
	struct chain_entry a = mk("b", 10, 5), b = mk("a", 20, 0), c = mk("a", 10, 9),
			   d = mk("a", 10, 3);

	/* priority first, then name, then load order */
	assert_true(chain_cmp(&a, &b) < 0);
	assert_true(chain_cmp(&c, &a) < 0);
	assert_true(chain_cmp(&d, &c) < 0);
	assert_int_equal(chain_cmp(&d, &d), 0);
}

static void test_insert_keeps_run_order(void **state)
{
	struct chain_entry e[5] = { mk("drop", 90, 0), mk("count", 10, 1), mk("pass", 50, 2),
				    mk("count", 10, 0), mk("filter", 20, 3) };
	const char *want[] = { "count", "count", "filter", "pass", "drop" };
	struct chain c = { .n = 0 };
	int i;

	for (i = 0; i < 5; i++)
		assert_int_equal(chain_insert(&c, &e[i]), 0);
	assert_int_equal(c.n, 5);
	for (i = 0; i < 5; i++)
		assert_string_equal(c.v[i]->name, want[i]);
	assert_int_equal(c.v[0]->order, 0); /* the older count runs first */
	assert_int_equal(chain_next_order(&c), 4);
	chain_remove(&c, &e[2]);
	assert_int_equal(c.n, 4);
	assert_string_equal(c.v[3]->name, "drop");
	e[0].prio = 1; /* entries changed: sort restores the rule */
	chain_sort(&c);
	assert_string_equal(c.v[0]->name, "drop");
}

static void test_full_chain(void **state)
{
	static struct chain_entry e[XDPL_CHAIN_MAX + 1];
	struct chain c = { .n = 0 };
	int i;

	for (i = 0; i < XDPL_CHAIN_MAX; i++) {
		e[i] = mk("pass", 50, i);
		assert_int_equal(chain_insert(&c, &e[i]), 0);
	}
	e[i] = mk("pass", 50, i);
	assert_int_equal(chain_insert(&c, &e[i]), -E2BIG);
	assert_int_equal(c.n, XDPL_CHAIN_MAX);
}

static void test_find_name(void **state)
{
	struct chain_entry e[3] = { mk("xdp_long_program_name", 50, 1), mk("count", 10, 0),
				    mk("xdp_long_program_name", 50, 0) };
	struct chain c = { .n = 0 };
	int i;

	for (i = 0; i < 3; i++)
		chain_insert(&c, &e[i]);
	i = chain_find_name(&c, "xdp_long_program_name");
	assert_ptr_equal(c.v[i], &e[2]); /* the first in run order */
	/* the kernel's 15 characters, as ip and bpftool show the name */
	assert_ptr_equal(c.v[chain_find_name(&c, "xdp_long_progra")], &e[2]);
	assert_int_equal(chain_find_name(&c, "xdp_long_progr"), -1);
	assert_int_equal(chain_find_name(&c, "nothing"), -1);
}

static void test_entry_fields(void **state)
{
	struct chain_entry e;

	chain_entry_set(&e, "a\tb", "x\ny", 7, 3, 2);
	assert_string_equal(e.name, "a b"); /* no field separators survive */
	assert_string_equal(e.label, "x y");
	assert_int_equal(e.prio, 7);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_order_rule),   cmocka_unit_test(test_insert_keeps_run_order),
		cmocka_unit_test(test_full_chain),   cmocka_unit_test(test_find_name),
		cmocka_unit_test(test_entry_fields),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}

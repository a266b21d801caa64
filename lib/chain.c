// SPDX-License-Identifier: GPL-2.0-only
#include <stdlib.h>
#include <string.h>
#include "chain.h"

int chain_cmp(unsigned int prio_a, const char *name_a, unsigned int order_a, unsigned int prio_b,
	      const char *name_b, unsigned int order_b)
{
	int c;

	if (prio_a != prio_b)
		return prio_a < prio_b ? -1 : 1;
	c = strcmp(name_a, name_b);
	if (c)
		return c;
	return order_a < order_b ? -1 : order_a > order_b;
}

static int cmp_components(const void *a, const void *b)
{
	const struct component *x = *(struct component *const *)a;
	const struct component *y = *(struct component *const *)b;

	return chain_cmp(x->prio, x->name, x->order, y->prio, y->name, y->order);
}

void chain_sort(struct component **comps, int n)
{
	qsort(comps, n, sizeof(*comps), cmp_components);
}

/* SPDX-License-Identifier: GPL-2.0-only */
/* The chain model: the run order of components, identical for both backends. */
#ifndef XDPL_CHAIN_H
#define XDPL_CHAIN_H

#include "component.h"

/* libxdp's rule: ascending priority, then program name, then load order. */
int chain_cmp(unsigned int prio_a, const char *name_a, unsigned int order_a, unsigned int prio_b,
	      const char *name_b, unsigned int order_b);

/* Sort an array of component pointers into run order. */
void chain_sort(struct component **comps, int n);

#endif

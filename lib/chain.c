// SPDX-License-Identifier: GPL-2.0-only
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <linux/bpf.h>
#include "chain.h"

int chain_cmp(const struct chain_entry *a, const struct chain_entry *b)
{
	int c;

	if (a->prio != b->prio)
		return a->prio < b->prio ? -1 : 1;
	c = strcmp(a->name, b->name);
	if (c)
		return c;
	return a->order < b->order ? -1 : a->order > b->order;
}

int chain_insert(struct chain *c, struct chain_entry *e)
{
	int i;

	if (c->n >= XDPL_CHAIN_MAX)
		return -E2BIG;
	for (i = c->n; i > 0 && chain_cmp(c->v[i - 1], e) > 0; i--)
		c->v[i] = c->v[i - 1];
	c->v[i] = e;
	c->n++;
	return 0;
}

void chain_remove(struct chain *c, const struct chain_entry *e)
{
	int i, k;

	for (i = 0, k = 0; i < c->n; i++)
		if (c->v[i] != e)
			c->v[k++] = c->v[i];
	c->n = k;
}

void chain_sort(struct chain *c)
{
	struct chain_entry *v[XDPL_CHAIN_MAX];
	int i, n = c->n;

	/* insertion keeps it stable, and chains are short */
	memcpy(v, c->v, n * sizeof(v[0]));
	c->n = 0;
	for (i = 0; i < n; i++)
		chain_insert(c, v[i]);
}

unsigned int chain_next_order(const struct chain *c)
{
	unsigned int next = 0;
	int i;

	for (i = 0; i < c->n; i++)
		if (c->v[i]->order >= next)
			next = c->v[i]->order + 1;
	return next;
}

bool chain_entry_is(const struct chain_entry *e, const char *name)
{
	return !strcmp(e->name, name) || (strlen(name) == BPF_OBJ_NAME_LEN - 1 &&
					  !strncmp(e->name, name, BPF_OBJ_NAME_LEN - 1));
}

int chain_find_name(const struct chain *c, const char *name)
{
	int i;

	for (i = 0; i < c->n; i++)
		if (chain_entry_is(c->v[i], name))
			return i;
	return -1;
}

static void set_field(char *dst, size_t sz, const char *src)
{
	char *p;

	snprintf(dst, sz, "%s", src ?: "");
	for (p = dst; *p; p++)
		if (*p == '\t' || *p == '\n')
			*p = ' ';
}

void chain_entry_set(struct chain_entry *e, const char *name, const char *label, unsigned int prio,
		     unsigned int actions, unsigned int order)
{
	set_field(e->name, sizeof(e->name), name);
	set_field(e->label, sizeof(e->label), label);
	e->prio = prio;
	e->actions = actions;
	e->order = order;
}

// SPDX-License-Identifier: GPL-2.0-only
#include <string.h>
#include "builtin.h"

const struct builtin_prog *builtin_find(const char *name)
{
	const struct builtin_prog *b;

	for (b = builtin_progs; b->name; b++)
		if (!strcmp(b->name, name))
			return b;
	return NULL;
}

int source_is_file(const char *arg)
{
	size_t len = strlen(arg);

	return strchr(arg, '/') || (len > 2 && !strcmp(arg + len - 2, ".o"));
}

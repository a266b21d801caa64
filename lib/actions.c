// SPDX-License-Identifier: GPL-2.0-only
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include "actions.h"

static const char *const names[XDPL_ACTION_COUNT] = {
	"XDP_ABORTED", "XDP_DROP", "XDP_PASS", "XDP_TX", "XDP_REDIRECT",
};

const char *action_name(unsigned int action)
{
	return action < XDPL_ACTION_COUNT ? names[action] : NULL;
}

int action_parse(const char *name)
{
	unsigned int a;

	if (!strncasecmp(name, "XDP_", 4))
		name += 4;
	for (a = 0; a < XDPL_ACTION_COUNT; a++)
		if (!strcasecmp(name, names[a] + 4))
			return a;
	return -EINVAL;
}

int actions_parse_list(const char *list, unsigned int *mask, char **bad)
{
	char *copy = strdup(list), *word, *save = NULL;
	int a, err = 0;

	if (!copy)
		return -ENOMEM;
	*mask = 0;
	for (word = strtok_r(copy, ",", &save); word; word = strtok_r(NULL, ",", &save)) {
		a = action_parse(word);
		if (a < 0) {
			*bad = strdup(word);
			err = -EINVAL;
			break;
		}
		*mask |= 1U << a;
	}
	if (!err && !*mask) {
		*bad = strdup(list);
		err = -EINVAL;
	}
	free(copy);
	return err;
}

void actions_format(unsigned int mask, char *buf, size_t sz)
{
	size_t used = 0;
	unsigned int a;

	if (sz)
		buf[0] = '\0';
	for (a = 0; a < XDPL_ACTION_COUNT; a++)
		if (mask & (1U << a))
			used += snprintf(buf + used, used < sz ? sz - used : 0, "%s%s",
					 used ? "," : "", names[a]);
}

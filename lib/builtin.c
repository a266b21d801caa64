// SPDX-License-Identifier: GPL-2.0-only
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "builtin.h"

extern const char xdpl_blob_internal_count_nobtf_start[], xdpl_blob_internal_count_nobtf_end[];

const struct builtin_prog *builtin_find(const char *name)
{
	const struct builtin_prog *b;

	for (b = builtin_progs; b->name; b++)
		if (!strcmp(b->name, name))
			return b;
	return NULL;
}

void builtin_object(const struct builtin_prog *b, const char **start, size_t *len)
{
	*start = b->start;
	*len = b->end - b->start;
	/* count reads the kernel's xdp_buff through CO-RE: without BTF, the build without it */
	if (!strcmp(b->name, "count") && access("/sys/kernel/btf/vmlinux", F_OK)) {
		*start = xdpl_blob_internal_count_nobtf_start;
		*len = xdpl_blob_internal_count_nobtf_end - xdpl_blob_internal_count_nobtf_start;
	}
}

int builtin_count(void)
{
	int n = 0;

	while (builtin_progs[n].name)
		n++;
	return n;
}

int source_is_file(const char *arg)
{
	size_t len = strlen(arg);

	return strchr(arg, '/') || (len > 2 && !strcmp(arg + len - 2, ".o"));
}

#define NAME_MAX_LEN 32

int name_distance(const char *a, const char *b)
{
	/* three rows of the optimal string alignment distance; names are short */
	int rows[3][NAME_MAX_LEN + 1], *prev2 = rows[0], *prev = rows[1], *cur = rows[2], *t;
	int la = strlen(a), lb = strlen(b), i, j, v;

	if (la > NAME_MAX_LEN || lb > NAME_MAX_LEN)
		return NAME_MAX_LEN;
	for (j = 0; j <= lb; j++)
		prev[j] = j;
	for (i = 1; i <= la; i++) {
		cur[0] = i;
		for (j = 1; j <= lb; j++) {
			v = prev[j - 1] + (a[i - 1] != b[j - 1]);
			if (prev[j] + 1 < v)
				v = prev[j] + 1;
			if (cur[j - 1] + 1 < v)
				v = cur[j - 1] + 1;
			if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] &&
			    prev2[j - 2] + 1 < v)
				v = prev2[j - 2] + 1;
			cur[j] = v;
		}
		t = prev2;
		prev2 = prev;
		prev = cur;
		cur = t;
	}
	return prev[lb];
}

const char *builtin_nearest(const char *name)
{
	const struct builtin_prog *b, *best = NULL;
	int d, best_d = 3; /* more edits than two is another word, not a typo */

	for (b = builtin_progs; b->name; b++) {
		d = name_distance(name, b->name);
		if (d < best_d && d < (int)strlen(b->name)) {
			best_d = d;
			best = b;
		}
	}
	return best ? best->name : NULL;
}

static const struct xdpl_iface *cur_iface;

void builtin_set_iface(const struct xdpl_iface *iface)
{
	cur_iface = iface;
}

const struct xdpl_iface *builtin_iface(void)
{
	return cur_iface;
}

int builtin_opt_parse(const struct builtin_opt *o, const char *arg, __u64 *val)
{
	const char *p = arg;
	__u64 v = 0;
	int i;

	if (o->string) {
		size_t len = strlen(arg);

		if (len < o->min || len > o->max ||
		    strspn(arg, "abcdefghijklmnopqrstuvwxyz"
				"ABCDEFGHIJKLMNOPQRSTUVWXYZ"
				"0123456789_-") != len)
			return -EINVAL;
		*val = (unsigned long)arg;
		return 0;
	}
	if (!o->words) {
		unsigned long long n;
		char *end;

		if (!*arg || *arg < '0' || *arg > '9')
			return -EINVAL;
		errno = 0;
		n = strtoull(arg, &end, 10);
		if (*end || errno)
			return -EINVAL;
		if (n < o->min || n > o->max)
			return -ERANGE;
		*val = n;
		return 0;
	}
	do {
		size_t len = strcspn(p, ",");

		for (i = 0; o->words[i]; i++)
			if (strlen(o->words[i]) == len && !strncmp(p, o->words[i], len))
				break;
		if (!o->words[i] || (!o->flags && p[len]))
			return -EINVAL;
		v = o->flags ? v | (1ULL << i) : (__u64)i;
		p += len;
	} while (*p && *++p);
	if (p > arg && p[-1] == ',')
		return -EINVAL;
	*val = v;
	return 0;
}

void builtin_opt_str(const struct builtin_opt *o, __u64 val, char *buf, size_t sz)
{
	size_t used = 0;
	int i;

	if (o->string) {
		snprintf(buf, sz, "%s", BUILTIN_STR(val) ?: "");
		return;
	}
	if (!o->words) {
		snprintf(buf, sz, "%llu", (unsigned long long)val);
		return;
	}
	buf[0] = '\0';
	for (i = 0; o->words[i]; i++) {
		if (o->flags ? !(val & (1ULL << i)) : val != (__u64)i)
			continue;
		used += snprintf(buf + used, used < sz ? sz - used : 0, "%s%s", used ? "," : "",
				 o->words[i]);
	}
}

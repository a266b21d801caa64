// SPDX-License-Identifier: GPL-2.0-only
/* Expectations of `xdpload test` (see test_expect.h). */
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "actions.h"
#include "error.h"
#include "params.h"
#include "test_expect.h"

static int add(struct expects *ex, const struct expect *e)
{
	struct expect *v = realloc(ex->v, (ex->n + 1) * sizeof(*v));

	if (!v)
		return -ENOMEM;
	ex->v = v;
	ex->v[ex->n++] = *e;
	return 0;
}

int expect_every(struct expects *ex, unsigned int verdict)
{
	struct expect e = { .verdict = verdict };

	ex->every = true;
	return add(ex, &e);
}

static int cmp_packet(const void *a, const void *b)
{
	const struct expect *x = a, *y = b;

	return x->packet < y->packet ? -1 : x->packet > y->packet;
}

/* One line's words: [N] VERDICT [PROGRAM]. */
static int parse_line(const char *path, unsigned long ln, char *s, __u64 *next, struct expect *e)
{
	char *w[4];
	int nw = 0, a, k = 0;
	__u64 n;

	for (char *tok = strtok(s, " \t\r\n"); tok; tok = strtok(NULL, " \t\r\n"))
		if (nw < 4)
			w[nw++] = tok;
		else
			nw++;
	if (!nw)
		return 0;
	memset(e, 0, sizeof(*e));
	e->line = ln;
	if (isdigit((unsigned char)w[0][0])) {
		if (parse_u64_range(w[0], 1, UINT64_MAX, &n))
			return xdpl_err(XDPL_ERR_USAGE, EINVAL, "%s:%lu: bad packet number '%s'",
					path, ln, w[0]);
		*next = n;
		k = 1;
	}
	if (nw - k < 1 || nw - k > 2)
		return xdpl_err(XDPL_ERR_USAGE, EINVAL,
				"%s:%lu: expected '[PACKET] VERDICT [PROGRAM|-]'", path, ln);
	a = action_parse(w[k]);
	if (a < 0)
		return xdpl_err(XDPL_ERR_USAGE, EINVAL,
				"%s:%lu: bad verdict '%s' (XDP_ABORTED, XDP_DROP, XDP_PASS, XDP_TX "
				"or XDP_REDIRECT)",
				path, ln, w[k]);
	e->verdict = a;
	if (nw - k == 2)
		snprintf(e->prog, sizeof(e->prog), "%s", w[k + 1]);
	e->packet = (*next)++;
	return 1;
}

int expect_read_file(struct expects *ex, const char *path)
{
	char *line = NULL, *hash;
	unsigned long ln = 0;
	struct expect e;
	size_t cap = 0, i;
	__u64 next = 1;
	FILE *f;
	int err = 0;

	f = fopen(path, "r");
	if (!f)
		return xdpl_err(XDPL_ERR_NOFILE, errno, "%s: cannot open: %s", path,
				strerror(errno));
	while (!err && getline(&line, &cap, f) >= 0) {
		ln++;
		if ((hash = strchr(line, '#')))
			*hash = '\0';
		err = parse_line(path, ln, line, &next, &e);
		if (err > 0)
			err = add(ex, &e);
	}
	free(line);
	fclose(f);
	if (err)
		return err;
	qsort(ex->v, ex->n, sizeof(ex->v[0]), cmp_packet);
	for (i = 1; i < ex->n; i++)
		if (ex->v[i].packet == ex->v[i - 1].packet)
			return xdpl_err(XDPL_ERR_USAGE, EINVAL,
					"%s:%lu: packet %llu already has an expectation (line %lu)",
					path, ex->v[i].line, (unsigned long long)ex->v[i].packet,
					ex->v[i - 1].line);
	return 0;
}

void expect_free(struct expects *ex)
{
	free(ex->v);
	memset(ex, 0, sizeof(*ex));
}

const struct expect *expect_for(struct expects *ex, __u64 index)
{
	if (ex->every)
		return ex->v;
	while (ex->next < ex->n && ex->v[ex->next].packet < index)
		ex->next++;
	return ex->next < ex->n && ex->v[ex->next].packet == index ? &ex->v[ex->next] : NULL;
}

bool expect_met(const struct expect *e, const struct pktrec *r, const struct pktrec_prog *progs)
{
	if (r->error || r->verdict != e->verdict)
		return false;
	if (!strcmp(e->prog, EXPECT_ANY_PROG))
		return true;
	if (!strcmp(e->prog, EXPECT_END_OF_CHAIN))
		return r->decider == PKTREC_END_OF_CHAIN;
	return r->decider >= 0 && !strcmp(progs[r->decider].name, e->prog);
}

size_t expect_unmatched(const struct expects *ex, __u64 npackets)
{
	size_t i, left = 0;

	for (i = 0; !ex->every && i < ex->n; i++)
		left += ex->v[i].packet > npackets;
	return left;
}

void expect_describe(const struct expect *e, char *buf, size_t sz)
{
	const char *v = action_name(e->verdict) ?: "?";

	if (!strcmp(e->prog, EXPECT_ANY_PROG))
		snprintf(buf, sz, "%s", v);
	else if (!strcmp(e->prog, EXPECT_END_OF_CHAIN))
		snprintf(buf, sz, "%s by the end of the chain", v);
	else
		snprintf(buf, sz, "%s by %s", v, e->prog);
}

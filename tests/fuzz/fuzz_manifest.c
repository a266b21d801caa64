// SPDX-License-Identifier: GPL-2.0-only
/*
 * The linked manifest's parser (lib/backend/linked_manifest.c) on any bytes: the
 * file lives in root's 0700 directory, but a crash, a full disk or a hand edit can
 * leave anything there, and every command reads it first.
 *
 * What fails: a crash or sanitizer report, and a manifest that parses but does not
 * survive format → parse unchanged, or that breaks the invariants the state relies
 * on (uids unique, below next_uid and not 0; counter slots unique and in range).
 */
#include <stdlib.h>
#include <string.h>
#include "backend/linked_manifest.h"
#include "fuzz.h"

static struct linked_manifest m, back;

void fuzz_seed(const char *name, const void *obj, size_t len)
{
	int i;

	/* seeds are manifests, not objects: a few chains of the repo's program names */
	memset(&m, 0, sizeof(m));
	m.generation = 3;
	m.mode = XDP_MODE_SKB;
	m.counters = true;
	m.netns_ino = 4026531840ULL;
	m.n = 3;
	m.next_uid = 9;
	for (i = 0; i < m.n; i++) {
		chain_entry_set(&m.comps[i].entry, name, name, 10 * i, 4, i);
		m.comps[i].uid = i + 1;
		m.comps[i].slot = i;
		m.comps[i].base[i] = len;
	}
	{
		char *text;
		size_t tlen;

		if (!linked_manifest_format(&m, &text, &tlen)) {
			fuzz_seed_write(name, text, tlen);
			free(text);
		}
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *text;
	size_t len;
	int i, k;

	if (linked_manifest_parse((const char *)data, size, &m))
		return 0;
	for (i = 0; i < m.n; i++) {
		if (!m.comps[i].uid || m.comps[i].uid >= m.next_uid ||
		    m.comps[i].slot >= XDPL_CHAIN_MAX)
			abort();
		for (k = 0; k < i; k++)
			if (m.comps[k].uid == m.comps[i].uid || m.comps[k].slot == m.comps[i].slot)
				abort();
	}
	if (linked_manifest_format(&m, &text, &len))
		abort();
	if (linked_manifest_parse(text, len, &back) || memcmp(&m, &back, sizeof(m)))
		abort();
	free(text);
	return 0;
}

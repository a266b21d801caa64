// SPDX-License-Identifier: GPL-2.0-only
/* The linked manifest: a round trip keeps every field; malformed ones are refused. */
#include <errno.h>
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>
#include "backend/linked_manifest.h"

static void sample(struct linked_manifest *m, int n)
{
	int i, k;

	memset(m, 0, sizeof(*m));
	m->generation = 7;
	m->mode = XDP_MODE_SKB;
	m->counters = true;
	m->no_inline = n % 2;
	m->traced = n % 3 == 1;
	m->netns_ino = 4026531840ULL;
	m->next_uid = n + 3;
	m->n = n;
	for (i = 0; i < n; i++) {
		struct linked_comp *c = &m->comps[i];
		char name[32];

		snprintf(name, sizeof(name), "prog \"%d\" é", i);
		chain_entry_set(&c->entry, name, "/tmp/dir with space/x.o", 10 * i, 0x5, i);
		c->uid = i + 2;
		c->slot = n - 1 - i;
		snprintf(c->pin_dir, sizeof(c->pin_dir), "%s", i % 2 ? "/sys/fs/bpf/p" : "");
		for (k = 0; k < XDPL_DISP_SLOTS; k++)
			c->base[k] = (i + 1) * 1000003ULL * (k + 1) + (k == 7 ? 1ULL << 62 : 0);
		c->inlined = i % 3 == 0;
		snprintf(c->call_reason, sizeof(c->call_reason), "%s",
			 c->inlined ? "" : "tail call in its main function");
	}
}

static void test_round_trip(void **state)
{
	static struct linked_manifest m, back;
	int n;

	for (n = 0; n <= XDPL_CHAIN_MAX; n += XDPL_CHAIN_MAX / 4) {
		char *text;
		size_t len;

		sample(&m, n);
		assert_int_equal(linked_manifest_format(&m, &text, &len), 0);
		assert_int_equal(linked_manifest_parse(text, len, &back), 0);
		free(text);
		assert_memory_equal(&m, &back, sizeof(m));
	}
}

static void expect_refused(const char *text)
{
	static struct linked_manifest m;

	if (linked_manifest_parse(text, strlen(text), &m) != -EBADMSG)
		fail_msg("accepted: %s", text);
}

#define OK_HEAD                                                              \
	"{\"format\":2,\"generation\":1,\"mode\":\"skb\",\"counters\":true," \
	"\"netns_ino\":1,\"next_uid\":5,\"programs\":"
#define COMP(uid, slot)                                                        \
	"{\"uid\":" #uid ",\"slot\":" #slot ",\"name\":\"a\",\"label\":\"a\"," \
	"\"priority\":1,\"actions\":4,\"order\":0,\"pin_dir\":\"\","           \
	"\"base\":[0,0,0,0,0,0,0,0]}"

static void test_refused(void **state)
{
	static struct linked_manifest m;
	const char *ok = OK_HEAD "[" COMP(1, 0) "," COMP(2, 1) "]}";

	assert_int_equal(linked_manifest_parse(ok, strlen(ok), &m), 0);
	assert_int_equal(m.n, 2);
	expect_refused("");
	expect_refused("garbage");
	expect_refused("xdpload-linked 1\nmode skb\n"); /* the old format */
	expect_refused(OK_HEAD "[" COMP(1, 0) "]} trailing");
	expect_refused(OK_HEAD "[" COMP(1, 0) "," COMP(1, 1) "]}"); /* one uid twice */
	expect_refused(OK_HEAD "[" COMP(1, 0) "," COMP(2, 0) "]}"); /* one slot twice */
	expect_refused(OK_HEAD "[" COMP(6, 0) "]}");		    /* uid not given out yet */
	expect_refused(OK_HEAD "[" COMP(1, 64) "]}");		    /* slot out of range */
	expect_refused(OK_HEAD "[" COMP(0, 0) "]}");		    /* uid 0 */
	expect_refused(OK_HEAD "[" COMP(-1, 0) "]}");
	expect_refused(OK_HEAD "{}}");
	expect_refused("{\"format\":3,\"generation\":1,\"mode\":\"skb\",\"counters\":true,"
		       "\"netns_ino\":1,\"next_uid\":5,\"programs\":[]}");
	expect_refused("{\"format\":2,\"generation\":1,\"mode\":\"sideways\",\"counters\":true,"
		       "\"netns_ino\":1,\"next_uid\":5,\"programs\":[]}");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_round_trip),
		cmocka_unit_test(test_refused),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}

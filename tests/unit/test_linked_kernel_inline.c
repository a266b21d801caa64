// SPDX-License-Identifier: GPL-2.0-only
/*
 * The inlining dispatcher against the running kernel: which components it
 * inlines (subprograms, global data, bpf_loop callbacks), which stay calls (a
 * tail call in the main function, stacks that do not fit), and that the
 * inlined and the called layouts give the same verdicts and counters, checked
 * with BPF_PROG_TEST_RUN. Skips when not root. The helpers are
 * support/kernel_chain.h.
 */
#include <errno.h>
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <cmocka.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include <xdpload/dispatcher.h>
#include "error.h"
#include "linked/capture.h"
#include "linked/compose.h"
#include "support/kernel_chain.h"

/*
 * Every kind of component the bundled and user programs are: inlined, but the
 * tail-calling one, which says why. Same verdict, counters and component maps
 * as the called layout.
 */
static void test_inline_decisions(void **state)
{
	static const char *const files[] = { "linked_subprogs", "linked_global", "linked_loop",
					     "linked_tail",	"linked_count",	 "linked_voidctx",
					     "linked_drop" };
	struct tcomp t[7];
	struct linked_composite c[2];
	__u64 s[2][XDPL_DISP_SLOTS];
	int tail, layout, i;

	for (i = 0; i < 7; i++)
		open_comp(&t[i], files[i], i == 3 ? "lk_tail" : NULL);
	tail = map_fd(t[3].obj, "tail_cnt");
	for (layout = 0; layout < 2; layout++) {
		compose_ok(t, NULL, 7, true, layout, &c[layout]);
		assert_int_equal(run(c[layout].prog_fd, 5, NULL), XDP_DROP);
	}
	for (i = 0; i < 7; i++) {
		assert_false(c[1].inlined[i]);
		assert_string_equal(c[1].call_reason[i], "--no-inline");
		if (i == 3) {
			assert_false(c[0].inlined[i]);
			assert_string_equal(c[0].call_reason[i], "tail call in its main function");
		} else if (!c[0].inlined[i]) {
			fail_msg("%s is called: %s", files[i], c[0].call_reason[i]);
		}
		counters(&c[0], i, s[0]);
		counters(&c[1], i, s[1]);
		assert_memory_equal(s[0], s[1], sizeof(s[0]));
		assert_int_equal(s[0][i == 6 ? XDP_DROP : XDP_PASS], 5);
	}
	/* the tail call's target ran for both: its return went back to the chain */
	assert_int_equal(array_u64(tail, 0), 10);
	assert_int_equal(array_u64(tail, 2), 10);
	assert_int_equal(array_u64(map_fd(t[1].obj, ".bss"), 0), 10);
	/* the inlined main functions left the func_info; the loop's callback stays */
	assert_true(c[0].func_info_cnt < c[1].func_info_cnt);
	for (layout = 0; layout < 2; layout++)
		linked_composite_close(&c[layout]);
	for (i = 0; i < 7; i++)
		close_comp(&t[i]);
}

/*
 * Two 504-byte stacks inlined share one region of the dispatcher's frame; with
 * a tail call in the chain (256 bytes below it) they fall back to calls.
 */
static void test_big_stacks(void **state)
{
	struct tcomp t[3];
	struct linked_composite c;
	int i;

	open_comp(&t[0], "linked_count", NULL);
	open_comp(&t[1], "linked_bigstack", NULL);
	open_comp(&t[2], "linked_bigstack", NULL);
	compose_ok(t, NULL, 3, true, false, &c);
	for (i = 0; i < 3; i++)
		assert_true(c.inlined[i]);
	assert_true(c.frame >= 504 && c.frame <= 512);
	assert_int_equal(run(c.prog_fd, 3, NULL), XDP_PASS);
	linked_composite_close(&c);
	close_comp(&t[0]);
	open_comp(&t[0], "linked_tail", "lk_tail");
	compose_ok(t, NULL, 3, true, false, &c);
	assert_false(c.inlined[0] || c.inlined[1] || c.inlined[2]);
	for (i = 1; i < 3; i++)
		if (strncmp(c.call_reason[i], "stack: ", 7))
			fail_msg("bigstack called for '%s'", c.call_reason[i]);
	assert_int_equal(c.frame, 0);
	assert_int_equal(run(c.prog_fd, 3, NULL), XDP_PASS);
	linked_composite_close(&c);
	for (i = 0; i < 3; i++)
		close_comp(&t[i]);
}

/*
 * Every pair of returned values (the five actions and a non-action) through
 * two inlined components, the first chained on two actions, the second on
 * one: the same verdict and counters as called, and as the chain means.
 */
static void test_every_verdict(void **state)
{
	static const int acts[] = { XDP_ABORTED, XDP_DROP, XDP_PASS, XDP_TX, XDP_REDIRECT, 7 };
	const __u32 masks[2] = { PASS_MASK | (1u << XDP_TX), PASS_MASK };
	struct tcomp a[6], b[6], t[2];
	struct linked_composite c[2];
	__u64 s[2][XDPL_DISP_SLOTS];
	int i, j, layout, want, got[2];

	for (i = 0; i < 6; i++) {
		open_comp_tweak(&a[i], "linked_global", NULL, set_rodata_action, &acts[i]);
		open_comp_tweak(&b[i], "linked_global", NULL, set_rodata_action, &acts[i]);
	}
	for (i = 0; i < 6; i++) {
		for (j = 0; j < 6; j++) {
			t[0] = a[i];
			t[1] = b[j];
			for (layout = 0; layout < 2; layout++) {
				compose_ok(t, masks, 2, true, layout, &c[layout]);
				got[layout] = run(c[layout].prog_fd, 2, NULL);
			}
			assert_true(c[0].inlined[0] && c[0].inlined[1]);
			want = masks[0] & (1u << acts[i]) ? acts[j] == XDP_PASS ? XDP_PASS : acts[j]
							  : acts[i];
			assert_int_equal(got[0], want);
			assert_int_equal(got[1], want);
			counters(&c[0], 0, s[0]);
			counters(&c[1], 0, s[1]);
			assert_memory_equal(s[0], s[1], sizeof(s[0]));
			assert_int_equal(
				s[0][acts[i] > XDP_REDIRECT ? XDPL_DISP_SLOT_OTHER : acts[i]], 2);
			counters(&c[0], 1, s[0]);
			counters(&c[1], 1, s[1]);
			assert_memory_equal(s[0], s[1], sizeof(s[0]));
			for (layout = 0; layout < 2; layout++)
				linked_composite_close(&c[layout]);
		}
	}
	for (i = 0; i < 6; i++) {
		close_comp(&a[i]);
		close_comp(&b[i]);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_inline_decisions),
		cmocka_unit_test(test_big_stacks),
		cmocka_unit_test(test_every_verdict),
	};

	if (linked_capture_init()) {
		fprintf(stderr, "cannot register the capture handlers\n");
		return 1;
	}
	libbpf_set_print(NULL);
	if (geteuid() != 0) {
		printf("test_linked_kernel_inline: not root, skipped\n");
		return 0;
	}
	return cmocka_run_group_tests(tests, NULL, NULL);
}

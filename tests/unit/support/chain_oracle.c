// SPDX-License-Identifier: GPL-2.0-only
/* The chain's meaning for every verdict combination: see chain_oracle.h. */
#include <xdpload/dispatcher.h>
#include "chain_oracle.h"

static const __u32 acts[] = { XDP_ABORTED, XDP_DROP, XDP_PASS, XDP_TX, XDP_REDIRECT, 9 };
#define NACTS (sizeof(acts) / sizeof(acts[0]))

unsigned int chain_combos(unsigned int n)
{
	unsigned int combos = 1, k;

	for (k = 0; k < n; k++)
		combos *= NACTS;
	return combos;
}

void chain_combo(unsigned int combo, unsigned int n, __u32 *verdict)
{
	unsigned int k, x;

	for (k = 0, x = combo; k < n; k++, x /= NACTS)
		verdict[k] = acts[x % NACTS];
}

unsigned int chain_expect(const struct linked_gen_comp *c, unsigned int n, const __u32 *verdict,
			  const unsigned int *slots, bool bytes, __u64 len, __u64 *want_cnt,
			  __u32 *want)
{
	unsigned int k;

	*want = XDP_PASS;
	for (k = 0; k < n; k++) {
		unsigned int slot = slots ? slots[k] : k;
		__u32 act = verdict[k] > XDP_REDIRECT ? XDPL_DISP_SLOT_OTHER : verdict[k];

		want_cnt[slot * XDPL_DISP_WORDS + act]++;
		if (bytes)
			want_cnt[slot * XDPL_DISP_WORDS + XDPL_DISP_SLOTS + act] += len;
		if (!(c[k].chain_mask & (1u << verdict[k]))) {
			*want = verdict[k];
			return k;
		}
	}
	return n;
}

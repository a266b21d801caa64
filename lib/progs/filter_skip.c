// SPDX-License-Identifier: GPL-2.0-only
/*
 * The filter's skip bitmaps (flt_skip, see <xdpload/filter.h>): which buckets
 * of a match class no entry can match, so the program needs no lookup there.
 *
 * The one rule that keeps them right: a bit is set only while no entry of
 * its class covers its bucket. So a rule's buckets are cleared before the
 * rule is written (filter_skip_put), and the bits are set again only from
 * what the maps hold after a change (filter_skip_sync, with the rules lock
 * held). A bit left clear (a crash between the two, an old rule set without
 * the map) costs a lookup, never a wrong verdict.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <bpf/bpf.h>

#include "progs/filter.h"
#include "progs/filter_maps.h"

#define SKIP_BYTES (XDPL_FILTER_NR_CLASSES * XDPL_FILTER_SKIP_WORDS * sizeof(__u64))

int filter_skip_map(struct filter_maps *m)
{
	void *mem;

	m->skip_mem = NULL;
	if (m->skip < 0)
		return 0;
	mem = mmap(NULL, SKIP_BYTES, PROT_READ | PROT_WRITE, MAP_SHARED, m->skip, 0);
	if (mem == MAP_FAILED)
		return -errno;
	m->skip_mem = mem;
	return 0;
}

void filter_skip_unmap(struct filter_maps *m)
{
	if (m->skip_mem)
		munmap(m->skip_mem, SKIP_BYTES);
	m->skip_mem = NULL;
}

/* The 16 bits of @a from bit @first on, with only the first @known of them given. */
static void window(const __u8 *a, unsigned int first, unsigned int known, __u32 *lo, __u32 *hi)
{
	__u32 v = ((__u32)a[first / 8] << 8) | a[first / 8 + 1];
	__u32 free_bits = 16 - known;

	v &= ~((1u << free_bits) - 1) & 0xffff;
	*lo = v;
	*hi = v | ((1u << free_bits) - 1);
}

static unsigned int clamp16(int bits)
{
	return bits < 0 ? 0 : bits > 16 ? 16 : (unsigned int)bits;
}

int filter_skip_range(int cls, const void *key, __u32 *lo, __u32 *hi)
{
	switch (cls) {
	case XDPL_FILTER_CLASS_SRC4:
	case XDPL_FILTER_CLASS_DST4: {
		const struct xdpl_filter_lpm4 *k = key;

		window(k->addr, 0, clamp16((int)k->prefixlen), lo, hi);
		return 0;
	}
	case XDPL_FILTER_CLASS_SRC6:
	case XDPL_FILTER_CLASS_DST6: {
		const struct xdpl_filter_lpm6 *k = key;

		window(k->addr, XDPL_FILTER_SKIP_V6_FIRST_BIT,
		       clamp16((int)k->prefixlen - XDPL_FILTER_SKIP_V6_FIRST_BIT), lo, hi);
		return 0;
	}
	case XDPL_FILTER_CLASS_PORT_SRC:
	case XDPL_FILTER_CLASS_PORT_DST:
		*lo = *hi = ((const struct xdpl_filter_port *)key)->port;
		return 0;
	case XDPL_FILTER_CLASS_ETHER_SRC:
	case XDPL_FILTER_CLASS_ETHER_DST:
		*lo = *hi = XDPL_FILTER_SKIP_BUCKET_ETHER(
			((const struct xdpl_filter_ether *)key)->addr);
		return 0;
	}
	return -EINVAL;
}

/* The class of an entry with @key in the match map @map_fd; -1 for another map. */
static int entry_class(const struct filter_maps *m, int map_fd, const void *key)
{
	if (map_fd == m->src4)
		return XDPL_FILTER_CLASS_SRC4;
	if (map_fd == m->dst4)
		return XDPL_FILTER_CLASS_DST4;
	if (map_fd == m->src6)
		return XDPL_FILTER_CLASS_SRC6;
	if (map_fd == m->dst6)
		return XDPL_FILTER_CLASS_DST6;
	if (map_fd == m->port)
		return ((const struct xdpl_filter_port *)key)->dir == XDPL_FILTER_SRC
			       ? XDPL_FILTER_CLASS_PORT_SRC
			       : XDPL_FILTER_CLASS_PORT_DST;
	if (map_fd == m->ether)
		return ((const struct xdpl_filter_ether *)key)->dir == XDPL_FILTER_SRC
			       ? XDPL_FILTER_CLASS_ETHER_SRC
			       : XDPL_FILTER_CLASS_ETHER_DST;
	return -1;
}

/* Set bits lo..hi (buckets) of class @cls's bitmap in @words (one class: SKIP_WORDS). */
static void mark(__u64 *words, __u32 lo, __u32 hi)
{
	__u32 b;

	for (b = lo; b <= hi; b++) {
		if (!(b & 63) && hi - b >= 63) {
			words[b / 64] = ~0ULL;
			b += 63;
			continue;
		}
		words[b / 64] |= 1ULL << (b & 63);
	}
}

int filter_skip_put(const struct filter_maps *m, int map_fd, const void *key,
		    const struct xdpl_filter_rule *v)
{
	int cls = entry_class(m, map_fd, key);
	__u64 clear[XDPL_FILTER_SKIP_WORDS];
	__u32 lo, hi, w;

	if (m->skip_mem && cls >= 0 && !filter_skip_range(cls, key, &lo, &hi)) {
		__u64 *words = m->skip_mem + (size_t)cls * XDPL_FILTER_SKIP_WORDS;

		memset(clear, 0, sizeof(clear));
		mark(clear, lo, hi);
		for (w = lo / 64; w <= hi / 64; w++)
			__atomic_fetch_and(&words[w], ~clear[w], __ATOMIC_SEQ_CST);
	}
	if (bpf_map_update_elem(map_fd, key, v, BPF_ANY))
		return errno == E2BIG ? -ENOSPC : -errno;
	return 0;
}

/* OR into @used (all classes) the buckets of every entry of @map_fd. */
static int used_buckets(const struct filter_maps *m, int map_fd, __u64 *used)
{
	__u8 key[32] = {}, next[32] = {};
	void *prev = NULL;
	__u32 ks = 0, lo, hi;
	int err = filter_map_key_size(map_fd, &ks), cls;

	if (err)
		return err;
	if (ks > sizeof(key))
		return -EINVAL;
	while (!bpf_map_get_next_key(map_fd, prev, next)) {
		memcpy(key, next, ks);
		prev = key;
		cls = entry_class(m, map_fd, key);
		if (cls >= 0 && !filter_skip_range(cls, key, &lo, &hi))
			mark(used + (size_t)cls * XDPL_FILTER_SKIP_WORDS, lo, hi);
	}
	return errno == ENOENT ? 0 : -errno;
}

int filter_skip_sync(const struct filter_maps *m)
{
	int fds[] = { m->src4, m->dst4, m->src6, m->dst6, m->port, m->ether };
	size_t i, nwords = (size_t)XDPL_FILTER_NR_CLASSES * XDPL_FILTER_SKIP_WORDS;
	__u64 *used;
	int err = 0;

	if (!m->skip_mem)
		return 0;
	used = calloc(nwords, sizeof(*used));
	if (!used)
		return -ENOMEM;
	for (i = 0; i < sizeof(fds) / sizeof(fds[0]) && !err; i++)
		err = used_buckets(m, fds[i], used);
	/* a bucket some entry may match stays clear; set only the empty ones */
	for (i = 0; i < nwords && !err; i++)
		if (__atomic_load_n(&m->skip_mem[i], __ATOMIC_RELAXED) != ~used[i])
			__atomic_store_n(&m->skip_mem[i], ~used[i], __ATOMIC_SEQ_CST);
	free(used);
	return err;
}

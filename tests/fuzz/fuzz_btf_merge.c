// SPDX-License-Identifier: GPL-2.0-only
/*
 * linked_btf_merge (lib/linked/btf.c) on BTF from the input, with synthetic
 * func_info and line_info.
 *
 * In xdpload the merge only ever sees BTF that the kernel accepted (compose.c
 * reads each component's BTF back from the kernel after the component loaded)
 * and func_info that the verifier checked against it. Feeding it BTF the kernel
 * would refuse mostly finds libbpf's own unchecked paths (btf__add_btf takes a
 * string offset on trust), so this harness asks the kernel first: btf__new on
 * the raw bytes, then BPF_BTF_LOAD, and inputs the kernel refuses are dropped.
 * func_info is built the way the kernel requires it (FUNC IDs, offsets rising
 * from 0), line_info points at real strings, and a second component without
 * BTF takes its instructions straight from the input.
 *
 * What fails: a crash or sanitizer report, and a merge that succeeds but gives
 * BTF the kernel refuses or func_info that is not sorted, not starting with the
 * dispatcher, or naming something that is not a FUNC.
 *
 * Input: flags(1) btf_len(2, LE) btf[btf_len] rest; needs root (the kernel's
 * BTF loader), else the harness is skipped.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <linux/bpf.h>
#include <unistd.h>
#include <bpf/bpf.h>
#include <bpf/btf.h>
#include <bpf/libbpf.h>
#include "error.h"
#include "fuzz.h"
#include "linked/btf.h"

#define MAX_FUNCS 8
#define MAX_INSNS 512
#define DISP "xdpl_fuzz_disp"

#define FLAG_LINES 0x01 /* give component 0 line info */
#define FLAG_NOBTF 0x02 /* a second component without BTF, insns from the input */
#define FLAG_TWICE 0x04 /* the same BTF again as a third component */
#define FLAG_BADFN 0x08 /* one func_info names any type, not only a FUNC */

/*
 * Does the kernel accept b? bpf_btf_load, not btf__load_into_kernel: that one
 * retries every refusal with a 16 MiB log buffer, which costs most of the run.
 */
static int kernel_check(const struct btf *b, char *log, __u32 log_sz)
{
	LIBBPF_OPTS(bpf_btf_load_opts, o, .log_buf = log, .log_size = log_sz, .log_level = !!log);
	const void *raw;
	__u32 sz;
	int fd;

	raw = btf__raw_data(b, &sz);
	if (!raw)
		return -ENOMEM;
	fd = bpf_btf_load(raw, sz, &o);
	if (fd < 0)
		return -errno;
	close(fd);
	return 0;
}

int fuzz_init(void)
{
	struct btf *b = btf__new_empty();
	int err;

	btf__add_int(b, "int", 4, BTF_INT_SIGNED);
	err = kernel_check(b, NULL, 0);
	btf__free(b);
	if (err)
		fprintf(stderr, "fuzz_btf_merge: the kernel's BTF loader is needed (root): %s\n",
			strerror(-err));
	return err;
}

/* Seeds: each object's BTF as libbpf has it after open (fixed up, as the kernel gets it). */
void fuzz_seed(const char *name, const void *obj, size_t len)
{
	struct bpf_object *o = bpf_object__open_mem(obj, len, NULL);
	const struct btf *b = libbpf_get_error(o) ? NULL : bpf_object__btf(o);
	unsigned char *seed;
	const void *raw;
	__u32 sz;

	raw = b ? btf__raw_data(b, &sz) : NULL;
	if (raw && sz <= 0xffff && (seed = malloc(sz + 3 + 64))) {
		seed[0] = FLAG_LINES | FLAG_NOBTF;
		seed[1] = sz & 0xff;
		seed[2] = sz >> 8;
		memcpy(seed + 3, raw, sz);
		memset(seed + 3 + sz, 0x11, 64);
		fuzz_seed_write(name, seed, sz + 3 + 64);
		free(seed);
	}
	bpf_object__close(o);
}

struct rd {
	const uint8_t *p;
	size_t n;
};

static unsigned int take(struct rd *r)
{
	if (!r->n)
		return 0;
	r->n--;
	return *r->p++;
}

/* nf records if exact, else at least nf (components without BTF: one per function found) */
static void check_merged(const struct linked_btf *m, unsigned int nf, bool exact)
{
	const struct btf_type *t;
	__u32 i;
	int err;

	if ((exact ? m->func_info_cnt != nf : m->func_info_cnt < nf) || m->func_info[0].insn_off)
		abort();
	for (i = 0; i < m->func_info_cnt; i++) {
		t = btf__type_by_id(m->btf, m->func_info[i].type_id);
		if (!t || !btf_is_func(t) ||
		    (i && m->func_info[i].insn_off <= m->func_info[i - 1].insn_off))
			abort();
	}
	t = btf__type_by_id(m->btf, m->func_info[0].type_id);
	if (strcmp(btf__name_by_offset(m->btf, t->name_off), DISP))
		abort();
	if (kernel_check(m->btf, NULL, 0)) {
		static char log[1 << 16];

		err = kernel_check(m->btf, log, sizeof(log));
		fprintf(stderr, "the kernel refused the merged BTF: %s\n%s\n", strerror(-err), log);
		abort();
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct bpf_func_info fi[MAX_FUNCS];
	struct bpf_line_info li[MAX_FUNCS];
	struct bpf_insn insns0[MAX_INSNS] = {}, insns1[MAX_INSNS];
	struct linked_btf_comp comps[3] = {};
	__u32 funcs[64], nfuncs = 0, strs[64], nstrs = 0, id, cnt, off = 0, base;
	unsigned int flags, n = 0, nf, i, nf_min = 1;
	bool synth = false;
	struct linked_btf m = {};
	struct btf *b = NULL;
	struct rd r;
	size_t blen;

	if (size < 3)
		return 0;
	flags = data[0];
	blen = data[1] | data[2] << 8;
	if (blen > size - 3)
		return 0;
	r = (struct rd){ data + 3 + blen, size - 3 - blen };
	b = btf__new(data + 3, blen);
	if (libbpf_get_error(b))
		return 0;
	if (kernel_check(b, NULL, 0))
		goto out; /* never reaches the merge in xdpload */
	cnt = btf__type_cnt(b);
	for (id = 1; id < cnt; id++) {
		const struct btf_type *t = btf__type_by_id(b, id);

		if (btf_is_func(t) && nfuncs < 64)
			funcs[nfuncs++] = id;
		if (t->name_off && nstrs < 64)
			strs[nstrs++] = t->name_off;
	}
	/* component 0: func_info the kernel would accept, line info at each function */
	nf = nfuncs ? 1 + take(&r) % MAX_FUNCS : 0;
	for (i = 0; i < nf; i++) {
		fi[i].insn_off = off;
		fi[i].type_id = funcs[take(&r) % nfuncs];
		li[i] = (struct bpf_line_info){ off, nstrs ? strs[take(&r) % nstrs] : 0,
						nstrs ? strs[take(&r) % nstrs] : 0,
						take(&r) << 10 };
		off += 1 + take(&r) % 32;
	}
	if (nf && (flags & FLAG_BADFN))
		fi[take(&r) % nf].type_id = take(&r) % cnt;
	for (i = 0; i < off + 2 && i < MAX_INSNS; i++)
		insns0[i] = (struct bpf_insn){ .code = BPF_JMP | BPF_EXIT };
	base = 8;
	comps[n++] = (struct linked_btf_comp){ "fuzz0",
					       nf ? b : NULL,
					       fi,
					       nf,
					       flags & FLAG_LINES ? li : NULL,
					       flags & FLAG_LINES ? nf : 0,
					       insns0,
					       off + 2,
					       base,
					       false,
					       0,
					       0 };
	base += off + 2;
	if (flags & FLAG_NOBTF) {
		cnt = r.n / sizeof(struct bpf_insn);
		cnt = cnt > MAX_INSNS ? MAX_INSNS : cnt ? cnt : 1;
		memset(insns1, 0, sizeof(insns1));
		memcpy(insns1, r.p,
		       r.n < cnt * sizeof(struct bpf_insn) ? r.n : cnt * sizeof(struct bpf_insn));
		comps[n++] = (struct linked_btf_comp){ "fuzz1", NULL, NULL, 0,	   NULL, 0,
						       insns1,	cnt,  base, false, 0,	 0 };
		base += cnt;
	}
	if (flags & FLAG_TWICE)
		comps[n++] =
			(struct linked_btf_comp){ "fuzz2", nf ? b : NULL, fi,	nf,    NULL, 0,
						  insns0,  off + 2,	  base, false, 0,    0 };
	xdpl_err_clear();
	if (linked_btf_merge(comps, n, DISP, &m)) {
		if (xdpl_last_error()->kind == XDPL_ERR_NONE)
			abort(); /* a failure nobody reported */
		goto out;
	}
	for (i = 0; i < n; i++) {
		synth |= !comps[i].btf;
		nf_min += comps[i].btf ? comps[i].func_info_cnt : 1;
	}
	if (!(flags & FLAG_BADFN)) /* garbage in (the kernel never lets it in), garbage out */
		check_merged(&m, nf_min, !synth);
	linked_btf_free(&m);
out:
	btf__free(b);
	return 0;
}

// SPDX-License-Identifier: GPL-2.0-only
/* Merging the components' BTF for the linked dispatcher (no kernel needed). */
#include <errno.h>
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>
#include <linux/bpf.h>
#include <bpf/btf.h>
#include "error.h"
#include "linked/btf.h"

struct fake {
	struct btf *btf;
	int main_id, sub_id;
	struct bpf_func_info fi[2];
	struct bpf_line_info li[2];
};

/* int NAME(ctx_type *ctx) [+ static int NAME_sub(int) at insn 5] */
static void fake_comp(struct fake *f, const char *name, bool xdp_md_ctx, bool with_sub,
		      const char *file)
{
	struct btf *b = btf__new_empty();
	int int_id, st, ptr, proto, cptr, sproto;
	char sub[64];

	assert_non_null(b);
	int_id = btf__add_int(b, "int", 4, BTF_INT_SIGNED);
	if (xdp_md_ctx) {
		st = btf__add_struct(b, "xdp_md", 4);
		assert_int_equal(btf__add_field(b, "data", int_id, 0, 0), 0);
		ptr = btf__add_ptr(b, st);
		/* const struct xdp_md *: modifiers must not hide the struct */
		cptr = btf__add_const(b, ptr);
		ptr = cptr;
	} else {
		ptr = btf__add_ptr(b, 0); /* void * */
	}
	proto = btf__add_func_proto(b, int_id);
	assert_int_equal(btf__add_func_param(b, "ctx", ptr), 0);
	f->main_id = btf__add_func(b, name, BTF_FUNC_GLOBAL, proto);
	assert_true(f->main_id > 0);
	f->fi[0] = (struct bpf_func_info){ 0, f->main_id };
	f->li[0] = (struct bpf_line_info){ 0, btf__add_str(b, file), btf__add_str(b, "return 1;"),
					   (3 << 10) | 2 };
	if (with_sub) {
		sproto = btf__add_func_proto(b, int_id);
		assert_int_equal(btf__add_func_param(b, "x", int_id), 0);
		snprintf(sub, sizeof(sub), "%s_sub", name);
		f->sub_id = btf__add_func(b, sub, BTF_FUNC_STATIC, sproto);
		f->fi[1] = (struct bpf_func_info){ 5, f->sub_id };
		f->li[1] = (struct bpf_line_info){ 5, btf__add_str(b, file),
						   btf__add_str(b, "return x + 1;"), 9 << 10 };
	}
	f->btf = b;
}

static const char *func_name(const struct btf *b, __u32 id)
{
	const struct btf_type *t = btf__type_by_id(b, id);

	assert_non_null(t);
	assert_true(btf_is_func(t));
	return btf__name_by_offset(b, t->name_off);
}

static int func_linkage(const struct btf *b, __u32 id)
{
	return btf_vlen(btf__type_by_id(b, id)); /* FUNC's vlen is its linkage */
}

static struct linked_btf_comp bcomp(struct fake *f, const char *name, int nfuncs, __u32 base)
{
	return (struct linked_btf_comp){ .name = name,
					 .btf = f->btf,
					 .func_info = f->fi,
					 .func_info_cnt = nfuncs,
					 .line_info = f->li,
					 .line_info_cnt = nfuncs,
					 .base = base };
}

static void test_merge_two(void **state)
{
	struct fake a, b;
	struct linked_btf_comp c[2];
	struct linked_btf m;

	fake_comp(&a, "comp_a", true, true, "a.c");
	fake_comp(&b, "comp_b", false, false, "b.c");
	c[0] = bcomp(&a, "a", 2, 10);
	c[1] = bcomp(&b, "b", 1, 20);
	assert_int_equal(linked_btf_merge(c, 2, "xdpl_dispatch", &m), 0);

	assert_int_equal(m.func_info_cnt, 4);
	assert_int_equal(m.func_info[0].insn_off, 0);
	assert_string_equal(func_name(m.btf, m.func_info[0].type_id), "xdpl_dispatch");
	assert_int_equal(func_linkage(m.btf, m.func_info[0].type_id), BTF_FUNC_GLOBAL);
	assert_true(linked_btf_func_takes_xdp_md(m.btf, m.func_info[0].type_id));

	assert_int_equal(m.func_info[1].insn_off, 10);
	assert_string_equal(func_name(m.btf, m.func_info[1].type_id), "comp_a");
	/* arg0 is (const) struct xdp_md *: stays global */
	assert_int_equal(func_linkage(m.btf, m.func_info[1].type_id), BTF_FUNC_GLOBAL);
	assert_int_equal(m.func_info[2].insn_off, 15);
	assert_string_equal(func_name(m.btf, m.func_info[2].type_id), "comp_a_sub");
	assert_int_equal(func_linkage(m.btf, m.func_info[2].type_id), BTF_FUNC_STATIC);
	/* void *ctx: re-declared static */
	assert_int_equal(m.func_info[3].insn_off, 20);
	assert_string_equal(func_name(m.btf, m.func_info[3].type_id), "comp_b");
	assert_int_equal(func_linkage(m.btf, m.func_info[3].type_id), BTF_FUNC_STATIC);

	/* line info moved and its strings re-interned in the merged BTF */
	assert_int_equal(m.line_info_cnt, 4);
	assert_int_equal(m.line_info[0].insn_off, 0);
	assert_non_null(
		strstr(btf__str_by_offset(m.btf, m.line_info[0].file_name_off), "dispatcher"));
	assert_int_equal(m.line_info[1].insn_off, 10);
	assert_string_equal(btf__str_by_offset(m.btf, m.line_info[1].file_name_off), "a.c");
	assert_string_equal(btf__str_by_offset(m.btf, m.line_info[1].line_off), "return 1;");
	assert_int_equal(m.line_info[1].line_col, (3 << 10) | 2);
	assert_int_equal(m.line_info[2].insn_off, 15);
	assert_string_equal(btf__str_by_offset(m.btf, m.line_info[2].line_off), "return x + 1;");
	assert_int_equal(m.line_info[3].insn_off, 20);
	assert_string_equal(btf__str_by_offset(m.btf, m.line_info[3].file_name_off), "b.c");

	/* the type ids moved by what came before */
	assert_int_equal(m.func_info[1].type_id, a.main_id);
	assert_int_equal(m.func_info[2].type_id, a.sub_id);
	assert_int_equal(m.func_info[3].type_id > (__u32)btf__type_cnt(a.btf), true);

	linked_btf_free(&m);
	btf__free(a.btf);
	btf__free(b.btf);
}

/* one component without line info: none at all (the kernel wants all or none) */
static void test_line_info_all_or_none(void **state)
{
	struct fake a, b;
	struct linked_btf_comp c[2];
	struct linked_btf m;

	fake_comp(&a, "comp_a", true, true, "a.c");
	fake_comp(&b, "comp_b", true, false, "b.c");
	c[0] = bcomp(&a, "a", 2, 10);
	c[1] = bcomp(&b, "b", 1, 20);
	c[1].line_info_cnt = 0;
	assert_int_equal(linked_btf_merge(c, 2, "d", &m), 0);
	assert_int_equal(m.func_info_cnt, 4);
	assert_int_equal(m.line_info_cnt, 0);
	linked_btf_free(&m);
	btf__free(a.btf);
	btf__free(b.btf);
}

/* a component without BTF gets static FUNC records for each of its functions */
static void test_no_btf_synthesized(void **state)
{
	struct fake a;
	struct bpf_insn p[] = {
		{ .code = BPF_JMP | BPF_CALL, .src_reg = BPF_PSEUDO_CALL, .imm = 1 }, /* -> 2 */
		{ .code = BPF_JMP | BPF_EXIT },
		{ .code = BPF_ALU64 | BPF_MOV | BPF_K, .imm = 2 },
		{ .code = BPF_JMP | BPF_EXIT },
	};
	struct linked_btf_comp c[2];
	struct linked_btf m;

	fake_comp(&a, "comp_a", true, false, "a.c");
	c[0] = bcomp(&a, "a", 1, 8);
	c[1] = (struct linked_btf_comp){ .name = "plain", .insns = p, .insn_cnt = 4, .base = 9 };
	assert_int_equal(linked_btf_merge(c, 2, "d", &m), 0);
	assert_int_equal(m.func_info_cnt, 4);
	assert_int_equal(m.func_info[2].insn_off, 9);
	assert_string_equal(func_name(m.btf, m.func_info[2].type_id), "plain");
	assert_int_equal(func_linkage(m.btf, m.func_info[2].type_id), BTF_FUNC_STATIC);
	assert_int_equal(m.func_info[3].insn_off, 11);
	assert_string_equal(func_name(m.btf, m.func_info[3].type_id), "plain__f1");
	assert_int_equal(m.line_info_cnt, 0);
	linked_btf_free(&m);
	btf__free(a.btf);
}

/* no component brought struct xdp_md: the dispatcher's prototype still names it */
static void test_dispatcher_proto_without_xdp_md(void **state)
{
	struct fake b;
	struct linked_btf_comp c[1];
	struct linked_btf m;
	const struct btf_type *st;
	int id;

	fake_comp(&b, "comp_b", false, false, "b.c");
	c[0] = bcomp(&b, "b", 1, 4);
	assert_int_equal(linked_btf_merge(c, 1, "disp", &m), 0);
	assert_true(linked_btf_func_takes_xdp_md(m.btf, m.func_info[0].type_id));
	id = btf__find_by_name_kind(m.btf, "xdp_md", BTF_KIND_STRUCT);
	assert_true(id > 0);
	st = btf__type_by_id(m.btf, id);
	assert_int_equal(st->size, 24);
	linked_btf_free(&m);
	btf__free(b.btf);
}

static void test_takes_xdp_md(void **state)
{
	struct fake a, b;

	fake_comp(&a, "x", true, false, "a.c");
	fake_comp(&b, "y", false, false, "b.c");
	assert_true(linked_btf_func_takes_xdp_md(a.btf, a.main_id));
	assert_false(linked_btf_func_takes_xdp_md(b.btf, b.main_id));
	assert_false(linked_btf_func_takes_xdp_md(a.btf, 1)); /* not a FUNC */
	assert_false(linked_btf_func_takes_xdp_md(a.btf, 9999));
	btf__free(a.btf);
	btf__free(b.btf);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_merge_two),
		cmocka_unit_test(test_line_info_all_or_none),
		cmocka_unit_test(test_no_btf_synthesized),
		cmocka_unit_test(test_dispatcher_proto_without_xdp_md),
		cmocka_unit_test(test_takes_xdp_md),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}

// SPDX-License-Identifier: GPL-2.0-only
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include "error.h"
#include "linked/btf.h"

/* longest kernel symbol name, plus room for a suffix */
#define KSYM_NAME_LEN_ 160
#define DISP_FILE "<xdpload linked dispatcher>"
#define DISP_LINE "generated: call each component, check its action against the chain mask"

static const struct btf_type *skip_mods(const struct btf *b, __u32 id)
{
	const struct btf_type *t = btf__type_by_id(b, id);

	while (t && (btf_is_mod(t) || btf_is_typedef(t)))
		t = btf__type_by_id(b, t->type);
	return t;
}

bool linked_btf_func_takes_xdp_md(const struct btf *b, __u32 id)
{
	const struct btf_type *fn = btf__type_by_id(b, id), *proto, *t;

	if (!fn || !btf_is_func(fn))
		return false;
	proto = btf__type_by_id(b, fn->type);
	if (!proto || !btf_is_func_proto(proto) || btf_vlen(proto) < 1)
		return false;
	t = skip_mods(b, btf_params(proto)[0].type);
	if (!t || !btf_is_ptr(t))
		return false;
	t = skip_mods(b, t->type);
	return t && btf_is_struct(t) && !strcmp(btf__name_by_offset(b, t->name_off), "xdp_md");
}

int linked_btf_from_fd(int btf_fd, struct btf **out)
{
	struct bpf_btf_info info = {};
	__u32 len = sizeof(info);
	struct btf *b;

	if (bpf_obj_get_info_by_fd(btf_fd, &info, &len))
		return -errno;
	b = btf__load_from_kernel_by_id(info.id);
	if (!b)
		return -errno;
	*out = b;
	return 0;
}

void linked_btf_free(struct linked_btf *m)
{
	btf__free(m->btf);
	free(m->func_info);
	free(m->line_info);
	memset(m, 0, sizeof(*m));
}

/* A STRUCT named xdp_md, added when no component brought one. */
static int find_or_add_xdp_md(struct btf *m)
{
	static const char *const fields[] = { "data",		"data_end",
					      "data_meta",	"ingress_ifindex",
					      "rx_queue_index", "egress_ifindex" };
	int id = btf__find_by_name_kind(m, "xdp_md", BTF_KIND_STRUCT), u32, i, err;

	if (id > 0)
		return id;
	u32 = btf__add_int(m, "__u32", 4, 0);
	if (u32 < 0)
		return u32;
	id = btf__add_struct(m, "xdp_md", 4 * 6);
	if (id < 0)
		return id;
	for (i = 0; i < 6; i++) {
		err = btf__add_field(m, fields[i], u32, i * 32, 0);
		if (err)
			return err;
	}
	return id;
}

/* int disp_name(struct xdp_md *ctx), global: the program's main function */
static int add_dispatcher_func(struct btf *m, const char *name)
{
	int xdp_md, ptr, int_id, proto, err;

	xdp_md = find_or_add_xdp_md(m);
	if (xdp_md < 0)
		return xdp_md;
	ptr = btf__add_ptr(m, xdp_md);
	int_id = btf__add_int(m, "int", 4, BTF_INT_SIGNED);
	if (ptr < 0 || int_id < 0)
		return ptr < 0 ? ptr : int_id;
	proto = btf__add_func_proto(m, int_id);
	if (proto < 0)
		return proto;
	err = btf__add_func_param(m, "ctx", ptr);
	if (err)
		return err;
	return btf__add_func(m, name, BTF_FUNC_GLOBAL, proto);
}

/* The same FUNC again, static: checked in the caller's context like a main program. */
static int redeclare_static(struct btf *m, __u32 id)
{
	const struct btf_type *fn = btf__type_by_id(m, id);
	char name[KSYM_NAME_LEN_];

	if (!fn || !btf_is_func(fn))
		return -EINVAL;
	snprintf(name, sizeof(name), "%s", btf__name_by_offset(m, fn->name_off));
	/* fn may move when the type array grows: read what we need first */
	return btf__add_func(m, name, BTF_FUNC_STATIC, fn->type);
}

/* Where a component's instruction off is in the composite. */
static __u32 place(const struct linked_btf_comp *c, __u32 off)
{
	if (!c->inlined || off < c->main_len)
		return c->base + off;
	return c->sub_base + off - c->main_len;
}

static int merge_one(struct btf *m, const struct linked_btf_comp *c, struct bpf_func_info *fi,
		     __u32 *nf, struct bpf_line_info *li, __u32 *nl, bool with_lines)
{
	int first, id;
	__u32 i;

	first = btf__add_btf(m, c->btf);
	if (first < 0)
		return xdpl_err(XDPL_ERR_CHAIN, first, "%s: cannot merge its BTF: %s", c->name,
				strerror(-first));
	for (i = 0; i < c->func_info_cnt; i++) {
		struct bpf_func_info *r;

		/* an inlined main function is not a function any more: the dispatcher's covers it
		 */
		if (c->inlined && c->func_info[i].insn_off == 0)
			continue;
		r = &fi[(*nf)++];
		r->insn_off = place(c, c->func_info[i].insn_off);
		r->type_id = c->func_info[i].type_id + first - 1;
		if (c->func_info[i].insn_off != 0 ||
		    linked_btf_func_takes_xdp_md(c->btf, c->func_info[i].type_id))
			continue;
		id = redeclare_static(m, r->type_id);
		if (id < 0)
			return xdpl_err(XDPL_ERR_CHAIN, id,
					"%s: its entry function has no usable BTF", c->name);
		r->type_id = id;
	}
	for (i = 0; with_lines && i < c->line_info_cnt; i++) {
		const struct bpf_line_info *s = &c->line_info[i];
		struct bpf_line_info *r = &li[(*nl)++];
		int file = btf__add_str(m, btf__str_by_offset(c->btf, s->file_name_off) ?: "");
		int line = btf__add_str(m, btf__str_by_offset(c->btf, s->line_off) ?: "");

		if (file < 0 || line < 0)
			return xdpl_err(XDPL_ERR_CHAIN, ENOMEM, "%s: cannot merge its BTF",
					c->name);
		r->insn_off = place(c, s->insn_off);
		r->file_name_off = file;
		r->line_off = line;
		r->line_col = s->line_col;
	}
	return 0;
}

/* Static FUNC records for a component without BTF: one per function, int (void). */
static int synthesize_one(struct btf *m, const struct linked_btf_comp *c, struct bpf_func_info *fi,
			  __u32 *nf, int proto)
{
	__u32 *starts = calloc(c->insn_cnt ? c->insn_cnt : 1, sizeof(*starts));
	char name[KSYM_NAME_LEN_];
	int n, i, id;

	if (!starts)
		return -ENOMEM;
	n = linked_insn_funcs(c->insns, c->insn_cnt, starts, (int)c->insn_cnt);
	for (i = c->inlined ? 1 : 0; i < n; i++) {
		if (i)
			snprintf(name, sizeof(name), "%s__f%d", c->name, i);
		else
			snprintf(name, sizeof(name), "%s", c->name);
		id = btf__add_func(m, name, BTF_FUNC_STATIC, proto);
		if (id < 0) {
			n = id;
			break;
		}
		fi[*nf].insn_off = place(c, starts[i]);
		fi[*nf].type_id = id;
		(*nf)++;
	}
	free(starts);
	if (n < 0)
		return xdpl_err(XDPL_ERR_CHAIN, n,
				"%s: cannot describe its functions for the kernel", c->name);
	return 0;
}

static int cmp_func_info(const void *a, const void *b)
{
	const struct bpf_func_info *x = a, *y = b;

	return x->insn_off < y->insn_off ? -1 : x->insn_off > y->insn_off;
}

static int cmp_line_info(const void *a, const void *b)
{
	const struct bpf_line_info *x = a, *y = b;

	return x->insn_off < y->insn_off ? -1 : x->insn_off > y->insn_off;
}

int linked_btf_merge(const struct linked_btf_comp *comps, unsigned int n, const char *disp_name,
		     struct linked_btf *out)
{
	__u32 nf_max = 1, nl_max = 1, nf = 1, nl = 1, i;
	bool with_lines = true;
	int disp, void_proto = 0, err = -ENOMEM, int_id;
	struct linked_btf m = {};

	for (i = 0; i < n; i++) {
		const struct linked_btf_comp *c = &comps[i];

		/* without BTF every function is its own record */
		nf_max += c->btf && c->func_info_cnt ? c->func_info_cnt : c->insn_cnt;
		nl_max += c->line_info_cnt;
		/* the kernel wants line info for every function or for none */
		if (!c->btf || !c->func_info_cnt || !c->line_info_cnt)
			with_lines = false;
	}
	m.btf = btf__new_empty();
	m.func_info = calloc(nf_max, sizeof(*m.func_info));
	m.line_info = calloc(nl_max, sizeof(*m.line_info));
	if (!m.btf || !m.func_info || !m.line_info)
		goto fail;
	for (i = 0; i < n; i++) {
		const struct linked_btf_comp *c = &comps[i];

		if (c->btf && c->func_info_cnt) {
			err = merge_one(m.btf, c, m.func_info, &nf, m.line_info, &nl, with_lines);
		} else {
			if (!void_proto) {
				int_id = btf__add_int(m.btf, "int", 4, BTF_INT_SIGNED);
				void_proto =
					int_id < 0 ? int_id : btf__add_func_proto(m.btf, int_id);
				if (void_proto < 0) {
					err = void_proto;
					goto fail;
				}
			}
			err = synthesize_one(m.btf, c, m.func_info, &nf, void_proto);
		}
		if (err)
			goto fail;
	}
	disp = add_dispatcher_func(m.btf, disp_name);
	if (disp < 0) {
		err = xdpl_err(XDPL_ERR_CHAIN, disp, "cannot describe the dispatcher: %s",
			       strerror(-disp));
		goto fail;
	}
	m.func_info[0].insn_off = 0;
	m.func_info[0].type_id = disp;
	qsort(m.func_info, nf, sizeof(*m.func_info), cmp_func_info);
	m.func_info_cnt = nf;
	if (with_lines) {
		int file = btf__add_str(m.btf, DISP_FILE), line = btf__add_str(m.btf, DISP_LINE);

		if (file < 0 || line < 0)
			goto fail;
		m.line_info[0].insn_off = 0;
		m.line_info[0].file_name_off = file;
		m.line_info[0].line_off = line;
		m.line_info[0].line_col = 1 << 10; /* line 1, column 0 */
		m.line_info_cnt = nl;
		/* inlined main functions sit in the dispatcher, before called components */
		qsort(m.line_info, nl, sizeof(*m.line_info), cmp_line_info);
	}
	*out = m;
	return 0;
fail:
	linked_btf_free(&m);
	xdpl_err(XDPL_ERR_CHAIN, err, "cannot merge the components' BTF: %s",
		 strerror(err < 0 ? -err : err));
	return err < 0 ? err : -EINVAL;
}

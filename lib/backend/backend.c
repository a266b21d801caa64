// SPDX-License-Identifier: GPL-2.0-only
#include <errno.h>
#include <string.h>
#include <unistd.h>
#include <bpf/bpf.h>
#include <bpf/btf.h>
#include <linux/if_link.h>
#include "backend/backend.h"
#include "backend/legacy.h"
#include "linked/emit.h"
#include "log.h"

int dispatcher_parse(const char *name, enum dispatcher_choice *choice)
{
	if (!strcmp(name, "auto"))
		*choice = DISPATCHER_AUTO;
	else if (!strcmp(name, "libxdp"))
		*choice = DISPATCHER_LIBXDP;
	else if (!strcmp(name, "linked"))
		*choice = DISPATCHER_LINKED;
	else
		return -EINVAL;
	return 0;
}

/* BTF for `int probe(struct xdp_md *ctx)`: freplace needs a typed target function. */
static int probe_btf(__u32 *func_id)
{
	struct btf *btf = btf__new_empty();
	int int_id, ctx_id, ptr_id, proto_id, fd;

	if (!btf)
		return -ENOMEM;
	int_id = btf__add_int(btf, "int", 4, BTF_INT_SIGNED);
	/* A complete struct: 6.1 refuses an EXT program whose ctx is only forward-declared. */
	ctx_id = btf__add_struct(btf, "xdp_md", 4);
	btf__add_field(btf, "data", int_id, 0, 0);
	ptr_id = btf__add_ptr(btf, ctx_id);
	proto_id = btf__add_func_proto(btf, int_id);
	btf__add_func_param(btf, "ctx", ptr_id);
	*func_id = btf__add_func(btf, "probe", BTF_FUNC_GLOBAL, proto_id);
	fd = btf__load_into_kernel(btf) ? -errno : btf__fd(btf);
	if (fd >= 0)
		fd = dup(fd);
	btf__free(btf);
	return fd;
}

/* An XDP program with BTF whose one function is `int probe(struct xdp_md *ctx)`. */
static int probe_target(int *btf_fd, __u32 *func_id)
{
	const struct bpf_insn insns[] = {
		BPF_MOV64_IMM(BPF_REG_0, XDP_PASS),
		BPF_EXIT_INSN(),
	};
	struct bpf_func_info finfo = { .insn_off = 0 };
	LIBBPF_OPTS(bpf_prog_load_opts, opts);
	int fd;

	*btf_fd = probe_btf(func_id);
	if (*btf_fd < 0)
		return *btf_fd;
	finfo.type_id = *func_id;
	opts.prog_btf_fd = *btf_fd;
	opts.func_info = &finfo;
	opts.func_info_cnt = 1;
	opts.func_info_rec_size = sizeof(finfo);
	fd = bpf_prog_load(BPF_PROG_TYPE_XDP, "xdpl_probe", "GPL", insns, 2, &opts);
	return fd < 0 ? -errno : fd;
}

static bool probe_freplace(void)
{
	const struct bpf_insn insns[] = {
		BPF_MOV64_IMM(BPF_REG_0, XDP_PASS),
		BPF_EXIT_INSN(),
	};
	struct bpf_func_info finfo = { .insn_off = 0 };
	int btf_fd, target, ext = -1;
	__u32 func_id;
	LIBBPF_OPTS(bpf_prog_load_opts, opts);

	target = probe_target(&btf_fd, &func_id);
	if (target >= 0) {
		finfo.type_id = func_id;
		opts.prog_btf_fd = btf_fd;
		opts.func_info = &finfo;
		opts.func_info_cnt = 1;
		opts.func_info_rec_size = sizeof(finfo);
		opts.attach_prog_fd = target;
		opts.attach_btf_id = func_id;
		ext = bpf_prog_load(BPF_PROG_TYPE_EXT, "xdpl_probe_ext", "GPL", insns, 2, &opts);
		pr_debug("freplace probe: %s\n", ext >= 0 ? "supported" : strerror(errno));
	}
	if (ext >= 0)
		close(ext);
	if (target >= 0)
		close(target);
	if (btf_fd >= 0)
		close(btf_fd);
	return ext >= 0;
}

int freplace_scratch_target(void)
{
	int btf_fd, fd;
	__u32 func_id;

	fd = probe_target(&btf_fd, &func_id);
	if (btf_fd >= 0)
		close(btf_fd);
	return fd;
}

bool freplace_supported(void)
{
	static int cached = -1;

	if (cached < 0)
		cached = probe_freplace();
	return cached;
}

const struct backend_ops *const backends[] = { &backend_linked, &backend_libxdp, &backend_legacy,
					       NULL };

int backend_recover(const struct xdpl_iface *iface)
{
	int i, err;

	for (i = 0; backends[i]; i++) {
		err = backends[i]->recover ? backends[i]->recover(iface) : 0;
		if (err)
			return err;
	}
	return 0;
}

const struct backend_ops *backend_owner(const struct xdpl_iface *iface)
{
	LIBBPF_OPTS(bpf_xdp_query_opts, q);
	int i;

	if (bpf_xdp_query(iface->ifindex, 0, &q) || !q.prog_id)
		return NULL;
	for (i = 0; backends[i]; i++)
		if (backends[i]->owns(iface, q.prog_id) > 0)
			return backends[i];
	return NULL;
}

int backend_select(const struct xdpl_iface *iface, enum dispatcher_choice choice,
		   const struct backend_ops **be)
{
	const struct backend_ops *owner = backend_owner(iface);

	/* one program without a dispatcher: the chosen backend decides what to do with it */
	if (owner && owner->load) {
		if ((choice == DISPATCHER_LIBXDP && owner != &backend_libxdp) ||
		    (choice == DISPATCHER_LINKED && owner != &backend_linked))
			return xdpl_err(XDPL_ERR_CHAIN, EBUSY,
					"%s: already runs a %s chain; add to it with "
					"--dispatcher %s or auto, or unload it first",
					iface->name, owner->name, owner->name);
		*be = owner;
		return 0;
	}
	if (choice == DISPATCHER_AUTO)
		choice = freplace_supported() ? DISPATCHER_LIBXDP : DISPATCHER_LINKED;
	*be = choice == DISPATCHER_LINKED ? &backend_linked : &backend_libxdp;
	pr_debug("%s: using the %s backend\n", iface->name, (*be)->name);
	return 0;
}

bool backend_key_in_use(const char *key)
{
	int i;

	for (i = 0; backends[i]; i++)
		if (backends[i]->has_state && backends[i]->has_state(key))
			return true;
	return false;
}

int backend_check_mode(const struct xdpl_iface *iface, enum xdp_attach_mode running,
		       enum xdp_attach_mode wanted)
{
	if (wanted == XDP_MODE_UNSPEC || wanted == running)
		return 0;
	return xdpl_err(XDPL_ERR_USAGE, EINVAL, "%s: the chain runs in %s mode; load with -m %s",
			iface->name, mode_name(running), mode_name(running));
}

static void prog_name_of(__u32 id, char *buf, size_t sz)
{
	struct prog_status ps = {};
	int fd = bpf_prog_get_fd_by_id(id);

	if (fd >= 0 && !prog_status_from_fd(fd, &ps))
		snprintf(buf, sz, "%s", ps.name);
	else
		snprintf(buf, sz, "?");
	if (fd >= 0)
		close(fd);
}

int backend_link_error(const struct xdpl_iface *iface, __u32 prog_id, __u32 link_id)
{
	char name[XDPL_NAME_LEN];

	prog_name_of(prog_id, name, sizeof(name));
	return xdpl_err(XDPL_ERR_BUSY, EBUSY,
			"%s: program %u (%s) is held by bpf_link %u, which another tool "
			"made; no tool can replace a link's program, --force neither: "
			"detach it with that tool (or close the link)",
			iface->name, prog_id, name, link_id);
}

int backend_check_foreign(const struct xdpl_iface *iface, __u32 attached_id, bool force)
{
	char name[XDPL_NAME_LEN];
	__u32 link;

	prog_name_of(attached_id, name, sizeof(name));
	link = xdp_link_of(iface->ifindex, attached_id);
	if (link)
		return backend_link_error(iface, attached_id, link);
	if (!force && legacy_is_ours(iface, attached_id))
		return xdpl_err(XDPL_ERR_BUSY, EBUSY,
				"%s: program %u (%s) runs alone, without a dispatcher (loaded "
				"with LIBXDP_SKIP_DISPATCHER=1?); unload it first, or use --force "
				"to replace it",
				iface->name, attached_id, name);
	if (!force)
		return xdpl_err(XDPL_ERR_BUSY, EBUSY,
				"%s: program %u (%s) is attached and was not attached by xdpload; "
				"unload it first, or use --force to replace it",
				iface->name, attached_id, name);
	pr_info("%s: replacing program %u (%s) (--force)\n", iface->name, attached_id, name);
	return 0;
}

int backend_attach_error(const struct xdpl_iface *iface, int err, __u32 flags)
{
	if (err == -EOPNOTSUPP && (flags & XDP_FLAGS_DRV_MODE))
		return xdpl_err(XDPL_ERR_FAIL, err,
				"%s: the driver has no native XDP support; use -m skb",
				iface->name);
	if (err == -ERANGE || err == -EINVAL)
		return xdpl_err(XDPL_ERR_FAIL, err,
				"%s: the kernel refused to attach the chain: %s (MTU too large "
				"for XDP without frags?)",
				iface->name, strerror(-err));
	return xdpl_err(XDPL_ERR_FAIL, err, "%s: cannot attach: %s", iface->name, strerror(-err));
}

int backend_not_in_chain(const struct xdpl_iface *iface, const struct unload_sel *sel)
{
	return xdpl_err(XDPL_ERR_NOTFOUND, ENOENT,
			"%s: no program with that %s in the chain (see xdpload status %s)",
			iface->name, sel->name ? "name" : "ID", iface->name);
}

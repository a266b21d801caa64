// SPDX-License-Identifier: GPL-2.0-only
/*
 * xdpload save: the chain file of what runs (see apply.h). A linked chain is
 * written from its manifest (sources, priorities, actions, pin directories) and
 * its bundled programs' maps (rules, rate and burst), so that applying the
 * output rebuilds it; a libxdp chain from what xdpload recorded of its programs
 * (libxdp_rec.h) and the same maps; anything else (a libxdp chain holding a
 * program another tool attached too) is named in comments and marked foreign.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "actions.h"
#include "apply.h"
#include "backend/libxdp_apply.h"
#include "backend/linked_apply.h"
#include "builtin.h"
#include "iface_lock.h"
#include "log.h"

/* One program: fd is its program alone (its maps), or -errno; it is closed. */
static void put_prog(FILE *out, const struct chain_entry *e, const char *label, const char *pin_dir,
		     int fd)
{
	struct cf_settings s = {};
	int a, first = 1;

	fputs("      - program: ", out);
	cf_put_scalar(out, label);
	fputc('\n', out);
	if (source_is_file(label)) {
		if (label[0] != '/')
			fputs("        # a path relative to where 'xdpload load' ran\n", out);
		fputs("        name: ", out);
		cf_put_scalar(out, e->name);
		fputc('\n', out);
	}
	fprintf(out, "        priority: %u\n        actions: [", e->prio);
	for (a = 0; a < XDPL_ACTION_COUNT; a++) {
		if (!(e->actions & (1U << a)))
			continue;
		fprintf(out, "%s%s", first ? "" : ", ", action_name(a));
		first = 0;
	}
	fputs("]\n", out);
	if (pin_dir[0]) {
		fputs("        pin-path: ", out);
		cf_put_scalar(out, pin_dir);
		fputc('\n', out);
	}
	if (fd < 0) {
		fprintf(out, "        # its program is missing: its settings are not saved\n");
		return;
	}
	if (!cf_settings_read(fd, label, &s))
		cf_settings_format(out, &s, "        ");
	cf_settings_free(&s);
	close(fd);
}

static int save_linked(FILE *out, const struct iface_status *ist)
{
	const struct linked_manifest *m;
	struct linked_apply la;
	int k, err;

	err = linked_apply_open(&ist->iface, false, &la);
	if (!err && !(m = linked_apply_current(&la)))
		err = xdpl_err(XDPL_ERR_FAIL, ENOENT, "%s: its linked chain went away meanwhile",
			       ist->iface.name);
	if (err) {
		linked_apply_close(&la);
		return err;
	}
	fprintf(out, "    mode: %s\n    backend: linked\n", mode_name(ist->mode));
	if (!m->counters)
		fputs("    counters: false\n", out);
	fputs("    programs:\n", out);
	for (k = 0; k < m->n; k++)
		put_prog(out, &m->comps[k].entry, m->comps[k].entry.label, m->comps[k].pin_dir,
			 linked_apply_comp_fd(&la, k));
	linked_apply_close(&la);
	return 0;
}

static void save_foreign(FILE *out, const struct iface_status *ist);

/*
 * A libxdp chain whose every program xdpload attached: written with the sources
 * xdpload recorded (libxdp_rec.h); foreign when another tool attached one of them.
 */
static int save_libxdp(FILE *out, const struct iface_status *ist)
{
	struct libxdp_apply *la = calloc(1, sizeof(*la));
	struct chain_entry e;
	int k, first, err;

	if (!la)
		return -ENOMEM;
	err = libxdp_apply_open(&ist->iface, la);
	if (!err && !libxdp_apply_exists(la))
		err = xdpl_err(XDPL_ERR_FAIL, ENOENT, "%s: its libxdp chain went away meanwhile",
			       ist->iface.name);
	if (!err && libxdp_apply_foreign(la, &first)) {
		save_foreign(out, ist);
	} else if (!err) {
		fprintf(out, "    mode: %s\n    backend: libxdp\n    programs:\n",
			mode_name(la->mode));
		for (k = 0; k < la->n; k++) {
			libxdp_apply_entry(la, k, &e);
			put_prog(out, &e, la->rec[k]->label, la->rec[k]->pin_dir,
				 libxdp_apply_comp_fd(la, k));
		}
	}
	libxdp_apply_close(la);
	free(la);
	return err;
}

/* Not a chain apply can rebuild: say what runs, and that apply leaves it alone. */
static void save_foreign(FILE *out, const struct iface_status *ist)
{
	int i;

	if (!strcmp(ist->backend, "libxdp"))
		fputs("    # a libxdp chain with programs other tools attached: apply leaves it "
		      "alone\n",
		      out);
	else if (ist->owned)
		fputs("    # one program xdpload attached without a dispatcher\n", out);
	else
		fputs("    # not attached by xdpload: apply leaves it alone\n", out);
	if (ist->dispatcher_id)
		fprintf(out, "    # dispatcher %s, id %u, %s mode\n", ist->dispatcher_name,
			ist->dispatcher_id, mode_name(ist->mode));
	for (i = 0; i < ist->nprogs; i++)
		fprintf(out, "    # program %s, id %u, tag %s%s%s\n", ist->progs[i].name,
			ist->progs[i].id, ist->progs[i].tag, ist->dispatcher_id ? "" : ", mode ",
			ist->dispatcher_id ? "" : mode_name(ist->mode));
	fputs("    foreign: true\n", out);
}

static int save_one(FILE *out, const struct xdpl_iface *iface, bool skip_empty,
		    struct iface_status *ist)
{
	struct iface_lock lk;
	int err;

	memset(ist, 0, sizeof(*ist));
	err = iface_lock_take(iface, false, &lk);
	if (err && err != -ENOENT)
		return err;
	err = lk.fd >= 0 ? backend_recover(iface) : 0;
	if (!err)
		err = status_collect(iface, ist);
	if (err || (!ist->nprogs && skip_empty))
		goto out;
	fputs("  ", out);
	cf_put_scalar(out, iface->name);
	fputs(":\n", out);
	if (!ist->nprogs)
		fputs("    programs: []\n", out);
	else if (!strcmp(ist->backend, "linked"))
		err = save_linked(out, ist);
	else if (!strcmp(ist->backend, "libxdp"))
		err = save_libxdp(out, ist);
	else
		save_foreign(out, ist);
out:
	iface_lock_release(&lk);
	return err;
}

int xdpl_save(const struct xdpl_iface *ifaces, int n, bool skip_empty, FILE *out)
{
	struct iface_status *ist = malloc(sizeof(*ist));
	int i, err = 0;

	if (!ist)
		return -ENOMEM;
	fputs("# The chains of this network namespace, as 'xdpload save' found them.\n"
	      "# 'xdpload apply FILE' makes the interfaces match; see xdpload-chainfile(5).\n"
	      "version: 1\ninterfaces:\n",
	      out);
	for (i = 0; i < n && !err; i++)
		err = save_one(out, &ifaces[i], skip_empty, ist);
	free(ist);
	return err;
}

// SPDX-License-Identifier: GPL-2.0-only
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "actions.h"
#include "commands.h"
#include "json_writer.h"
#include "log.h"
#include "netns.h"
#include "ops.h"
#include "output.h"
#include "status.h"

#define RULE "------------------------------------------------------------------------------------"

static void print_counters(const struct prog_status *p)
{
	int a;

	printf(" %-16s %-5s  packets:", "", "");
	for (a = 0; a < XDPL_ACTION_COUNT; a++)
		if (p->packets[a] || (p->actions & (1U << a)))
			printf(" %s=%llu", action_name(a), (unsigned long long)p->packets[a]);
	if (p->has_bytes) {
		printf("  bytes:");
		for (a = 0; a < XDPL_ACTION_COUNT; a++)
			if (p->bytes[a] || (p->actions & (1U << a)))
				printf(" %s=%llu", action_name(a), (unsigned long long)p->bytes[a]);
	}
	printf("%s\n", p->own_counts ? "  (its own count)" : "");
}

/*
 * xdp-loader's columns, so that scripts reading one can read the other (the ID
 * column holds 7 digits; a longer program name pushes the rest right, whole).
 */
static void print_text(const struct iface_status *st)
{
	char actions[128], backend[48];
	int i;

	if (!st->nprogs) {
		printf("%-16s %-5s  %s\n", st->iface.name, "", "<No XDP program loaded!>");
		return;
	}
	if (st->link_id)
		snprintf(backend, sizeof(backend), "[%s, bpf_link %u]", st->backend, st->link_id);
	else
		snprintf(backend, sizeof(backend), "[%s%s]", st->backend,
			 st->traced ? ", traced" : "");
	if (st->dispatcher_id) {
		printf("%-16s %-5s  %-16s %-8s %-7u %-17s %s\n", st->iface.name, "",
		       st->dispatcher_name[0] ? st->dispatcher_name : "dispatcher",
		       mode_name(st->mode), st->dispatcher_id, st->dispatcher_tag, backend);
	}
	for (i = 0; i < st->nprogs; i++) {
		const struct prog_status *p = &st->progs[i];
		char prio[16] = "";

		actions[0] = '\0';
		if (p->has_meta) {
			snprintf(prio, sizeof(prio), "%u", p->prio);
			actions_format(p->actions, actions, sizeof(actions));
		}
		if (st->dispatcher_id)
			printf(" => %-12s %-5s  %-16s %-8s %-7u %-17s %s\n", "", prio, p->name, "",
			       p->id, p->tag, actions);
		else
			printf("%-16s %-5s  %-16s %-8s %-7u %-17s %s\n", st->iface.name, prio,
			       p->name, mode_name(st->mode), p->id, p->tag, backend);
		if (p->has_counters)
			print_counters(p);
	}
	if (status_counters_note(st))
		printf(" %-16s %-5s  counters: %s\n", "", "", status_counters_note(st));
}

static void netns_json(struct json_writer *jw, const struct netns_info *ns)
{
	jw_name(jw, "netns");
	jw_start_object(jw);
	jw_name(jw, "name");
	if (ns->name[0])
		jw_string(jw, ns->name);
	else
		jw_null(jw);
	jw_name(jw, "pid");
	if (ns->pid)
		jw_uint(jw, ns->pid);
	else
		jw_null(jw);
	jw_uint_field(jw, "inode", ns->ino);
	jw_bool_field(jw, "current", ns->current);
	jw_end_object(jw);
}

static void print_json(struct json_writer *jw, const struct iface_status *st,
		       const struct netns_info *ns)
{
	int i, a;

	jw_start_object(jw);
	jw_string_field(jw, "interface", st->iface.name);
	jw_uint_field(jw, "ifindex", st->iface.ifindex);
	if (ns)
		netns_json(jw, ns);
	jw_name(jw, "mode");
	if (st->nprogs)
		jw_string(jw, mode_name(st->mode));
	else
		jw_null(jw);
	jw_string_field(jw, "backend", st->backend);
	jw_uint_field(jw, "dispatcher_id", st->dispatcher_id);
	jw_name(jw, "dispatcher_tag");
	if (st->dispatcher_id)
		jw_string(jw, st->dispatcher_tag);
	else
		jw_null(jw);
	jw_name(jw, "link_id");
	if (st->link_id)
		jw_uint(jw, st->link_id);
	else
		jw_null(jw);
	jw_bool_field(jw, "owned", st->owned);
	if (!strcmp(st->backend, "linked"))
		jw_bool_field(jw, "traced", st->traced);
	if (st->dispatcher_id && st->dispatcher_insns)
		jw_uint_field(jw, "dispatcher_insns", st->dispatcher_insns);
	jw_name(jw, "counters");
	if (status_counters_kind(st))
		jw_string(jw, status_counters_kind(st));
	else
		jw_null(jw);
	if (status_counters_note(st))
		jw_string_field(jw, "counters_note", status_counters_note(st));
	jw_name(jw, "programs");
	jw_start_array(jw);
	for (i = 0; i < st->nprogs; i++) {
		const struct prog_status *p = &st->progs[i];

		jw_start_object(jw);
		jw_string_field(jw, "name", p->name);
		jw_uint_field(jw, "id", p->id);
		jw_string_field(jw, "tag", p->tag);
		jw_name(jw, "priority");
		if (p->has_meta)
			jw_uint(jw, p->prio);
		else
			jw_null(jw);
		jw_name(jw, "chain_actions");
		jw_start_array(jw);
		for (a = 0; a < XDPL_ACTION_COUNT; a++)
			if (p->actions & (1U << a))
				jw_string(jw, action_name(a));
		jw_end_array(jw);
		if (p->has_layout) {
			jw_bool_field(jw, "inlined", p->inlined);
			if (!p->inlined)
				jw_string_field(jw, "call_reason", p->call_reason);
		}
		if (p->has_counters) {
			jw_name(jw, "packets");
			jw_start_object(jw);
			for (a = 0; a < XDPL_ACTION_COUNT; a++)
				jw_uint_field(jw, action_name(a), p->packets[a]);
			jw_end_object(jw);
		}
		if (p->has_bytes) {
			jw_name(jw, "bytes");
			jw_start_object(jw);
			for (a = 0; a < XDPL_ACTION_COUNT; a++)
				jw_uint_field(jw, action_name(a), p->bytes[a]);
			jw_end_object(jw);
		}
		jw_end_object(jw);
	}
	jw_end_array(jw);
	jw_end_object(jw);
}

struct show {
	struct json_writer *jw;
	struct iface_status st;
	int failed; /* the first failure is the exit; the other interfaces are still shown */
};

static void show_ifaces(struct show *s, const struct xdpl_iface *ifaces, int n,
			const struct netns_info *ns)
{
	int i, err;

	for (i = 0; i < n; i++) {
		err = xdpl_status(&ifaces[i], &s->st);
		if (err) {
			s->failed = s->failed
					    ?: xdpl_err(XDPL_ERR_FAIL, err,
							"%s: cannot read its XDP state",
							ifaces[i].name);
			continue;
		}
		if (s->jw)
			print_json(s->jw, &s->st, ns);
		else
			print_text(&s->st);
	}
}

/* One namespace of --all-netns: its interfaces, under a line that names it. */
static int show_netns(const struct netns_info *ns, void *arg)
{
	struct xdpl_iface *ifaces;
	struct show *s = arg;
	int n, err;

	err = iface_list(&ifaces, &n);
	if (err) {
		s->failed = s->failed ?: err;
		return 0;
	}
	if (!s->jw && ns->name[0])
		printf("netns %s (inode %llu)%s:\n", ns->name, (unsigned long long)ns->ino,
		       ns->current ? ", this one" : "");
	else if (!s->jw)
		printf("netns of pid %d (inode %llu)%s:\n", (int)ns->pid,
		       (unsigned long long)ns->ino, ns->current ? ", this one" : "");
	show_ifaces(s, ifaces, n, ns);
	if (!s->jw)
		printf("\n");
	free(ifaces);
	return 0;
}

struct status_cfg {
	bool all_netns;
};

static const struct opt_def status_opts[] = {
	{ "all-netns", 0, OPT_FLAG, offsetof(struct status_cfg, all_netns),
	  .help = "every network namespace: the named ones and those of running processes" },
	OPT_END,
};

static int status_check(struct cmd_ctx *ctx, void *cfg)
{
	if (((struct status_cfg *)cfg)->all_netns && ctx->nargs)
		return usage_error("status", "--all-netns shows every interface: give no IFACE");
	return 0;
}

static int status_run(struct cmd_ctx *ctx, void *cfg)
{
	const struct status_cfg *c = cfg;
	struct xdpl_iface *ifaces = &ctx->iface;
	struct show *s = calloc(1, sizeof(*s));
	int n = 1, err = 0;

	if (!s)
		return -ENOMEM;
	if (output_json) {
		s->jw = jw_new(stdout);
		jw_start_array(s->jw);
	} else {
		printf("CURRENT XDP PROGRAM STATUS:\n\n");
		printf("%-16s %-5s  %-16s %-8s %-7s %-17s %s\n%s\n", "Interface", "Prio",
		       "Program name", "Mode", "ID", "Tag", "Chain actions", RULE);
	}
	if (c->all_netns) {
		err = netns_for_each(show_netns, s);
	} else {
		if (!ctx->has_iface)
			err = iface_list(&ifaces, &n);
		if (!err)
			show_ifaces(s, ifaces, n, NULL);
		if (ifaces != &ctx->iface)
			free(ifaces);
	}
	if (s->jw) {
		jw_end_array(s->jw);
		jw_destroy(&s->jw);
	}
	err = err ?: s->failed;
	free(s);
	return err;
}

static const struct arg_def status_args[] = { { .kind = ARG_IFACE }, { .kind = ARG_END } };

const struct cmd_def cmd_status = {
	.name = "status",
	.summary = "Show the XDP programs on IFACE, or on every interface",
	.description = "The dispatcher, and each program's priority, mode, kernel ID, tag, chain "
		       "actions and,\nfor linked chains, its packets per action (bytes where "
		       "the program counts them).\nWithout such counters it says which figures "
		       "are missing and how to get them.\n",
	.opts = status_opts,
	.args = status_args,
	.max_args = 1,
	.args_usage = "[IFACE]",
	.cfg_size = sizeof(struct status_cfg),
	.needs_privs = true,
	.json_output = true,
	.check = status_check,
	.run = status_run,
};

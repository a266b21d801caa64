// SPDX-License-Identifier: GPL-2.0-only
#include <stdio.h>
#include <stdlib.h>
#include "actions.h"
#include "commands.h"
#include "json_writer.h"
#include "log.h"
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
	printf("\n");
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
		snprintf(backend, sizeof(backend), "[%s]", st->backend);
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
}

static void print_json(struct json_writer *jw, const struct iface_status *st)
{
	int i, a;

	jw_start_object(jw);
	jw_string_field(jw, "name", st->iface.name);
	jw_uint_field(jw, "ifindex", st->iface.ifindex);
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
		if (p->has_counters) {
			jw_name(jw, "packets");
			jw_start_object(jw);
			for (a = 0; a < XDPL_ACTION_COUNT; a++)
				jw_uint_field(jw, action_name(a), p->packets[a]);
			jw_end_object(jw);
		}
		jw_end_object(jw);
	}
	jw_end_array(jw);
	jw_end_object(jw);
}

static int show(const struct xdpl_iface *ifaces, int n, bool json)
{
	struct json_writer *jw = NULL;
	struct iface_status *st;
	int i, err, failed = 0;

	st = malloc(sizeof(*st));
	if (!st)
		return -1;
	if (json) {
		jw = jw_new(stdout);
		jw_start_array(jw);
	} else {
		printf("CURRENT XDP PROGRAM STATUS:\n\n");
		printf("%-16s %-5s  %-16s %-8s %-7s %-17s %s\n%s\n", "Interface", "Prio",
		       "Program name", "Mode", "ID", "Tag", "Chain actions", RULE);
	}
	for (i = 0; i < n; i++) {
		err = xdpl_status(&ifaces[i], st);
		if (err) {
			/* the other interfaces are still shown; the first failure is the exit */
			failed = failed
					 ?: xdpl_err(XDPL_ERR_FAIL, err,
						     "%s: cannot read its XDP state",
						     ifaces[i].name);
			continue;
		}
		if (json)
			print_json(jw, st);
		else
			print_text(st);
	}
	if (json) {
		jw_end_array(jw);
		jw_destroy(&jw);
	}
	free(st);
	return failed;
}

static int status_run(struct cmd_ctx *ctx, void *cfg)
{
	struct xdpl_iface *ifaces = &ctx->iface;
	int n = 1, err;

	if (!ctx->has_iface) {
		err = iface_list(&ifaces, &n);
		if (err)
			return err;
	}
	err = show(ifaces, n, output_json);
	if (ifaces != &ctx->iface)
		free(ifaces);
	return err;
}

static const struct arg_def status_args[] = { { .kind = ARG_IFACE }, { .kind = ARG_END } };

const struct cmd_def cmd_status = {
	.name = "status",
	.summary = "Show the XDP programs on IFACE, or on every interface",
	.description = "The dispatcher, and each program's priority, mode, kernel ID, tag, chain "
		       "actions and,\nfor linked chains, its action counters.\n",
	.args = status_args,
	.max_args = 1,
	.args_usage = "[IFACE]",
	.needs_privs = true,
	.json_output = true,
	.run = status_run,
};

// SPDX-License-Identifier: GPL-2.0-only
#include <stdio.h>
#include "actions.h"
#include "builtin.h"
#include "commands.h"
#include "component.h"
#include "json_writer.h"
#include "log.h"
#include "output.h"

static void print_one(struct json_writer *jw, const struct builtin_prog *b,
		      const struct component *c)
{
	char actions[128];
	int a;

	if (!jw) {
		actions_format(c->entry.actions, actions, sizeof(actions));
		printf("%-12s %-5u %-16s %s\n", b->name, c->entry.prio, actions, b->description);
		return;
	}
	jw_start_object(jw);
	jw_string_field(jw, "name", b->name);
	jw_string_field(jw, "description", b->description);
	jw_uint_field(jw, "priority", c->entry.prio);
	jw_name(jw, "chain_actions");
	jw_start_array(jw);
	for (a = 0; a < XDPL_ACTION_COUNT; a++)
		if (c->entry.actions & (1U << a))
			jw_string(jw, action_name(a));
	jw_end_array(jw);
	jw_end_object(jw);
}

static int progs_run(struct cmd_ctx *ctx, void *cfg)
{
	const struct builtin_prog *b;
	struct json_writer *jw = NULL;
	struct component c;
	int err = 0;

	if (output_json) {
		jw = jw_new(stdout);
		jw_start_array(jw);
	} else {
		printf("%-12s %-5s %-16s %s\n", "Name", "Prio", "Chain actions", "Description");
	}
	for (b = builtin_progs; b->name; b++) {
		struct component_req req = { .source = b->name, .prio = -1 };

		err = component_open(&c, &req, 0);
		if (!err)
			print_one(jw, b, &c);
		component_close(&c);
		if (err)
			break;
	}
	if (jw) {
		jw_end_array(jw);
		jw_destroy(&jw);
	}
	return err;
}

const struct cmd_def cmd_progs = {
	.name = "progs",
	.summary = "List the bundled programs and their default priority and chain actions",
	.description = "Load one by name: xdpload load IFACE NAME.\n",
	.json_output = true,
	.run = progs_run,
};

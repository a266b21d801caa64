// SPDX-License-Identifier: GPL-2.0-only
#include <getopt.h>
#include <stdio.h>
#include "actions.h"
#include "builtin.h"
#include "commands.h"
#include "component.h"
#include "json_writer.h"
#include "log.h"

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

int do_progs(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "json", no_argument, NULL, 'j' },
		{ "help", no_argument, NULL, 'h' },
		{ 0 },
	};
	const struct builtin_prog *b;
	struct json_writer *jw = NULL;
	struct component c;
	int opt, err = 0;

	while ((opt = getopt_long(argc, argv, "jh", longopts, NULL)) != -1) {
		switch (opt) {
		case 'j':
			jw = jw_new(stdout);
			break;
		case 'h':
			printf("Usage: xdpload progs [--json]\n"
			       "List the bundled programs: name, default priority, default chain\n"
			       "actions, description. Load one by name: xdpload load IFACE "
			       "NAME.\n");
			return 0;
		default:
			return usage_error("progs", "bad option");
		}
	}
	if (jw)
		jw_start_array(jw);
	else
		printf("%-12s %-5s %-16s %s\n", "Name", "Prio", "Chain actions", "Description");
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

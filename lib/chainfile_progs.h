/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The bundled programs' settings in a chain file (filter rules and policy,
 * ratelimit rate and burst): parse them, read what a running program has, say
 * what differs, and write them into its maps. The one place apply and save reach
 * the bundled programs' own APIs (lib/progs/), so a change there is adapted here.
 */
#ifndef XDPL_CHAINFILE_PROGS_H
#define XDPL_CHAINFILE_PROGS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>
#include <yaml.h>
#include "builtin.h"
#include "progs/filter_rule.h"

struct cf_settings {
	/* a filter block: its rules and policy become the program's, nothing else */
	bool filter;
	enum xdpl_filter_policy policy;	  /* xdp-filter's: what frames matching no rule get */
	bool neigh;			  /* ARP/ND matched against ip rules (filter neigh on) */
	char *set;			  /* load --set (malloc'ed), or NULL */
	struct xdpl_filter_combo *combos; /* combined rules ("- rule: ..."), ids 0 */
	size_t ncombos;
	struct filter_rule *rules; /* one protocol per port rule, as the maps hold them */
	size_t nrules;
	/* a ratelimit block */
	bool ratelimit;
	__u64 rate, burst;
};

/* Is key the settings block of a bundled program ("filter", "ratelimit")? */
bool cf_settings_key(const char *key);
/* Parse the block key: val of the program source (which must be that program). */
int cf_settings_parse(const char *file, yaml_document_t *doc, const yaml_node_t *key,
		      const yaml_node_t *val, const char *source, struct cf_settings *s);
void cf_settings_free(struct cf_settings *s);

/* The options of source's configure hook (load's --rate, --burst) into cfgs[]. */
void cf_settings_builtin_cfg(const struct cf_settings *s, const char *source,
			     struct builtin_cfg *cfgs);

/* What the bundled program source, running as prog_fd, has (nothing for others). */
int cf_settings_read(int prog_fd, const char *source, struct cf_settings *s);
/*
 * What apply changes to turn have into want: fn(ctx, "filter: add ip src
 * 10.0.0.0/8") for each; returns how many. Blocks absent from want change nothing.
 */
int cf_settings_diff(const struct cf_settings *want, const struct cf_settings *have,
		     void (*fn)(void *ctx, const char *what), void *ctx);
/* Write want into the maps of prog_fd (label names it in errors). */
int cf_settings_apply(int prog_fd, const char *label, const struct cf_settings *want);
/* The blocks of s, as a chain file has them, each line starting with indent. */
void cf_settings_format(FILE *out, const struct cf_settings *s, const char *indent);

#endif

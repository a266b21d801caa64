// SPDX-License-Identifier: GPL-2.0-only
/*
 * xdpload test: run a chain over recorded packets with BPF_PROG_TEST_RUN, nothing
 * attached, and say per packet which programs ran, which decided and the verdict;
 * check expectations, so that CI can assert what a chain does (xdpload-test(8)).
 */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "actions.h"
#include "commands.h"
#include "dryrun.h"
#include "exitcode.h"
#include "json_writer.h"
#include "log.h"
#include "output.h"
#include "pcapio.h"
#include "pktprint.h"
#include "test_expect.h"

#define NACT (PKTREC_ACTION_OTHER + 1) /* the five actions and "other" */
#define MAX_FAILURES_SHOWN 100

struct test_cfg {
	const char *section, *prog_name, *pcap, *expect_file, *iface;
	__u32 prio;
	unsigned int actions;
	int expect; /* XDP_*, with --expect */
	__u64 count;
	bool quiet;
	const char *out[XDPL_ACTION_COUNT]; /* --out-VERDICT files, by action */
};

struct tally {
	__u64 ran[XDPL_CHAIN_MAX], acts[XDPL_CHAIN_MAX][NACT], decided[XDPL_CHAIN_MAX];
	__u64 packets, verdicts[NACT], end_of_chain, unknown, not_run;
	__u64 checked, failed;
};

struct test_run {
	const struct test_cfg *cfg;
	struct dryrun_info info;
	struct pcapin *in;
	struct pcapout *out[XDPL_ACTION_COUNT];
	struct expects ex;
	struct json_writer *jw;
	struct tally t;
	char failures[MAX_FAILURES_SHOWN][400]; /* text: said after the packets */
	__u64 failure_pkt[MAX_FAILURES_SHOWN];
};

static void test_defaults(void *cfg)
{
	((struct test_cfg *)cfg)->pcap = "-";
	((struct test_cfg *)cfg)->expect = -1;
}

static int parse_verdict(const char *cmd, const char *arg, void *dst)
{
	int a = action_parse(arg);

	if (a >= 0) {
		*(int *)dst = a;
		return 0;
	}
	return usage_error(cmd,
			   "bad verdict '%s': XDP_ABORTED, XDP_DROP, XDP_PASS, XDP_TX or "
			   "XDP_REDIRECT (also drop, pass ...)",
			   arg);
}

#define TEST_OPT(field) offsetof(struct test_cfg, field)

static const struct opt_def test_opts[] = {
	{ "pcap", 0, OPT_FILE, TEST_OPT(pcap), .metavar = "IN",
	  .help = "the packets: pcap, pcapng or hex text; by default standard input" },
	{ "iface", 0, OPT_STRING, TEST_OPT(iface), .metavar = "IFACE",
	  .help = "test the chain attached on IFACE instead of programs given" },
	{ "section", 's', OPT_STRING, TEST_OPT(section), .metavar = "SECTION", .group = 1,
	  .complete = COMPLETE_SECTION, .help = "the program in this ELF section" },
	{ "prog-name", 'n', OPT_STRING, TEST_OPT(prog_name), .metavar = "PROG", .group = 1,
	  .complete = COMPLETE_PROG_NAME, .help = "the program with this name" },
	{ "prio", 'P', OPT_U32, TEST_OPT(prio), .metavar = "PRIO", .noun = "priority", .min = 0,
	  .max = INT_MAX, .help = "run priority, as load takes it" },
	{ "actions", 'A', OPT_CUSTOM, TEST_OPT(actions), .metavar = "ACTIONS",
	  .parse = opt_parse_actions, .help = "chain-call actions, as load takes them" },
	{ "expect", 0, OPT_CUSTOM, TEST_OPT(expect), .metavar = "VERDICT", .group = 2,
	  .parse = parse_verdict, .help = "every packet must get VERDICT (else exit 11)" },
	{ "expect-file", 0, OPT_FILE, TEST_OPT(expect_file), .metavar = "FILE", .group = 2,
	  .help = "per-packet expectations: [PACKET] VERDICT [PROGRAM|-] a line" },
	{ "out-pass", 0, OPT_FILE, TEST_OPT(out[XDP_PASS]), .metavar = "FILE",
	  .help = "write the packets passed, as the chain left them, to a pcap" },
	{ "out-drop", 0, OPT_FILE, TEST_OPT(out[XDP_DROP]), .metavar = "FILE",
	  .help = "write the packets dropped, as they came, to a pcap" },
	{ "out-tx", 0, OPT_FILE, TEST_OPT(out[XDP_TX]), .metavar = "FILE",
	  .help = "write the packets sent back (XDP_TX), as rewritten, to a pcap" },
	{ "out-redirect", 0, OPT_FILE, TEST_OPT(out[XDP_REDIRECT]), .metavar = "FILE",
	  .help = "write the packets redirected, as rewritten, to a pcap" },
	{ "out-aborted", 0, OPT_FILE, TEST_OPT(out[XDP_ABORTED]), .metavar = "FILE",
	  .help = "write the packets aborted, as they came, to a pcap" },
	{ "count", 'c', OPT_U64, TEST_OPT(count), .metavar = "COUNT", .noun = "count", .min = 1,
	  .max = UINT64_MAX, .help = "only the first COUNT packets" },
	{ "quiet", 'q', OPT_FLAG, TEST_OPT(quiet), .help = "no line per packet, the summary only" },
	OPT_END,
};

static const struct opt_group test_groups[] = { { .id = 1 },
						{ .id = 2, .exclusive = true },
						{ .id = 0 } };

static int test_check(struct cmd_ctx *ctx, void *cfg)
{
	const struct test_cfg *c = cfg;
	const struct builtin_prog *b;
	int i, k;

	if (c->iface && ctx->nargs)
		return usage_error("test", "give programs or --iface IFACE, not both");
	if (!c->iface && !ctx->nargs)
		return usage_error("test", "needs the programs to test (FILE|BUILTIN...) or "
					   "--iface IFACE");
	if (c->iface && (c->section || c->prog_name || opt_given(ctx, "prio") || c->actions))
		return usage_error("test", "-s, -n, -P and -A apply to programs given, not to "
					   "--iface");
	for (i = 0; i < ctx->nargs; i++)
		if (!source_is_file(ctx->args[i]) && !builtin_find(ctx->args[i]))
			return xdpl_err(XDPL_ERR_NOPROG, ENOENT,
					"%s: no such bundled program ('xdpload progs' lists them; "
					"name a file with a '/' or a .o suffix)",
					ctx->args[i]);
	for (b = builtin_progs; b->name; b++)
		for (k = 0; b->opts && b->opts[k].name; k++) {
			if (!ctx->builtin_cfgs[b - builtin_progs].given[k])
				continue;
			for (i = 0; i < ctx->nargs && strcmp(ctx->args[i], b->name); i++)
				;
			if (i == ctx->nargs)
				return usage_error("test",
						   "--%s configures the '%s' program: test it "
						   "in the same command",
						   b->opts[k].name, b->name);
		}
	return 0;
}

/* ---- per packet ---- */

static void tally(struct tally *t, const struct pktrec *r)
{
	unsigned int i;

	t->packets++;
	if (r->error) {
		t->not_run++;
		return;
	}
	for (i = 0; r->traced && i < r->nsteps; i++) {
		t->ran[r->steps[i].prog]++;
		t->acts[r->steps[i].prog][r->steps[i].action]++;
	}
	t->verdicts[r->verdict < PKTREC_ACTION_OTHER ? r->verdict : PKTREC_ACTION_OTHER]++;
	if (r->decider >= 0)
		t->decided[r->decider]++;
	else if (r->decider == PKTREC_END_OF_CHAIN)
		t->end_of_chain++;
	else
		t->unknown++;
}

static void check(struct test_run *tr, const struct pktrec *r)
{
	const struct expect *e = expect_for(&tr->ex, r->index);
	char want[160], got[16];
	__u64 k;

	if (!e)
		return;
	tr->t.checked++;
	if (expect_met(e, r, tr->info.progs))
		return;
	k = tr->t.failed++;
	if (k >= MAX_FAILURES_SHOWN)
		return;
	expect_describe(e, want, sizeof(want));
	tr->failure_pkt[k] = r->index;
	if (r->error)
		snprintf(tr->failures[k], sizeof(tr->failures[k]), "expected %s, not run", want);
	else
		snprintf(tr->failures[k], sizeof(tr->failures[k]), "expected %s, got %s%s%s", want,
			 pktrec_action_name(r->verdict, got, sizeof(got)),
			 r->decider >= 0		     ? " by "
			 : r->decider == PKTREC_END_OF_CHAIN ? " by the end of the chain"
							     : "",
			 r->decider >= 0 ? tr->info.progs[r->decider].name : "");
}

/* What each verdict got: the rewritten bytes where the packet goes on (pass, tx, redirect). */
static int save(struct test_run *tr, const struct pktrec *r, const struct pcap_pkt *p,
		const __u8 *after)
{
	struct pcap_pkt o = *p;

	if (r->error || r->verdict > XDP_REDIRECT || !tr->out[r->verdict])
		return 0;
	if (after &&
	    (r->verdict == XDP_PASS || r->verdict == XDP_TX || r->verdict == XDP_REDIRECT)) {
		o.data = after;
		o.caplen = r->out_len;
		o.len = r->out_len + (p->len > p->caplen ? p->len - p->caplen : 0);
	}
	return pcapout_write(tr->out[r->verdict], &o);
}

static int run_packets(struct test_run *tr, struct dryrun *d)
{
	const struct test_cfg *c = tr->cfg;
	struct pcap_pkt p;
	struct pktrec *r;
	const __u8 *after;
	int ret, err = 0;

	r = calloc(1, sizeof(*r));
	if (!r)
		return -ENOMEM;
	while (!err && (!c->count || tr->t.packets < c->count)) {
		ret = pcapin_next(tr->in, &p);
		if (ret <= 0) {
			err = ret;
			break;
		}
		memset(r, 0, sizeof(*r));
		r->index = tr->t.packets + 1;
		r->time_ns = p.ts_ns;
		r->len = p.caplen;
		r->wire_len = p.len;
		pkt_summarize(p.data, p.caplen, &r->hdr);
		err = dryrun_run(d, p.data, p.caplen, r, &after);
		if (err)
			break;
		tally(&tr->t, r);
		check(tr, r);
		err = save(tr, r, &p, after);
		if (c->quiet)
			continue;
		if (tr->jw)
			pktrec_print_json(tr->jw, r, tr->info.progs);
		else
			pktrec_print_text(stdout, r, tr->info.progs);
	}
	free(r);
	return err;
}

/* ---- the summary ---- */

static void summary_text(const struct test_run *tr)
{
	const struct tally *t = &tr->t;
	const char *sep = "";
	int i, a;

	printf("%llu packets:", (unsigned long long)t->packets);
	for (a = 0; a < NACT; a++)
		if (t->verdicts[a]) {
			printf("%s %s %llu", sep,
			       a < PKTREC_ACTION_OTHER ? action_name(a) : "other",
			       (unsigned long long)t->verdicts[a]);
			sep = ",";
		}
	if (t->not_run)
		printf("%s not run %llu", sep, (unsigned long long)t->not_run);
	printf("\n");
	if (tr->info.traced) {
		printf("  %-16s %8s %8s %8s %8s %8s %8s %8s\n", "PROGRAM", "RAN", "ABORTED", "DROP",
		       "PASS", "TX", "REDIRECT", "DECIDED");
		for (i = 0; i < tr->info.nprogs; i++) {
			printf("  %-16s %8llu", tr->info.progs[i].name,
			       (unsigned long long)t->ran[i]);
			for (a = 0; a < XDPL_ACTION_COUNT; a++)
				printf(" %8llu", (unsigned long long)t->acts[i][a]);
			printf(" %8llu\n", (unsigned long long)t->decided[i]);
		}
		printf("  %-16s %62llu\n", "(end of chain)", (unsigned long long)t->end_of_chain);
	}
	if (tr->info.note)
		printf("note: %s\n", tr->info.note);
	for (i = 0; (__u64)i < t->failed && i < MAX_FAILURES_SHOWN; i++)
		printf("#%llu: %s\n", (unsigned long long)tr->failure_pkt[i], tr->failures[i]);
	if (tr->ex.n)
		printf("expectations: %llu checked, %llu failed\n", (unsigned long long)t->checked,
		       (unsigned long long)t->failed);
}

static void counts_json(struct json_writer *jw, const char *name, const __u64 *acts)
{
	int a;

	jw_name(jw, name);
	jw_start_object(jw);
	for (a = 0; a < XDPL_ACTION_COUNT; a++)
		jw_uint_field(jw, action_name(a), acts[a]);
	jw_uint_field(jw, "other", acts[PKTREC_ACTION_OTHER]);
	jw_end_object(jw);
}

static void summary_json(struct test_run *tr, int err)
{
	struct json_writer *jw = tr->jw;
	const struct tally *t = &tr->t;
	int i, a;

	jw_name(jw, "programs");
	jw_start_array(jw);
	for (i = 0; i < tr->info.nprogs; i++) {
		const struct pktrec_prog *p = &tr->info.progs[i];

		jw_start_object(jw);
		jw_string_field(jw, "name", p->name);
		jw_string_field(jw, "label", p->label);
		jw_uint_field(jw, "priority", p->prio);
		jw_name(jw, "chain_actions");
		jw_start_array(jw);
		for (a = 0; a < XDPL_ACTION_COUNT; a++)
			if (p->actions & (1U << a))
				jw_string(jw, action_name(a));
		jw_end_array(jw);
		if (p->id)
			jw_uint_field(jw, "id", p->id);
		if (tr->info.traced) {
			jw_uint_field(jw, "ran", t->ran[i]);
			counts_json(jw, "actions", t->acts[i]);
			jw_uint_field(jw, "decided", t->decided[i]);
		}
		jw_end_object(jw);
	}
	jw_end_array(jw);
	jw_uint_field(jw, "packet_count", t->packets);
	counts_json(jw, "verdicts", t->verdicts);
	jw_name(jw, "end_of_chain");
	if (tr->info.traced)
		jw_uint(jw, t->end_of_chain);
	else
		jw_null(jw);
	jw_uint_field(jw, "not_run", t->not_run);
	if (tr->ex.n) {
		jw_name(jw, "expectations");
		jw_start_object(jw);
		jw_uint_field(jw, "checked", t->checked);
		jw_uint_field(jw, "failed", t->failed);
		jw_name(jw, "failures");
		jw_start_array(jw);
		for (i = 0; (__u64)i < t->failed && i < MAX_FAILURES_SHOWN; i++) {
			jw_start_object(jw);
			jw_uint_field(jw, "packet", tr->failure_pkt[i]);
			jw_string_field(jw, "message", tr->failures[i]);
			jw_end_object(jw);
		}
		jw_end_array(jw);
		jw_end_object(jw);
	}
	if (tr->info.note)
		jw_string_field(jw, "note", tr->info.note);
	if (err) {
		/* the failure is part of the result: the error's fields, in the one document */
		const struct xdpl_error *e = xdpl_last_error();

		jw_string_field(jw, "error", e->msg);
		jw_string_field(jw, "kind", xdpl_err_kind_name(e->kind ?: XDPL_ERR_FAIL));
		jw_int_field(jw, "exit_code", exit_code_of(e, err));
		output_error_done = true;
	}
	jw_end_object(jw);
	jw_destroy(&jw);
}

/* ---- the command ---- */

static int open_all(struct test_run *tr, struct cmd_ctx *ctx, struct dryrun **d)
{
	const struct test_cfg *c = tr->cfg;
	struct component_req *reqs;
	struct xdpl_iface iface;
	int i, err;

	if (c->expect >= 0)
		err = expect_every(&tr->ex, c->expect);
	else
		err = c->expect_file ? expect_read_file(&tr->ex, c->expect_file) : 0;
	if (!err)
		err = pcapin_open(c->pcap, &tr->in);
	if (err)
		return err;
	if (c->iface) {
		err = iface_resolve(c->iface, &iface);
		if (!err)
			err = dryrun_from_iface(&iface, d);
	} else {
		reqs = calloc(ctx->nargs, sizeof(*reqs));
		if (!reqs)
			return -ENOMEM;
		for (i = 0; i < ctx->nargs; i++)
			reqs[i] = (struct component_req){
				.source = ctx->args[i],
				.section = c->section,
				.prog_name = c->prog_name,
				.prio = opt_given(ctx, "prio") ? (int)c->prio : -1,
				.actions = c->actions,
			};
		err = dryrun_from_programs(reqs, ctx->nargs, ctx->builtin_cfgs, d);
		free(reqs);
	}
	for (i = 0; !err && i < XDPL_ACTION_COUNT; i++)
		if (c->out[i])
			err = pcapout_open(c->out[i], &tr->out[i]);
	return err;
}

static void header_json(struct test_run *tr)
{
	struct json_writer *jw = tr->jw;

	jw_start_object(jw);
	jw_string_field(jw, "source", tr->info.source);
	if (tr->cfg->iface)
		jw_string_field(jw, "interface", tr->cfg->iface);
	jw_name(jw, "input");
	jw_start_object(jw);
	jw_string_field(jw, "file", tr->cfg->pcap);
	jw_string_field(jw, "format", pcapin_format(tr->in));
	jw_end_object(jw);
	jw_bool_field(jw, "traced", tr->info.traced);
	if (!tr->cfg->quiet) {
		jw_name(jw, "packets");
		jw_start_array(jw);
	}
}

static int test_cmd(struct cmd_ctx *ctx, void *cfg)
{
	struct test_run *tr = calloc(1, sizeof(*tr));
	struct dryrun *d = NULL;
	int i, err;

	if (!tr)
		return -ENOMEM;
	tr->cfg = cfg;
	err = open_all(tr, ctx, &d);
	if (!err) {
		dryrun_info(d, &tr->info);
		if (output_json) {
			tr->jw = jw_new(stdout);
			header_json(tr);
		}
		err = run_packets(tr, d);
	}
	for (i = 0; i < XDPL_ACTION_COUNT; i++) {
		int cerr = pcapout_close(tr->out[i]);

		err = err ?: cerr;
	}
	if (!err && tr->ex.n && expect_unmatched(&tr->ex, tr->t.packets))
		err = xdpl_err(XDPL_ERR_EXPECT, ENODATA,
			       "%zu expectations name packets past the last one (%llu)",
			       expect_unmatched(&tr->ex, tr->t.packets),
			       (unsigned long long)tr->t.packets);
	if (!err && tr->t.failed)
		err = xdpl_err(XDPL_ERR_EXPECT, EBADMSG,
			       "%llu of %llu packets did not get the verdict expected",
			       (unsigned long long)tr->t.failed, (unsigned long long)tr->t.checked);
	if (tr->jw) {
		if (!tr->cfg->quiet)
			jw_end_array(tr->jw);
		summary_json(tr, err);
	} else if (d && (!err || xdpl_last_error()->kind == XDPL_ERR_EXPECT)) {
		summary_text(tr);
	}
	pcapin_close(tr->in);
	dryrun_free(d);
	expect_free(&tr->ex);
	free(tr);
	return err;
}

static const struct arg_def test_args[] = { { .kind = ARG_PROG }, { .kind = ARG_END } };

const struct cmd_def cmd_test = {
	.name = "test",
	.summary = "Run a chain over recorded packets (a dry run: nothing is attached)",
	.description = "Each packet of IN goes through the chain with BPF_PROG_TEST_RUN: which "
		       "programs ran,\nwhat each returned, which decided, the verdict. The "
		       "chain is the programs given\n(composed like a linked chain, fresh "
		       "maps) or the one attached on --iface IFACE.\nExit 11 when a packet "
		       "does not get the verdict expected.\n",
	.opts = test_opts,
	.groups = test_groups,
	.args = test_args,
	.min_args = 0,
	.max_args = -1,
	.args_usage = "[FILE|BUILTIN...]",
	.cfg_size = sizeof(struct test_cfg),
	.defaults = test_defaults,
	.needs_privs = true,
	.json_output = true,
	.builtin_opts = true,
	.check = test_check,
	.run = test_cmd,
};

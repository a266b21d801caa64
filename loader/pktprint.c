// SPDX-License-Identifier: GPL-2.0-only
/* A packet's record as text and as JSON (see pktprint.h). */
#include <errno.h>
#include <netinet/in.h>
#include <stdlib.h>
#include <string.h>
#include "actions.h"
#include "params.h"
#include "pktprint.h"
#include "progs/watch.h"

const char *pktrec_action_name(unsigned int action, char *buf, size_t sz)
{
	const char *n = action_name(action);

	if (n)
		return n;
	snprintf(buf, sz, "%u", action);
	return buf;
}

/* The short form text uses: "pass", "drop" ... */
static const char *short_action(unsigned int action)
{
	static const char *const names[] = { "aborted", "drop", "pass", "tx", "redirect" };

	return action < sizeof(names) / sizeof(names[0]) ? names[action] : "other";
}

void pktrec_headers_json(struct json_writer *jw, const struct pkt_summary *s)
{
	char a[64], line[256], pn[8], l3[8];
	int i;

	pkt_summary_line(s, line, sizeof(line));
	jw_string_field(jw, "summary", line);
	if (!s->ether) {
		jw_bool_field(jw, "truncated", true);
		return;
	}
	pkt_mac_str(s->smac, a, sizeof(a));
	jw_string_field(jw, "smac", a);
	pkt_mac_str(s->dmac, a, sizeof(a));
	jw_string_field(jw, "dmac", a);
	jw_uint_field(jw, "vlans", s->nvlans);
	jw_name(jw, "vlan_ids");
	jw_start_array(jw);
	for (i = 0; i < s->nvlans; i++)
		jw_uint(jw, s->vlan_id[i]);
	jw_end_array(jw);
	snprintf(a, sizeof(a), "0x%04x", s->ethertype);
	jw_string_field(jw, "eth_proto", a);
	jw_string_field(jw, "l3",
			s->l3 == PKTSUM_L3_NONE	  ? pkt_l3_name(s, l3, sizeof(l3))
			: s->l3 == PKTSUM_L3_ARP  ? "arp"
			: s->l3 == PKTSUM_L3_IPV4 ? "ipv4"
						  : "ipv6");
	if (s->l3 == PKTSUM_L3_IPV4 || s->l3 == PKTSUM_L3_IPV6)
		jw_string_field(jw, "family", s->l3 == PKTSUM_L3_IPV4 ? "ipv4" : "ipv6");
	if (s->l3 == PKTSUM_L3_ARP)
		jw_string_field(jw, "arp_op",
				s->arp_op == 1	 ? "request"
				: s->arp_op == 2 ? "reply"
						 : "other");
	if (s->l3 != PKTSUM_L3_NONE && *pkt_addr_str(s, true, a, sizeof(a))) {
		jw_string_field(jw, "src", a);
		jw_string_field(jw, "dst", pkt_addr_str(s, false, a, sizeof(a)));
	}
	if (s->l3 == PKTSUM_L3_IPV4 || s->l3 == PKTSUM_L3_IPV6)
		jw_uint_field(jw, "ttl", s->ttl);
	if (s->has_l4)
		jw_string_field(jw, "proto", pkt_proto_name(s->l4proto, pn, sizeof(pn)));
	if (s->has_ports) {
		jw_uint_field(jw, "sport", s->sport);
		jw_uint_field(jw, "dport", s->dport);
	}
	if (s->has_tcp_flags) {
		pkt_tcp_flags_str(s->tcp_flags, a, sizeof(a));
		jw_string_field(jw, "tcp_flags", a);
	}
	if (s->has_icmp) {
		jw_uint_field(jw, "icmp_type", s->icmp_type);
		jw_uint_field(jw, "icmp_code", s->icmp_code);
	}
	if (s->has_l4)
		jw_bool_field(jw, "fragment", s->fragment);
	jw_bool_field(jw, "truncated", s->truncated);
}

void pktrec_print_text(FILE *out, const struct pktrec *r, const struct pktrec_prog *progs)
{
	char line[256], v[16];
	unsigned int i;

	pkt_summary_line(&r->hdr, line, sizeof(line));
	fprintf(out, "#%llu %s, %u bytes", (unsigned long long)r->index, line, r->len);
	if (r->error) {
		fprintf(out, ": not run (%s)\n",
			r->len < 14 ? "shorter than an Ethernet header"
				    : "the kernel's test run refuses its size");
		return;
	}
	fputc(':', out);
	for (i = 0; r->traced && i < r->nsteps; i++)
		fprintf(out, "%s %s %s", i ? "," : "", progs[r->steps[i].prog].name,
			short_action(r->steps[i].action));
	fprintf(out, " => %s", pktrec_action_name(r->verdict, v, sizeof(v)));
	if (r->decider >= 0)
		fprintf(out, " by %s", progs[r->decider].name);
	else if (r->decider == PKTREC_END_OF_CHAIN)
		fprintf(out, " (end of chain)");
	if (r->modified)
		fprintf(out, ", rewritten (%u bytes)", r->out_len);
	fputc('\n', out);
}

void pktrec_print_json(struct json_writer *jw, const struct pktrec *r,
		       const struct pktrec_prog *progs)
{
	char v[16];
	unsigned int i;

	jw_start_object(jw);
	jw_uint_field(jw, "packet", r->index);
	jw_uint_field(jw, "time_ns", r->time_ns);
	if (r->interface)
		jw_string_field(jw, "interface", r->interface);
	jw_uint_field(jw, "len", r->len);
	jw_uint_field(jw, "wire_len", r->wire_len);
	jw_name(jw, "headers");
	jw_start_object(jw);
	pktrec_headers_json(jw, &r->hdr);
	jw_end_object(jw);
	if (r->error) {
		jw_string_field(jw, "error",
				r->len < 14 ? "shorter than an Ethernet header"
					    : "the test run refuses its size");
		jw_end_object(jw);
		return;
	}
	jw_name(jw, "programs");
	if (r->traced) {
		jw_start_array(jw);
		for (i = 0; i < r->nsteps; i++) {
			jw_start_object(jw);
			jw_string_field(jw, "name", progs[r->steps[i].prog].name);
			jw_uint_field(jw, "index", r->steps[i].prog);
			jw_string_field(
				jw, "action",
				r->steps[i].action < PKTREC_ACTION_OTHER
					? pktrec_action_name(r->steps[i].action, v, sizeof(v))
					: "other");
			jw_end_object(jw);
		}
		jw_end_array(jw);
	} else {
		jw_null(jw);
	}
	jw_name(jw, "decided_by");
	if (r->decider >= 0)
		jw_string(jw, progs[r->decider].name);
	else
		jw_null(jw);
	jw_bool_field(jw, "end_of_chain", r->decider == PKTREC_END_OF_CHAIN);
	jw_string_field(jw, "verdict", pktrec_action_name(r->verdict, v, sizeof(v)));
	jw_bool_field(jw, "modified", r->modified);
	jw_uint_field(jw, "out_len", r->out_len);
	jw_end_object(jw);
}

int opt_parse_protos(const char *cmd, const char *arg, void *dst)
{
	char *bad = NULL;
	int err = watch_parse_protos(arg, dst, &bad);

	if (!err)
		return 0;
	usage_error(cmd,
		    "bad protocol '%s': tcp, udp, icmp, icmp6, sctp, arp, ipv4, ipv6 or other, "
		    "comma-separated",
		    bad ?: arg);
	free(bad);
	return -EINVAL;
}

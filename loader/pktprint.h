/* SPDX-License-Identifier: GPL-2.0-only */
/* Printing a packet's record (lib/pktrec.h): the same for test and the live trace. */
#ifndef XDPL_LOADER_PKTPRINT_H
#define XDPL_LOADER_PKTPRINT_H

#include <stddef.h>
#include <stdio.h>
#include "json_writer.h"
#include "pktrec.h"

/* "XDP_DROP", or the number for a value outside the actions, in buf. */
const char *pktrec_action_name(unsigned int action, char *buf, size_t sz);

/* The header fields (xdpload(8), JSON OUTPUT: "headers") as members of the open object. */
void pktrec_headers_json(struct json_writer *jw, const struct pkt_summary *s);

/* One line: "#3 icmp 192.0.2.1 > 192.0.2.2 type 8 code 0, 98 bytes: count pass, filter drop =>
 * XDP_DROP by filter" */
void pktrec_print_text(FILE *out, const struct pktrec *r, const struct pktrec_prog *progs);

/* One object, the "packets" element of xdpload(8)'s schema. */
void pktrec_print_json(struct json_writer *jw, const struct pktrec *r,
		       const struct pktrec_prog *progs);

/* Option parser for --proto (watch, trace): a comma-separated list of classes. */
int opt_parse_protos(const char *cmd, const char *arg, void *dst);

#endif

/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * A rule of the bundled "filter" program as the CLI writes it: parse and
 * format IP prefixes, ports and MAC addresses. No maps here (filter.h).
 */
#ifndef XDPLOAD_LIB_FILTER_RULE_H
#define XDPLOAD_LIB_FILTER_RULE_H

#include <stddef.h>
#include <linux/types.h>
#include <xdpload/filter.h>

enum filter_kind {
	FILTER_IP,
	FILTER_PORT,
	FILTER_ETHER,
};

#define FILTER_PROTO_TCP 0x1
#define FILTER_PROTO_UDP 0x2

/* Sets of directions (xdp-filter's -m src,dst). */
#define FILTER_DIR_SRC 0x1
#define FILTER_DIR_DST 0x2
#define FILTER_DIR_BIT(dir) ((dir) == XDPL_FILTER_DST ? FILTER_DIR_DST : FILTER_DIR_SRC)

struct filter_rule {
	enum filter_kind kind;
	enum xdpl_filter_dir dir;
	/* FILTER_IP */
	int family; /* 4 or 6 */
	unsigned int prefixlen;
	__u8 addr[16];
	/* FILTER_PORT: a set of protocols when adding or deleting, one in a listing */
	__u16 port;
	unsigned int protos; /* FILTER_PROTO_* */
	/* FILTER_ETHER */
	__u8 mac[6];
	/* filled by filter_list() */
	__u32 id;
	__u64 hits; /* packets */
	__u64 bytes;
};

/*
 * Parsers for the CLI's rule syntax: 0 or -EINVAL with a reason in @err.
 * They fill the kind-specific fields of @r and leave the others alone.
 */
int filter_parse_ip(const char *s, struct filter_rule *r, char *err, size_t errlen);
int filter_parse_port(const char *s, struct filter_rule *r, char *err, size_t errlen);
int filter_parse_mac(const char *s, struct filter_rule *r, char *err, size_t errlen);

/*
 * "src", "dst", "src,dst" into FILTER_DIR_* bits; "tcp", "udp", "tcp,udp" into
 * FILTER_PROTO_* bits. 0 or -EINVAL with a reason in @err.
 */
int filter_parse_dirs(const char *s, unsigned int *dirs, char *err, size_t errlen);
int filter_parse_protos(const char *s, unsigned int *protos, char *err, size_t errlen);
/* "10.0.0.0/24" (IPv4 or IPv6), "53", "aa:bb:..." by kind word "ip", "port", "ether". */
int filter_parse_value(const char *kind, const char *s, struct filter_rule *r, char *err,
		       size_t errlen);
/* "src,dst", "tcp,udp" */
void filter_dirs_str(unsigned int dirs, char *buf, size_t len);
void filter_protos_str(unsigned int protos, char *buf, size_t len);

/* "10.0.0.0/24", "53/udp", "aa:bb:cc:dd:ee:ff" (kind-specific part of a rule). */
void filter_rule_key_str(const struct filter_rule *r, char *buf, size_t len);
const char *filter_dir_str(enum xdpl_filter_dir dir);
const char *filter_kind_str(enum filter_kind kind);

#endif

/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Runtime rules of the bundled "filter" program: parse, add, delete, list,
 * and the deny/allow policy. Everything works on the program's own maps,
 * found from a program fd, so rules change without a reload and for either
 * dispatcher backend (the maps are shared by the component and the chain).
 */
#ifndef XDPLOAD_LIB_FILTER_H
#define XDPLOAD_LIB_FILTER_H

#include <stddef.h>
#include <stdbool.h>
#include <linux/types.h>
#include <xdpload/filter.h>

enum filter_kind {
	FILTER_IP,
	FILTER_PORT,
	FILTER_ETHER,
};

#define FILTER_PROTO_TCP 0x1
#define FILTER_PROTO_UDP 0x2

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
	__u64 hits;
};

struct filter_maps {
	int cfg, src4, dst4, src6, dst6, port, ether, hits;
};

/*
 * The fd of the program named @name attached to interface @ifname (a chain
 * component, or the single program), looked up through status. Reports its
 * own errors: no privileges (PERM), no such interface (NOIFACE), not attached
 * (NOTFOUND).
 */
int attached_prog_fd(const char *ifname, const char *name);

/*
 * The fd of the map called @name among the maps program @prog_fd uses,
 * or -ENOENT. The caller closes it.
 */
int prog_map_fd_by_name(int prog_fd, const char *name);

/* Open the filter maps of program @prog_fd: 0, or -ENOENT if it is not a filter. */
int filter_maps_open(int prog_fd, struct filter_maps *m);
void filter_maps_close(struct filter_maps *m);

/*
 * Parsers for the CLI's rule syntax: 0 or -EINVAL with a reason in @err.
 * They fill the kind-specific fields of @r and leave the others alone.
 */
int filter_parse_ip(const char *s, struct filter_rule *r, char *err, size_t errlen);
int filter_parse_port(const char *s, struct filter_rule *r, char *err, size_t errlen);
int filter_parse_mac(const char *s, struct filter_rule *r, char *err, size_t errlen);

/*
 * Add a rule (a port rule with both protocols adds two). Adding a rule that
 * exists keeps it and its counter: returns 1 then, 0 when added. -ENOSPC
 * when the rule table is full.
 */
int filter_add(const struct filter_maps *m, const struct filter_rule *r);
/* Delete a rule: 0, or -ENOENT when no such rule exists. */
int filter_del(const struct filter_maps *m, const struct filter_rule *r);

/*
 * Every rule with its hit counter (summed over CPUs), sorted by kind,
 * direction and key. *@rules is malloc'ed; @no_match gets the frames that
 * matched no rule.
 */
int filter_list(const struct filter_maps *m, struct filter_rule **rules, size_t *n,
		__u64 *no_match);

int filter_policy_get(const struct filter_maps *m, enum xdpl_filter_policy *policy);
int filter_policy_set(const struct filter_maps *m, enum xdpl_filter_policy policy);

/* "10.0.0.0/24", "53/udp", "aa:bb:cc:dd:ee:ff" (kind-specific part of a rule). */
void filter_rule_key_str(const struct filter_rule *r, char *buf, size_t len);
const char *filter_dir_str(enum xdpl_filter_dir dir);
const char *filter_kind_str(enum filter_kind kind);

#endif

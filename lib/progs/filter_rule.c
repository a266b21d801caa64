// SPDX-License-Identifier: GPL-2.0-only
/* The filter's rule syntax (see filter_rule.h). */
#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <netinet/in.h>

#include "progs/filter_rule.h"

int filter_parse_ip(const char *s, struct filter_rule *r, char *err, size_t errlen)
{
	char addr[INET6_ADDRSTRLEN + 8], *slash, *end;
	unsigned int max, plen, i;
	__u8 buf[16];
	int family;

	if (strlen(s) >= sizeof(addr)) {
		snprintf(err, errlen, "'%s' is not an IP address or prefix", s);
		return -EINVAL;
	}
	strcpy(addr, s);
	slash = strchr(addr, '/');
	if (slash)
		*slash++ = '\0';
	if (inet_pton(AF_INET, addr, buf) == 1) {
		family = 4;
		max = 32;
	} else if (inet_pton(AF_INET6, addr, buf) == 1) {
		family = 6;
		max = 128;
	} else {
		snprintf(err, errlen, "'%s' is not an IPv4 or IPv6 address", addr);
		return -EINVAL;
	}
	plen = max;
	if (slash) {
		unsigned long v;

		errno = 0;
		v = strtoul(slash, &end, 10);
		if (!*slash || *end || errno || v > max || *slash == '-' || *slash == '+') {
			snprintf(err, errlen, "'%s': prefix length must be 0..%u", s, max);
			return -EINVAL;
		}
		plen = v;
	}
	/* Host bits set usually means a typo in the prefix length: refuse, as ip(8) does. */
	for (i = plen; i < max; i++) {
		if (buf[i / 8] & (0x80 >> (i % 8))) {
			char net[INET6_ADDRSTRLEN];
			unsigned int j;

			for (j = plen; j < max; j++)
				buf[j / 8] &= ~(0x80 >> (j % 8));
			inet_ntop(family == 4 ? AF_INET : AF_INET6, buf, net, sizeof(net));
			snprintf(err, errlen, "'%s' has host bits set (did you mean %s/%u?)", s,
				 net, plen);
			return -EINVAL;
		}
	}
	r->kind = FILTER_IP;
	r->family = family;
	r->prefixlen = plen;
	memset(r->addr, 0, sizeof(r->addr));
	memcpy(r->addr, buf, family == 4 ? 4 : 16);
	return 0;
}

int filter_parse_port(const char *s, struct filter_rule *r, char *err, size_t errlen)
{
	unsigned long v;
	char *end;

	errno = 0;
	v = strtoul(s, &end, 10);
	if (!*s || *end || errno || *s == '-' || *s == '+' || v < 1 || v > 65535) {
		snprintf(err, errlen, "'%s' is not a port (1..65535)", s);
		return -EINVAL;
	}
	r->kind = FILTER_PORT;
	r->port = v;
	return 0;
}

int filter_parse_mac(const char *s, struct filter_rule *r, char *err, size_t errlen)
{
	unsigned int b[6];
	char tail;
	int i;

	if (strlen(s) != 17 || sscanf(s, "%2x:%2x:%2x:%2x:%2x:%2x%c", &b[0], &b[1], &b[2], &b[3],
				      &b[4], &b[5], &tail) != 6) {
		snprintf(err, errlen, "'%s' is not a MAC address (aa:bb:cc:dd:ee:ff)", s);
		return -EINVAL;
	}
	for (i = 0; i < 17; i++) {
		char c = s[i];
		int hex =
			(c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');

		if (i % 3 == 2 ? c != ':' : !hex) {
			snprintf(err, errlen, "'%s' is not a MAC address (aa:bb:cc:dd:ee:ff)", s);
			return -EINVAL;
		}
	}
	r->kind = FILTER_ETHER;
	for (i = 0; i < 6; i++)
		r->mac[i] = b[i];
	return 0;
}

void filter_rule_key_str(const struct filter_rule *r, char *buf, size_t len)
{
	char a[INET6_ADDRSTRLEN];

	switch (r->kind) {
	case FILTER_IP:
		inet_ntop(r->family == 4 ? AF_INET : AF_INET6, r->addr, a, sizeof(a));
		snprintf(buf, len, "%s/%u", a, r->prefixlen);
		break;
	case FILTER_PORT:
		if (r->protos == FILTER_PROTO_TCP)
			snprintf(buf, len, "%u/tcp", r->port);
		else if (r->protos == FILTER_PROTO_UDP)
			snprintf(buf, len, "%u/udp", r->port);
		else
			snprintf(buf, len, "%u", r->port);
		break;
	case FILTER_ETHER:
		snprintf(buf, len, "%02x:%02x:%02x:%02x:%02x:%02x", r->mac[0], r->mac[1], r->mac[2],
			 r->mac[3], r->mac[4], r->mac[5]);
		break;
	default:
		snprintf(buf, len, "?");
	}
}

const char *filter_dir_str(enum xdpl_filter_dir dir)
{
	return dir == XDPL_FILTER_DST ? "dst" : "src";
}

const char *filter_kind_str(enum filter_kind kind)
{
	switch (kind) {
	case FILTER_IP:
		return "ip";
	case FILTER_PORT:
		return "port";
	case FILTER_ETHER:
		return "ether";
	}
	return "?";
}

/* Comma-separated words of @names (bit i for names[i]) into *bits. */
static int parse_words(const char *s, const char *const *names, unsigned int *bits)
{
	const char *p = s;
	unsigned int out = 0;

	if (!*s)
		return -EINVAL;
	while (*p) {
		size_t len = strcspn(p, ",");
		int i, found = 0;

		for (i = 0; names[i]; i++) {
			if (strlen(names[i]) == len && !strncmp(p, names[i], len)) {
				out |= 1u << i;
				found = 1;
			}
		}
		if (!found)
			return -EINVAL;
		p += len;
		if (*p == ',' && !*++p)
			return -EINVAL;
	}
	*bits = out;
	return 0;
}

int filter_parse_dirs(const char *s, unsigned int *dirs, char *err, size_t errlen)
{
	static const char *const names[] = { "src", "dst", NULL };

	if (parse_words(s, names, dirs)) {
		snprintf(err, errlen, "bad mode '%s': use src, dst or src,dst", s);
		return -EINVAL;
	}
	return 0;
}

int filter_parse_protos(const char *s, unsigned int *protos, char *err, size_t errlen)
{
	static const char *const names[] = { "tcp", "udp", NULL };

	if (parse_words(s, names, protos)) {
		snprintf(err, errlen, "bad protocol '%s': use tcp, udp or tcp,udp", s);
		return -EINVAL;
	}
	return 0;
}

int filter_parse_value(const char *kind, const char *s, struct filter_rule *r, char *err,
		       size_t errlen)
{
	if (!strcmp(kind, "ip"))
		return filter_parse_ip(s, r, err, errlen);
	if (!strcmp(kind, "port"))
		return filter_parse_port(s, r, err, errlen);
	if (!strcmp(kind, "ether"))
		return filter_parse_mac(s, r, err, errlen);
	snprintf(err, errlen, "unknown rule kind '%s' (ip, port or ether)", kind);
	return -EINVAL;
}

void filter_dirs_str(unsigned int dirs, char *buf, size_t len)
{
	snprintf(buf, len, "%s%s%s", dirs & FILTER_DIR_SRC ? "src" : "",
		 (dirs & FILTER_DIR_SRC) && (dirs & FILTER_DIR_DST) ? "," : "",
		 dirs & FILTER_DIR_DST ? "dst" : "");
}

void filter_protos_str(unsigned int protos, char *buf, size_t len)
{
	snprintf(buf, len, "%s%s%s", protos & FILTER_PROTO_TCP ? "tcp" : "",
		 (protos & FILTER_PROTO_TCP) && (protos & FILTER_PROTO_UDP) ? "," : "",
		 protos & FILTER_PROTO_UDP ? "udp" : "");
}

// SPDX-License-Identifier: GPL-2.0-only
/* Packets in and out of pcap files, and the hex text form (see pcapio.h). */
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <pcap/pcap.h>
#include "error.h"
#include "pcapio.h"

#define PCAPIO_SLURP_MAX (1ULL << 30)

enum pcapin_fmt { FMT_PCAP, FMT_PCAPNG, FMT_HEX };

struct pcapin {
	enum pcapin_fmt fmt;
	char *path;
	FILE *fp;
	char *mem; /* standard input, read whole (a pipe cannot be rewound) */
	pcap_t *pc;
	unsigned long line; /* hex: the line we are at */
	__u64 count;
	__u8 buf[PCAPIO_MAX_LEN];
};

struct pcapout {
	char *path;
	pcap_t *dead;
	pcap_dumper_t *d;
};

static int slurp(FILE *fp, char **mem, size_t *len)
{
	size_t cap = 1 << 16, n = 0, got;
	char *p = malloc(cap), *q;

	if (!p)
		return -ENOMEM;
	while ((got = fread(p + n, 1, cap - n, fp)) > 0) {
		n += got;
		if (n < cap)
			continue;
		if (cap >= PCAPIO_SLURP_MAX) {
			free(p);
			return -EFBIG;
		}
		q = realloc(p, cap *= 2);
		if (!q) {
			free(p);
			return -ENOMEM;
		}
		p = q;
	}
	if (ferror(fp)) {
		free(p);
		return -EIO;
	}
	*mem = p;
	*len = n;
	return 0;
}

static enum pcapin_fmt detect(const unsigned char *m, size_t n)
{
	static const unsigned char magics[][4] = {
		{ 0xd4, 0xc3, 0xb2, 0xa1 },
		{ 0xa1, 0xb2, 0xc3, 0xd4 }, /* microseconds */
		{ 0x4d, 0x3c, 0xb2, 0xa1 },
		{ 0xa1, 0xb2, 0x3c, 0x4d }, /* nanoseconds */
	};
	size_t i;

	if (n >= 4 && !memcmp(m, "\x0a\x0d\x0d\x0a", 4))
		return FMT_PCAPNG;
	for (i = 0; n >= 4 && i < sizeof(magics) / sizeof(magics[0]); i++)
		if (!memcmp(m, magics[i], 4))
			return FMT_PCAP;
	return FMT_HEX;
}

/* Open the stream and tell its format, leaving it at its start. */
static int open_stream(struct pcapin *in, const char *path)
{
	unsigned char head[4];
	size_t n, len;
	int err;

	if (strcmp(path, "-")) {
		in->fp = fopen(path, "rb");
		if (!in->fp)
			return xdpl_err(XDPL_ERR_NOFILE, errno, "%s: cannot open: %s", path,
					strerror(errno));
		n = fread(head, 1, sizeof(head), in->fp);
		rewind(in->fp);
		in->fmt = detect(head, n);
		return 0;
	}
	err = slurp(stdin, &in->mem, &len);
	if (err)
		return xdpl_err(XDPL_ERR_NOFILE, err, "standard input: cannot read: %s",
				strerror(-err));
	in->fmt = detect((unsigned char *)in->mem, len);
	if (!len)
		return 0; /* no packets (and fmemopen refuses an empty buffer) */
	in->fp = fmemopen(in->mem, len, "rb");
	if (!in->fp)
		return xdpl_err(XDPL_ERR_FAIL, errno, "cannot read standard input: %s",
				strerror(errno));
	return 0;
}

int pcapin_open(const char *path, struct pcapin **out)
{
	char errbuf[PCAP_ERRBUF_SIZE] = "";
	struct pcapin *in = calloc(1, sizeof(*in));
	int err;

	if (!in)
		return -ENOMEM;
	in->path = strdup(strcmp(path, "-") ? path : "standard input");
	err = in->path ? open_stream(in, path) : -ENOMEM;
	if (err)
		goto fail;
	if (in->fmt != FMT_HEX) {
		in->pc = pcap_fopen_offline_with_tstamp_precision(
			in->fp, PCAP_TSTAMP_PRECISION_NANO, errbuf);
		if (!in->pc) {
			err = xdpl_err(XDPL_ERR_NOFILE, EINVAL, "%s: not a readable capture: %s",
				       in->path, errbuf);
			goto fail;
		}
		in->fp = NULL; /* libpcap closes it */
		if (pcap_datalink(in->pc) != DLT_EN10MB) {
			err = xdpl_err(XDPL_ERR_NOFILE, EINVAL,
				       "%s: link type %s, but XDP sees Ethernet frames (capture "
				       "with tcpdump -i IFACE, not -i any)",
				       in->path,
				       pcap_datalink_val_to_name(pcap_datalink(in->pc)) ?: "?");
			goto fail;
		}
	}
	in->line = 1;
	*out = in;
	return 0;
fail:
	pcapin_close(in);
	return err;
}

static int hexval(int c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	c = tolower(c);
	return c >= 'a' && c <= 'f' ? c - 'a' + 10 : -1;
}

/* One word of hex digits: appended to the packet, or an error naming the line. */
static int hex_word(struct pcapin *in, const char *w, size_t wl, size_t *n)
{
	size_t i;

	if (wl && w[wl - 1] == ':')
		return 0; /* an offset column */
	if (wl > 2 && w[0] == '0' && (w[1] == 'x' || w[1] == 'X'))
		w += 2, wl -= 2;
	for (i = 0; i < wl; i++)
		if (hexval(w[i]) < 0)
			return xdpl_err(XDPL_ERR_USAGE, EINVAL, "%s:%lu: '%.*s' is not hex",
					in->path, in->line, (int)wl, w);
	if (wl % 2)
		return xdpl_err(XDPL_ERR_USAGE, EINVAL,
				"%s:%lu: '%.*s' has an odd number of hex digits (a byte is two)",
				in->path, in->line, (int)wl, w);
	if (*n + wl / 2 > PCAPIO_MAX_LEN)
		return xdpl_err(XDPL_ERR_USAGE, E2BIG, "%s:%lu: a packet longer than %d bytes",
				in->path, in->line, PCAPIO_MAX_LEN);
	for (i = 0; i < wl; i += 2)
		in->buf[(*n)++] = hexval(w[i]) << 4 | hexval(w[i + 1]);
	return 0;
}

static int hex_next(struct pcapin *in, struct pcap_pkt *p)
{
	char *line = NULL, *s, *e;
	size_t cap = 0, n = 0;
	ssize_t got;
	int err = 0;

	if (!in->fp)
		return 0;
	while ((got = getline(&line, &cap, in->fp)) >= 0) {
		if ((s = strchr(line, '#')))
			*s = '\0';
		for (s = line; *s && isspace((unsigned char)*s); s++)
			;
		if (!*s && n) { /* a blank line ends the packet */
			in->line++;
			break;
		}
		for (; *s && !err; s = e) {
			for (e = s; *e && !isspace((unsigned char)*e); e++)
				;
			err = hex_word(in, s, e - s, &n);
			while (*e && isspace((unsigned char)*e))
				e++;
		}
		in->line++;
		if (err)
			break;
	}
	free(line);
	if (err)
		return err;
	if (!n)
		return 0;
	p->ts_ns = in->count * 1000;
	p->caplen = p->len = n;
	p->data = in->buf;
	return 1;
}

int pcapin_next(struct pcapin *in, struct pcap_pkt *p)
{
	struct pcap_pkthdr *h;
	const u_char *data;
	int ret;

	if (in->fmt == FMT_HEX) {
		ret = hex_next(in, p);
	} else {
		ret = pcap_next_ex(in->pc, &h, &data);
		if (ret == PCAP_ERROR_BREAK) {
			ret = 0;
		} else if (ret < 0) {
			ret = xdpl_err(XDPL_ERR_NOFILE, EIO, "%s: packet %llu: %s", in->path,
				       (unsigned long long)in->count + 1, pcap_geterr(in->pc));
		} else {
			/* nanosecond precision was asked for: tv_usec holds nanoseconds */
			p->ts_ns = (__u64)h->ts.tv_sec * 1000000000ULL + h->ts.tv_usec;
			p->caplen = h->caplen;
			p->len = h->len;
			p->data = data;
			ret = 1;
		}
	}
	if (ret > 0)
		in->count++;
	return ret;
}

const char *pcapin_format(const struct pcapin *in)
{
	return in->fmt == FMT_HEX ? "hex" : in->fmt == FMT_PCAPNG ? "pcapng" : "pcap";
}

void pcapin_close(struct pcapin *in)
{
	if (!in)
		return;
	if (in->pc)
		pcap_close(in->pc);
	if (in->fp)
		fclose(in->fp);
	free(in->mem);
	free(in->path);
	free(in);
}

int pcapout_open(const char *path, struct pcapout **out)
{
	struct pcapout *o = calloc(1, sizeof(*o));
	int err;

	if (!o)
		return -ENOMEM;
	o->path = strdup(path);
	o->dead = pcap_open_dead_with_tstamp_precision(DLT_EN10MB, PCAPIO_MAX_LEN,
						       PCAP_TSTAMP_PRECISION_NANO);
	if (!o->path || !o->dead) {
		err = -ENOMEM;
		goto fail;
	}
	o->d = pcap_dump_open(o->dead, path);
	if (!o->d) {
		err = xdpl_err(XDPL_ERR_NOFILE, EACCES, "%s: cannot write: %s", path,
			       pcap_geterr(o->dead));
		goto fail;
	}
	*out = o;
	return 0;
fail:
	if (o->dead)
		pcap_close(o->dead);
	free(o->path);
	free(o);
	return err;
}

int pcapout_write(struct pcapout *o, const struct pcap_pkt *p)
{
	struct pcap_pkthdr h = {
		.ts = { .tv_sec = p->ts_ns / 1000000000ULL, .tv_usec = p->ts_ns % 1000000000ULL },
		.caplen = p->caplen,
		.len = p->len < p->caplen ? p->caplen : p->len,
	};

	pcap_dump((u_char *)o->d, &h, p->data);
	return 0;
}

int pcapout_close(struct pcapout *o)
{
	int err = 0;

	if (!o)
		return 0;
	if (pcap_dump_flush(o->d) || ferror(pcap_dump_file(o->d)))
		err = xdpl_err(XDPL_ERR_FAIL, EIO, "%s: cannot write: %s", o->path,
			       strerror(errno ?: EIO));
	pcap_dump_close(o->d);
	pcap_close(o->dead);
	free(o->path);
	free(o);
	return err;
}

/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Packets in and out of files for `xdpload test`: pcap and pcapng through
 * libpcap (Ethernet link type only), and a small hand-written hex form:
 *
 *   # a comment runs to the end of the line
 *   02 00 00 00 00 02  02 00 00 00 00 01  08 00     <- bytes in hex, blanks ignored
 *   4500 001c ...                                   <- any even number of digits a word
 *                                                   <- a blank line ends a packet
 *   0x0000:  ffff ffff ffff 0200 0000 0001 0806     <- a word ending in ':' (an offset,
 *                                                      as tcpdump -xx prints) is skipped
 *
 * The format of an input is told by its first bytes (the pcap and pcapng magic
 * numbers), so one option takes either.
 */
#ifndef XDPL_PCAPIO_H
#define XDPL_PCAPIO_H

#include <stddef.h>
#include <linux/types.h>

#define PCAPIO_MAX_LEN 65535

struct pcap_pkt {
	__u64 ts_ns;	   /* capture time; hex packets count microseconds from 0 */
	__u32 caplen, len; /* bytes captured here, bytes the frame had */
	const __u8 *data;  /* valid until the next read */
};

struct pcapin;
struct pcapout;

/*
 * Open path ("-" for standard input) for reading; its format is detected.
 * Errors are recorded (kind NOFILE for a missing or unreadable file).
 */
int pcapin_open(const char *path, struct pcapin **out);
/* The next packet: 1, 0 at the end, or a negative errno (recorded, with the line). */
int pcapin_next(struct pcapin *in, struct pcap_pkt *p);
/* "pcap", "pcapng" or "hex". */
const char *pcapin_format(const struct pcapin *in);
void pcapin_close(struct pcapin *in);

/* Create path: a pcap file, Ethernet, nanosecond timestamps. Errors recorded. */
int pcapout_open(const char *path, struct pcapout **out);
int pcapout_write(struct pcapout *o, const struct pcap_pkt *p);
/* Flush and close; a write error is reported here. */
int pcapout_close(struct pcapout *o);

#endif

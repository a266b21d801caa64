// SPDX-License-Identifier: GPL-2.0-only
/* What every harness shares: seeding, kept inputs, the summary line, quiet libraries. */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/stat.h>
#include <bpf/libbpf.h>
#include <xdp/libxdp.h>
#include "fuzz.h"
#include "objfile.h"

int fuzz_init(void) __attribute__((weak));
void fuzz_seed(const char *name, const void *obj, size_t len) __attribute__((weak));
int LLVMFuzzerInitialize(int *argc, char ***argv);

#define KEEP_KINDS 8
#define KEEP_FILES 200 /* per kind: enough to look at, not a second corpus */

static struct {
	const char *kind;
	unsigned long n;
} kept[KEEP_KINDS];

static int quiet(enum libbpf_print_level level, const char *fmt, va_list ap)
{
	return 0;
}

static int quiet_xdp(enum libxdp_print_level level, const char *fmt, va_list ap)
{
	return 0;
}

static uint64_t fnv1a(const void *data, size_t len)
{
	const unsigned char *p = data;
	uint64_t h = 0xcbf29ce484222325ULL;

	while (len--)
		h = (h ^ *p++) * 0x100000001b3ULL;
	return h;
}

static void write_file(const char *path, const void *data, size_t len)
{
	FILE *f = fopen(path, "we");

	if (!f || fwrite(data, 1, len, f) != len || fclose(f)) {
		fprintf(stderr, "fuzz: cannot write %s: %s\n", path, strerror(errno));
		exit(2);
	}
}

void fuzz_seed_write(const char *name, const void *data, size_t len)
{
	char path[4096];

	snprintf(path, sizeof(path), "%s/%s", getenv("FUZZ_SEED_DIR"), name);
	write_file(path, data, len);
}

void fuzz_keep(const char *kind, const void *data, size_t len)
{
	const char *dir = getenv("FUZZ_KEEP_DIR");
	char path[4096];
	int i;

	for (i = 0; i < KEEP_KINDS && kept[i].kind && strcmp(kept[i].kind, kind); i++)
		;
	if (i == KEEP_KINDS)
		return;
	kept[i].kind = kind;
	if (!dir || kept[i].n++ >= KEEP_FILES)
		return;
	snprintf(path, sizeof(path), "%s/%s", dir, kind);
	mkdir(dir, 0755);
	mkdir(path, 0755);
	snprintf(path, sizeof(path), "%s/%s/%016llx", dir, kind,
		 (unsigned long long)fnv1a(data, len));
	write_file(path, data, len);
}

/* tests/fuzz/run reads this line into the TAP comment of the harness. */
static void summary(void)
{
	int i;

	fprintf(stderr, "FUZZ-SUMMARY: kept:");
	for (i = 0; i < KEEP_KINDS && kept[i].kind; i++)
		fprintf(stderr, " %s=%lu", kept[i].kind, kept[i].n);
	fprintf(stderr, "%s\n", i ? "" : " none");
}

/* FUZZ_SEED_DIR set: write seeds from the objects in FUZZ_SEED_OBJS, then exit. */
static void make_seeds(void)
{
	char *objs = strdup(getenv("FUZZ_SEED_OBJS") ?: ""), *save = NULL, *path;
	const char *base;
	size_t len;
	void *buf;

	for (path = strtok_r(objs, " ", &save); path; path = strtok_r(NULL, " ", &save)) {
		if (read_file(path, &buf, &len)) {
			fprintf(stderr, "fuzz: cannot read seed object %s\n", path);
			exit(2);
		}
		base = strrchr(path, '/') ? strrchr(path, '/') + 1 : path;
		if (fuzz_seed)
			fuzz_seed(base, buf, len);
		else
			fuzz_seed_write(base, buf, len);
		free(buf);
	}
	free(objs);
	exit(0);
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	/* libbpf's warnings for every malformed input would drown libFuzzer's output */
	libbpf_set_print(quiet);
	libxdp_set_print(quiet_xdp);
	if (getenv("FUZZ_SEED_DIR"))
		make_seeds();
	if (fuzz_init && fuzz_init())
		exit(77);
	atexit(summary);
	return 0;
}

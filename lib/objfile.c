// SPDX-License-Identifier: GPL-2.0-only
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/stat.h>
#include <elf.h>
#include <gelf.h>
#include <libelf.h>
#include "error.h"
#include "objfile.h"

#ifndef EM_BPF
#define EM_BPF 247
#endif

/* What a file that is not a regular file is, for "PATH: is a FIFO"; NULL if regular. */
static const char *not_regular(mode_t mode)
{
	if (S_ISREG(mode))
		return NULL;
	if (S_ISDIR(mode))
		return "a directory";
	if (S_ISFIFO(mode))
		return "a FIFO";
	if (S_ISCHR(mode) || S_ISBLK(mode))
		return "a device";
	if (S_ISSOCK(mode))
		return "a socket";
	return "not a regular file";
}

static int not_regular_errno(mode_t mode)
{
	return S_ISDIR(mode) ? EISDIR : ENODEV;
}

bool objfile_is_bpf_elf(const void *buf, size_t len)
{
	const Elf64_Ehdr *eh = buf;

	return len >= sizeof(*eh) && !memcmp(eh->e_ident, ELFMAG, SELFMAG) &&
	       eh->e_ident[EI_CLASS] == ELFCLASS64 && eh->e_ident[EI_DATA] == ELFDATA2LSB &&
	       eh->e_machine == EM_BPF;
}

/* off + cnt * size if it fits in len, else 0 (the table is not where it says). */
static uint64_t table_end(uint64_t off, uint64_t cnt, uint64_t size, size_t len)
{
	if (off > len || size > len || (size && cnt > (len - off) / size))
		return 0;
	return off + cnt * size;
}

/*
 * The headers are untrusted: every offset is checked against len, and anything
 * odd gives len (keep every byte) so that libbpf sees the file as it is and
 * reports what is wrong with it. Only well-formed trailing bytes are cut.
 */
size_t objfile_elf_extent(const void *buf, size_t len)
{
	const Elf64_Ehdr *eh = buf;
	const Elf64_Shdr *sh;
	uint64_t end, e, shnum, i;

	if (!objfile_is_bpf_elf(buf, len) || eh->e_shentsize != sizeof(Elf64_Shdr) || !eh->e_shoff)
		return len;
	end = sizeof(*eh);
	if (eh->e_phnum) {
		e = table_end(eh->e_phoff, eh->e_phnum, eh->e_phentsize, len);
		if (!e)
			return len;
		end = e > end ? e : end;
	}
	if (eh->e_shoff % _Alignof(Elf64_Shdr) ||
	    !table_end(eh->e_shoff, 1, sizeof(Elf64_Shdr), len))
		return len;
	sh = (const Elf64_Shdr *)((const char *)buf + eh->e_shoff);
	/* more than SHN_LORESERVE sections: the count is in section 0's sh_size */
	shnum = eh->e_shnum ? eh->e_shnum : sh[0].sh_size;
	e = table_end(eh->e_shoff, shnum, sizeof(Elf64_Shdr), len);
	if (!e)
		return len;
	end = e > end ? e : end;
	for (i = 0; i < shnum; i++) {
		if (sh[i].sh_type == SHT_NOBITS || sh[i].sh_type == SHT_NULL)
			continue;
		e = table_end(sh[i].sh_offset, 1, sh[i].sh_size, len);
		if (!e && sh[i].sh_size)
			return len;
		end = e > end ? e : end;
	}
	return end;
}

static void fmt_size(uint64_t n, char *out, size_t sz)
{
	if (n >= 1ULL << 30)
		snprintf(out, sz, "%.1f GiB", (double)n / (1ULL << 30));
	else
		snprintf(out, sz, "%.1f MiB", (double)n / (1ULL << 20));
}

/* read() exactly len bytes at the current offset: 0, -errno, or -EIO when the file is shorter. */
static int read_all(int fd, void *buf, size_t len)
{
	size_t off = 0;
	ssize_t got;

	while (off < len) {
		got = read(fd, (char *)buf + off, len - off);
		if (got < 0 && errno == EINTR)
			continue;
		if (got <= 0)
			return got ? -errno : -EIO;
		off += got;
	}
	return 0;
}

struct rd {
	const char *path;
	bool report; /* record errors (files users name) or not (saved copies) */
};

static int check_stat(const struct rd *r, const struct stat *st)
{
	const char *what = not_regular(st->st_mode);
	char size[32];

	if (what && !r->report)
		return -not_regular_errno(st->st_mode);
	if (what)
		return xdpl_err(XDPL_ERR_NOFILE, not_regular_errno(st->st_mode),
				"%s: is %s, not an eBPF object file (xdpload reads objects only "
				"from regular files)",
				r->path, what);
	if ((uint64_t)st->st_size <= XDPL_OBJ_MAX_SIZE)
		return 0;
	if (!r->report)
		return -EFBIG;
	fmt_size(st->st_size, size, sizeof(size));
	return xdpl_err(XDPL_ERR_NOFILE, EFBIG,
			"%s: is %s, over the " XDPL_OBJ_MAX_SIZE_STR
			" limit for an eBPF object file",
			r->path, size);
}

static int open_failed(const struct rd *r, int err)
{
	if (!r->report)
		return -err;
	if (err == ENOENT)
		return xdpl_err(XDPL_ERR_NOFILE, err, "%s: no such file (check the path)", r->path);
	return xdpl_err(XDPL_ERR_NOFILE, err, "%s: cannot read: %s", r->path, strerror(err));
}

/* The bytes of an open regular file of len bytes; the ELF header first when r->report. */
static int read_body(const struct rd *r, int fd, char *buf, size_t len)
{
	size_t head = len < sizeof(Elf64_Ehdr) ? len : sizeof(Elf64_Ehdr);
	int err;

	/* a big file that is no object costs one small read */
	err = read_all(fd, buf, head);
	if (!err && r->report && !objfile_is_bpf_elf(buf, head))
		return xdpl_err(XDPL_ERR_NOFILE, ENOEXEC,
				"%s: not an eBPF ELF object (build it with clang -target bpf)",
				r->path);
	if (!err)
		err = read_all(fd, buf + head, len - head);
	if (!err || !r->report)
		return err;
	if (err == -EIO)
		return xdpl_err(XDPL_ERR_NOFILE, EIO, "%s: changed while it was read", r->path);
	return xdpl_err(XDPL_ERR_NOFILE, err, "%s: cannot read: %s", r->path, strerror(-err));
}

static int read_checked(const struct rd *r, void **out, size_t *out_len)
{
	struct stat st;
	char *buf = NULL, *small;
	size_t len;
	int fd, err;

	/*
	 * stat first so that a device or FIFO is refused without being opened
	 * (opening some devices has effects); fstat after open is what counts,
	 * in case the path changed in between. O_NONBLOCK: should a FIFO slip
	 * in anyway, neither open nor read waits for a writer.
	 */
	if (stat(r->path, &st))
		return open_failed(r, errno);
	err = check_stat(r, &st);
	if (err)
		return err;
	fd = open(r->path, O_RDONLY | O_NONBLOCK | O_CLOEXEC | O_NOCTTY);
	if (fd < 0)
		return open_failed(r, errno);
	err = fstat(fd, &st) ? open_failed(r, errno) : check_stat(r, &st);
	if (err)
		goto out;
	len = st.st_size;
	buf = malloc(len ? len : 1);
	if (!buf) {
		err = -ENOMEM;
		goto out;
	}
	err = read_body(r, fd, buf, len);
	if (err)
		goto out;
	if (r->report) {
		/* what a rebuild needs, and what the linked backend saves, is the ELF image */
		len = objfile_elf_extent(buf, len);
		small = realloc(buf, len ? len : 1);
		buf = small ?: buf;
	}
	*out = buf;
	*out_len = len;
	buf = NULL;
out:
	free(buf);
	close(fd);
	return err;
}

int objfile_read(const char *path, void **buf, size_t *len)
{
	struct rd r = { .path = path, .report = true };

	return read_checked(&r, buf, len);
}

int read_file(const char *path, void **buf, size_t *len)
{
	struct rd r = { .path = path };

	return read_checked(&r, buf, len);
}

static Elf *elf_of(const void *buf, size_t len)
{
	return elf_version(EV_CURRENT) == EV_NONE ? NULL : elf_memory((char *)buf, len);
}

/* The bytes of section @want, or NULL (@sz gets their size). */
static const void *section(Elf *e, const char *want, size_t *sz)
{
	Elf_Scn *scn = NULL;
	size_t shstrndx;

	if (elf_getshdrstrndx(e, &shstrndx))
		return NULL;
	while ((scn = elf_nextscn(e, scn))) {
		GElf_Shdr sh;
		Elf_Data *d;
		const char *name;

		if (!gelf_getshdr(scn, &sh))
			return NULL;
		name = elf_strptr(e, shstrndx, sh.sh_name);
		if (!name || strcmp(name, want))
			continue;
		d = elf_getdata(scn, NULL);
		if (!d || !d->d_buf)
			return NULL;
		*sz = d->d_size;
		return d->d_buf;
	}
	return NULL;
}

bool objfile_has_core_relos(const void *buf, size_t len)
{
	/* struct btf_ext_header: magic, version, flags, hdr_len, then offsets and lengths */
	const unsigned char *h;
	__u32 hdr_len, core_len;
	size_t sz = 0;
	bool core = false;
	Elf *e;

	e = elf_of(buf, len);
	if (!e)
		return true;
	h = section(e, ".BTF.ext", &sz);
	if (h && sz >= 8) {
		memcpy(&hdr_len, h + 4, 4);
		/* a header too short for CO-RE has none; one that lies: assume some */
		if (hdr_len >= 32) {
			core = sz < 32;
			if (!core) {
				memcpy(&core_len, h + 28, 4);
				core = core_len > 0;
			}
		}
	}
	elf_end(e);
	return core;
}

bool objfile_gpl_compatible(const void *buf, size_t len)
{
	/* the kernel's license_is_gpl_compatible() list */
	static const char *const gpl[] = {
		"GPL",		"GPL v2",	"GPL and additional rights",
		"Dual BSD/GPL", "Dual MIT/GPL", "Dual MPL/GPL"
	};
	const char *lic;
	size_t sz = 0, i;
	bool ok = false;
	Elf *e;

	e = elf_of(buf, len);
	if (!e)
		return false;
	lic = section(e, "license", &sz);
	for (i = 0; lic && sz && memchr(lic, '\0', sz) && i < sizeof(gpl) / sizeof(gpl[0]); i++)
		ok |= !strcmp(lic, gpl[i]);
	elf_end(e);
	return ok;
}

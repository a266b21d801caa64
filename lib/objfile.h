/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Reading object files that users name: untrusted input. Only regular files are
 * read (a FIFO would block forever, a device has no end), never more than
 * XDPL_OBJ_MAX_SIZE bytes, and the ELF header is checked before the rest is read.
 * The bytes kept end where the ELF image ends: padding after it is not read
 * into the saved copy a rebuild needs.
 */
#ifndef XDPL_OBJFILE_H
#define XDPL_OBJFILE_H

#include <stdbool.h>
#include <stddef.h>

/*
 * The largest object xdpload reads: far above any real XDP object (the largest
 * that Debian ships is under 1 MiB, BTF included) and small enough to read and
 * copy without thought. xdpload(8) documents it.
 */
#define XDPL_OBJ_MAX_SIZE (64UL << 20)
#define XDPL_OBJ_MAX_SIZE_STR "64 MiB"

/*
 * Read the eBPF ELF object at path into *buf (the caller frees it) and *len.
 * Records its own error (XDPL_ERR_NOFILE: missing, unreadable, not a regular
 * file, over the limit, not a 64-bit eBPF ELF object); returns 0 or -errno.
 */
int objfile_read(const char *path, void **buf, size_t *len);

/* Is buf a 64-bit little-endian ELF object for EM_BPF? */
bool objfile_is_bpf_elf(const void *buf, size_t len);

/*
 * Where the ELF image in buf ends (the furthest header, table or section
 * contents), at most len; len when the headers do not say (libbpf judges those).
 */
size_t objfile_elf_extent(const void *buf, size_t len);

/* Does the object carry CO-RE relocations (.BTF.ext)? True for a header that cannot tell. */
bool objfile_has_core_relos(const void *buf, size_t len);
/* Is the object's "license" one the kernel calls GPL-compatible? (false without one) */
bool objfile_gpl_compatible(const void *buf, size_t len);

/*
 * Read a whole regular file of at most XDPL_OBJ_MAX_SIZE bytes, silently: 0 or
 * -errno (-EISDIR, -ENODEV for anything but a regular file, -EFBIG over the limit).
 * For files xdpload wrote itself (the saved copies); the caller frees *buf.
 */
int read_file(const char *path, void **buf, size_t *len);

#endif

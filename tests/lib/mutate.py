#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-only
"""Malformed eBPF objects from good ones, for tests/malformed.bats.

    mutate.py OUTDIR COUNT SEED OBJ...
    mutate.py --craft IN OUT
    mutate.py --craft-bit IN OUT
    mutate.py --craft-reloc IN OUT


Writes COUNT objects OUTDIR/NNNNN-KIND.o, each one good object from OBJ... with one
kind of damage aimed where libbpf and libxdp trust the file: bit flips and
interesting values in .BTF (its header, a type record, a type reference, the strings), .BTF.ext,
.symtab, relocations, program text, .maps; section and ELF header fields;
truncations. Deterministic for one SEED and one set of inputs.

--craft writes the one known crasher: the first member of every anonymous BTF
struct (map definitions, libxdp's run config) refers to a type that does not
exist. libbpf 1.1 and libxdp 1.3 follow such a reference without checking it.
--craft-bit does it with one flipped bit (bit 16 of the first such type ID).
--craft-reloc renames the xdp section's relocations after .debug_abbrev (one
sh_name, as a 2,400-object run found it): libbpf 1.1 frees a relocation buffer
in bpf_object__load and again in bpf_object__close.
"""
import random
import struct
import sys

INTERESTING32 = [0, 1, 2, 0x7F, 0x80, 0xFF, 0x100, 0x7FFF, 0x8000, 0xFFFF, 0x10000,
                 0x7FFFFFFF, 0x80000000, 0xFFFFFFFE, 0xFFFFFFFF]
INTERESTING64 = INTERESTING32 + [0x7FFFFFFFFFFFFFFF, 0xFFFFFFFFFFFFFFFF, 1 << 32]


class Elf:
    """Just enough of a little-endian ELF64 to find sections."""

    def __init__(self, data):
        self.data = data
        (self.shoff,) = struct.unpack_from("<Q", data, 0x28)
        self.shentsize, self.shnum, self.shstrndx = struct.unpack_from("<HHH", data, 0x3A)
        self.sections = []
        for i in range(self.shnum):
            off = self.shoff + i * 64
            name, typ, _flags, _addr, offset, size, link, info, _align, entsize = \
                struct.unpack_from("<IIQQQQIIQQ", data, off)
            self.sections.append(dict(idx=i, name_off=name, type=typ, offset=offset,
                                      size=size, link=link, info=info, entsize=entsize,
                                      hdr=off))
        strtab = self.sections[self.shstrndx]
        for s in self.sections:
            start = strtab["offset"] + s["name_off"]
            end = data.index(b"\0", start)
            s["name"] = data[start:end].decode(errors="replace")

    def find(self, pred):
        return [s for s in self.sections if pred(s) and s["type"] != 8 and s["size"]]


def flip_bits(d, lo, hi, rnd, n):
    for _ in range(n):
        pos = rnd.randrange(lo, hi)
        d[pos] ^= 1 << rnd.randrange(8)


def put32(d, off, rnd):
    if off + 4 <= len(d):
        struct.pack_into("<I", d, off, rnd.choice(INTERESTING32 + [rnd.getrandbits(32)]))


def in_section(d, sec, rnd, align=1):
    """A random offset inside sec, aligned."""
    n = max(1, sec["size"] // align)
    return sec["offset"] + rnd.randrange(n) * align


def btf_header(d, sec, rnd):
    # struct btf_header: magic(2) version(1) flags(1) hdr_len type_off type_len str_off str_len
    put32(d, sec["offset"] + rnd.choice([4, 8, 12, 16, 20]), rnd)


def btf_type(d, sec, rnd):
    """A 32-bit word among the type records (name_off, info, size/type or a member)."""
    base = sec["offset"]
    hdr_len, type_off, type_len = struct.unpack_from("<III", d, base + 4)
    start = base + hdr_len + type_off
    if type_len < 4:
        return btf_header(d, sec, rnd)
    off = start + rnd.randrange(type_len // 4) * 4
    if rnd.random() < 0.5:
        put32(d, off, rnd)
    else:
        flip_bits(d, off, off + 4, rnd, 1)


def btf_strings(d, sec, rnd):
    base = sec["offset"]
    hdr_len, _, _, str_off, str_len = struct.unpack_from("<IIIII", d, base + 4)
    start = base + hdr_len + str_off
    if str_len < 1 or start + str_len > len(d):
        return flip_bits(d, sec["offset"], sec["offset"] + sec["size"], rnd, 1)
    pos = start + rnd.randrange(str_len)
    d[pos] = rnd.choice([0, 0xFF, ord("."), d[pos] ^ 0x20])


def shdr_field(d, elf, rnd):
    s = rnd.choice(elf.sections[1:])
    # name(0,4) type(4,4) flags(8,8) addr(16,8) offset(24,8) size(32,8) link(40,4)
    # info(44,4) addralign(48,8) entsize(56,8)
    off, width = rnd.choice([(0, 4), (4, 4), (24, 8), (32, 8), (40, 4), (44, 4), (48, 8), (56, 8)])
    if width == 4:
        struct.pack_into("<I", d, s["hdr"] + off, rnd.choice(INTERESTING32 + [rnd.randrange(64)]))
    else:
        val = rnd.choice(INTERESTING64 + [len(d), len(d) + 1, len(d) - 1, rnd.randrange(len(d))])
        struct.pack_into("<Q", d, s["hdr"] + off, val & (1 << 64) - 1)
    return s["name"]


def ehdr_field(d, rnd):
    off, width = rnd.choice([(0x18, 8), (0x20, 8), (0x28, 8), (0x34, 2), (0x36, 2), (0x38, 2),
                             (0x3A, 2), (0x3C, 2), (0x3E, 2), (0x10, 2), (0x14, 4)])
    if width == 2:
        struct.pack_into("<H", d, off, rnd.choice([0, 1, 0x40, 0xFF, 0xFFFF, rnd.randrange(64)]))
    elif width == 4:
        struct.pack_into("<I", d, off, rnd.choice(INTERESTING32))
    else:
        struct.pack_into("<Q", d, off, rnd.choice(INTERESTING64 + [len(d)]) & (1 << 64) - 1)


def entry_field(d, sec, rnd, entsize):
    """A field of one fixed-size entry (symbol, relocation)."""
    if sec["size"] < entsize:
        return flip_bits(d, sec["offset"], sec["offset"] + sec["size"], rnd, 1)
    ent = sec["offset"] + rnd.randrange(sec["size"] // entsize) * entsize
    if rnd.random() < 0.5:
        put32(d, ent + rnd.randrange(entsize // 4) * 4, rnd)
    else:
        flip_bits(d, ent, ent + entsize, rnd, rnd.randint(1, 2))


BTF_EXTRA = {1: 4, 3: 12, 4: 12, 5: 12, 6: 8, 13: 8, 14: 4, 15: 12, 17: 4, 19: 8}
PER_MEMBER = {4, 5, 6, 13, 15}  # struct, union, enum, func_proto, datasec


def btf_types(d, sec):
    """(offset, kind, vlen, name_off) of each BTF type record in section sec."""
    base = sec["offset"]
    hdr_len, type_off, type_len = struct.unpack_from("<III", d, base + 4)
    p, end = base + hdr_len + type_off, base + hdr_len + type_off + type_len
    while p + 12 <= end:
        name, info = struct.unpack_from("<II", d, p)
        kind, vlen = (info >> 24) & 0x1F, info & 0xFFFF
        yield p, kind, vlen, name
        extra = BTF_EXTRA.get(kind, 0)
        p += 12 + (extra * vlen if kind in PER_MEMBER else extra)


def btf_refs(d, sec):
    """Offsets of every type-ID field in the type records of sec."""
    refs = []
    for off, kind, vlen, _ in btf_types(d, sec):
        if kind in (2, 8, 9, 10, 11, 12, 14, 17, 18):  # ptr, typedef, mods, func, var, tags
            refs.append(off + 8)
        elif kind == 3:  # array: element and index types
            refs += [off + 12, off + 16]
        elif kind in (4, 5):  # struct, union: each member's type
            refs += [off + 12 + 12 * i + 4 for i in range(vlen)]
        elif kind == 13:  # func_proto: return and each parameter's type
            refs += [off + 8] + [off + 12 + 8 * i + 4 for i in range(vlen)]
        elif kind == 15:  # datasec: each variable
            refs += [off + 12 + 12 * i for i in range(vlen)]
    return [r for r in refs if r + 4 <= sec["offset"] + sec["size"]]


def btf_ref(d, sec, rnd):
    """A type reference to a type that does not exist (or to itself, or to void)."""
    refs = btf_refs(d, sec)
    if not refs:
        return btf_type(d, sec, rnd)
    off = rnd.choice(refs)
    ntypes = len(list(btf_types(d, sec)))
    struct.pack_into("<I", d, off, rnd.choice([0, ntypes, ntypes + 1, ntypes + rnd.randrange(1, 1 << 16),
                                               0x7FFFFFFF, 0xFFFFFFFF, rnd.randrange(1, ntypes + 1)]))


def craft(data, one_bit):
    d = bytearray(data)
    btf = Elf(data).find(lambda s: s["name"] == ".BTF")[0]
    hits = 0
    for off, kind, vlen, name in list(btf_types(d, btf)):
        if kind == 4 and name == 0 and vlen and one_bit:
            d[off + 12 + 4 + 2] ^= 1  # member 0's type, + 65536
            return bytes(d)
        if kind == 4 and name == 0 and vlen:
            struct.pack_into("<I", d, off + 12 + 4, 0x7FFFFFFF)  # member 0's type
            hits += 1
    if not hits:
        sys.exit("mutate.py: no anonymous struct in .BTF to damage")
    return bytes(d)


def craft_reloc(data):
    """The program section's relocations renamed after a debug section (one sh_name):
    libbpf 1.1 then frees a relocation buffer at load and again at close."""
    d = bytearray(data)
    elf = Elf(data)
    rel = elf.find(lambda s: s["type"] == 9 and s["name"] == ".relxdp")
    dbg = elf.find(lambda s: s["name"] == ".debug_abbrev")
    if not rel or not dbg:
        sys.exit("mutate.py: no .relxdp and .debug_abbrev to rename (an object with calls, -g)")
    name_off = struct.unpack_from("<I", d, dbg[0]["hdr"])[0]
    struct.pack_into("<I", d, rel[0]["hdr"], name_off)
    return bytes(d)


def mutate(data, rnd):
    """One damaged copy of data and a short name for the damage."""
    d = bytearray(data)
    elf = Elf(data)
    btf = elf.find(lambda s: s["name"] == ".BTF")
    ext = elf.find(lambda s: s["name"] == ".BTF.ext")
    sym = elf.find(lambda s: s["type"] == 2)
    rel = elf.find(lambda s: s["type"] in (4, 9))
    text = elf.find(lambda s: s["type"] == 1 and s["name"] not in (".BTF", ".BTF.ext"))
    kinds = []
    if btf:
        kinds += ["btf-flip"] * 6 + ["btf-hdr"] * 2 + ["btf-type"] * 5 + ["btf-str"] * 2
        kinds += ["btf-ref"] * 4
    if ext:
        kinds += ["ext-flip"] * 3 + ["ext-word"] * 3
    if sym:
        kinds += ["symtab"] * 3
    if rel:
        kinds += ["reloc"] * 3
    kinds += ["shdr"] * 4 + ["ehdr"] * 1 + ["truncate"] * 2 + ["text-flip"] * 1 + ["any-flip"] * 2
    kind = rnd.choice(kinds)
    if kind == "btf-flip":
        s = btf[0]
        flip_bits(d, s["offset"], s["offset"] + s["size"], rnd, rnd.choice([1, 1, 1, 2, 4]))
    elif kind == "btf-hdr":
        btf_header(d, btf[0], rnd)
    elif kind == "btf-type":
        btf_type(d, btf[0], rnd)
    elif kind == "btf-ref":
        btf_ref(d, btf[0], rnd)
    elif kind == "btf-str":
        btf_strings(d, btf[0], rnd)
    elif kind == "ext-flip":
        s = ext[0]
        flip_bits(d, s["offset"], s["offset"] + s["size"], rnd, rnd.choice([1, 1, 2]))
    elif kind == "ext-word":
        put32(d, in_section(d, ext[0], rnd, 4), rnd)
    elif kind == "symtab":
        entry_field(d, rnd.choice(sym), rnd, 24)
    elif kind == "reloc":
        entry_field(d, rnd.choice(rel), rnd, 16)
    elif kind == "shdr":
        kind += "-" + shdr_field(d, elf, rnd).strip(".").replace("/", "_")[:24]
    elif kind == "ehdr":
        ehdr_field(d, rnd)
    elif kind == "truncate":
        cuts = [s["offset"] + s["size"] // 2 for s in elf.sections if s["size"]]
        cuts += [elf.shoff, elf.shoff + 32, rnd.randrange(64, len(d))]
        del d[max(64, min(rnd.choice(cuts), len(d) - 1)):]
    elif kind == "text-flip":
        s = rnd.choice(text)
        flip_bits(d, s["offset"], s["offset"] + s["size"], rnd, 1)
    else:
        flip_bits(d, 64, len(d), rnd, rnd.randint(1, 8))
    return bytes(d), kind


def main():
    if sys.argv[1] in ("--craft", "--craft-bit", "--craft-reloc"):
        data = open(sys.argv[2], "rb").read()
        with open(sys.argv[3], "wb") as f:
            f.write(craft_reloc(data) if sys.argv[1] == "--craft-reloc"
                    else craft(data, sys.argv[1] == "--craft-bit"))
        return
    outdir, count, seed, objs = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), sys.argv[4:]
    rnd = random.Random(seed)
    inputs = [open(o, "rb").read() for o in objs]
    tally = {}
    seen = set()
    made = 0
    while made < count:
        src = made % len(inputs)
        out, kind = mutate(inputs[src], rnd)
        if out == inputs[src] or out in seen:
            continue  # a mutation that changed nothing, or a duplicate
        seen.add(out)
        with open(f"{outdir}/{made:05d}-{kind}.o", "wb") as f:
            f.write(out)
        base = kind.split("-shdr")[0] if not kind.startswith("shdr") else "shdr"
        tally[base] = tally.get(base, 0) + 1
        made += 1
    print(" ".join(f"{k}={v}" for k, v in sorted(tally.items())))


if __name__ == "__main__":
    main()

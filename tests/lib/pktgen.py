#!/usr/bin/env python3
"""Test packets for xdpload test: build frames, write them as pcap or hex text,
read a pcap back, and send a pcap's frames on an interface (AF_PACKET), so a
test can run the same packets through a dry run and through a live chain.

  pktgen.py write OUT.pcap SPEC...     one frame per SPEC (below), pcap (microseconds)
  pktgen.py hex SPEC...                the same frames as hex text, on stdout
  pktgen.py read IN.pcap               one line per frame: "LEN HEX" (pcap, either precision)
  pktgen.py send IFACE IN.pcap         send every frame of IN.pcap on IFACE

A SPEC is PROTO[,key=value...]: icmp, icmp6, udp, tcp, arp, raw; keys: src,
dst (addresses), sport, dport, type (ICMP), flags (TCP, e.g. S), vlan (an ID;
two with vlan=10.20 for QinQ), len (payload bytes), smac, dmac, ttl.
Defaults are the lab's: 192.0.2.1 > 192.0.2.2, 2001:db8::1 > 2001:db8::2,
02:00:00:00:00:01 > 02:00:00:00:00:02.
"""
import socket
import struct
import sys

DEF = {"src": "192.0.2.1", "dst": "192.0.2.2", "src6": "2001:db8::1", "dst6": "2001:db8::2",
       "smac": "02:00:00:00:00:01", "dmac": "02:00:00:00:00:02"}


def csum(data):
    if len(data) % 2:
        data += b"\0"
    s = sum(struct.unpack(f"!{len(data) // 2}H", data))
    while s >> 16:
        s = (s & 0xffff) + (s >> 16)
    return ~s & 0xffff


def mac(s):
    return bytes(int(x, 16) for x in s.split(":"))


def ipv4(src, dst, proto, payload, ttl=64):
    h = struct.pack("!BBHHHBBH4s4s", 0x45, 0, 20 + len(payload), 1, 0x4000, ttl, proto, 0,
                    socket.inet_aton(src), socket.inet_aton(dst))
    return h[:10] + struct.pack("!H", csum(h)) + h[12:] + payload


def ipv6(src, dst, nh, payload, ttl=64):
    return struct.pack("!IHBB16s16s", 6 << 28, len(payload), nh, ttl,
                       socket.inet_pton(socket.AF_INET6, src),
                       socket.inet_pton(socket.AF_INET6, dst)) + payload


def l4_csum(v6, src, dst, proto, seg):
    if v6:
        ph = socket.inet_pton(socket.AF_INET6, src) + socket.inet_pton(socket.AF_INET6, dst) + \
            struct.pack("!IxxxB", len(seg), proto)
    else:
        ph = socket.inet_aton(src) + socket.inet_aton(dst) + struct.pack("!xBH", proto, len(seg))
    return csum(ph + seg)


def frame(spec):
    proto, *kv = spec.split(",")
    o = dict(x.split("=", 1) for x in kv)
    v6 = proto == "icmp6" or ":" in o.get("src", "")
    src = o.get("src", DEF["src6"] if v6 else DEF["src"])
    dst = o.get("dst", DEF["dst6"] if v6 else DEF["dst"])
    ttl = int(o.get("ttl", 64))
    payload = bytes(i & 0xff for i in range(int(o.get("len", 8))))
    if proto == "arp":
        l3, etype = struct.pack("!HHBBH6s4s6s4s", 1, 0x0800, 6, 4, 1, mac(o.get("smac", DEF["smac"])),
                                socket.inet_aton(src), b"\0" * 6, socket.inet_aton(dst)), 0x0806
    elif proto == "raw":
        l3, etype = payload, int(o.get("etype", "0x88b5"), 0)
    else:
        if proto in ("icmp", "icmp6"):
            t = int(o.get("type", 128 if v6 else 8))
            nh = 58 if v6 else 1
            seg = struct.pack("!BBHHH", t, 0, 0, 0x1234, 1) + payload
        elif proto == "udp":
            nh = 17
            seg = struct.pack("!HHHH", int(o.get("sport", 40000)), int(o.get("dport", 53)),
                              8 + len(payload), 0) + payload
        elif proto == "tcp":
            nh = 6
            fl = sum({"F": 1, "S": 2, "R": 4, "P": 8, "A": 16}[c] for c in o.get("flags", "S"))
            seg = struct.pack("!HHIIBBHHH", int(o.get("sport", 40000)), int(o.get("dport", 80)),
                              1, 0, 5 << 4, fl, 65535, 0, 0) + payload
        else:
            raise SystemExit(f"pktgen: unknown protocol {proto}")
        c = l4_csum(v6, src, dst, nh, seg) if (v6 or nh != 1) else csum(seg)
        off = {1: 2, 58: 2, 17: 6, 6: 16}[nh]
        seg = seg[:off] + struct.pack("!H", c) + seg[off + 2:]
        l3 = ipv6(src, dst, nh, seg, ttl) if v6 else ipv4(src, dst, nh, seg, ttl)
        etype = 0x86dd if v6 else 0x0800
    out = mac(o.get("dmac", DEF["dmac"])) + mac(o.get("smac", DEF["smac"]))
    vlans = [int(v) for v in o["vlan"].split(".")] if "vlan" in o else []
    for i, vid in enumerate(vlans):
        # each tag is its TPID (802.1ad outside a QinQ pair) and its ID
        out += struct.pack("!HH", 0x88a8 if len(vlans) == 2 and i == 0 else 0x8100, vid)
    return out + struct.pack("!H", etype) + l3


def write_pcap(path, frames):
    with open(path, "wb") as f:
        f.write(struct.pack("<IHHiIII", 0xa1b2c3d4, 2, 4, 0, 0, 65535, 1))
        for i, fr in enumerate(frames):
            f.write(struct.pack("<IIII", 1000 + i, 0, len(fr), len(fr)) + fr)


def read_pcap(path):
    data = open(path, "rb").read()
    magic = struct.unpack("<I", data[:4])[0]
    if magic not in (0xa1b2c3d4, 0xa1b23c4d):
        raise SystemExit(f"pktgen: {path}: not a little-endian pcap")
    off, out = 24, []
    while off + 16 <= len(data):
        _, _, cap, _ = struct.unpack("<IIII", data[off:off + 16])
        out.append(data[off + 16:off + 16 + cap])
        off += 16 + cap
    return out


def main(argv):
    if len(argv) < 2:
        raise SystemExit(__doc__)
    cmd = argv[1]
    if cmd == "write":
        write_pcap(argv[2], [frame(s) for s in argv[3:]])
    elif cmd == "hex":
        for s in argv[2:]:
            fr = frame(s)
            print(f"# {s}")
            for i in range(0, len(fr), 16):
                print(" ".join(f"{b:02x}" for b in fr[i:i + 16]))
            print()
    elif cmd == "read":
        for fr in read_pcap(argv[2]):
            print(len(fr), fr.hex())
    elif cmd == "send":
        s = socket.socket(socket.AF_PACKET, socket.SOCK_RAW)
        s.bind((argv[2], 0))
        for fr in read_pcap(argv[3]):
            s.send(fr)
    else:
        raise SystemExit(__doc__)


if __name__ == "__main__":
    main(sys.argv)

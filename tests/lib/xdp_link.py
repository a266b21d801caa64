#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-only
"""Attach a pinned XDP program to an interface with a bpf_link, as newer tools
(libbpf's bpf_program__attach_xdp, cilium/ebpf's link.AttachXDP) do, and pin the
link so it outlives this process; removing the pin detaches it. Neither iproute2
6.1 nor bpftool 7.1 can make one. Run it in the interface's network namespace
with the bpffs visible (nsenter --net, not ip netns exec).

    xdp_link.py PROG_PIN IFNAME LINK_PIN
"""
import ctypes
import os
import socket
import sys

SYS_BPF = 321  # x86_64
BPF_OBJ_PIN, BPF_OBJ_GET, BPF_LINK_CREATE = 6, 7, 28
BPF_XDP = 37
XDP_FLAGS_SKB_MODE = 2

libc = ctypes.CDLL(None, use_errno=True)


def bpf(cmd, attr):
    buf = ctypes.create_string_buffer(attr, 128)
    ret = libc.syscall(SYS_BPF, cmd, buf, 128)
    if ret < 0:
        err = ctypes.get_errno()
        raise OSError(err, os.strerror(err))
    return ret


def path_attr(path, fd=0):
    p = ctypes.create_string_buffer(path.encode())
    # union bpf_attr for OBJ_PIN/OBJ_GET: __u64 pathname, __u32 bpf_fd, __u32 file_flags
    return p, ctypes.c_uint64(ctypes.addressof(p)).value.to_bytes(8, "little") + \
        fd.to_bytes(4, "little") + bytes(4)


def main():
    prog_pin, ifname, link_pin = sys.argv[1:4]
    keep, attr = path_attr(prog_pin)
    prog_fd = bpf(BPF_OBJ_GET, attr)
    ifindex = socket.if_nametoindex(ifname)
    # link_create: __u32 prog_fd, target_ifindex, attach_type, flags
    attr = b"".join(v.to_bytes(4, "little")
                    for v in (prog_fd, ifindex, BPF_XDP, XDP_FLAGS_SKB_MODE))
    link_fd = bpf(BPF_LINK_CREATE, attr)
    keep, attr = path_attr(link_pin, link_fd)
    bpf(BPF_OBJ_PIN, attr)
    del keep


if __name__ == "__main__":
    main()

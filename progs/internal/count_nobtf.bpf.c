// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * The bundled "count" for a kernel without BTF (/sys/kernel/btf/vmlinux):
 * without CO-RE and kfuncs, every frame's length comes from
 * bpf_xdp_get_buff_len(). lib/builtin.c picks it.
 */
#define XDPL_COUNT_NO_BTF
#include "../count.bpf.c"

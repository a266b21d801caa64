// SPDX-License-Identifier: GPL-2.0-only
/*
 * The tc contender: clsact ingress, cls_bpf in direct-action mode. This kernel
 * has neither matchall nor gact, so a BPF classifier is the only tc drop.
 */
#include <linux/bpf.h>
#include <linux/pkt_cls.h>
#include <bpf/bpf_helpers.h>

SEC("tc")
int bench_tc_drop(struct __sk_buff *skb)
{
	return TC_ACT_SHOT;
}

char LICENSE[] SEC("license") = "GPL";

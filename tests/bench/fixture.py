# SPDX-License-Identifier: GPL-2.0-only
"""
A small synthetic raw.json (the layout bench/measure.py writes), built from a
few chosen numbers so that the tests know what analysis must find:

  data path, N=10: hand 100 ns, linked 108/109/111 (ratio median 1.09, met
  but straddling 1.1), counters add 20 % (not met);
  packet rate: iptables 500 ns/pkt; the native chain 160/170/180 ns/pkt,
  i.e. 3.125/2.94/2.78× iptables (median 2.94: not met, marginal); drop
  100 ns/pkt (the chain costs 1.6-1.8×: not met); the skb chain 450 ns/pkt
  (1.11×: met); control: load 10 in 20-24 ms (met).
"""
import copy

REPS = (0, 1, 2)
WINDOWS = 10  # 100-ms samples per packet-rate measurement

DP_NS = {  # (variant, n): ns per repetition
    ("hand", 1): (30.0, 30.0, 30.0), ("linked", 1): (30.3, 30.6, 30.0), ("linked+cnt", 1): (33.0, 33.0, 33.0),
    ("hand", 10): (100.0, 100.0, 100.0), ("linked", 10): (108.0, 109.0, 111.0),
    ("linked+cnt", 10): (129.6, 130.8, 133.2),
    ("drop", 1): (20.0, 21.0, 22.0),
    ("raw-taken", 10): (105.0, 105.0, 105.0), ("raw-fallthrough", 10): (100.0, 100.0, 100.0),
}
COMP_NS = {"chain": (65.0, 66.0, 64.0), "chain, no counters": (64.0, 65.0, 63.0), "count": (23.0, 23.0, 23.0),
           "filter": (42.0, 42.0, 42.0), "drop": (22.0, 22.0, 22.0)}
PPS_NS = {  # case: receiver ns/pkt per repetition; all receiver-bound
    "xdpload_native": (160.0, 170.0, 180.0), "xdpload_skb": (450.0, 450.0, 450.0),
    "xdpload_drop_native": (120.0, 120.0, 120.0), "drop_native": (100.0, 100.0, 100.0),
    "ipt_raw": (500.0, 500.0, 500.0),
}
LOAD10_MS = (20.0, 22.0, 24.0)


def pps_record(case, rep, ns_per_pkt, rate=None, leaked=0):
    """
    One measurement's counters. rate None: receiver-bound (the kthread busy
    all the time at ns_per_pkt, the ring overflowing); else the generator's
    rate, below what the receiver could take (no ring drops).
    """
    bound = rate is None
    rate = rate or 1e9 / ns_per_pkt
    per = rate * 0.1  # frames per window
    samples = [(i * 0.1, int(i * per), i * 1000 if bound else 0, int(i * per * ns_per_pkt))
               for i in range(WINDOWS + 1)]
    secs = WINDOWS * 0.1
    t, rx, drop, napi = samples[-1]
    return {"case": case, "rep": rep, "secs": secs, "gen_pps": rate * 1.5 if bound else rate,
            "before": {"rx": 0, "ring_drop": 0, "own": 0, "udp": 0, "napi_ns": 0},
            "after": {"rx": rx, "ring_drop": drop, "own": rx, "udp": leaked, "napi_ns": napi},
            "samples": samples}


def alt_windows(ns):
    """pps.alternate's windows: chain first, then drop, in turns, at these ns/pkt."""
    cases = ("xdpload_native", "drop_native")
    return {"period": 0.5, "secs": 0.5 * len(ns),
            "windows": [{"case": cases[i % 2], "rx": 1000, "ring_drop": 10, "napi_ns": int(v * 1000), "secs": 0.5}
                        for i, v in enumerate(ns)]}


def raw():
    dp_rows = [{"rep": -1, "variant": v, "n": n, "ns": ns[0], "kernel_ns": int(ns[0])}
               for (v, n), ns in DP_NS.items()]
    dp_rows += [{"rep": r, "variant": v, "n": n, "ns": ns[r], "kernel_ns": int(ns[r]) + 1}
                for (v, n), ns in DP_NS.items() for r in REPS]
    comp_rows = [{"rep": r, "variant": k, "n": 1, "ns": ns[r], "kernel_ns": int(ns[r])}
                 for k, ns in COMP_NS.items() for r in REPS]
    cases = list(PPS_NS)
    runs = [pps_record(c, r, PPS_NS[c][r]) for r in REPS for c in cases]
    frame_return = lambda pct: [(pct, "page_pool_put_unrefed_netmem"), (100.0 - pct - 10, "veth_xdp_rcv"),
                                (10.0, "bpf_prog_1234_xdpl_dispatch")]
    profile = {c: {"run": pps_record(c, -1, PPS_NS[c][0]), "symbols": frame_return(40.0)}
               for c in ("drop_native", "xdpload_native", "ipt_raw")}
    profile["xdpload_skb"] = {"error": "perf: no samples"}
    return copy.deepcopy({
        "format": 1, "top": "/src/xdpload", "started": 1.8e9, "finished": 1.8e9 + 300,
        "params": {"parts": "datapath,pps,control,vmcontrol", "reps": 3, "dur": 1.0, "saturated": 90.0,
                   "rt_prio": 50, "dp_reps": 3, "dp_repeat": 1024, "ctl_reps": 3, "vm_reps": 1,
                   "with_xdpload": True, "quick": False},
        "machine": {"cpu": "Test CPU 9000", "ncpu": 2, "kernel": "6.99.0-test", "kernel_version": "#1 SMP",
                    "vulns": {"meltdown": "Not affected", "spectre_v2": "Mitigation: Retpolines",
                              "spec_store_bypass": "Vulnerable"},
                    "libbpf": "1.1", "libxdp": "1.3", "clang": "14", "iptables": "iptables v1.8.9",
                    "nft": "nftables v1.0.6", "commit": "abc1234", "dirty": False},
        "lab": {"gen_cpu": 0, "rx_cpu": 1, "filter_rules": 100, "cases": {c: c + " (test)" for c in cases}},
        "datapath": {"cmd": ["/src/xdpload/build/bench/dpbench", "-r", "3", "-n", "1024", "-c", "1",
                             "-p", "/src/xdpload/build/bench/results/x/bin/progs",
                             "-b", "/src/xdpload/build/bench/bpf"],
                     "repeat": 1024, "rows": dp_rows},
        "vm_datapath": None,
        "components": {"labels": list(COMP_NS), "rows": comp_rows},
        "pps": {"cases": cases, "reps": len(REPS), "dur": 1.0, "runs": runs, "profile": profile},
        "control": {"reps": len(REPS), "times": {"spawn /bin/true (timing-loop overhead)": [1.0, 1.1, 1.2],
                                                 "load 10 in one command": list(LOAD10_MS)}},
        "vm_control": {"skipped": "not asked for"},
    })

# SPDX-License-Identifier: GPL-2.0-only
"""
Running the benchmarks: the machine's description, the data path (dpbench),
the chain breakdown, the packet rate (bench/pps.py) and the control path, each
part's raw samples written into one JSON file, raw.json, in a results
directory under build/bench/results/ (the last five runs are kept). Nothing
here computes a result: bench/analysis.py does, from that file alone.
"""
import json
import os
import platform
import shlex
import shutil
import subprocess
import time
from types import SimpleNamespace

import analysis
import pps

TOP = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
BUILD = os.path.join(TOP, "build")
RESULTS = os.path.join(BUILD, "bench", "results")
KEEP_RUNS = 5  # perf data and binary copies add up
RAW_FORMAT = 1  # raw.json's layout; bump when analysis can no longer read older files


def tools(root=BUILD):
    """The binaries the measurement runs; xdpload and progs may be private copies."""
    return SimpleNamespace(xdpload=os.path.join(root, "xdpload"), progs=os.path.join(root, "progs"),
                           dpbench=os.path.join(BUILD, "bench", "dpbench"),
                           ppstool=os.path.join(BUILD, "bench", "ppstool"),
                           bench_bpf=os.path.join(BUILD, "bench", "bpf"))


def machine():
    cpu = "?"
    for line in open("/proc/cpuinfo"):
        if line.startswith("model name"):
            cpu = line.split(":", 1)[1].strip()
            break
    vdir = "/sys/devices/system/cpu/vulnerabilities"
    vulns = {}
    if os.path.isdir(vdir):
        for n in sorted(os.listdir(vdir)):
            vulns[n] = open(os.path.join(vdir, n)).read().strip()
    sh = lambda cmd: pps.sh(cmd, check=False).strip()
    pkg = lambda p: sh(f"dpkg-query -W -f '${{Version}}' {p} 2>/dev/null") or "?"
    return {
        "cpu": cpu, "ncpu": os.cpu_count(), "kernel": platform.release(),
        "kernel_version": platform.version(), "vulns": vulns,
        "libbpf": pkg("libbpf1"), "libxdp": pkg("libxdp1"), "clang": pkg("clang-14") or pkg("clang"),
        "iptables": sh("iptables -V 2>/dev/null") or "?", "nft": sh("nft -v 2>/dev/null") or "?",
        "commit": sh(f"git -C {TOP} rev-parse --short HEAD 2>/dev/null") or "?",
        "dirty": bool(sh(f"git -C {TOP} status --porcelain --untracked-files=no 2>/dev/null")),
    }


def json_lines(out):
    return [json.loads(l) for l in out.splitlines() if l.startswith("{")]


def run_datapath(t, a):
    cmd = [t.dpbench, "-r", str(a.dp_reps), "-n", str(a.dp_repeat), "-c", str(pps.RX_CPU),
           "-p", t.progs, "-b", t.bench_bpf]
    print("datapath:", " ".join(cmd), flush=True)
    out = subprocess.run(cmd, capture_output=True, text=True, check=True).stdout
    return {"cmd": cmd, "repeat": a.dp_repeat, "rows": json_lines(out)}


def run_components(t, a):
    """The packet-rate chain as xdpload attaches it, its dispatcher and each component through test runs."""
    pps.setup(t)
    try:
        with_cnt = pps.load_chain(t, pps.NS_RX, pps.IF_RX, "native")
        no_cnt = pps.load_chain(t, pps.NS_TX, pps.IF_TX, "native", "--no-stats")
        ids = [("chain", with_cnt["dispatcher_id"]), ("chain, no counters", no_cnt["dispatcher_id"])]
        ids += [(p["name"], p["id"]) for p in with_cnt["programs"]]
        cmd = [t.dpbench, "-r", str(a.dp_reps), "-n", str(a.dp_repeat), "-c", str(pps.RX_CPU)]
        cmd += [f"{k}={v}" for k, v in ids]
        out = subprocess.run(cmd, capture_output=True, text=True, check=True).stdout
    finally:
        pps.teardown(t)
    return {"labels": [k for k, _ in ids], "rows": json_lines(out)}


def vm_datapath():
    """The VM lab's libxdp vs linked line from its last run, if there was one."""
    p = os.path.join(BUILD, "vm-results", "last", "datapath.txt")
    if not os.path.exists(p):
        return None
    return {"line": open(p).read().strip(), "when": os.path.getmtime(p)}


# Runs inside the lab's namespace, so that no `ip netns exec` is timed with each command.
CONTROL_INNER = r'''
import json, subprocess, sys, time
xdpload, iface, reps = sys.argv[1], sys.argv[2], int(sys.argv[3])
def timed(argv):
    t0 = time.perf_counter_ns()
    r = subprocess.run(argv, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    t1 = time.perf_counter_ns()
    if r.returncode:
        raise SystemExit("%s: exit %d: %s" % (" ".join(argv), r.returncode, r.stderr.decode().strip()))
    return (t1 - t0) / 1e6
progs = lambda n: ["pass"] * (n - 1) + ["drop"]
load = lambda p: [xdpload, "load", "--dispatcher", "linked", "-m", "native", iface] + p
unload = [xdpload, "unload", iface, "--all"]
res = {}
add = lambda k, v: res.setdefault(k, []).append(v)
for _ in range(reps):
    add("spawn /bin/true (timing-loop overhead)", timed(["/bin/true"]))
    for n in (1, 5, 10):
        add("load %d in one command" % n, timed(load(progs(n))))
        add("unload all (%d loaded)" % n, timed(unload))
    total = 0.0
    for i, p in enumerate(progs(10)):
        t = timed(load([p]))
        total += t
        if i + 1 in (1, 5, 10):
            add("load %d one at a time (sum of %d commands)" % (i + 1, i + 1), total)
    add("add the 10th (9 loaded)", t)
    timed(unload)
print(json.dumps(res))
'''


def run_control(t, a):
    pps.setup(t)
    try:
        cmd = (f"ip netns exec {pps.NS_RX} /usr/bin/python3 -c {shlex.quote(CONTROL_INNER)} "
               f"{t.xdpload} {pps.IF_RX} {a.ctl_reps}")
        out = pps.sh(cmd, timeout=300)
    finally:
        pps.teardown(t)
    return {"times": json.loads(out.strip().splitlines()[-1]), "reps": a.ctl_reps}


def run_vm_control(t, a, raw_dir):
    """xdp-loader vs xdpload (both backends) in the VM lab's guest, when the lab is prepared."""
    rin = os.path.join(TOP, "tests", "vm", "run-in-vm")
    cache = os.path.join(BUILD, "vm-cache")
    if not os.access(rin, os.X_OK):
        return {"skipped": "no VM lab (tests/vm/run-in-vm) in this tree"}
    if not os.path.isdir(cache) or not any(f.startswith("kernel-") for f in os.listdir(cache)):
        return {"skipped": "the VM lab is not prepared here (tests/vm/run-in-vm --prepare downloads its kernel)"}
    cmd = [rin, os.path.join(TOP, "bench", "vm-control.sh"), t.xdpload, t.progs, str(a.vm_reps)]
    print("vm control:", " ".join(cmd), flush=True)
    r = subprocess.run(cmd, capture_output=True, text=True, cwd=TOP, timeout=600)
    with open(os.path.join(raw_dir, "vm-control.txt"), "w") as f:
        f.write(r.stdout + r.stderr)
    if r.returncode:
        return {"skipped": f"run-in-vm failed ({r.returncode}): {(r.stderr.strip().splitlines() or ['?'])[-1][:200]}"}
    # "LABEL MICROSECONDS" lines; each repetition starts with the spawn line
    reps, cur = [], None
    for line in r.stdout.splitlines():
        label, _, us = line.rpartition(" ")
        if not label or not us.isdigit():
            continue
        if label == "spawn /bin/true":
            cur = {}
            reps.append(cur)
        if cur is not None:
            cur[label] = int(us) / 1000.0
    return {"reps": reps, "labels": list(reps[0]) if reps else [], "cmd": cmd}


def params(a):
    """What analysis and the report need to know of the options (all of them, for the record)."""
    return {k: getattr(a, k) for k in ("parts", "reps", "dur", "saturated", "rt_prio", "dp_reps", "dp_repeat",
                                       "ctl_reps", "vm_reps", "with_xdpload", "quick", "alt_secs",
                                       "alt_period")}


def new_results_dir():
    d = os.path.join(RESULTS, time.strftime("%Y%m%d-%H%M%S"))
    os.makedirs(d, exist_ok=True)
    for old in sorted(os.listdir(RESULTS))[:-KEEP_RUNS]:
        shutil.rmtree(os.path.join(RESULTS, old), ignore_errors=True)
    return d


def private_tools(raw_dir):
    """Copies of xdpload and the bundled programs: others rebuild build/ while a long run goes on."""
    os.makedirs(os.path.join(raw_dir, "bin", "progs"))
    shutil.copy2(os.path.join(BUILD, "xdpload"), os.path.join(raw_dir, "bin"))
    src = os.path.join(BUILD, "progs")
    for f in os.listdir(src):
        # the bundled objects only: progs/internal/ (the tracer) is built into xdpload
        if f.endswith(".o"):
            shutil.copy2(os.path.join(src, f), os.path.join(raw_dir, "bin", "progs"))
    return tools(os.path.join(raw_dir, "bin"))


def save(raw, path):
    tmp = path + ".tmp"
    with open(tmp, "w") as f:
        json.dump(raw, f, indent=None, separators=(",", ":"))
    os.replace(tmp, path)


def pps_progress(saturated):
    def show(r):
        d = analysis.pps_run(r, saturated)
        if "error" in d:
            print(f"  pps rep{d['rep']} {d['case']:15s} ERROR {d['error']}", flush=True)
            return
        f = lambda v, fmt: "-" if v is None else fmt.format(v)
        print(f"  pps rep{d['rep']} {d['case']:15s} rx {d['rx_pps'] / 1e6:6.3f} Mpps  gen "
              f"{d['gen_pps'] / 1e6:5.2f}  ring-full {d['ring_drop_pps'] / 1e6:5.2f}  napi "
              f"{d['napi_cpu']:3.0f}%  {f(d['rx_ns'], '{:.0f}')} ns/pkt  sat {d['sat_windows']}/{d['windows']} "
              f"{f(d['sat_pps'] and d['sat_pps'] / 1e6, '{:.3f}')} Mpps  leaked {d['leaked']}  "
              f"{'ok' if d['accepted'] else 'REJECTED'}", flush=True)
    return show


def run(a):
    """Measure the parts asked for; returns the raw data and where it was saved."""
    parts = set(a.parts.split(","))
    raw_dir = new_results_dir()
    path = os.path.join(raw_dir, "raw.json")
    os.sched_setaffinity(0, {pps.GEN_CPU})  # keep the orchestration off the receiver's CPU
    t = private_tools(raw_dir)
    raw = {"format": RAW_FORMAT, "top": TOP, "started": time.time(), "params": params(a), "machine": machine(),
           "lab": {"gen_cpu": pps.GEN_CPU, "rx_cpu": pps.RX_CPU, "filter_rules": pps.FILTER_RULES,
                   "cases": pps.CASES}}
    save(raw, path)  # after every part, so that an interrupted run keeps what it measured
    try:
        if "datapath" in parts:
            raw["datapath"] = run_datapath(t, a)
            raw["vm_datapath"] = vm_datapath()
            save(raw, path)
        if "pps" in parts:
            raw["components"] = run_components(t, a)
            save(raw, path)
            raw["pps"] = pps.run(t, a, raw_dir, pps_progress(a.saturated))
            save(raw, path)
            if a.with_xdpload and a.alt_secs > 0:
                raw["pps_alt"] = pps.alternate(t, a.alt_secs, a.alt_period, a.rt_prio)
                n = len(raw["pps_alt"]["windows"])
                print(f"  alternating chain and drop on one lab: {n} windows of {a.alt_period} s", flush=True)
                save(raw, path)
        if "control" in parts:
            raw["control"] = run_control(t, a)
        if "control" in parts or "vmcontrol" in parts:
            raw["vm_control"] = run_vm_control(t, a, raw_dir) if "vmcontrol" in parts else {"skipped": "not asked for"}
    finally:
        pps.teardown(t)
        raw["finished"] = time.time()
        save(raw, path)
    return raw, path

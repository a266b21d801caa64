# SPDX-License-Identifier: GPL-2.0-only
"""
The veth lab (two network namespaces, one veth pair) and the packet-rate
measurement on it: attach a contender, offer traffic, record the counters.
Only raw counters are kept here; bench/analysis.py turns them into rates.
Method: bench/README.md, part 2.
"""
import json
import os
import re
import shlex
import shutil
import subprocess
import threading
import time

GEN_CPU, RX_CPU = 0, 1
TAG = str(os.getpid())
NS_TX, NS_RX = "xbA" + TAG, "xbB" + TAG      # network namespaces
IF_TX, IF_RX = "xa" + TAG, "xb" + TAG        # veth ends; napi/<IF_RX>-N is the rx kthread
MAC_TX, MAC_RX = "02:00:00:00:0a:01", "02:00:00:00:0a:02"
IP_TX, IP_RX = "10.199.0.1", "10.199.0.2"
FILTER_RULES = 100  # 198.18.0.0/24 .. 198.18.99.0/24: never matches IP_TX -> IP_RX

CASES = {
    "xdpload_native": "xdpload linked chain count → filter (100 rules) → drop, native XDP",
    "xdpload_skb": "the same chain, skb (generic) XDP",
    "xdpload_drop_native": "xdpload linked chain of the drop program alone, native XDP",
    "drop_native": "single XDP drop program (bundled drop), native",
    "touch_native": "single XDP program that reads the chain's headers, then drops (native)",
    "drop_skb": "single XDP drop program (bundled drop), skb",
    "ipt_raw": "iptables -t raw -A PREROUTING -j DROP",
    "nft_ingress": "nftables netdev ingress chain: counter drop",
    "tc_drop": "tc clsact ingress, cls_bpf direct-action TC_ACT_SHOT",
}
PROFILED = ("drop_native", "xdpload_native", "ipt_raw", "xdpload_skb")


def sh(cmd, check=True, timeout=120):
    r = subprocess.run(cmd, shell=True, capture_output=True, text=True, timeout=timeout)
    if check and r.returncode:
        raise RuntimeError(f"failed ({r.returncode}): {cmd}\n{r.stdout}{r.stderr}")
    return r.stdout


def in_rx(cmd, check=True):
    return sh(f"ip netns exec {NS_RX} {cmd}", check)


def teardown(tools):
    # xdpload keeps state per interface (bpffs pins, /run/xdpload) that would
    # outlive the namespace: unload first, wherever a chain may be
    for ns, dev in ((NS_RX, IF_RX), (NS_TX, IF_TX)):
        if os.path.exists(f"/run/netns/{ns}"):
            sh(f"ip netns exec {ns} {tools.xdpload} unload {dev} --all", check=False)
    sh(f"ip netns del {NS_TX}", check=False)
    sh(f"ip netns del {NS_RX}", check=False)


def setup(tools):
    teardown(tools)
    sh(f"ip netns add {NS_TX} && ip netns add {NS_RX}")
    sh(f"ip link add {IF_TX} address {MAC_TX} netns {NS_TX} type veth "
       f"peer name {IF_RX} address {MAC_RX} netns {NS_RX}")
    for ns, dev, ip, peer_ip, peer_mac in ((NS_TX, IF_TX, IP_TX, IP_RX, MAC_RX),
                                           (NS_RX, IF_RX, IP_RX, IP_TX, MAC_TX)):
        sh(f"ip -n {ns} addr add {ip}/24 dev {dev} && ip -n {ns} link set lo up && "
           f"ip -n {ns} link set {dev} up && "
           f"ip -n {ns} neigh replace {peer_ip} lladdr {peer_mac} dev {dev} nud permanent")
    # GRO gives the receiving veth a NAPI instance: without one (and without an
    # XDP program) frames sent by ndo_xdp_xmit vanish without a trace.
    in_rx(f"ethtool -K {IF_RX} gro on")
    in_rx(f"sh -c 'echo 1 > /sys/class/net/{IF_RX}/threaded'")


def load_chain(tools, ns, dev, mode, extra=""):
    """The xdpload chain of the packet-rate test: count, filter with 100 rules, drop."""
    x = f"ip netns exec {ns} {tools.xdpload}"
    sh(f"{x} load --dispatcher linked {extra} -m {mode} {dev} count filter drop")
    script = "; ".join(f"{tools.xdpload} filter {dev} ip add 198.18.{i}.0/24 >/dev/null || exit 1"
                       for i in range(FILTER_RULES))
    sh(f"ip netns exec {ns} sh -c {shlex.quote(script)}")
    rules = json.loads(sh(f"{x} filter {dev} ip list --json"))["rules"]
    if len(rules) != FILTER_RULES:
        raise RuntimeError(f"the filter holds {len(rules)} rules, not {FILTER_RULES}")
    return json.loads(sh(f"{x} status {dev} --json"))[0]


def attach(tools, case):
    if case in ("xdpload_native", "xdpload_skb"):
        load_chain(tools, NS_RX, IF_RX, "native" if case.endswith("native") else "skb")
    elif case == "xdpload_drop_native":
        in_rx(f"{tools.xdpload} load --dispatcher linked -m native {IF_RX} drop")
    elif case in ("drop_native", "drop_skb"):
        mode = "native" if case.endswith("native") else "skb"
        sh(f"{tools.ppstool} xdp {NS_RX} {IF_RX} {mode} {tools.progs}/drop.o drop")
    elif case == "touch_native":
        sh(f"{tools.ppstool} xdp {NS_RX} {IF_RX} native {tools.bench_bpf}/touch.o touch_drop")
    elif case == "ipt_raw":
        in_rx("iptables -t raw -A PREROUTING -j DROP")
    elif case == "nft_ingress":
        chain = f'{{ type filter hook ingress device "{IF_RX}" priority -500; policy accept; }}'
        in_rx("nft add table netdev xbench")
        in_rx(f"nft add chain netdev xbench ing {shlex.quote(chain)}")
        in_rx("nft add rule netdev xbench ing counter drop")
    elif case == "tc_drop":
        sh(f"{tools.ppstool} tc {NS_RX} {IF_RX} {tools.bench_bpf}/tc_drop.o bench_tc_drop")
    else:
        raise ValueError(case)


def own_counter(tools, case):
    """The contender's own count of dropped packets, where it keeps one."""
    if case.startswith("xdpload"):
        # the dispatcher's counters: every component must have seen every frame
        st = json.loads(in_rx(f"{tools.xdpload} status {IF_RX} --json"))[0]["programs"]
        seen = [p["packets"]["XDP_PASS"] for p in st[:-1]] + [st[-1]["packets"]["XDP_DROP"]]
        if len(set(seen)) != 1:
            raise RuntimeError(f"chain counters disagree: passed ..., dropped = {seen}")
        return seen[-1]
    if case in ("drop_native", "touch_native"):
        for line in in_rx(f"ethtool -S {IF_RX}").splitlines():
            if "xdp_drops" in line:
                return int(line.split(":")[1])
    if case == "ipt_raw":
        for line in in_rx("iptables -t raw -L PREROUTING -v -x -n").splitlines():
            f = line.split()
            if len(f) > 2 and f[2] == "DROP":
                return int(f[0])
    if case == "nft_ingress":
        for it in json.loads(in_rx("nft -j list table netdev xbench"))["nftables"]:
            for e in it.get("rule", {}).get("expr", []):
                if "counter" in e:
                    return e["counter"]["packets"]
    return None


def napi_pid():
    prefix = f"napi/{IF_RX}-"[:15]
    for p in os.listdir("/proc"):
        if p.isdigit():
            try:
                if open(f"/proc/{p}/comm").read().startswith(prefix):
                    return int(p)
            except OSError:
                pass
    raise RuntimeError(f"no {prefix}* kthread: threaded NAPI is not active")


def sched_ns(pid):
    return int(open(f"/proc/{pid}/schedstat").read().split()[0])


def udp_seen():
    """Frames that got past every contender reach UDP (nothing listens on port 9)."""
    lines = [l.split() for l in in_rx("cat /proc/net/snmp").splitlines() if l.startswith("Udp:")]
    d = dict(zip(lines[0][1:], map(int, lines[1][1:])))
    return d["InDatagrams"] + d["NoPorts"] + d["InErrors"]


def counters(tools, case, pid):
    j = json.loads(sh(f"ip -n {NS_RX} -s -j link show dev {IF_RX}"))[0]["stats64"]["rx"]
    return {"rx": j["packets"], "ring_drop": j["dropped"], "own": own_counter(tools, case),
            "udp": udp_seen(), "napi_ns": sched_ns(pid)}


def gen_cmd(tools, secs):
    # niced up against the machine's other (CFS) work, which would make the offered load bursty
    return (f"nice -n -10 {tools.ppstool} gen {NS_TX} {IF_TX} {IP_TX} {IP_RX} {MAC_RX} {secs} {GEN_CPU} "
            f"{tools.bench_bpf}/gen.o")


class Sampler(threading.Thread):
    """Every 100 ms: the receiving veth's rx packets and ring drops, and the NAPI kthread's CPU time."""

    def __init__(self, napi):
        super().__init__(daemon=True)
        self.napi, self.samples, self.halt = napi, [], threading.Event()
        # a process inside the receiver's namespace shows its devices in /proc/PID/net/dev
        self.sleeper = subprocess.Popen(["ip", "netns", "exec", NS_RX, "sleep", "600"])
        time.sleep(0.1)

    def dev(self):
        for line in open(f"/proc/{self.sleeper.pid}/net/dev"):
            name, _, rest = line.partition(":")
            if name.strip() == IF_RX:
                f = rest.split()
                return int(f[1]), int(f[3])  # rx packets, rx drop
        raise RuntimeError(f"{IF_RX} not in /proc/{self.sleeper.pid}/net/dev")

    def run(self):
        while not self.halt.is_set():
            self.samples.append((time.monotonic(), *self.dev(), sched_ns(self.napi)))
            time.sleep(0.1)

    def stop(self):
        self.halt.set()
        self.join()
        self.sleeper.kill()
        self.sleeper.wait()
        return self.samples


def measure(tools, case, dur, rt_prio, profile=None):
    """One measurement of case in a fresh lab: the counters before and after, and the 100-ms samples."""
    setup(tools)
    smp = None
    try:
        attach(tools, case)
        pid = napi_pid()  # after attaching: native XDP may recreate the NAPI instance
        os.sched_setaffinity(pid, {RX_CPU})
        # Other work on the receiver's CPU (this machine is shared) would take
        # turns with the kthread; as a real-time thread it keeps the CPU (the
        # kernel still leaves 5 % of it to others).
        if rt_prio:
            os.sched_setscheduler(pid, os.SCHED_FIFO, os.sched_param(rt_prio))
        sh(gen_cmd(tools, 0.5))  # warm up
        smp = Sampler(pid)
        before = counters(tools, case, pid)
        smp.start()
        if profile:
            gen = subprocess.Popen(gen_cmd(tools, dur), shell=True, stdout=subprocess.PIPE, text=True)
            time.sleep(0.5)
            # the kthread only: its samples are the time that ns/pkt divides
            sh(f"perf record -q -t {pid} -o {profile} -- sleep {max(1.0, dur - 1.0)}")
            out = gen.communicate()[0]
        else:
            out = sh(gen_cmd(tools, dur))
        napi_end = sched_ns(pid)
        samples = smp.stop()
        smp = None
        time.sleep(0.05)  # let the ring drain
        after = counters(tools, case, pid)
        # the kthread's time while the generator sent, not while the ring drained
        after["napi_ns"] = napi_end
    finally:
        if smp:
            smp.stop()
        teardown(tools)
    g = dict(re.findall(r"(\w+)=(\S+)", out))
    return {"case": case, "secs": float(g["secs"]), "gen_pps": float(g["pps"]),
            "before": before, "after": after, "samples": samples}


def perf_symbols(data):
    """(percent, symbol) of every kernel symbol in a perf recording, from perf report."""
    out = sh(f"perf report -i {data} --no-children --sort symbol -q --stdio -g none 2>/dev/null")
    pairs = []
    for line in out.splitlines():
        m = re.match(r"\s*([\d.]+)%\s+\[[^\]]+\]\s+(\S+)", line)
        if m:
            pairs.append((float(m.group(1)), m.group(2)))
    return pairs


def alternate(tools, secs, period, rt_prio, settle=0.05):
    """
    The chain and the drop program in turns on one lab under one flood: the
    chain of xdpload_native and, pinned, the bundled drop (drop_native), each
    attached over the other (XDP_FLAGS_REPLACE semantics of bpftool's
    overwrite) every period seconds. Machine-wide drifts, which move separate
    labs' costs by a third, then hit both sides alike. Raw counters per window.
    """
    pin = f"/sys/fs/bpf/xbalt{TAG}"
    setup(tools)
    smp, gen, wins = None, None, []
    try:
        chain_id = load_chain(tools, NS_RX, IF_RX, "native")["dispatcher_id"]
        sh(f"bpftool prog load {tools.progs}/drop.o {pin} type xdp")
        drop_id = json.loads(sh(f"bpftool prog show pinned {pin} -j"))["id"]
        pid = napi_pid()
        os.sched_setaffinity(pid, {RX_CPU})
        if rt_prio:
            os.sched_setscheduler(pid, os.SCHED_FIFO, os.sched_param(rt_prio))
        sh(gen_cmd(tools, 0.5))  # warm up
        smp = Sampler(pid)  # its reader of the receiver's counters; not started
        gen = subprocess.Popen(gen_cmd(tools, secs + 1.0), shell=True, stdout=subprocess.PIPE, text=True)
        time.sleep(0.3)
        end, turn = time.monotonic() + secs, 0
        while time.monotonic() < end:
            case, prog = ("xdpload_native", chain_id) if turn % 2 == 0 else ("drop_native", drop_id)
            sh(f"ip netns exec {NS_RX} bpftool net attach xdpdrv id {prog} dev {IF_RX} overwrite")
            time.sleep(settle)
            r0, d0 = smp.dev()
            n0, t0 = sched_ns(pid), time.monotonic()
            time.sleep(period)
            r1, d1 = smp.dev()
            n1, t1 = sched_ns(pid), time.monotonic()
            wins.append({"case": case, "rx": r1 - r0, "ring_drop": d1 - d0, "napi_ns": n1 - n0, "secs": t1 - t0})
            turn += 1
        gen.communicate()
        gen = None
        # xdpload's own chain back, so that its unload finds what it attached
        sh(f"ip netns exec {NS_RX} bpftool net attach xdpdrv id {chain_id} dev {IF_RX} overwrite")
    finally:
        if gen:
            gen.kill()
            gen.wait()
        if smp:
            smp.sleeper.kill()
            smp.sleeper.wait()
        sh(f"rm -f {pin}", check=False)
        teardown(tools)
    return {"period": period, "secs": secs, "windows": wins}


def run(tools, a, raw_dir, progress):
    """All repetitions of all contenders (rotating order), then one profiled run of a few.
    progress(rec) is told of every measurement (the caller prints it)."""
    cases = [c for c in CASES if a.with_xdpload or not c.startswith("xdpload")]
    runs = []
    for rep in range(a.reps):
        for c in cases[rep % len(cases):] + cases[:rep % len(cases)]:
            try:
                r = measure(tools, c, a.dur, a.rt_prio)
            except Exception as e:  # a broken contender must not hide the others
                r = {"case": c, "error": str(e).strip().splitlines()[-1][:300]}
            r["rep"] = rep
            runs.append(r)
            progress(r)
    prof = {}
    if shutil.which("perf"):
        for c in (c for c in PROFILED if c in cases):
            data = os.path.join(raw_dir, f"perf-{c}.data")
            try:
                r = measure(tools, c, max(a.dur, 3.0), a.rt_prio, profile=data)
                r["rep"] = -1
                prof[c] = {"run": r, "symbols": perf_symbols(data)}
            except Exception as e:
                prof[c] = {"error": str(e).strip().splitlines()[-1][:200]}
            print(f"  profile {c}: {'error ' + prof[c]['error'] if 'error' in prof[c] else 'done'}", flush=True)
    return {"cases": cases, "reps": a.reps, "dur": a.dur, "runs": runs, "profile": prof}

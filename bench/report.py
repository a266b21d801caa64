# SPDX-License-Identifier: GPL-2.0-only
"""
RESULTS.md from analysis.analyse()'s result: the targets, the machine, how to
rerun, and tables of measured numbers. No explanations here: what each number
means and how it is measured is in bench/README.md, which the report points to.
"""
import os
import time

from analysis import summary

OPS = {"<=": "≤", "<": "<", ">=": "≥"}


def num(v, nd=None):
    """A number for a table: nd decimals, or as many as its size deserves; '-' for none."""
    if v is None:
        return "-"
    if isinstance(v, bool) or isinstance(v, int):
        return str(v)
    if nd is None:
        nd = 0 if abs(v) >= 100 else 1 if abs(v) >= 10 else 3
    s = f"{v:.{nd}f}"
    return s[1:] if s.startswith("-") and float(s) == 0 else s  # no "-0.0"


def med(s, nd=None):
    return num(s["median"], nd) if s else "-"


def spread(s, nd=None):
    """median (min–max) of a summary."""
    if not s:
        return "-"
    return f"{num(s['median'], nd)} ({num(s['min'], nd)}–{num(s['max'], nd)})"


def pct(s):
    """A summary of ratios as the percent they add."""
    if not s:
        return "-"
    return f"{num(100 * (s['median'] - 1), 1)} % ({num(100 * (s['min'] - 1), 0)}–{num(100 * (s['max'] - 1), 0)} %)"


def pairs(d):
    return "; ".join(f"{k} {num(v) if not isinstance(v, str) else v}" for k, v in d.items())


def rel(path, top):
    """A path under the tree's top relative to it, any other as it is."""
    return os.path.relpath(path, top) if path.startswith(top.rstrip("/") + "/") else path


def when(t):
    return time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime(t))


def table(w, head, rows):
    w("| " + " | ".join(head) + " |")
    w("|" + "---|" * len(head))
    for r in rows:
        w("| " + " | ".join(r) + " |")
    w("")


def targets(w, ts):
    w("## Targets\n")
    rows = []
    for t in ts:
        verdict = f"**{t['status']}**" + (", marginal" if t["marginal"] else "")
        goal = f"{OPS[t['op']]} {t['target']:g}{t['unit']}"
        if t["value"] is None:
            measured = t["basis"]
        else:
            measured = f"{num(t['value'])}{t['unit']} ({t['basis']}; target {goal})"
            if t["numbers"]:
                measured += "; " + pairs(t["numbers"])
        rows.append([t["name"], verdict, measured, pairs(t["why"])])
    table(w, ["target", "verdict", "measured", "numbers behind it, when not met"], rows)


def machine(w, m):
    w("## Machine\n")
    w(f"- CPU: {m['cpu']}, {m['ncpu']} CPUs")
    w(f"- kernel: {m['kernel']} ({m['kernel_version']})")
    w(f"- libbpf {m['libbpf']}, libxdp {m['libxdp']}, clang {m['clang']}, {m['iptables']}, {m['nft']}")
    hit = {k: v for k, v in m["vulns"].items() if v != "Not affected"}
    w(f"- /sys/devices/system/cpu/vulnerabilities: {len(m['vulns']) - len(hit)} \"Not affected\"" +
      ("; the others:" if hit else ""))
    for k, v in hit.items():
        w(f"  - {k}: {v}")
    w("")


def rerun(w, res, raw_path, top):
    w("## Rerun\n")
    w("```")
    w("make bench                        # as root: every part, writes this file")
    w("bench/run --parts datapath        # parts: datapath, pps, control, vmcontrol")
    w(f"bench/run --report-only {rel(raw_path, top)}   # this report again, from its raw data")
    dp = res["datapath"]
    if dp:
        # the run used private copies of xdpload and the programs; rerun with the build's
        cmd = ["build/progs" if c.endswith("/bin/progs") else rel(c, res["top"]) for c in dp["cmd"]]
        w(" ".join(cmd) + "   # data path alone, JSON lines")
    w("```\n")


def datapath(w, dp, vm):
    w("## Data path: ns per packet through BPF_PROG_TEST_RUN\n")
    w(f"{dp['reps']} repetitions of {dp['repeat']} runs per call; median (min–max) over repetitions; ratios "
      f"within a repetition. Bundled `drop` alone: {spread(dp['drop'], 1)} ns. Kernel's figure vs ours, "
      f"median difference: {num(dp['kernel_diff'], 2)} ns.\n")
    rows = []
    for r in dp["table"]:
        rows.append([str(r["n"]), spread(r["linked"], 1), spread(r["linked+cnt"], 1), spread(r["hand"], 1),
                     spread(summary(r["linked/hand"]), 3), pct(summary(r["cnt/linked"])),
                     spread(summary(r["linked/hand above drop"]), 2), pct(summary(r["cnt/linked above drop"]))])
    table(w, ["N", "linked ns", "linked+counters ns", "hand-written ns", "linked / hand", "counters add",
              "linked / hand, above drop", "counters add, above drop"], rows)
    if any(r.get("single") for r in dp["table"]):
        w("Inlined (linked, as xdpload builds chains) against called (`--no-inline`), the hand-written "
          "program making the same calls (hand) and the hand-written single program doing the same work "
          "without calls (single); ratios per repetition.\n")
        rows = []
        for r in dp["table"]:
            rows.append([str(r["n"]), spread(r["linked"], 1), spread(r["linked+cnt"], 1), spread(r.get("called"), 1),
                         spread(r.get("called+cnt"), 1), spread(r.get("single"), 1),
                         spread(summary(r.get("linked/single", [])), 3), spread(summary(r.get("linked/drop", [])), 3),
                         spread(summary(r.get("linked+cnt/drop", [])), 3), spread(summary(r.get("called/drop", [])), 3),
                         spread(summary(r.get("cnt ns per comp", [])), 2)])
        table(w, ["N", "inlined ns", "inlined+counters ns", "called ns", "called+counters ns", "single ns",
                  "inlined / single", "inlined / drop", "inlined+counters / drop", "called / drop",
                  "counters ns per component"], rows)
    table(w, ["raw chain of 10", "ns"],
          [["raw-taken", spread(dp["raw"]["raw-taken"], 1)],
           ["raw-fallthrough", spread(dp["raw"]["raw-fallthrough"], 1)],
           ["raw-taken / raw-fallthrough, per rep", spread(dp["layout"], 3)]])
    w("### libxdp dispatcher vs linked (VM lab)\n")
    if vm:
        w(f"`{vm['line']}` (build/vm-results/last/datapath.txt, {when(vm['when'])})\n")
    else:
        w("No build/vm-results/last/datapath.txt (`make check-vm` writes it).\n")


def components(w, comp):
    w("## Chain breakdown: test runs of the programs xdpload attached\n")
    w(f"{comp['reps']} repetitions; \"over drop\": minus the drop program in the same repetition.\n")
    table(w, ["program", "ns per packet", "over drop, ns"],
          [[r["label"], spread(r["ns"], 1), spread(r["over_drop"], 1)] for r in comp["rows"]])


def packet_rate(w, p, params, lab):
    w("## Packets per second dropped on a veth pair\n")
    w(f"{p['reps']} repetitions × {p['dur']:g} s; generator on CPU{lab['gen_cpu']}, receiving NAPI kthread on "
      f"CPU{lab['rx_cpu']}" + (f" as SCHED_FIFO {params['rt_prio']}" if params["rt_prio"] else "") +
      f"; receiver-bound: ring full and kthread ≥ {params['saturated']:g} % busy. Median (min–max).\n")
    rows = []
    for r in p["table"]:
        c = r["case"]
        rows.append([f"{c}: {lab['cases'].get(c, '')}", f"{r['accepted']} / {r['valid']} / {r['runs']}",
                     spread(r["sat_mpps"], 2), spread(r["rx_mpps"], 2), spread(r["rx_ns"], 0),
                     num(r["capacity_mpps"], 2), ("≥ " if r["x_base_lower"] else "") + spread(r["x_base"], 2),
                     num(r["gen_mpps"], 2), num(r["ring_mpps"], 2), num(r["napi_cpu"], 0)])
        for e in r["errors"][:1]:
            rows.append([f"↳ {c} failed: {e[:160]}"] + [""] * 9)
    table(w, ["contender", "accepted / valid / runs", "Mpps receiver-bound", "Mpps whole run",
              "receiver ns/pkt", "capacity Mpps", "× iptables raw, per rep", "offered Mpps", "ring-full Mpps",
              "NAPI CPU %"], rows)
    if p["invalid"]:
        w("Invalid (frames reached UDP): " + "; ".join(f"{c} rep {rep}: {n}" for c, rep, n in p["invalid"]) + ".\n")
    if p["own_dev"] is not None:
        w(f"Contenders' own drop counters vs the receiver's frame count: within {num(100 * p['own_dev'], 2)} %.\n")
    prof = {c: v for c, v in p["profile"].items() if "groups" in v}
    for c, v in p["profile"].items():
        if "error" in v:
            w(f"perf of {c} failed: {v['error']}\n")
    if prof:
        w("### perf on the receiving NAPI kthread: % of samples, and ns/pkt\n")
        cs = list(prof)
        rows = [[g] + [x for c in cs for x in (num(prof[c]["groups"][g], 1),
                                                num(prof[c]["groups"][g] * prof[c]["rx_ns"] / 100, 0))]
                for g in prof[cs[0]]["groups"]]
        rows.append(["total"] + [x for c in cs for x in ("100", num(prof[c]["rx_ns"], 0))])
        table(w, ["symbols"] + [f"{c} {u}" for c in cs for u in ("%", "ns/pkt")], rows)


def control(w, ctl, vm):
    if ctl:
        w("## Control path: ms per xdpload command on the host (linked, native, a veth)\n")
        w(f"{ctl['reps']} repetitions.\n")
        table(w, ["operation", "median ms", "min–max ms"],
              [[r["op"], med(r["ms"], 2), f"{num(r['ms']['min'], 2)}–{num(r['ms']['max'], 2)}"] for r in ctl["rows"]])
    if vm:
        w("### Control path in the VM lab: xdp-loader vs xdpload\n")
        if "skipped" in vm:
            w(f"Not measured: {vm['skipped']}.\n")
        else:
            w(f"{vm['reps']} repetitions under QEMU software emulation.\n")
            table(w, ["operation", "ms", "/ xdp-loader, per rep"],
                  [[r["op"], spread(r["ms"], 1), spread(r["x_xdp_loader"], 2)] for r in vm["rows"]])


def alternating(w, alt):
    w("### The chain and a single drop in turns, on one lab\n")
    w(f"The same flood; every {alt['period']:g} s the other program is attached over the one running "
      f"({alt['secs']:g} s, {alt['windows']} windows). Each chain window against the mean of the drop windows "
      "on either side. Median (min–max).\n")
    table(w, ["", "receiver ns/pkt", "NAPI CPU %"],
          [["xdpload_native (chain)", spread(alt["chain_ns"], 0), med(alt["chain_cpu"], 0)],
           ["drop_native", spread(alt["drop_ns"], 0), med(alt["drop_cpu"], 0)],
           ["chain / drop, adjacent windows", spread(alt["ratio"], 3), ""]])


def render(res, raw_path, top):
    """The whole of RESULTS.md as one string."""
    L = []
    w = L.append
    m = res["machine"]
    w("# xdpload benchmark results\n")
    took = f", took {res['finished'] - res['started']:.0f} s" if res.get("finished") else ""
    w(f"`make bench` on {when(res['started'])}, tree at `{m['commit']}`"
      f"{' with uncommitted changes' if m['dirty'] else ''}{took}"
      f"{'; --quick: a smoke test, not a result' if res['params'].get('quick') else ''}. "
      f"Raw data: `{rel(raw_path, top)}`. What the numbers mean: bench/README.md.\n")
    targets(w, res["targets"])
    machine(w, m)
    rerun(w, res, raw_path, top)
    if res["datapath"]:
        datapath(w, res["datapath"], res["vm_datapath"])
    if res["components"]:
        components(w, res["components"])
    if res["pps"]:
        packet_rate(w, res["pps"], res["params"], res["lab"])
    if res.get("pps_alt"):
        alternating(w, res["pps_alt"])
    control(w, res["control"], res["vm_control"])
    return "\n".join(L).rstrip("\n") + "\n"

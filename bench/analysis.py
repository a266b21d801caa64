# SPDX-License-Identifier: GPL-2.0-only
"""
From the raw data of a run (bench/measure.py writes it, raw.json) to numbers
and verdicts: medians, spreads, per-repetition ratios, the targets and the
numbers behind a verdict. Pure functions: no I/O, no clock, no kernel, so that
tests/bench can check them and bench/report.py can render any saved run.
What the numbers mean is in bench/README.md.
"""
import statistics

BASE = "ipt_raw"  # the packet-rate contender the pps ratios are taken against

# Thresholds from the project's goals (DESIGN.md §6); op: how a value meets it.
TARGETS = (
    ("linked_vs_hand", "Linked dispatcher ≤ 1.1× the hand-written program making the same calls",
     "<=", 1.1, "×"),
    ("counters", "Per-component counters add ≤ 15 %", "<=", 1.15, "×"),
    ("chain10_vs_drop", "Chain of 10 (pass ×9, drop) ≤ 1.3× drop alone, without counters", "<=", 1.3, "×"),
    ("chain10_cnt_vs_drop", "Chain of 10 (pass ×9, drop) ≤ 1.6× drop alone, with counters", "<=", 1.6, "×"),
    ("inlined_vs_single", "Inlined chain ≤ 1.1× the hand-written single program doing the same work",
     "<=", 1.1, "×"),
    ("counters_per_comp", "Counters cost ≤ about 1 ns per inlined component", "<=", 1.0, " ns"),
    ("native_vs_iptables", "Native xdpload chain ≥ 3× the pps of iptables raw DROP", ">=", 3.0, "×"),
    ("native_vs_drop", "Native xdpload chain ≤ 1.3× a single native drop program's cost per packet",
     "<=", 1.3, "×"),
    ("skb_vs_iptables", "skb-mode xdpload chain not slower than iptables raw DROP", ">=", 1.0, "×"),
    ("load10", "One command building a chain of 10 programs < 50 ms on the host", "<", 50.0, " ms"),
)
LOAD10_SHARE = 0.9  # and at least this share of the runs under the limit: one lucky median is not enough

# perf symbol groups, first match wins; anything else is "other"
FRAME_RETURN = "returning the generator's frames (page_pool, its locks)"
PROFILE_GROUPS = (
    ("xdpload dispatcher", lambda f: f.endswith("_xdpl_dispatch")),
    ("the XDP programs (components, drop)", lambda f: f.startswith("bpf_prog_")),
    ("BPF map helpers (trie, hash)", lambda f: f.startswith(("trie_", "htab_", "percpu_array", "array_map"))),
    (FRAME_RETURN, lambda f: (
        "page_pool" in f or "spin" in f or f in ("__xdp_return", "xdp_return_frame", "__free_frozen_pages",
                                                   "free_frozen_page_commit", "page_pool_return_netmem"))),
    ("veth receive", lambda f: f.startswith("veth_")),
)
BPF_GROUPS = ("xdpload dispatcher", "the XDP programs (components, drop)", "BPF map helpers (trie, hash)")


# ------------------------------------------------------------- statistics ---
def median(v):
    return statistics.median(v) if v else None


def summary(v):
    """Median, min, max and count of the values that exist, or None."""
    v = [x for x in v if x is not None]
    if not v:
        return None
    return {"median": statistics.median(v), "min": min(v), "max": max(v), "n": len(v)}


def meets(x, op, target):
    return {"<=": x <= target, "<": x < target, ">=": x >= target}[op]


def straddles(values, op, target):
    """Some repetitions meet the target and some do not: the verdict could go either way."""
    hits = [meets(x, op, target) for x in values]
    return any(hits) and not all(hits)


def judge(value, op, target, reps=None):
    """Verdict on a judged value (usually a median); marginal when reps, given, straddle the target."""
    if value is None:
        return {"status": "not measured", "marginal": False}
    return {"status": "met" if meets(value, op, target) else "not met",
            "marginal": bool(reps) and straddles(reps, op, target)}


def at_least(exact, bounded, target):
    """
    A pps ratio target "≥ target". exact: the ratios of repetitions where both
    sides were receiver-bound, which decide when there are any; else bounded,
    where the numerator's rate may be only a lower bound: a median at or above
    the target still proves it, below it settles nothing.
    """
    if exact:
        return "met" if median(exact) >= target else "not met"
    if bounded and median(bounded) >= target:
        return "met"
    return "not determined"


# --------------------------------------------------------------- data path ---
def by_rep(rows, key):
    """{key(row): {rep: ns}} over the measured repetitions (dpbench's warm-up call is rep -1)."""
    ns = {}
    for r in rows:
        if r["rep"] >= 0:
            ns.setdefault(key(r), {})[r["rep"]] = r["ns"]
    return ns


def rep_ratios(ns, num, den, minus=None):
    """num/den within each repetition both have; with minus, (num - minus) / (den - minus)."""
    reps = set(ns.get(num, {})) & set(ns.get(den, {}))
    if minus:
        reps &= set(ns.get(minus, {}))
    out = []
    for rep in sorted(reps):
        x, y = ns[num][rep], ns[den][rep]
        if minus:
            x, y = x - ns[minus][rep], y - ns[minus][rep]
        if y > 0:
            out.append(x / y)
    return out


def datapath(raw):
    rows = raw["rows"]
    ns = by_rep(rows, lambda r: (r["variant"], r["n"]))
    measured = [r for r in rows if r["rep"] >= 0]
    res = {"cmd": raw["cmd"], "repeat": raw.get("repeat"), "reps": len({r["rep"] for r in measured}),
           "drop": summary(list(ns.get(("drop", 1), {}).values())),
           # the kernel's own figure is whole ns only: how far it is from ours
           "kernel_diff": median([abs(r["ns"] - r["kernel_ns"]) for r in measured if "kernel_ns" in r]),
           "raw": {k: summary(list(ns.get((k, 10), {}).values())) for k in ("raw-taken", "raw-fallthrough")},
           "layout": summary(rep_ratios(ns, ("raw-taken", 10), ("raw-fallthrough", 10))),
           "table": []}
    drop = ("drop", 1)
    for n in sorted({n for v, n in ns if v == "linked"}):
        row = {"n": n}
        for v in ("linked", "linked+cnt", "hand", "called", "called+cnt", "single"):
            row[v] = summary(list(ns.get((v, n), {}).values()))
        # the inlining dispatcher (linked) against its floor, and both layouts against drop alone
        row["linked/single"] = rep_ratios(ns, ("linked", n), ("single", n))
        row["called/hand"] = rep_ratios(ns, ("called", n), ("hand", n))
        row["linked/drop"] = rep_ratios(ns, ("linked", n), drop)
        row["linked+cnt/drop"] = rep_ratios(ns, ("linked+cnt", n), drop)
        row["called/drop"] = rep_ratios(ns, ("called", n), drop)
        reps = set(ns.get(("linked+cnt", n), {})) & set(ns.get(("linked", n), {}))
        row["cnt ns per comp"] = [(ns[("linked+cnt", n)][r] - ns[("linked", n)][r]) / n for r in sorted(reps)]
        row["linked/hand"] = rep_ratios(ns, ("linked", n), ("hand", n))
        row["cnt/linked"] = rep_ratios(ns, ("linked+cnt", n), ("linked", n))
        row["linked/hand above drop"] = rep_ratios(ns, ("linked", n), ("hand", n), drop)
        row["cnt/linked above drop"] = rep_ratios(ns, ("linked+cnt", n), ("linked", n), drop)
        res["table"].append(row)
    return res


def components(raw):
    """Each program's ns per packet, and over the drop program in the same repetition."""
    ns = by_rep(raw["rows"], lambda r: r["variant"])
    drop = ns.get("drop", {})
    rows = []
    for label in raw["labels"]:
        v = ns.get(label, {})
        rows.append({"label": label, "ns": summary(list(v.values())),
                     "over_drop": summary([v[r] - drop[r] for r in sorted(v) if r in drop])})
    return {"reps": len(drop), "rows": rows}


# ------------------------------------------------------------- packet rate ---
def windows(samples):
    """Per sampling window with traffic: (seconds, frames taken, ring drops, kthread ns)."""
    w = []
    for (t0, r0, d0, n0), (t1, r1, d1, n1) in zip(samples, samples[1:]):
        if r1 > r0:
            w.append((t1 - t0, r1 - r0, d1 - d0, n1 - n0))
    return w


def pps_run(r, saturated):
    """
    One packet-rate measurement from its counters. saturated: the NAPI kthread
    CPU % above which a window whose ring overflowed counts as receiver-bound.
    """
    if "error" in r:
        return {"case": r["case"], "rep": r["rep"], "error": r["error"], "valid": False, "accepted": False}
    b, a, secs = r["before"], r["after"], r["secs"]
    rx = a["rx"] - b["rx"]
    napi = a["napi_ns"] - b["napi_ns"]
    win = windows(r["samples"])
    sat = [x for x in win if x[2] > 0 and x[3] / 1e9 >= x[0] * saturated / 100]
    st, sr, sn = sum(x[0] for x in sat), sum(x[1] for x in sat), sum(x[3] for x in sat)
    d = {
        "case": r["case"], "rep": r["rep"], "secs": secs, "gen_pps": r["gen_pps"],
        "rx_pps": rx / secs, "ring_drop_pps": (a["ring_drop"] - b["ring_drop"]) / secs,
        "napi_cpu": 100.0 * napi / 1e9 / secs,
        "rx_ns": napi / rx if rx else None,
        "own_pps": (a["own"] - b["own"]) / secs if a.get("own") is not None and b.get("own") is not None else None,
        "leaked": a["udp"] - b["udp"],
        "windows": len(win), "sat_windows": len(sat),
        "sat_pps": sr / st if st else None, "sat_ns": sn / sr if sr else None,
    }
    d["valid"] = d["leaked"] == 0
    # a rate only when the receiver was the bottleneck for a fifth of the run (and 3 windows)
    d["accepted"] = bool(d["valid"] and len(sat) >= max(3, len(win) / 5))
    d["pps"] = d["sat_pps"] if d["accepted"] else d["rx_pps"]
    return d


def pps_ratio(runs, num, den, key, exact_only=False):
    """
    Ratios num/den of key within each repetition. Rates (pps) need an
    accepted den; an unaccepted num's rate is a lower bound, and so is the
    ratio. Costs (rx_ns) need both valid. exact_only: both accepted.
    Returns (ratios, how many of them are lower bounds).
    """
    if num not in runs or den not in runs:
        return [], 0
    dens = {y["rep"]: y for y in runs[den]}
    out, lower = [], 0
    for x in runs[num]:
        y = dens.get(x["rep"])
        if not (y and x.get("valid") and y.get("valid") and x.get(key) and y.get(key)):
            continue
        if exact_only and not (x["accepted"] and y["accepted"]):
            continue
        if key == "pps" and not exact_only:
            if not y["accepted"]:
                continue
            lower += not x["accepted"]
        out.append(x[key] / y[key])
    return out, lower


def profile_groups(symbols):
    """Share (%) of the kthread's perf samples per symbol group, from (percent, symbol) pairs."""
    groups = {g: 0.0 for g, _ in PROFILE_GROUPS}
    groups["other"] = 0.0
    for pct, sym in symbols:
        groups[next((g for g, pred in PROFILE_GROUPS if pred(sym)), "other")] += pct
    return groups


def group_ns(prof, groups):
    """ns/pkt of the given groups in one profiled run: their share of its receiver ns/pkt."""
    return sum(prof["groups"][g] for g in groups) * prof["rx_ns"] / 100


def pps(raw, saturated):
    runs = {c: [pps_run(r, saturated) for r in raw["runs"] if r["case"] == c] for c in raw["cases"]}
    table = []
    for c in raw["cases"]:
        ok = [r for r in runs[c] if r["valid"]]
        nsp = [r["rx_ns"] for r in ok if r["rx_ns"]]
        rat, low = pps_ratio(runs, c, BASE, "pps")
        table.append({
            "case": c, "runs": len(runs[c]), "valid": len(ok), "accepted": sum(r["accepted"] for r in ok),
            "sat_mpps": summary([r["sat_pps"] / 1e6 for r in ok if r["accepted"]]),
            "rx_mpps": summary([r["rx_pps"] / 1e6 for r in ok]),
            "rx_ns": summary(nsp),
            "capacity_mpps": 1000 / median(nsp) if nsp else None,
            "x_base": summary(rat), "x_base_lower": low,
            "gen_mpps": median([r["gen_pps"] / 1e6 for r in ok]),
            "ring_mpps": median([r["ring_drop_pps"] / 1e6 for r in ok]),
            "napi_cpu": median([r["napi_cpu"] for r in ok]),
            "errors": [r["error"] for r in runs[c] if "error" in r],
        })
    own = [r for c in runs for r in runs[c] if r["valid"] and r.get("own_pps") is not None and r["rx_pps"]]
    profile = {}
    for c, p in raw.get("profile", {}).items():
        if "error" in p:
            profile[c] = {"error": p["error"]}
        else:
            profile[c] = {"rx_ns": pps_run(p["run"], saturated)["rx_ns"], "groups": profile_groups(p["symbols"])}
    return {"cases": list(raw["cases"]), "reps": raw["reps"], "dur": raw["dur"], "runs": runs,
            "table": table, "profile": profile,
            "invalid": [(r["case"], r["rep"], r["leaked"]) for c in runs for r in runs[c]
                        if "error" not in r and not r["valid"]],
            # the contenders' own drop counts against the receiver's frame count
            "own_dev": max((abs(r["own_pps"] / r["rx_pps"] - 1) for r in own), default=None)}


# ------------------------------------------------------------ control path ---
def control(raw):
    return {"reps": raw["reps"], "rows": [{"op": k, "ms": summary(v)} for k, v in raw["times"].items()]}


def vm_control(raw):
    if "skipped" in raw or not raw.get("reps"):
        return {"skipped": raw.get("skipped", "no output")}
    rows = []
    for k in raw["labels"]:
        ratios = []
        if ": " in k and not k.startswith("xdp-loader"):
            base = "xdp-loader: " + k.split(": ", 1)[1]
            ratios = [r[k] / r[base] for r in raw["reps"] if k in r and r.get(base)]
        rows.append({"op": k, "ms": summary([r[k] for r in raw["reps"] if k in r]),
                     "x_xdp_loader": summary(ratios)})
    return {"reps": len(raw["reps"]), "rows": rows, "cmd": raw.get("cmd")}


# ---------------------------------------------------------------- targets ---
def target(tid, value, basis="", reps=None, status=None, numbers=None, why=None):
    """A target's verdict; status overrides judge() where a target has its own rule."""
    _, name, op, limit, unit = next(t for t in TARGETS if t[0] == tid)
    v = judge(value, op, limit, reps)
    if status:
        v["status"] = status
    return {"id": tid, "name": name, "op": op, "target": limit, "unit": unit, "value": value, "basis": basis,
            "numbers": numbers or {}, "why": (why or {}) if v["status"] != "met" else {}, **v}


def not_measured(tid, basis):
    return target(tid, None, basis)


def dp_targets(dp):
    t = []
    worst = max(dp["table"], key=lambda r: median(r["linked/hand"]))
    lh, hd, n = worst["linked"]["median"], worst["hand"]["median"], worst["n"]
    t.append(target("linked_vs_hand", median(worst["linked/hand"]), f"worst median, at N={n}",
                    numbers={f"N={r['n']}": median(r["linked/hand"]) for r in dp["table"]},
                    why={"N": n, "linked ns": lh, "hand-written ns": hd, "ns per component over hand": (lh - hd) / n}))
    worst = max(dp["table"], key=lambda r: median(r["cnt/linked"]))
    d, n = worst["linked+cnt"]["median"] - worst["linked"]["median"], worst["n"]
    t.append(target("counters", median(worst["cnt/linked"]), f"worst median, at N={n}",
                    numbers={f"N={r['n']}": median(r["cnt/linked"]) for r in dp["table"]},
                    why={"N": n, "counters ns per packet": d, "ns per component": d / n}))
    t += inline_targets(dp)
    return t


def inline_targets(dp):
    """The inlining dispatcher's targets (issue 15); not measured by a run without its variants."""
    t = []
    ten = next((r for r in dp["table"] if r["n"] == 10), None)
    for tid, key, v in (("chain10_vs_drop", "linked/drop", "linked"),
                        ("chain10_cnt_vs_drop", "linked+cnt/drop", "linked+cnt")):
        if not ten or not ten.get(key):
            t.append(not_measured(tid, "no chain of 10 in this run"))
            continue
        t.append(target(tid, median(ten[key]), "median per-rep ratio at N=10", reps=ten[key],
                        why={f"{v} ns": ten[v]["median"], "drop ns": dp["drop"]["median"],
                             "called ns": (ten.get("called") or {}).get("median")}))
    rows = [r for r in dp["table"] if r.get("linked/single")]
    if rows:
        worst = max(rows, key=lambda r: median(r["linked/single"]))
        t.append(target("inlined_vs_single", median(worst["linked/single"]), f"worst median, at N={worst['n']}",
                        reps=worst["linked/single"], numbers={f"N={r['n']}": median(r["linked/single"]) for r in rows},
                        why={"N": worst["n"], "linked ns": worst["linked"]["median"],
                             "single ns": worst["single"]["median"]}))
    else:
        t.append(not_measured("inlined_vs_single", "no single-program variant in this run"))
    rows = [r for r in dp["table"] if r.get("cnt ns per comp") and r["n"] > 1]
    if rows:
        worst = max(rows, key=lambda r: median(r["cnt ns per comp"]))
        t.append(target("counters_per_comp", median(worst["cnt ns per comp"]), f"worst median, at N={worst['n']}",
                        reps=worst["cnt ns per comp"], numbers={f"N={r['n']}": median(r["cnt ns per comp"]) for r in rows}))
    else:
        t.append(not_measured("counters_per_comp", "no chain longer than 1 in this run"))
    return t


def cost_numbers(p, case, ratios, other):
    """Both sides' receiver ns/pkt (medians) and the range of the per-repetition ratios."""
    runs = p["runs"].get(case, [])
    if not any(r["valid"] for r in runs):
        errs = [r["error"] for r in runs if "error" in r]
        return {"error": errs[0]} if errs else {"valid runs of " + case: 0}
    cost = lambda c: median([r["rx_ns"] for r in p["runs"].get(c, []) if r["valid"] and r["rx_ns"]])
    why = {f"{case} receiver ns/pkt": cost(case), f"{other} receiver ns/pkt": cost(other)}
    if ratios:
        why.update({"ratio min": min(ratios), "ratio max": max(ratios)})
    return why


def pps_why(p, case, ratios, other=BASE):
    """The numbers behind a pps verdict: receiver costs and, when profiled, the frame returns."""
    why = cost_numbers(p, case, ratios, other)
    pc, po = p["profile"].get(case, {}), p["profile"].get(other, {})
    if "groups" in pc and "groups" in po:
        fc, fo = group_ns(pc, (FRAME_RETURN,)), group_ns(po, (FRAME_RETURN,))
        why.update({f"perf: {case} frame returns ns/pkt": fc, f"perf: {case} ns/pkt": pc["rx_ns"],
                    f"perf: {other} frame returns ns/pkt": fo, f"perf: {other} ns/pkt": po["rx_ns"],
                    "cost ratio without frame returns": (po["rx_ns"] - fo) / (pc["rx_ns"] - fc)})
    return why


def cost_why(p, comp, ratios):
    """The numbers behind the chain's cost over the drop program: perf groups and the test runs."""
    why = cost_numbers(p, "xdpload_native", ratios, "drop_native")
    pc, pd = p["profile"].get("xdpload_native", {}), p["profile"].get("drop_native", {})
    if "groups" in pc and "groups" in pd:
        why.update({"perf: chain BPF ns/pkt": group_ns(pc, BPF_GROUPS),
                    "perf: drop BPF ns/pkt": group_ns(pd, BPF_GROUPS),
                    "perf: chain frame returns ns/pkt": group_ns(pc, (FRAME_RETURN,)),
                    "perf: drop frame returns ns/pkt": group_ns(pd, (FRAME_RETURN,)),
                    "perf: frame returns % of drop's cost": pd["groups"][FRAME_RETURN]})
    if comp:
        o = {r["label"]: r["over_drop"]["median"] for r in comp["rows"] if r["over_drop"]}
        if all(k in o for k in ("chain", "filter", "count", "chain, no counters")):
            why.update({"test run: chain over drop ns": o["chain"], "test run: filter ns": o["filter"],
                        "test run: count ns": o["count"],
                        "test run: dispatcher (rest) ns": o["chain"] - o["filter"] - o["count"],
                        "test run: counters ns": o["chain"] - o["chain, no counters"]})
    one = pps_ratio(p["runs"], "xdpload_drop_native", "drop_native", "rx_ns")[0]
    if one:
        why["dispatcher around drop alone / drop, cost"] = median(one)
    # the packet's first read on the receiving CPU, which drop never pays
    touch = pps_ratio(p["runs"], "touch_native", "drop_native", "rx_ns")[0]
    if touch:
        why["reading the headers alone / drop, cost"] = median(touch)
        above = pps_ratio(p["runs"], "xdpload_native", "touch_native", "rx_ns")[0]
        if above:
            why["chain / reading the headers alone, cost"] = median(above)
    return why


def alternating(alt):
    """
    The chain and drop in turns on one lab (pps.alternate): ns/pkt per window,
    and for each chain window its cost over the mean of the drop windows on
    either side, so that a drift of the machine between windows cancels.
    """
    wins = [dict(w, ns=w["napi_ns"] / w["rx"]) for w in alt["windows"] if w["rx"] > 0]
    ratios = []
    for i in range(1, len(wins) - 1):
        a, w, b = wins[i - 1], wins[i], wins[i + 1]
        if w["case"] == "xdpload_native" and a["case"] == b["case"] == "drop_native":
            ratios.append(w["ns"] / ((a["ns"] + b["ns"]) / 2))
    side = lambda c: summary([w["ns"] for w in wins if w["case"] == c])
    cpu = lambda c: summary([100.0 * w["napi_ns"] / 1e9 / w["secs"] for w in wins if w["case"] == c])
    return {"period": alt["period"], "secs": alt["secs"], "windows": len(wins), "ratios": ratios,
            "ratio": summary(ratios), "chain_ns": side("xdpload_native"), "drop_ns": side("drop_native"),
            "chain_cpu": cpu("xdpload_native"), "drop_cpu": cpu("drop_native")}


def pps_targets(p, comp, alt=None):
    if "xdpload_native" not in p["runs"]:
        return [not_measured(t, "left out (--no-xdpload)")
                for t in ("native_vs_iptables", "native_vs_drop", "skb_vs_iptables")]
    t = []
    for tid, case, limit in (("native_vs_iptables", "xdpload_native", 3.0), ("skb_vs_iptables", "xdpload_skb", 1.0)):
        exact = pps_ratio(p["runs"], case, BASE, "pps", exact_only=True)[0]
        bounded, lower = pps_ratio(p["runs"], case, BASE, "pps")
        by_cost = pps_ratio(p["runs"], BASE, case, "rx_ns")[0]  # iptables' cost / the chain's
        basis = "median pps ratio, both receiver-bound" if exact else "median of lower bounds"
        t.append(target(tid, median(exact) if exact else median(bounded), basis, reps=bounded,
                        status=at_least(exact, bounded, limit),
                        numbers={"reps both receiver-bound": len(exact), "reps": len(bounded),
                                 "of them lower bounds": lower, "by receiver cost": median(by_cost)},
                        why=pps_why(p, case, bounded)))
    cost = pps_ratio(p["runs"], "xdpload_native", "drop_native", "rx_ns")[0]
    if alt and alt["ratios"]:
        # one lab, the two in turns: what separate labs' drifts cannot blur
        t.insert(1, target("native_vs_drop", median(alt["ratios"]),
                           "median ratio of adjacent windows, chain and drop in turns on one lab",
                           reps=alt["ratios"],
                           numbers={"chain windows": len(alt["ratios"]), "chain ns/pkt": alt["chain_ns"]["median"],
                                    "drop ns/pkt": alt["drop_ns"]["median"],
                                    "separate labs, median per-rep ratio": median(cost)},
                           why=cost_why(p, comp, cost)))
    else:
        t.insert(1, target("native_vs_drop", median(cost), "median per-rep receiver ns/pkt ratio", reps=cost,
                           numbers={"reps": len(cost)}, why=cost_why(p, comp, cost)))
    return t


def control_target(ctl):
    v = ctl["times"].get("load 10 in one command", [])
    if not v:
        return not_measured("load10", "control part not run")
    _, _, _, limit, _ = next(t for t in TARGETS if t[0] == "load10")
    under = sum(1 for x in v if x < limit)
    ok = median(v) < limit and under >= LOAD10_SHARE * len(v)
    return target("load10", median(v), "median", status="met" if ok else "not met",
                  numbers={"max ms": max(v), "runs under": under, "runs": len(v)},
                  why={k: median(x) for k, x in ctl["times"].items()})


# ------------------------------------------------------------------- all ---
def analyse(raw):
    """Everything the report shows, from a raw-data dict."""
    p = raw["params"]
    res = {"machine": raw["machine"], "params": p, "lab": raw["lab"], "top": raw["top"],
           "started": raw["started"], "finished": raw.get("finished"),
           "datapath": None, "components": None, "pps": None, "pps_alt": None, "control": None,
           "vm_control": None,
           "vm_datapath": raw.get("vm_datapath"), "targets": []}
    t = res["targets"]
    if raw.get("datapath"):
        res["datapath"] = datapath(raw["datapath"])
        t += dp_targets(res["datapath"])
    else:
        t += [not_measured(x, "datapath part not run")
              for x in ("linked_vs_hand", "counters", "chain10_vs_drop", "chain10_cnt_vs_drop",
                        "inlined_vs_single", "counters_per_comp")]
    if raw.get("components"):
        res["components"] = components(raw["components"])
    if raw.get("pps"):
        res["pps"] = pps(raw["pps"], p["saturated"])
        res["pps_alt"] = alternating(raw["pps_alt"]) if raw.get("pps_alt") else None
        t += pps_targets(res["pps"], res["components"], res["pps_alt"])
    else:
        t += [not_measured(x, "pps part not run") for x in ("native_vs_iptables", "native_vs_drop",
                                                              "skb_vs_iptables")]
    if raw.get("control") and raw["control"]["times"]:
        res["control"] = control(raw["control"])
        t.append(control_target(raw["control"]))
    else:
        t.append(not_measured("load10", "control part not run"))
    if raw.get("vm_control"):
        res["vm_control"] = vm_control(raw["vm_control"])
    return res

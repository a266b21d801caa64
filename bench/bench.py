#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0-only
"""xdpload benchmarks: data path (test run), packet rate on veth, control path.

    bench/run [--parts datapath,pps,control] [--reps N] [--dur S] [--quick]
    bench/run --report-only RAWFILE [--out FILE|-]

Run as root from the top of the tree after `make all` (bench/run does both).
Writes the raw measurements to build/bench/results/<time>/raw.json, then
bench/RESULTS.md from them; --report-only rewrites the report from a saved
raw.json without measuring. See bench/README.md for the method.
"""
import argparse
import json
import os
import signal
import sys

import analysis
import measure
import report


def options(argv=None):
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--parts", default="datapath,pps,control,vmcontrol",
                    help="datapath, pps, control, vmcontrol (the latter within control)")
    ap.add_argument("--reps", type=int, default=7, help="packet-rate repetitions")
    ap.add_argument("--dur", type=float, default=3.0, help="seconds per packet-rate measurement")
    ap.add_argument("--alt-secs", type=float, default=20.0,
                    help="seconds of the chain and drop alternating on one lab (0: leave it out)")
    ap.add_argument("--alt-period", type=float, default=0.5, help="seconds per alternating window")
    ap.add_argument("--saturated", type=float, default=90.0, help="NAPI kthread CPU %% to accept")
    ap.add_argument("--rt-prio", type=int, default=50,
                    help="SCHED_FIFO priority of the receiver's NAPI kthread (0: leave it CFS)")
    ap.add_argument("--dp-reps", type=int, default=41)
    ap.add_argument("--dp-repeat", type=int, default=1 << 20)
    ap.add_argument("--ctl-reps", type=int, default=20)
    ap.add_argument("--vm-reps", type=int, default=7)
    ap.add_argument("--no-xdpload", dest="with_xdpload", action="store_false",
                    help="packet rate without the xdpload chain")
    ap.add_argument("--quick", action="store_true", help="few, short runs (a smoke test, not a result)")
    ap.add_argument("--report-only", metavar="RAWFILE",
                    help="no measurement: write the report from a saved raw.json")
    ap.add_argument("--out", default=os.path.join(measure.TOP, "bench", "RESULTS.md"),
                    help="where the report goes (- for standard output)")
    a = ap.parse_args(argv)
    if a.quick:
        a.reps, a.dur, a.dp_reps, a.dp_repeat, a.ctl_reps, a.vm_reps = 1, 1.0, 3, 1 << 18, 2, 1
        a.alt_secs = 2.0
    return a


def load_raw(path):
    raw = json.load(open(path))
    if raw.get("format") != measure.RAW_FORMAT:
        sys.exit(f"bench: {path}: raw-data format {raw.get('format')}, this report reads {measure.RAW_FORMAT}")
    return raw


def write_report(raw, raw_path, out):
    text = report.render(analysis.analyse(raw), raw_path, measure.TOP)
    if out == "-":
        sys.stdout.write(text)
        return
    with open(out, "w") as f:
        f.write(text)
    print(f"wrote {out}")


def main(argv=None):
    a = options(argv)
    if a.report_only:
        path = os.path.abspath(a.report_only)
        write_report(load_raw(path), path, a.out)
        return
    if os.geteuid():
        sys.exit("bench: needs root (BPF, network namespaces)")
    # SIGTERM/SIGHUP too must go through the teardown in measure.run
    for sig in (signal.SIGTERM, signal.SIGHUP):
        signal.signal(sig, lambda *_: sys.exit(1))
    raw, path = measure.run(a)
    write_report(raw, path, a.out)


if __name__ == "__main__":
    main()

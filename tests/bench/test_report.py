# SPDX-License-Identifier: GPL-2.0-only
"""bench/report.py from the synthetic run, and bench.py --report-only end to end."""
import contextlib
import io
import json
import os
import tempfile
import unittest

import analysis
import bench
import fixture
import report


def row(text, name):
    """The Targets table's row of a target."""
    return next(l for l in text.splitlines() if l.startswith(f"| {name} |"))


class Render(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.text = report.render(analysis.analyse(fixture.raw()), "/src/xdpload/build/bench/results/x/raw.json",
                                 "/src/xdpload")

    def test_one_line_per_target_with_verdict_and_ratio(self):
        for _, name, *_ in analysis.TARGETS:
            self.assertEqual(sum(l.startswith(f"| {name} |") for l in self.text.splitlines()), 1, name)
        self.assertIn("| **met** | 1.090× (worst median, at N=10; target ≤ 1.1×)",
                      row(self.text, "Linked dispatcher ≤ 1.1× the hand-written program making the same calls"))
        r = row(self.text, "Native xdpload chain ≥ 3× the pps of iptables raw DROP")
        self.assertIn("| **not met**, marginal | 2.941×", r)
        self.assertIn("ipt_raw receiver ns/pkt 500;", r)
        self.assertIn("| **not met** | 1.200×", row(self.text, "Per-component counters add ≤ 15 %"))
        self.assertIn("| **met** | 22.0 ms",
                      row(self.text, "One command building a chain of 10 programs < 50 ms on the host"))

    def test_alternating_section(self):
        raw = fixture.raw()
        raw["pps_alt"] = fixture.alt_windows([130, 100, 126, 110, 135, 100])
        text = report.render(analysis.analyse(raw), "/src/xdpload/build/bench/results/x/raw.json",
                             "/src/xdpload")
        self.assertIn("### The chain and a single drop in turns, on one lab", text)
        self.assertIn("| chain / drop, adjacent windows | 1.243 (1.200–1.286) |", text)
        self.assertIn("median ratio of adjacent windows", row(text, analysis.TARGETS[7][1]))
        self.assertNotIn("in turns, on one lab", self.text)  # the plain run has no such part

    def test_machine_and_mitigations(self):
        self.assertIn("- CPU: Test CPU 9000, 2 CPUs", self.text)
        self.assertIn("- kernel: 6.99.0-test (#1 SMP)", self.text)
        self.assertIn("  - spectre_v2: Mitigation: Retpolines", self.text)
        self.assertIn("  - spec_store_bypass: Vulnerable", self.text)
        self.assertNotIn("meltdown", self.text)  # counted among "Not affected"
        self.assertIn("1 \"Not affected\"", self.text)

    def test_rerun_commands(self):
        self.assertIn("bench/run --report-only build/bench/results/x/raw.json", self.text)
        # the private copy of the programs becomes the build's, paths relative to the tree
        self.assertIn("build/bench/dpbench -r 3 -n 1024 -c 1 -p build/progs -b build/bench/bpf", self.text)

    def test_tables_of_measured_numbers(self):
        self.assertIn("| 10 | 109.0 (108.0–111.0) | 130.8 (129.6–133.2) | 100.0 (100.0–100.0) | 1.090 (1.080–1.110) "
                      "| 20.0 % (20–20 %) |", self.text)
        self.assertIn("| filter | 42.0 (42.0–42.0) | 20.0 (20.0–20.0) |", self.text)
        self.assertIn("| ipt_raw: ipt_raw (test) | 3 / 3 / 3 | 2.00 (2.00–2.00) |", self.text)
        self.assertIn("| load 10 in one command | 22.00 | 20.00–24.00 |", self.text)
        self.assertIn("perf of xdpload_skb failed: perf: no samples", self.text)
        self.assertIn("Not measured: not asked for.", self.text)

    def test_no_explanations(self):
        # the method lives in bench/README.md; the report has tables and one-line facts
        long = [l for l in self.text.splitlines() if not l.startswith(("|", "  -", "- ")) and len(l) > 300]
        self.assertEqual(long, [])
        self.assertIn("bench/README.md", self.text)


class ReportOnly(unittest.TestCase):
    def test_report_from_a_saved_raw_file(self):
        with tempfile.TemporaryDirectory() as d:
            raw = os.path.join(d, "raw.json")
            out = os.path.join(d, "RESULTS.md")
            json.dump(fixture.raw(), open(raw, "w"))
            with contextlib.redirect_stdout(io.StringIO()):
                bench.main(["--report-only", raw, "--out", out])
            text = open(out).read()
        self.assertEqual(text, report.render(analysis.analyse(fixture.raw()), raw, bench.measure.TOP))
        self.assertTrue(text.startswith("# xdpload benchmark results\n"))

    def test_unknown_format_is_refused(self):
        with tempfile.TemporaryDirectory() as d:
            raw = os.path.join(d, "raw.json")
            json.dump(dict(fixture.raw(), format=99), open(raw, "w"))
            with self.assertRaises(SystemExit) as e:
                bench.main(["--report-only", raw, "--out", os.path.join(d, "out.md")])
        self.assertIn("format 99", str(e.exception))


if __name__ == "__main__":
    unittest.main()

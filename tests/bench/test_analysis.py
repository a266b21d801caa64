# SPDX-License-Identifier: GPL-2.0-only
"""bench/analysis.py: statistics, verdicts and the analysis of a synthetic run (fixture.py)."""
import unittest

import analysis as A
import fixture


def target(res, tid):
    return next(t for t in res["targets"] if t["id"] == tid)


class Statistics(unittest.TestCase):
    def test_summary_of_known_samples(self):
        self.assertEqual(A.summary([3, 1, 2, 10]), {"median": 2.5, "min": 1, "max": 10, "n": 4})
        self.assertEqual(A.summary([5, None, 1, 3])["median"], 3)

    def test_summary_of_nothing(self):
        self.assertIsNone(A.summary([]))
        self.assertIsNone(A.median([]))

    def test_rep_ratios_within_each_repetition(self):
        ns = {"a": {0: 10.0, 1: 12.0, 2: 9.0}, "b": {0: 5.0, 1: 4.0}, "base": {0: 1.0, 1: 4.0}}
        self.assertEqual(A.rep_ratios(ns, "a", "b"), [2.0, 3.0])  # rep 2 has no b
        # above base: (10-1)/(5-1); rep 1 has nothing left on the denominator and is skipped
        self.assertEqual(A.rep_ratios(ns, "a", "b", "base"), [9.0 / 4.0])


class Verdicts(unittest.TestCase):
    def test_just_below_and_above_a_ceiling(self):
        self.assertEqual(A.judge(1.099, "<=", 1.1)["status"], "met")
        self.assertEqual(A.judge(1.1, "<=", 1.1)["status"], "met")
        self.assertEqual(A.judge(1.101, "<=", 1.1)["status"], "not met")
        self.assertEqual(A.judge(50.0, "<", 50.0)["status"], "not met")

    def test_just_below_and_above_a_floor(self):
        self.assertEqual(A.judge(2.999, ">=", 3.0)["status"], "not met")
        self.assertEqual(A.judge(3.0, ">=", 3.0)["status"], "met")

    def test_nothing_measured(self):
        self.assertEqual(A.judge(None, ">=", 3.0), {"status": "not measured", "marginal": False})

    def test_straddling_repetitions_are_marginal(self):
        self.assertTrue(A.judge(3.05, ">=", 3.0, reps=[2.9, 3.05, 3.2])["marginal"])
        self.assertTrue(A.judge(1.09, "<=", 1.1, reps=[1.05, 1.09, 1.12])["marginal"])
        self.assertFalse(A.judge(3.2, ">=", 3.0, reps=[3.1, 3.2, 3.3])["marginal"])
        self.assertFalse(A.judge(2.5, ">=", 3.0, reps=[2.4, 2.5, 2.9])["marginal"])
        self.assertFalse(A.judge(3.2, ">=", 3.0)["marginal"])  # no repetitions given

    def test_a_rep_on_the_target_meets_it(self):
        self.assertFalse(A.straddles([3.0, 3.5], ">=", 3.0))
        self.assertTrue(A.straddles([2.99, 3.0], ">=", 3.0))

    def test_at_least_with_exact_and_lower_bounds(self):
        self.assertEqual(A.at_least([3.1, 3.2], [1.0], 3.0), "met")  # exact ratios decide
        self.assertEqual(A.at_least([2.9, 2.95], [4.0], 3.0), "not met")
        self.assertEqual(A.at_least([], [3.5, 3.6], 3.0), "met")  # lower bounds above: proven
        self.assertEqual(A.at_least([], [2.5, 2.6], 3.0), "not determined")
        self.assertEqual(A.at_least([], [], 3.0), "not determined")


class PacketRateRun(unittest.TestCase):
    def test_receiver_bound_run(self):
        d = A.pps_run(fixture.pps_record("ipt_raw", 0, 500.0), 90.0)
        self.assertAlmostEqual(d["rx_pps"], 2e6)
        self.assertAlmostEqual(d["rx_ns"], 500.0)
        self.assertAlmostEqual(d["napi_cpu"], 100.0)
        self.assertEqual((d["windows"], d["sat_windows"]), (fixture.WINDOWS, fixture.WINDOWS))
        self.assertTrue(d["valid"] and d["accepted"])
        self.assertAlmostEqual(d["pps"], 2e6)

    def test_generator_bound_run_is_a_lower_bound(self):
        # the receiver could take 5 Mpps (200 ns), the generator offered 1 Mpps: kthread 20 % busy
        d = A.pps_run(fixture.pps_record("drop_native", 0, 200.0, rate=1e6), 90.0)
        self.assertEqual(d["sat_windows"], 0)
        self.assertTrue(d["valid"])
        self.assertFalse(d["accepted"])
        self.assertAlmostEqual(d["pps"], 1e6)
        self.assertAlmostEqual(d["rx_ns"], 200.0)

    def test_saturation_threshold(self):
        # kthread busy 100 % of each window: receiver-bound at 90 %, and even at 100 %, not above
        r = fixture.pps_record("ipt_raw", 0, 500.0)
        self.assertTrue(A.pps_run(r, 100.0)["accepted"])
        self.assertFalse(A.pps_run(r, 101.0)["accepted"])

    def test_leaked_frames_invalidate(self):
        d = A.pps_run(fixture.pps_record("ipt_raw", 0, 500.0, leaked=3), 90.0)
        self.assertEqual(d["leaked"], 3)
        self.assertFalse(d["valid"] or d["accepted"])

    def test_pps_ratio_pairs_repetitions_and_counts_lower_bounds(self):
        runs = {"x": [{"rep": 0, "valid": True, "accepted": True, "pps": 6.0},
                      {"rep": 1, "valid": True, "accepted": False, "pps": 4.0},
                      {"rep": 2, "valid": True, "accepted": True, "pps": 9.0}],
                "base": [{"rep": 2, "valid": True, "accepted": False, "pps": 1.0},  # den not bound: skipped
                         {"rep": 1, "valid": True, "accepted": True, "pps": 2.0},
                         {"rep": 0, "valid": True, "accepted": True, "pps": 2.0}]}
        self.assertEqual(A.pps_ratio(runs, "x", "base", "pps"), ([3.0, 2.0], 1))
        self.assertEqual(A.pps_ratio(runs, "x", "base", "pps", exact_only=True), ([3.0], 0))
        self.assertEqual(A.pps_ratio(runs, "x", "missing", "pps"), ([], 0))

    def test_profile_groups(self):
        g = A.profile_groups([(30.0, "bpf_prog_ab_xdpl_dispatch"), (20.0, "bpf_prog_cd_drop"),
                              (15.0, "trie_lookup_elem"), (25.0, "page_pool_put_unrefed_netmem"),
                              (5.0, "veth_xdp_rcv"), (5.0, "memcpy")])
        self.assertEqual(g["xdpload dispatcher"], 30.0)
        self.assertEqual(g["the XDP programs (components, drop)"], 20.0)
        self.assertEqual(g["BPF map helpers (trie, hash)"], 15.0)
        self.assertEqual(g[A.FRAME_RETURN], 25.0)
        self.assertEqual(g["veth receive"], 5.0)
        self.assertEqual(g["other"], 5.0)


class WholeRun(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.res = A.analyse(fixture.raw())

    def test_datapath_table(self):
        dp = self.res["datapath"]
        self.assertEqual([r["n"] for r in dp["table"]], [1, 10])
        self.assertEqual(dp["reps"], 3)  # the warm-up (rep -1) is not a repetition
        n10 = dp["table"][1]
        self.assertEqual(n10["linked"]["median"], 109.0)
        self.assertAlmostEqual(A.median(n10["linked/hand"]), 1.09)
        self.assertAlmostEqual(A.median(n10["cnt/linked"]), 1.2)
        self.assertEqual(dp["drop"]["median"], 21.0)
        self.assertAlmostEqual(dp["layout"]["median"], 1.05)
        self.assertEqual(dp["kernel_diff"], 1.0)

    def test_linked_vs_hand_met_at_its_worst_length(self):
        t = target(self.res, "linked_vs_hand")
        self.assertEqual(t["status"], "met")
        self.assertAlmostEqual(t["value"], 1.09)
        self.assertIn("N=10", t["basis"])
        self.assertEqual(t["why"], {})  # numbers behind a verdict only when not met

    def test_counters_not_met_with_their_cost(self):
        t = target(self.res, "counters")
        self.assertEqual(t["status"], "not met")
        self.assertAlmostEqual(t["value"], 1.2)
        self.assertEqual(t["why"]["N"], 10)
        self.assertAlmostEqual(t["why"]["counters ns per packet"], 130.8 - 109.0)
        self.assertAlmostEqual(t["why"]["ns per component"], (130.8 - 109.0) / 10)

    def test_components_over_drop(self):
        rows = {r["label"]: r for r in self.res["components"]["rows"]}
        self.assertEqual(rows["filter"]["over_drop"]["median"], 20.0)
        self.assertEqual(rows["chain"]["over_drop"]["median"], 43.0)

    def test_native_vs_iptables_marginal_and_not_met(self):
        t = target(self.res, "native_vs_iptables")
        self.assertAlmostEqual(t["value"], (1e9 / 170) / 2e6, places=4)
        self.assertEqual(t["status"], "not met")
        self.assertTrue(t["marginal"])
        self.assertEqual(t["numbers"]["reps both receiver-bound"], 3)
        self.assertAlmostEqual(t["why"]["xdpload_native receiver ns/pkt"], 170.0, places=3)
        self.assertAlmostEqual(t["why"]["ipt_raw receiver ns/pkt"], 500.0, places=3)
        # 40 % of each profiled run is frame returns: (500 - 200) / (160 - 64)
        self.assertAlmostEqual(t["why"]["cost ratio without frame returns"], 300 / 96)

    def test_native_vs_drop_cost(self):
        t = target(self.res, "native_vs_drop")
        self.assertEqual(t["status"], "not met")
        self.assertFalse(t["marginal"])
        self.assertAlmostEqual(t["value"], 1.7, places=4)
        why = t["why"]
        self.assertAlmostEqual(why["perf: chain BPF ns/pkt"], 16.0)  # 10 % of 160
        self.assertAlmostEqual(why["perf: drop frame returns ns/pkt"], 40.0)
        self.assertEqual(why["test run: filter ns"], 20.0)
        self.assertEqual(why["test run: dispatcher (rest) ns"], 43.0 - 20.0 - 1.0)
        self.assertAlmostEqual(why["dispatcher around drop alone / drop, cost"], 1.2, places=4)

    def test_native_vs_drop_alternating(self):
        """With chain and drop in turns on one lab, the adjacent windows' ratio is the judged value."""
        raw = fixture.raw()
        # chain 130 | drop 100 | chain 126 | drop 110 | chain 135 | drop 100 (and a window with no frames)
        raw["pps_alt"] = fixture.alt_windows([130, 100, 126, 110, 135, 100])
        raw["pps_alt"]["windows"].append({"case": "xdpload_native", "rx": 0, "ring_drop": 0, "napi_ns": 5,
                                          "secs": 0.5})
        res = A.analyse(raw)
        t = target(res, "native_vs_drop")
        # the first chain window has no drop before it: 126/105 and 135/105
        self.assertAlmostEqual(t["value"], (126 / 105 + 135 / 105) / 2, places=6)
        self.assertEqual(t["status"], "met")
        self.assertIn("adjacent windows", t["basis"])
        self.assertEqual(t["numbers"]["chain windows"], 2)
        self.assertEqual(t["numbers"]["drop ns/pkt"], 100.0)
        self.assertAlmostEqual(t["numbers"]["separate labs, median per-rep ratio"], 1.7, places=4)
        self.assertEqual(res["pps_alt"]["windows"], 6)
        self.assertEqual(res["pps_alt"]["chain_ns"]["median"], 130.0)

    def test_skb_met(self):
        t = target(self.res, "skb_vs_iptables")
        self.assertEqual(t["status"], "met")
        self.assertAlmostEqual(t["value"], 500 / 450, places=4)
        self.assertFalse(t["marginal"])

    def test_pps_table_and_profile(self):
        rows = {r["case"]: r for r in self.res["pps"]["table"]}
        self.assertEqual((rows["ipt_raw"]["accepted"], rows["ipt_raw"]["valid"], rows["ipt_raw"]["runs"]), (3, 3, 3))
        self.assertAlmostEqual(rows["drop_native"]["capacity_mpps"], 10.0, places=4)
        self.assertAlmostEqual(rows["ipt_raw"]["x_base"]["median"], 1.0)
        self.assertEqual(self.res["pps"]["own_dev"], 0.0)
        self.assertIn("error", self.res["pps"]["profile"]["xdpload_skb"])

    def test_load10_met(self):
        t = target(self.res, "load10")
        self.assertEqual(t["status"], "met")
        self.assertEqual(t["value"], 22.0)
        self.assertEqual(t["numbers"]["runs under"], 3)

    def test_load10_needs_most_runs_under(self):
        raw = fixture.raw()
        raw["control"]["times"]["load 10 in one command"] = [20.0, 22.0, 60.0]  # median fine, 1 of 3 over
        self.assertEqual(target(A.analyse(raw), "load10")["status"], "not met")

    def test_parts_not_run(self):
        raw = fixture.raw()
        for k in ("datapath", "components", "pps", "control"):
            del raw[k]
        res = A.analyse(raw)
        self.assertEqual([t["status"] for t in res["targets"]], ["not measured"] * len(A.TARGETS))

    def test_without_the_chain(self):
        raw = fixture.raw()
        raw["pps"]["cases"] = ["drop_native", "ipt_raw"]
        raw["pps"]["runs"] = [r for r in raw["pps"]["runs"] if r["case"] in raw["pps"]["cases"]]
        self.assertEqual(target(A.analyse(raw), "native_vs_iptables")["status"], "not measured")


class InliningRun(unittest.TestCase):
    """The inlining dispatcher's variants: inlined vs called vs single, against drop alone."""

    NS = {("drop", 1): (10.0, 10.0, 10.0),
          ("linked", 10): (10.5, 11.0, 11.5), ("linked+cnt", 10): (13.0, 14.0, 15.0),
          ("called", 10): (25.0, 25.0, 25.0), ("called+cnt", 10): (26.0, 26.0, 26.0),
          ("hand", 10): (24.0, 24.0, 24.0), ("single", 10): (10.0, 10.0, 10.0)}

    @classmethod
    def setUpClass(cls):
        raw = fixture.raw()
        raw["datapath"]["rows"] = [{"rep": r, "variant": v, "n": n, "ns": ns[r], "kernel_ns": int(ns[r]),
                                    "retval": 1} for (v, n), ns in cls.NS.items() for r in fixture.REPS]
        cls.res = A.analyse(raw)

    def test_chain_of_ten_against_drop(self):
        t = target(self.res, "chain10_vs_drop")
        self.assertEqual(t["status"], "met")
        self.assertAlmostEqual(t["value"], 1.1)
        t = target(self.res, "chain10_cnt_vs_drop")
        self.assertEqual(t["status"], "met")
        self.assertAlmostEqual(t["value"], 1.4)

    def test_inlined_vs_single_met_but_marginal(self):
        t = target(self.res, "inlined_vs_single")
        self.assertEqual(t["status"], "met")
        self.assertAlmostEqual(t["value"], 1.1)
        self.assertTrue(t["marginal"])  # 1.05, 1.1, 1.15: on both sides

    def test_counters_per_component(self):
        t = target(self.res, "counters_per_comp")
        self.assertAlmostEqual(t["value"], 0.3)
        self.assertEqual(t["status"], "met")

    def test_table_has_both_layouts(self):
        row = self.res["datapath"]["table"][0]
        self.assertEqual(row["called"]["median"], 25.0)
        self.assertAlmostEqual(A.median(row["called/drop"]), 2.5)


if __name__ == "__main__":
    unittest.main()

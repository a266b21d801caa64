#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0-only
"""
tests/bench/tap.py: the unit tests of bench/'s analysis and report
(tests/bench/test_*.py, Python's unittest) as TAP, for `make check`'s tally.
Exit status 1 when a test fails.
"""
import os
import sys
import unittest

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path[:0] = [HERE, os.path.join(os.path.dirname(os.path.dirname(HERE)), "bench")]


class TapResult(unittest.TestResult):
    def __init__(self):
        super().__init__()
        self.n = 0

    def line(self, ok, test, detail=""):
        self.n += 1
        name = test.id().replace("test_", "", 1)
        print(f"{'ok' if ok else 'not ok'} {self.n} - {name}{detail}", flush=True)

    def addSuccess(self, test):
        super().addSuccess(test)
        self.line(True, test)

    def addSkip(self, test, reason):
        super().addSkip(test, reason)
        self.line(True, test, f" # skip {reason}")

    def report(self, test, err):
        self.line(False, test)
        for l in self._exc_info_to_string(err, test).splitlines():
            print("# " + l)

    def addFailure(self, test, err):
        super().addFailure(test, err)
        self.report(test, err)

    def addError(self, test, err):
        super().addError(test, err)
        self.report(test, err)


def main():
    suite = unittest.defaultTestLoader.discover(HERE, pattern="test_*.py", top_level_dir=HERE)
    print(f"1..{suite.countTestCases()}")
    result = TapResult()
    suite.run(result)
    sys.exit(0 if result.wasSuccessful() else 1)


if __name__ == "__main__":
    main()

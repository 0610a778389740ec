"""The benchmark code runs and reports what it measured (tiny sizes; no timing assertions)."""

from __future__ import annotations

import json

from benchmarks import verifiers
from benchmarks.run import main
from rl2f_eval.suites.base import Verdict
from rl2f_eval.suites.maze import MazeSuite


def test_a_tiny_benchmark_run_writes_a_report(tmp_path):
    out = tmp_path / "bench.md"
    tiny = ["--samples", "3", "--teachers", "verifier", "--connections", "2"]
    tiny += ["--concurrency-samples", "4", "--latency", "0.01"]
    assert main([*tiny, "--only", "overhead,concurrency", "--out", str(out)]) == 0
    report = out.read_text()
    assert "## 1. Harness overhead" in report and "## 2. Concurrency" in report
    assert "Inspect's own floor" in report and "Load average" in report
    raw = json.loads(out.with_suffix(".json").read_text())
    [run] = raw["overhead"]["result"]["runs"]
    assert (run["samples"], run["turns"], run["calls"]) == (3, 15, 15)  # 3 samples x 5 turns
    rows = raw["concurrency"]["result"]
    assert [(r["connections"], r["max_samples"]) for r in rows] == [(2, 2), (2, 4)]
    assert all(r["run"]["peak_in_flight"] <= 2 for r in rows)  # max_connections holds
    assert raw["machine"]["commit"]


class AcceptsAnything(MazeSuite):
    def verify(self, answer, problem):
        return Verdict(True, "fine")


def test_verifier_throughput_also_checks_the_verifier():
    good = verifiers.measure(verifiers.VerifierBench("maze", "maze", {"n": 5}, 0.01))
    assert (good.right_accepted, good.wrong_rejected, good.problems) == (5, 5, 5)
    assert good.answers >= 10 and good.per_second > 0
    bad = verifiers.measure(
        verifiers.VerifierBench("bad", f"{__name__}:AcceptsAnything", {"n": 5}, 0.01)
    )
    assert bad.wrong_rejected == 0  # the report shows a verifier that accepts wrong answers

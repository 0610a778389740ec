"""The benchmark code runs and reports what it measured (tiny sizes; no timing assertions)."""

from __future__ import annotations

import json

from benchmarks import harness, verifiers
from benchmarks.run import main
from rl2f_eval.suites.base import Verdict
from rl2f_eval.suites.maze import MazeSuite


def test_a_tiny_benchmark_run_writes_a_report(tmp_path):
    out = tmp_path / "bench.md"
    tiny = ["--samples", "3", "--teachers", "verifier", "--connections", "2"]
    tiny += ["--concurrency-samples", "4", "--latency", "0.01", "--single-connection-samples", "2"]
    assert main([*tiny, "--only", "overhead,concurrency", "--out", str(out)]) == 0
    report = out.read_text()
    assert "## 1. Harness overhead" in report and "## 2. Concurrency" in report
    assert "Inspect's own floor" in report and "Load average" in report
    raw = json.loads(out.with_suffix(".json").read_text())
    [run] = raw["overhead"]["result"]["runs"]
    assert (run["samples"], run["turns"], run["calls"]) == (3, 15, 15)  # 3 samples x 5 turns
    rows = raw["concurrency"]["result"]
    # the sequential baseline (one sample at a time, MINT's regime), then the settings
    assert [(r["connections"], r["max_samples"]) for r in rows] == [(1, 1), (2, 2), (2, 4)]
    assert rows[0]["sequential"] and rows[0]["run"]["samples"] == 2
    assert all(r["run"]["peak_in_flight"] <= r["connections"] for r in rows)
    assert "| sequential | 1 | on | 2 |" in report and "speed-up vs sequential" in report
    assert raw["machine"]["commit"]


def test_a_loaded_machine_gets_numbers_but_no_conclusions(tmp_path, monkeypatch):
    """A calibration loop that had 60% of a core: every target and conclusion is withheld."""
    loaded = harness.Calibration(wall_ms=80.0, cpu_ms=48.0, cpu_share=0.6)
    monkeypatch.setattr(harness, "calibration", lambda: loaded)
    out = tmp_path / "bench.md"
    tiny = ["--samples", "2", "--teachers", "verifier", "--connections", "2"]
    tiny += ["--concurrency-samples", "3", "--latency", "0.01", "--single-connection-samples", "1"]
    assert main([*tiny, "--only", "overhead,concurrency", "--out", str(out)]) == 0
    report = out.read_text()
    assert "**Measured on a loaded machine** (overhead, concurrency)" in report
    assert report.count("**No conclusion drawn**: the calibration loop had only 60%") == 2
    assert "**Target**" not in report and "faster." not in report
    assert "| sequential |" in report  # the numbers are still there
    raw = json.loads(out.with_suffix(".json").read_text())
    assert raw["overhead"]["loaded"] and raw["concurrency"]["loaded"]


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

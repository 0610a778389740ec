"""Cost of one hard_math answer check, measured on the shipped datasets' own references.

    .venv/bin/python benchmarks/math_checker.py [--datasets champ,aime,math500,hardmath2]

Each check runs the way an evaluation runs it: in the bounded worker pool (bounded.py), uncached,
one at a time. Reported per dataset: median, 90th percentile and maximum seconds per check, for the
reference answer and for a perturbed (wrong) answer, plus the pool's round-trip overhead.
"""

from __future__ import annotations

import argparse
import statistics
import time
from pathlib import Path

from rl2f_eval.suites.base import Problem
from rl2f_eval.suites.math import bounded
from rl2f_eval.suites.math.latex import perturbed
from rl2f_eval.suites.registry import build_suite

FIXTURE = Path(__file__).parent.parent / "tests" / "fixtures" / "hardmath2"


def timed(gold: str, answer: str, params: list[str] | None) -> float:
    start = time.perf_counter()
    bounded.run("check", gold, answer, params, 1e-6, timeout=60)
    return time.perf_counter() - start


def summary(times: list[float]) -> str:
    times = sorted(times)
    p90 = times[min(len(times) - 1, int(0.9 * len(times)))]
    median = statistics.median(times)
    return f"median {median * 1000:7.1f} ms  p90 {p90 * 1000:7.1f} ms  max {times[-1]:6.2f} s"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--datasets", default="champ,aime,math500,hardmath2")
    args = parser.parse_args()
    timed("1", "1", None)  # start the workers: their SymPy import is not a per-check cost
    overhead = [timed("1", "1", None) for _ in range(50)]
    print(f"pool round trip (trivial check): {summary(overhead)}")
    for name in args.datasets.split(","):
        extra = {"data_path": str(FIXTURE)} if name == "hardmath2" else {}
        problems = [
            Problem.from_sample(s)
            for s in build_suite("hard_math", {"dataset": name, **extra}).samples()
        ]
        right, wrong = [], []
        for p in problems:
            params = p.metadata.get("parameters")
            right.append(timed(p.target, p.target, params))
            wrong.append(timed(p.target, perturbed(p.target), params))
        print(f"{name:10} n={len(problems):3}  reference: {summary(right)}")
        print(f"{'':10} {'':5}  perturbed: {summary(wrong)}")
    bounded.shutdown()


if __name__ == "__main__":
    main()

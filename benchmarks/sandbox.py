"""Sandbox cost: per-run overhead, and all 164 HumanEval reference solutions.

    .venv/bin/python benchmarks/sandbox.py [--runs 30]

Prints medians of sequential runs (a bare interpreter start for comparison), then the wall time
for verifying all 164 HumanEval references through the coding suite, as many at a time as the
sandbox allows (one per CPU core). Timings depend on the machine and its load: report them with
`nproc` and the load average printed alongside.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import time
from concurrent.futures import ThreadPoolExecutor

from rl2f_eval.sandbox import describe, local, run_python
from rl2f_eval.suites.base import Problem
from rl2f_eval.suites.coding import CodingSuite


def median_ms(action, runs: int) -> float:
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        action()
        times.append(time.perf_counter() - start)
    return 1000 * statistics.median(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=30, help="sequential runs per measurement")
    args = parser.parse_args()
    plan = local.plan()
    print(f"machine: {os.cpu_count()} cores, load average {os.getloadavg()[0]:.1f}")
    print(f"sandbox: {', '.join(describe()['layers'])}")
    bare = median_ms(lambda: subprocess.run([plan.python, "-I", "-S", "-c", "pass"]), args.runs)
    print(f"bare interpreter start (python -I -S -c pass): {bare:.0f} ms")
    print(f"sandbox run of `pass`: {median_ms(lambda: run_python('pass'), args.runs):.0f} ms")

    suite = CodingSuite()
    problems = [Problem.from_sample(s) for s in suite.samples()]
    answers = [suite.extract(suite.answer_text(p)) or "" for p in problems]
    one = median_ms(lambda: suite.verify(answers[0], problems[0]), args.runs)
    print(f"verify one HumanEval problem (HumanEval/0, 7 tests): {one:.0f} ms")
    start = time.perf_counter()
    with ThreadPoolExecutor(max_workers=2 * (os.cpu_count() or 1)) as pool:
        verdicts = list(pool.map(suite.verify, answers, problems))
    wall = time.perf_counter() - start
    passed = sum(v.correct for v in verdicts)
    print(f"all {len(problems)} HumanEval references: {passed} pass, {wall:.1f} s wall")


if __name__ == "__main__":
    main()

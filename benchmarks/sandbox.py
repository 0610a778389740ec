"""Sandbox cost: per-run overhead, and all 164 HumanEval reference solutions.

    .venv/bin/python benchmarks/sandbox.py [--runs 30]

Prints medians of sequential runs (a bare interpreter start for comparison), wall time and the
CPU time of the processes each run started (which a busy machine changes far less than the wall
time), then the wall time for verifying all 164 HumanEval references through the coding suite, as
many at a time as the sandbox allows (one per CPU core). Timings depend on the machine and its
load: report them with `nproc` and the load average printed alongside.
"""

from __future__ import annotations

import argparse
import os
import resource
import statistics
import subprocess
import time
from concurrent.futures import ThreadPoolExecutor

from rl2f_eval.sandbox import describe, local, run_python
from rl2f_eval.suites.base import Problem
from rl2f_eval.suites.coding import CodingSuite


def median_ms(action, runs: int) -> float:
    return wall_and_cpu_ms(action, runs)[0]


def _children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def wall_and_cpu_ms(action, runs: int) -> tuple[float, float]:
    """Median wall time of `action` and median CPU time of the processes it started (ms)."""
    walls, cpus = [], []
    for _ in range(runs):
        cpu, start = _children_cpu(), time.perf_counter()
        action()
        walls.append(time.perf_counter() - start)
        cpus.append(_children_cpu() - cpu)
    return 1000 * statistics.median(walls), 1000 * statistics.median(cpus)


def show(wall_cpu: tuple[float, float]) -> str:
    return f"{wall_cpu[0]:.0f} ms wall, {wall_cpu[1]:.0f} ms CPU"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=30, help="sequential runs per measurement")
    args = parser.parse_args()
    plan = local.plan()
    print(f"machine: {os.cpu_count()} cores, load average {os.getloadavg()[0]:.1f}")
    print(f"sandbox: {', '.join(describe()['layers'])}")
    bare = wall_and_cpu_ms(
        lambda: subprocess.run([plan.python, "-I", "-S", "-c", "pass"]), args.runs
    )
    print(f"bare interpreter start (python -I -S -c pass): {show(bare)}")
    run = wall_and_cpu_ms(lambda: run_python("pass"), args.runs)
    print(f"sandbox run of `pass`: {show(run)}")

    suite = CodingSuite()
    problems = [Problem.from_sample(s) for s in suite.samples()]
    answers = [suite.extract(suite.answer_text(p)) or "" for p in problems]
    one = wall_and_cpu_ms(lambda: suite.verify(answers[0], problems[0]), args.runs)
    print(f"verify one HumanEval problem (HumanEval/0, 7 tests): {show(one)}")
    start = time.perf_counter()
    with ThreadPoolExecutor(max_workers=2 * (os.cpu_count() or 1)) as pool:
        verdicts = list(pool.map(suite.verify, answers, problems))
    wall = time.perf_counter() - start
    passed = sum(v.correct for v in verdicts)
    print(f"all {len(problems)} HumanEval references: {passed} pass, {wall:.1f} s wall")


if __name__ == "__main__":
    main()

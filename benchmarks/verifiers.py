"""Verifier throughput per suite: answers extracted and checked per second, right and wrong alike.

To add a suite, add one line to VERIFIER_BENCHES: a label and a factory for a suite instance.
The answers checked are the suite's own oracle texts (`answer_text` / `wrong_answer_text`), so
the benchmark also confirms that the verifier accepts every right and rejects every wrong one.

Coding: its `verify` runs the model's code in the sandbox, so the coding line measures the
sandbox's per-run cost as well (give it a small `n`). A sandbox-only figure (spawning an empty
program) belongs in SANDBOX_BENCH below once rl2f_eval.sandbox exists.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass

from rl2f_eval.suites.base import Problem, Suite
from rl2f_eval.suites.maze import MazeSuite


@dataclass(frozen=True)
class VerifierBench:
    label: str
    suite: Callable[[], Suite]
    min_seconds: float = 1.0
    """Repeat the answer set until this much time has passed (at least one full pass)."""


VERIFIER_BENCHES: list[VerifierBench] = [
    VerifierBench("maze 4x4", lambda: MazeSuite(size=4, n=200)),
    VerifierBench("maze 10x10", lambda: MazeSuite(size=10, n=100)),
    # VerifierBench("math (...)", lambda: MathSuite(...)),
    # VerifierBench("coding (sandbox per run)", lambda: CodingSuite(n=20), min_seconds=5),
]

SANDBOX_BENCH: Callable[[], float] | None = None
"""Hook for the coding suite: a callable returning seconds per sandbox run of a trivial program."""


@dataclass
class Throughput:
    label: str
    answers: int
    seconds: float
    right_accepted: int
    wrong_rejected: int
    problems: int

    @property
    def per_second(self) -> float:
        return self.answers / self.seconds


def measure(bench: VerifierBench) -> Throughput:
    suite = bench.suite()
    problems = [Problem.from_sample(sample) for sample in suite.samples()]
    cases = [(p, suite.answer_text(p), True) for p in problems]
    cases += [(p, suite.wrong_answer_text(p), False) for p in problems]

    def check(problem: Problem, completion: str) -> bool:
        answer = suite.extract(completion)
        return answer is not None and suite.verify(answer, problem).correct

    # correctness first (not timed): a fast verifier that is wrong is worthless
    right_accepted = sum(check(p, text) for p, text, right in cases if right)
    wrong_rejected = sum(not check(p, text) for p, text, right in cases if not right)
    answers, start = 0, time.perf_counter()
    while True:
        for problem, completion, _ in cases:
            check(problem, completion)
        answers += len(cases)
        if time.perf_counter() - start >= bench.min_seconds:
            break
    return Throughput(
        bench.label,
        answers,
        time.perf_counter() - start,
        right_accepted,
        wrong_rejected,
        len(problems),
    )


def throughput(benches: list[VerifierBench] | None = None) -> list[Throughput]:
    rows = []
    for bench in benches or VERIFIER_BENCHES:
        row = measure(bench)
        rows.append(row)
        print(
            f"  verifier {row.label:12}: {row.per_second:10.0f} answers/s "
            f"({1e6 / row.per_second:7.1f} µs each); right accepted {row.right_accepted}/"
            f"{row.problems}, wrong rejected {row.wrong_rejected}/{row.problems}",
            flush=True,
        )
    return rows

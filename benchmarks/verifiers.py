"""Verifier throughput per suite: answers extracted and checked per second, right and wrong alike.

To add a suite, add one line to VERIFIER_BENCHES: a label, the suite's registered name and its
arguments (`rl2f_eval.suites.registry`).
The answers checked are the suite's own oracle texts (`answer_text` / `wrong_answer_text`), so
the benchmark also confirms that the verifier accepts every right and rejects every wrong one.

Coding: its `verify` runs the model's code in the sandbox, so the coding line includes the
sandbox's cost; `sandbox_cost` measures that alone (a trivial program, against a bare interpreter).
"""

from __future__ import annotations

import subprocess
import time
from dataclasses import dataclass, field
from typing import Any

from rl2f_eval.suites.base import Problem, Suite
from rl2f_eval.suites.registry import build_suite


@dataclass(frozen=True)
class VerifierBench:
    label: str
    name: str
    """The suite's registered name (or `package.module:Class`)."""
    args: dict[str, Any] = field(default_factory=dict)
    min_seconds: float = 1.0
    """Repeat the answer set until this much time has passed (at least one full pass)."""

    def suite(self) -> Suite:
        return build_suite(self.name, self.args)


VERIFIER_BENCHES: list[VerifierBench] = [
    VerifierBench("maze 4x4", "maze", {"size": 4, "n": 200}),
    VerifierBench("maze 10x10", "maze", {"size": 10, "n": 100}),
    VerifierBench("arithmetic", "arithmetic", {"n": 50}),
    VerifierBench("math aime", "hard_math", {"dataset": "aime"}),
    VerifierBench("math champ", "hard_math", {"dataset": "champ"}, min_seconds=5),
    VerifierBench("puzzles mixed", "puzzles", {"n": 5, "difficulty": "easy"}),
    VerifierBench("coding humaneval", "coding", {"n": 20}, min_seconds=5),
]


def sandbox_cost(runs: int = 20) -> dict[str, Any]:
    """Median seconds for a bare interpreter start and for a sandboxed run of `pass`."""
    from benchmarks.sandbox import median_ms
    from rl2f_eval.sandbox import describe, local, run_python

    python = local.plan().python
    return {
        "bare_ms": median_ms(lambda: subprocess.run([python, "-I", "-S", "-c", "pass"]), runs),
        "sandbox_ms": median_ms(lambda: run_python("pass"), runs),
        "layers": describe()["layers"],
        "runs": runs,
    }


@dataclass
class Throughput:
    label: str
    answers: int
    seconds: float
    right_accepted: int
    wrong_rejected: int
    problems: int
    first_pass_seconds: float  # the correctness pass: cold, before any cache (math) is warm

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

    # correctness first: a fast verifier that is wrong is worthless. Timed on its own because it
    # is the only cold pass: the math suite answers a repeated check from a cache, so the loop
    # below measures the cached path, which a student repeating an answer also takes.
    start = time.perf_counter()
    right_accepted = sum(check(p, text) for p, text, right in cases if right)
    wrong_rejected = sum(not check(p, text) for p, text, right in cases if not right)
    first_pass = time.perf_counter() - start
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
        first_pass,
    )


def throughput(benches: list[VerifierBench] | None = None) -> list[Throughput]:
    rows = []
    for bench in benches or VERIFIER_BENCHES:
        row = measure(bench)
        rows.append(row)
        print(
            f"  verifier {row.label:12}: {row.per_second:10.0f} answers/s "
            f"({1e6 / row.per_second:7.1f} µs each, first pass "
            f"{1e6 * row.first_pass_seconds / (2 * row.problems):9.1f} µs); "
            f"right accepted {row.right_accepted}/{row.problems}, "
            f"wrong rejected {row.wrong_rejected}/{row.problems}",
            flush=True,
        )
    return rows

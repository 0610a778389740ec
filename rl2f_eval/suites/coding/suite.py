"""Coding: the student writes a Python function (or program); hidden tests run in the sandbox.

Answer format: the last fenced code block tagged `python` (or `py`, `python3`) in the reply, closed
by its fence; only when no block is tagged so, the last untagged block. It must define the
function the problem names, with its signature (HumanEval, MBPP, LeetCode-style LiveCodeBench:
`class Solution`), or be a whole program that reads standard input (stdin-style LiveCodeBench).
Standard library only.

Verification runs the problem's tests one at a time in the sandbox (`rl2f_eval.sandbox`); only a
pass of every test is correct (`score` is the fraction passed). What the student is told about the
first failing test is the `reveal` policy:

- `input` (default): which test failed (k of n), the call (its input), what the code returned or
  raised (type, message, line of the student's code), timeouts, syntax errors with line numbers,
  memory and output limits. The expected value of a hidden test is not shown: it is the teacher's
  privileged information (as in the paper), and showing it lets a student special-case the tests.
- `full`: also the expected value (or expected output) and the test's source, LeetCode style.
- `none`: only the kind of failure and where in the student's code; no test input at all.

The `model` teacher always gets everything (`Verdict.report`), with the reference solution.
"""

from __future__ import annotations

import random
import re
from collections.abc import Mapping

from inspect_ai.dataset import Sample

from rl2f_eval.errors import TaskArgError, check_choice, check_int, check_positive
from rl2f_eval.sandbox import Limits, SandboxUnavailable, check_isolation
from rl2f_eval.suites.base import Problem, Suite, Verdict, normalise
from rl2f_eval.suites.coding import datasets
from rl2f_eval.suites.coding.datasets import CodeProblem
from rl2f_eval.suites.coding.feedback import describe, output_tail
from rl2f_eval.suites.coding.runner import INSPECT, run_tests
from rl2f_eval.suites.coding.specs import TestSpec

DATASETS = ("humaneval", "mbpp", "livecodebench")
REVEAL = ("input", "full", "none")
SANDBOXES = ("auto", "strict", INSPECT)

PYTHON_TAGS = ("python", "python3", "py")
_FENCE = re.compile(r"^```[ \t]*([\w+-]*)[ \t]*\n(.*?)^```[ \t]*$", re.DOTALL | re.MULTILINE)


def extract_code(completion: str) -> str | None:
    """The last closed ```python / ```py / ```python3 block of `completion`; only when there is
    none, the last untagged ``` block (an untagged block after the code is often example
    output). None: there is no such block, or it is empty."""
    blocks = _FENCE.findall(completion)
    tagged = [code for language, code in blocks if language.lower() in PYTHON_TAGS]
    candidates = tagged or [code for language, code in blocks if not language]
    return candidates[-1] if candidates and candidates[-1].strip() else None


def fenced(code: str) -> str:
    return f"```python\n{code.rstrip()}\n```"


class CodingSuite(Suite):
    name = "coding"
    answer_format = (
        "Give your final solution as Python 3 code (standard library only) in one fenced code "
        "block that starts with ```python and ends with ```. It must define the function the "
        "problem asks for, with the same name and parameters (helpers and imports are fine), "
        "or, when the problem reads standard input, be a complete program that prints the "
        "answer. Only the last ```python block of your reply is run (an untagged ``` block only "
        "when no block is tagged python)."
    )

    def __init__(
        self,
        dataset: str = "humaneval",
        path: str | None = None,
        split: str = "test",
        subset: str | None = None,
        columns: Mapping[str, str] | None = None,
        n: int | None = None,
        seed: int | None = None,
        reveal: str = "input",
        sandbox: str = "auto",
        timeout: float = 5.0,
        limits: Limits | None = None,
    ) -> None:
        check_choice("dataset", dataset, DATASETS)
        check_choice("reveal", reveal, REVEAL)
        if n is not None:
            check_int("n", n, 1)
        check_positive("timeout", timeout, "CPU seconds per test")
        _check_columns(dataset, columns)
        if dataset != "humaneval" and not path:
            raise TaskArgError(
                f"dataset={dataset} needs -T path=... (a datasets name such as "
                "google-research-datasets/mbpp, or a local .jsonl/.json/.parquet file)"
            )
        if dataset == "humaneval" and path:
            raise TaskArgError("dataset=humaneval ships with the package; it takes no path")
        self.dataset, self.path, self.split, self.subset = dataset, path, split, subset
        self.columns = dict(columns or {})
        self.n, self.seed, self.reveal, self.timeout = n, seed, reveal, timeout
        check_choice("sandbox", sandbox, SANDBOXES)
        self.isolation = sandbox
        try:  # fail now, with the reason, if the sandbox cannot run here
            if sandbox != INSPECT:
                check_isolation(sandbox)
        except (SandboxUnavailable, ValueError) as error:
            raise TaskArgError(f"sandbox={sandbox}: {error}") from error
        self.limits = limits
        """Fixed limits for every run; None: scaled to each problem's number of tests."""

    # ------------------------------------------------------------------ data

    def problems(self) -> list[CodeProblem]:
        if self.dataset == "humaneval":
            problems = datasets.humaneval_problems()
        else:
            rows = datasets.load_rows(self.path or "", self.split, self.subset)
            problems = datasets.LOADERS[self.dataset](rows, self.columns)
        if self.n and self.n > len(problems):
            raise TaskArgError(
                f"n={self.n}, but dataset={self.dataset} has {len(problems)} problems; "
                "leave n out to run them all"
            )
        if self.seed is not None:
            random.Random(self.seed).shuffle(problems)
        return problems[: self.n] if self.n else problems

    def samples(self) -> list[Sample]:
        return [
            Sample(
                id=problem.id,
                input=problem.statement,
                target=problem.reference,
                metadata={
                    "source": problem.source,
                    "entry_point": problem.entry_point,
                    "tests": problem.spec.to_dict(),
                },
            )
            for problem in self.problems()
        ]

    # ------------------------------------------------------------------ checking

    def extract(self, completion: str) -> str | None:
        return extract_code(completion)

    def verify(self, answer: str, problem: Problem) -> Verdict:
        spec = _spec(problem)
        limits = self.limits_for(spec)
        outcome = run_tests(answer, spec, limits, self.timeout, self.isolation)
        if outcome.ok:
            return Verdict(True, f"All {outcome.total} tests pass.", score=1.0)
        return Verdict(
            False,
            feedback=describe(outcome, spec, answer, self.reveal, limits, self.timeout),
            report=describe(outcome, spec, answer, "full", limits, self.timeout)
            + output_tail(outcome),
            score=outcome.score,
        )

    def limits_for(self, spec: TestSpec) -> Limits:
        """Each test has `timeout` CPU seconds; the whole run gets room for every test to use
        it, so a slow but correct solution is never cut short by the run's own limits."""
        if self.limits is not None:
            return self.limits
        steps = len(spec.steps) + len(spec.stdin_cases) + 1  # + loading the program
        return Limits(wall_s=10 + 3 * self.timeout * steps, cpu_s=int(5 + self.timeout * steps))

    def reference(self, problem: Problem) -> str:
        if not problem.target:
            return "(this dataset has no reference solution; rely on the checker's report)"
        return f"A correct solution:\n{fenced(problem.target)}"

    def answer_text(self, problem: Problem) -> str:
        if not problem.target:
            raise TaskArgError(
                f"{problem.id} has no reference solution, so oracle mode cannot run on it"
            )
        return f"Here is my solution.\n\n{fenced(problem.target)}"

    def wrong_answer_text(self, problem: Problem) -> str:
        entry = problem.metadata.get("entry_point")
        spec = _spec(problem)
        if spec.stdin_cases or not entry:
            code = "raise SystemExit('not implemented yet')"
        elif spec.candidate and spec.candidate.startswith("Solution()"):
            code = (
                f"class Solution:\n    def {entry}(self, *args, **kwargs):\n"
                "        raise NotImplementedError('not implemented yet')"
            )
        else:
            code = f"def {entry}(*args, **kwargs):\n    raise NotImplementedError('not yet')"
        return f"Here is my solution.\n\n{fenced(code)}"

    def leaked(self, feedback: str, problem: Problem) -> list[str]:
        """Distinctive lines of the reference solution (not already in the statement)."""
        statement = normalise(problem.input)
        found, text = [], normalise(feedback)
        for line in problem.target.splitlines():
            key = normalise(line)
            if len(key.replace(" ", "")) >= 20 and key not in statement and key in text:
                found.append(line.strip())
        return found


def _check_columns(dataset: str, columns: object) -> None:
    """`columns` maps our field names to the dataset's column names, both strings."""
    if columns is None:
        return
    fields = datasets.COLUMNS.get(dataset, {})
    allowed = f"fields: {', '.join(fields)}" if fields else f"dataset={dataset} takes none"
    if (
        not isinstance(columns, Mapping)
        or (columns and not fields)
        or not all(key in fields and isinstance(value, str) for key, value in columns.items())
    ):
        raise TaskArgError(
            "columns must map fields to dataset column names, as in "
            f'-T columns=\'{{"text": "prompt"}}\' ({allowed}); got {columns!r}'
        )


def _spec(problem: Problem) -> TestSpec:
    return TestSpec.from_dict(problem.metadata["tests"])

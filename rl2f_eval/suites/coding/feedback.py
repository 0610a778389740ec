"""What the student is told about a failed run (`reveal`), and the full report for the teacher.

`reveal` (what the `verifier` teacher tells the student; the `model` teacher always gets `full`):
- `input`: which test failed (k of n), its input (the call, or the standard input), and what
  happened: what the code returned or printed, or the exception (type, message, line of the
  student's code), a timeout, running out of memory, too much output, a value too large, exiting.
  Never the expected value, nor what the code returned when that would give the expected value
  away: True or False, or one of exactly two values the problem's tests expect (YES/NO, 0/1).
- `full`: also the expected value (or output) and the failing test's source, LeetCode style.
- `none`: only the kind of failure and where in the student's own code; no test input.
"""

from __future__ import annotations

import ast

from rl2f_eval.sandbox import Limits
from rl2f_eval.suites.coding.runner import Failure, TestOutcome
from rl2f_eval.suites.coding.specs import TestSpec


def _clip(text: str, limit: int = 300) -> str:
    text = text if len(text) <= limit else text[:limit] + "..."
    return text


def _where(error: dict, solution: str) -> str:
    if error.get("file") != "<solution>" or not isinstance(error.get("line"), int):
        return ""
    lines = solution.splitlines()
    line = error["line"]
    code = error.get("code") or (lines[line - 1].strip() if 0 < line <= len(lines) else "")
    return f" at line {line} of your code" + (f": `{_clip(code, 120)}`" if code else "")


def _error(error: dict) -> str:
    message = error.get("message")
    return f"{error.get('type', 'an error')}" + (f": {_clip(message, 200)}" if message else "")


def describe(
    outcome: TestOutcome, spec: TestSpec, solution: str, reveal: str, limits: Limits, timeout: float
) -> str:
    """What went wrong, as much as `reveal` allows (`full`: everything, for the report)."""
    failure = outcome.failure
    if failure is None:  # every test reported, yet not all passed: should not happen
        return f"Your code passes {outcome.passed} of {outcome.total} tests."
    error = failure.error
    if failure.kind == "load_error":
        if error.get("type") == "SyntaxError" or error.get("type") == "IndentationError":
            return f"Your code does not compile: {_error(error)}{_where(error, solution)}."
        if failure.detail.startswith("the program does not define"):
            name = spec.display or spec.candidate
            return f"Your code does not define `{name}`, the function the problem asks for."
        return f"Your code raised {_error(error)}{_where(error, solution)} while loading."
    case = _case(spec, failure.step, outcome.total)
    if not case:
        on = "While loading, your code"
    elif reveal != "none" and failure.call:
        on = f"On {case}, {failure.call}"
    else:
        on = f"On {case}, your code"
    stdin = bool(spec.stdin_cases) and failure.step is not None
    if stdin and reveal != "none":
        on = f"On {case} (input: {_clip(spec.stdin_cases[failure.step].input)!r}), your program"
    passes = f" It passes {outcome.passed} of {outcome.total} tests."
    if failure.kind == "wrong":
        text = _wrong(failure, spec, on, reveal, stdin)
    elif failure.kind == "unplain":
        text = (
            f"{on} returned {failure.detail.removeprefix('returned ')}; return plain values "
            "(numbers, strings, bytes, None, and lists, tuples, dicts or sets of them) so that "
            "the result can be compared."
        )
    elif failure.kind == "error":
        text = f"{on} raised {_error(error)}{_where(error, solution)}."
    elif failure.kind == "timeout" and failure.detail.endswith("in all"):
        text = (
            f"{on} used up the CPU time of the whole run ({limits.cpu_s} s, all its processes "
            "together): an infinite loop, or processes that never end?"
        )
    elif failure.kind == "timeout":
        text = (
            f"{on} did not finish within the time limit ({timeout:g} s of CPU time per test, "
            f"{limits.wall_s:g} s in all): an infinite loop, or an algorithm that is too slow?"
        )
    elif failure.kind == "too_large":
        text = (
            f"{on} returned a value too large to compare ({failure.detail} bytes when sent "
            "back; the limit is 64 MiB)."
        )
    elif failure.kind == "memory":
        text = f"{on} ran out of memory (limit {limits.memory_mb} MiB){_where(error, solution)}."
    elif failure.kind == "exit":
        how = f"sys.exit({error['message']})" if error.get("message") else failure.detail
        text = f"{on} ended the test process ({how}); do not exit, return the result."
    elif failure.kind == "output":
        text = f"{on} printed too much output ({failure.detail}); the run was stopped."
    else:
        text = f"{on} crashed the test process ({failure.detail})."
    if reveal == "full" and failure.step is not None and not stdin:
        text += f"\nThe failing test: `{_clip(spec.steps[failure.step].source, 500)}`"
    return text + passes


def _case(spec: TestSpec, step: int | None, total: int) -> str:
    """Which test failed, as `test k of n`: k and n both count checks only. Set-up steps
    (`import math`, `rng = ...`) run as steps too, but are not tests; a failing one is named
    as the set-up of the test it comes before."""
    if step is None:
        return ""
    if spec.stdin_cases or not 0 <= step < len(spec.steps):
        return f"test {step + 1} of {total}"
    before = sum(s.check for s in spec.steps[:step])
    if spec.steps[step].check:
        return f"test {before + 1} of {total}"
    return f"the set-up for test {min(before + 1, total)} of {total}"


def _wrong(failure: Failure, spec: TestSpec, on: str, reveal: str, stdin: bool) -> str:
    if stdin:
        got = failure.got or ""
        shown = reveal == "full" or (reveal == "input" and not gives_answer_away(spec, got))
        text = f"{on} printed {_clip(got)!r}, which is wrong." if shown else ""
        if reveal == "full" and failure.step is not None:
            expected = spec.stdin_cases[failure.step].output
            text += f" Expected output: {_clip(expected)!r}."
        return text or f"{on} printed a wrong answer."
    hidden = reveal == "input" and gives_answer_away(spec, failure.got)
    if reveal == "none" or failure.got is None or hidden:
        return f"{on} gave a wrong result (the test's assertion failed)."
    text = f"{on} returned {failure.got}, which is wrong."
    if reveal == "full" and failure.expected is not None:
        text += f" Expected: {failure.expected}."
    return text


def gives_answer_away(spec: TestSpec, got: str | None) -> bool:
    """Whether "returned X, which is wrong" (or "printed X") would tell the student the expected
    value: X is True or False, or one of exactly two values that the problem's tests expect."""
    if got is None:
        return False
    if spec.stdin_cases:
        return len(values := {case.output.strip() for case in spec.stdin_cases}) == 2 and (
            got.strip() in values
        )
    if got in ("True", "False"):
        return True
    values = set()
    for step in spec.steps:
        if step.compare and step.compare[3] in ("left", "right"):
            side = step.compare[0] if step.compare[3] == "left" else step.compare[2]
            try:
                values.add(repr(ast.literal_eval(side)))
            except (ValueError, TypeError, SyntaxError, MemoryError, RecursionError):
                continue  # not a literal (`2.0/3.0`): the result can take other values
    return len(values) == 2 and got in values


def output_tail(outcome: TestOutcome) -> str:
    text = outcome.output.strip()
    return f"\nThe program's output (last lines):\n{text[-600:]}" if text else ""

"""Run a candidate program against its tests in the sandbox and say what happened.

The parent half of `judge.py`: it sends the program and the tests, and turns the judge's
records plus the sandbox's own account (timeout, CPU budget, killed, output cap) into one
`TestOutcome` that names the first failing test. Whatever the candidate does, the result is an
outcome, never an exception in the caller. A pass needs the judge's own final record (`done`):
a judge that was killed, stopped or went silent is a failure.

Where the judge runs (`isolation`): `auto` and `strict` use this package's sandbox
(`rl2f_eval.sandbox.run_python`); `inspect` runs the same bootstrap and judge through Inspect's
`sandbox()` API (`inspect_sandbox.py`), so Inspect's Docker or Kubernetes sandboxes carry it.
"""

from __future__ import annotations

import marshal
import signal
from dataclasses import dataclass, field
from pathlib import Path

from rl2f_eval.sandbox import Limits, SandboxResult, run_python
from rl2f_eval.suites.coding.specs import TestSpec

INSPECT = "inspect"

_JUDGE = (Path(__file__).parent / "judge.py").read_text() + "\nmain()\n"


@dataclass
class Failure:
    """The first failing test (or the failure to load the program at all)."""

    kind: str
    """load_error | wrong | error | timeout | exit | memory | output | too_large | crash |
    unplain"""
    step: int | None = None
    """Index into `TestSpec.steps` / `stdin_cases`; None when the program did not load."""
    call: str | None = None
    got: str | None = None
    expected: str | None = None
    error: dict = field(default_factory=dict)
    """type, message, file, line, code / last_frame of an exception or syntax error."""
    detail: str = ""
    """Anything else worth saying (signal, exit status, the stream that overflowed)."""


@dataclass
class TestOutcome:
    passed: int
    total: int
    failure: Failure | None
    wall_s: float
    layers: list[str]
    output: str = ""
    """The end of what the program printed (standard output and error together)."""
    stderr: str = ""
    """The sandbox's own standard error (the judge's, should it fail)."""

    @property
    def ok(self) -> bool:
        return self.failure is None and self.passed == self.total

    @property
    def score(self) -> float:
        return self.passed / self.total if self.total else float(self.ok)


def run_tests(
    solution: str,
    spec: TestSpec,
    limits: Limits | None = None,
    step_cpu_s: float = 5.0,
    isolation: str = "auto",
) -> TestOutcome:
    payload = {
        "solution": solution,
        "context": spec.context,
        "prelude": spec.prelude,
        "candidate": spec.candidate,
        "display": spec.display,
        "steps": [{"source": s.source, "compare": s.compare} for s in spec.steps],
        "stdin_cases": [{"input": c.input, "output": c.output} for c in spec.stdin_cases],
        "names": list(spec.solution_names),
        "step_cpu_s": step_cpu_s,
        "output_bytes": (limits or Limits()).output_bytes,
    }
    limits = limits or Limits()
    if isolation == INSPECT:
        from rl2f_eval.suites.coding.inspect_sandbox import run_judge

        result = run_judge(_JUDGE, marshal.dumps(payload), limits)
    else:
        result = run_python(_JUDGE, marshal.dumps(payload), limits, isolation)
    return interpret(result, spec, limits)


def interpret(result: SandboxResult, spec: TestSpec, limits: Limits) -> TestOutcome:
    records = [r for r in result.records if r.get("event") not in ("confined", "exit")]
    checks = [step.check for step in spec.steps] or [True] * len(spec.stdin_cases)
    passed, failure, running, loaded, done, last_call = 0, None, None, False, False, None
    output, layers = "", list(result.layers)
    for record in records:
        event = record.get("event")
        if event == "isolated" and isinstance(record.get("layers"), list):
            layers += [str(layer) for layer in record["layers"]]
        if event == "output" and isinstance(record.get("text"), str):
            output = record["text"]
        if event == "load_error":  # a timeout or an exit while loading keeps its own kind
            kind = record.get("kind")
            kind = kind if kind in ("timeout", "exit") else "load_error"
            failure = _failure(kind, None, record)
            break
        if event == "loaded":
            loaded = True
        elif event == "start":
            running, last_call = record.get("step"), None
        elif event == "call":
            last_call = _text(record.get("call"))
        elif event == "end":
            running = None
            step = record.get("step")
            if not isinstance(step, int) or not 0 <= step < len(checks):
                continue
            if record.get("ok"):
                passed += checks[step]
            elif failure is None:
                failure = _failure(str(record.get("kind", "error")), step, record)
        elif event == "done":
            done = True
    if failure is None and not done:  # the process ended (or was ended) mid-way
        failure = _ended(result, running, loaded, limits)
        failure.call = last_call if failure.step is not None else None
    if failure and failure.kind == "error" and failure.error.get("type") == "MemoryError":
        failure.kind = "memory"
    return TestOutcome(
        passed=passed,
        total=spec.total,
        failure=failure,
        wall_s=result.wall_s,
        layers=layers,
        output=output,
        stderr=result.stderr.decode("utf-8", "replace"),
    )


def _failure(kind: str, step: int | None, record: dict) -> Failure:
    error = record.get("error") if isinstance(record.get("error"), dict) else {}
    detail = ""
    if kind == "unplain":
        detail = f"returned an object of type {record.get('got_type')}, which is not plain data"
    if record.get("missing"):
        detail = f"the program does not define {record['missing']}"
    elif not detail and isinstance(record.get("detail"), str):
        detail = record["detail"]  # how the candidate's process ended
    return Failure(
        kind=kind,
        step=step,
        call=_text(record.get("call")),
        got=_text(record.get("got")),
        expected=_text(record.get("expected")),
        error={k: v for k, v in error.items() if isinstance(v, str | int)},
        detail=detail,
    )


def _text(value: object) -> str | None:
    return value if isinstance(value, str) else None


def _ended(result: SandboxResult, running: int | None, loaded: bool, limits: Limits) -> Failure:
    """Why the process ended before reporting `done`, attributed to the step that was running."""
    step = running if loaded else None
    stderr = result.stderr.decode("utf-8", "replace").strip().splitlines()
    last = stderr[-1] if stderr else ""
    if result.output_exceeded:
        cap = limits.results_bytes if result.output_exceeded == "results" else limits.output_bytes
        return Failure(
            "output", step, detail=f"wrote more than {cap} bytes to {result.output_exceeded}"
        )
    if result.timed_out:
        return Failure("timeout", step, detail=f"wall-clock limit of {limits.wall_s:g} s")
    if result.cpu_exceeded:
        return Failure("timeout", step, detail=f"CPU time limit of {limits.cpu_s} s in all")
    code = result.exit_code
    if code is None:
        return Failure("crash", step, detail=f"the sandbox did not start: {last}")
    if code < 0:
        name = signal.Signals(-code).name if -code in signal.valid_signals() else str(-code)
        if -code in (signal.SIGXCPU, signal.SIGKILL) and result.cpu_s >= limits.cpu_s:
            return Failure("timeout", step, detail=f"CPU time limit of {limits.cpu_s} s ({name})")
        if -code == signal.SIGKILL:  # not by us and not the CPU limit
            return Failure("crash", step, detail="killed by SIGKILL: by itself, or out of memory")
        return Failure("crash", step, detail=f"killed by {name}")
    if "MemoryError" in last:
        return Failure("memory", step, detail=last)
    if not loaded and not result.records:
        return Failure("crash", None, detail=f"the sandbox failed: {last}")
    return Failure("exit", step, detail=f"the process exited with status {code}")

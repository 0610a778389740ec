"""Runs inside the sandbox: loads a candidate program, then runs its tests one at a time.

Shipped as source text (standard library only) and started by `testrun.py` through
`run_python`; the payload comes on stdin as JSON. It writes one JSON record per event to the
results channel, *before* and after each test, so that the parent can name the test that was
running even when the process is killed (timeout, memory, `os._exit`):

    {"event": "loaded"} | {"event": "load_error", "error": {...}}
    {"event": "start", "step": i}
    {"event": "call", "step": i, "call": "f(1, 2)"}     (each outermost call, before it runs)
    {"event": "end", "step": i, "ok": true|false, "kind": ..., "call": ..., "got": ..., ...}
    {"event": "done"}

Two kinds of tests:
- steps: Python statements run in the program's namespace (an HumanEval `check` body split into
  its statements, MBPP asserts, call-style LiveCodeBench cases). The function under test is
  bound to `candidate` through a recorder that notes the outermost call and what it returned.
  A step with `compare` = [left, op, right] evaluates the two sides separately, so a failure can
  show expected against got.
- stdin cases: the whole program runs once per case with the input on file descriptor 0 and its
  output captured from file descriptor 1, compared token by token.

The verdict is computed in the same process as the candidate code: the sandbox protects the
machine, not the score, from code written to fool the checker. The one cheap guard here rejects
results whose class the candidate defined itself (an object whose `__eq__` always says yes).
"""

from __future__ import annotations

import builtins
import io
import marshal
import os
import reprlib
import signal
import sys

_OPS = {
    "==": lambda a, b: a == b,
    "!=": lambda a, b: a != b,
    "<": lambda a, b: a < b,
    "<=": lambda a, b: a <= b,
    ">": lambda a, b: a > b,
    ">=": lambda a, b: a >= b,
    "is": lambda a, b: a is b,
    "is not": lambda a, b: a is not b,
    "in": lambda a, b: a in b,
    "not in": lambda a, b: a not in b,
}

_repr = reprlib.Repr()
_repr.maxstring = _repr.maxother = 240
_repr.maxlist = _repr.maxtuple = _repr.maxset = _repr.maxdict = 24
_repr.maxlevel = 4


class StepTimeout(BaseException):  # not an Exception: `except Exception` must not eat it
    """The step ran past its time limit."""


def show(value) -> str:
    try:
        return _repr.repr(value)
    except StepTimeout:
        raise
    except BaseException as error:  # a hostile __repr__
        return f"<unprintable {type(value).__name__}: {type(error).__name__}>"


class Channel:
    def __init__(self, fd: int) -> None:
        self.fd, self.pid = fd, os.getpid()

    def send(self, **record) -> None:
        if os.getpid() != self.pid:  # a forked child of the candidate code: never report
            os._exit(0)
        write_record(self.fd, record)  # noqa: F821 (given by the sandbox bootstrap)


class Recorder:
    """Wraps the function under test; notes the outermost call, its arguments and its result."""

    def __init__(self, function, name: str, channel: Channel, step: int) -> None:
        self.function, self.name, self.depth, self.last = function, name, 0, None
        self.channel, self.step = channel, step

    def __call__(self, *args, **kwargs):
        outer = self.depth == 0
        if outer:  # shown before the call: the function may change its arguments
            shown = [show(a) for a in args] + [f"{k}={show(v)}" for k, v in kwargs.items()]
            self.last = {"call": f"{self.name}({', '.join(shown)})"}
            # reported now: if the call never returns (killed, os._exit) the parent still knows
            self.channel.send(event="call", step=self.step, call=self.last["call"])
        self.depth += 1
        try:
            result = self.function(*args, **kwargs)
        finally:
            self.depth -= 1
        if outer:
            self.last["got"] = show(result)
            self.last["value"] = result
        return result


def error_info(error: BaseException, program_files: tuple) -> dict:
    """Exception type, message and the innermost line of the candidate's own code."""
    if isinstance(error, SyntaxError) and error.filename in program_files:
        return {
            "type": type(error).__name__,
            "message": str(error.msg),
            "file": error.filename,
            "line": error.lineno,
            "code": (error.text or "").strip(),
        }
    info = {"type": type(error).__name__, "message": show_message(error)}
    import traceback  # only on failures: it costs milliseconds to import

    frames = traceback.extract_tb(error.__traceback__)
    for frame in reversed(frames):
        if frame.filename in program_files:
            info.update(file=frame.filename, line=frame.lineno, function=frame.name)
            break
    if frames:  # the traceback's last line as Python would print it
        info["last_frame"] = (
            f"{frames[-1].filename}, line {frames[-1].lineno}, in {frames[-1].name}"
        )
    return info


def show_message(error: BaseException) -> str:
    try:
        text = str(error)
    except BaseException:
        return ""
    return text if len(text) <= 300 else text[:300] + "..."


def timed(seconds: float):
    def expire(signum, frame):
        untimed()  # one timeout per step: the other timer must not fire in the handling code
        raise StepTimeout()

    signal.signal(signal.SIGPROF, expire)  # CPU time: fair when runs share cores
    signal.signal(signal.SIGALRM, expire)  # wall time: catches sleeping and blocking
    signal.setitimer(signal.ITIMER_PROF, seconds)
    signal.setitimer(signal.ITIMER_REAL, seconds * 3)


def untimed() -> None:
    signal.setitimer(signal.ITIMER_PROF, 0)
    signal.setitimer(signal.ITIMER_REAL, 0)


def failure(error: BaseException, files: tuple) -> dict:
    import traceback

    if isinstance(error, StepTimeout):
        return {"kind": "timeout"}
    if isinstance(error, SystemExit):
        return {"kind": "exit", "error": {"type": "SystemExit", "message": show(error.code)}}
    if (
        isinstance(error, AssertionError)
        and error.__traceback__
        and not any(frame.filename in files for frame in traceback.extract_tb(error.__traceback__))
    ):
        return {"kind": "wrong"}  # the test's own assert, not one inside the candidate's code
    return {"kind": "error", "error": error_info(error, files)}


def defined_by_candidate(value, namespace: dict) -> bool:
    module = getattr(type(value), "__module__", "")
    return module == namespace["__name__"] or str(module).startswith("unittest.mock")


def run_step(
    i: int, step: dict, namespace: dict, payload: dict, files: tuple, channel: Channel
) -> dict:
    recorder = None
    if payload.get("candidate"):
        target = eval(payload["candidate"], namespace)  # e.g. "find_zero", "Solution().twoSum"
        recorder = Recorder(target, payload.get("display") or payload["candidate"], channel, i)
        namespace["candidate"] = recorder
    result: dict = {"ok": True}
    try:
        compare = step.get("compare")
        if compare:
            left_src, op, right_src, expected_side = compare
            left = eval(compile(left_src, "<test>", "eval"), namespace)
            right = eval(compile(right_src, "<test>", "eval"), namespace)
            if expected_side in ("left", "right"):
                expected, got = (left, right) if expected_side == "left" else (right, left)
                result["expected"] = show(expected)
                if op == "==" and defined_by_candidate(got, namespace):
                    result.update(ok=False, kind="suspicious", got_type=type(got).__name__)
                    return result
            if not _OPS[op](left, right):
                result.update(ok=False, kind="wrong")
        else:
            exec(compile(step["source"], "<test>", "exec"), namespace)
    except BaseException as error:
        result = {"ok": False, **failure(error, files), **result_expected(result)}
    finally:
        if recorder is not None and recorder.last is not None:
            result["call"] = recorder.last["call"]
            if "got" in recorder.last:
                result["got"] = recorder.last["got"]
    return result


def result_expected(result: dict) -> dict:
    return {"expected": result["expected"]} if "expected" in result else {}


def stops(result: dict) -> bool:
    """After a timeout, an exit or running out of memory the remaining tests would only wait."""
    error = result.get("error") or {}
    return result.get("kind") in ("timeout", "exit") or error.get("type") == "MemoryError"


def run_steps(payload: dict, channel: Channel) -> None:
    files = ("<solution>",)
    namespace = {"__name__": payload.get("module_name", "solution"), "__builtins__": __builtins__}
    phase = "load"
    try:
        timed(payload["step_cpu_s"])
        exec(compile(payload.get("context", ""), "<problem>", "exec"), namespace)
        exec(compile(payload["solution"], "<solution>", "exec"), namespace)
        exec(compile(payload.get("prelude", ""), "<test>", "exec"), namespace)
        if payload.get("candidate"):
            phase = "find"  # the function under test must exist
            eval(payload["candidate"], namespace)
        untimed()
    except BaseException as error:
        untimed()
        info = failure(error, files)
        if phase == "find" and isinstance(error, NameError | AttributeError):
            info["missing"] = payload.get("display") or payload["candidate"]
        channel.send(event="load_error", **info)
        return
    channel.send(event="loaded")
    for i, step in enumerate(payload["steps"]):
        channel.send(event="start", step=i)
        try:
            timed(payload["step_cpu_s"])
            result = run_step(i, step, namespace, payload, files, channel)
            untimed()
        except BaseException as error:  # raised while binding the candidate or showing values
            untimed()
            result = {"ok": False, **failure(error, files)}
        channel.send(event="end", step=i, **result)
        if stops(result):
            return


def same_output(got: str, expected: str) -> bool:
    """Token by token; numbers that both parse as floats may differ by 1e-6 (relative)."""
    got_lines = [line.split() for line in got.strip().splitlines()]
    expected_lines = [line.split() for line in expected.strip().splitlines()]
    got_lines = [line for line in got_lines if line]
    expected_lines = [line for line in expected_lines if line]
    if len(got_lines) != len(expected_lines):
        return False
    for got_tokens, expected_tokens in zip(got_lines, expected_lines, strict=True):
        if len(got_tokens) != len(expected_tokens):
            return False
        for a, b in zip(got_tokens, expected_tokens, strict=True):
            if a == b:
                continue
            try:
                x, y = float(a), float(b)
            except ValueError:
                return False
            if abs(x - y) > 1e-6 * max(1.0, abs(y)):
                return False
    return True


def run_program(code, text: str, i: int, seconds: float, files: tuple) -> tuple[dict, str]:
    """Run the whole program once with `text` on fd 0; returns (result, what it printed)."""
    with open(f"input-{i}.txt", "w") as handle:
        handle.write(text)
    saved_in, saved_out = os.dup(0), os.dup(1)
    result: dict = {"ok": True}
    with open(f"input-{i}.txt", "rb") as source, open(f"output-{i}.txt", "w+b") as sink:
        os.dup2(source.fileno(), 0)  # fd level: input(), sys.stdin and open(0) all read it
        os.dup2(sink.fileno(), 1)
        sys.stdin = io.TextIOWrapper(io.FileIO(0, closefd=False))
        sys.stdout = io.TextIOWrapper(io.FileIO(1, "w", closefd=False), write_through=True)
        try:
            timed(seconds)
            try:
                exec(code, {"__name__": "__main__", "__builtins__": __builtins__})
            except SystemExit as error:
                if error.code not in (None, 0):
                    raise
            finally:
                untimed()
                try:  # noqa: SIM105 (contextlib would be one more import on every run)
                    sys.stdout.flush()
                except BaseException:
                    pass
        except BaseException as error:
            result = {"ok": False, **failure(error, files)}
        finally:
            os.dup2(saved_in, 0)
            os.dup2(saved_out, 1)
            os.close(saved_in)
            os.close(saved_out)
            sys.stdin, sys.stdout = sys.__stdin__, sys.__stdout__
        sink.seek(0)
        got = sink.read(1 << 20).decode("utf-8", "replace")
    return result, got


def run_stdin_cases(payload: dict, channel: Channel) -> None:
    files = ("<solution>",)
    try:
        code = compile(payload["solution"], "<solution>", "exec")
    except BaseException as error:
        channel.send(event="load_error", **failure(error, files))
        return
    channel.send(event="loaded")
    signal.signal(signal.SIGXFSZ, signal.SIG_IGN)  # an oversized output fails a write instead
    for i, case in enumerate(payload["stdin_cases"]):
        channel.send(event="start", step=i)
        result, got = run_program(code, case["input"], i, payload["step_cpu_s"], files)
        if result["ok"] and not same_output(got, case["output"]):
            result = {"ok": False, "kind": "wrong"}
        result["got"] = got if len(got) <= 2000 else got[:2000] + "..."
        channel.send(event="end", step=i, **result)
        if stops(result):
            return


def main() -> None:
    channel = Channel(SANDBOX["results_fd"])  # noqa: F821 (given by the sandbox bootstrap)
    # `python -S` skips `site`, which is what defines exit() and quit(); programs use them
    builtins.exit = builtins.quit = sys.exit
    payload = marshal.loads(sys.stdin.buffer.read())  # from the host: trusted plain data
    if payload.get("stdin_cases"):
        run_stdin_cases(payload, channel)
    else:
        run_steps(payload, channel)
    channel.send(event="done")

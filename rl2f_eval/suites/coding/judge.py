"""Runs inside the sandbox: loads a candidate program, then runs its tests one at a time.

Shipped as source text (standard library only) and started by `runner.py` in a sandbox (ours
through `run_python`, or Inspect's); the payload comes on stdin as `marshal` data. It writes one
JSON record per event to the results channel, *before* and after each test, so that the parent
can name the test that was running even when the process is killed (timeout, memory, `os._exit`):

    {"event": "loaded"} | {"event": "load_error", "error": {...}}
    {"event": "start", "step": i}
    {"event": "call", "step": i, "call": "f(1, 2)"}     (each outermost call, before it runs)
    {"event": "end", "step": i, "ok": true|false, "kind": ..., "call": ..., "got": ..., ...}
    {"event": "done"}

Two kinds of tests:
- steps: Python statements run in the tests' own namespace (an HumanEval `check` body split into
  its statements, MBPP asserts, call-style LiveCodeBench cases), where the program's functions
  are proxies that call them in the server. The function under test is bound to `candidate`
  through a recorder that notes the outermost call and what it returned.
  A step with `compare` = [left, op, right] evaluates the two sides separately, so a failure can
  show expected against got.
- stdin cases: the whole program runs in the server once per case with the input on file
  descriptor 0 and its output captured from file descriptor 1; the judge compares it token by
  token.

Two processes, so that the verdict cannot be forged: this one (the judge) holds the tests and
the results channel and never runs candidate code; before it reads the tests it forks a server
that loads the candidate program and answers calls to it with plain values (numbers, strings,
bytes, None and lists, tuples, dicts and sets of them), sent back as `marshal` data and checked
for type here. Before any candidate code runs the server closes every descriptor but its two
pipes, sends its output to a file, and confines itself apart from the judge (`isolate`: a nested
Landlock domain and a seccomp filter), so that it can neither trace, signal nor take descriptors
from the judge or the sandbox's init, which is not dumpable either. The candidate can return
values, raise, crash or stall, and only right values pass: whatever the values' classes did (an
`__eq__` that always says yes) stays in the server, and the tests' own names (builtins, the
problem's helpers) are the judge's; only the names the tests take from the solution (the
function under test, a class the problem asks for) are the candidate's.
"""

from __future__ import annotations

import builtins
import io
import marshal
import os
import reprlib
import signal
import sys
import time

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
        self.fd = fd

    def send(self, **record) -> None:
        write_record(self.fd, record)  # noqa: F821 (given by the sandbox bootstrap)


# ------------------------------------------------------------------ the candidate's server

_PLAIN_SCALARS = (bool, int, float, complex, str, bytes)
_PLAIN_TYPES = (*_PLAIN_SCALARS, type(None), list, tuple, dict, set, frozenset)
_MESSAGE_CAP = 64 << 20
_PLAUSIBLE = 1 << 40  # a reply header claiming more is not a large reply but garbage
_GARBLED = "the test process sent a malformed reply"


class Unplain(Exception):
    """A value that is not plain data cannot leave the server."""


class TooLarge(Exception):
    """A reply over the size cap (its size is the argument)."""


class ServerEnded(Exception):
    """The server died (exit, signal) or sent something that is not a reply."""

    def __init__(self, info: dict) -> None:
        super().__init__(info.get("detail", ""))
        self.info = info


class Raised(Exception):
    """The candidate's code raised; `info` is what `failure` made of it in the server."""

    def __init__(self, info: dict) -> None:
        super().__init__()
        self.info = info


def plain(value, depth: int = 0):
    """`value` as plain data. Subclasses become their base type (a custom `__eq__` must not
    take part in the comparison); array-likes with `tolist` (numpy) become lists."""
    if depth > 200:
        raise Unplain("nested too deeply")
    if value is None or type(value) in _PLAIN_SCALARS:
        return value
    for base in _PLAIN_SCALARS:
        if isinstance(value, base):
            return base(value)
    if isinstance(value, dict):
        return {plain(k, depth + 1): plain(v, depth + 1) for k, v in value.items()}
    for base in (list, tuple, set, frozenset):
        if isinstance(value, base):
            return base(plain(v, depth + 1) for v in value)
    if callable(getattr(type(value), "tolist", None)):
        return plain(value.tolist(), depth + 1)
    raise Unplain(type(value).__name__)


def checked(value, depth: int = 0):
    """Judge side: what arrived must be plain data (marshal can also carry code objects)."""
    if type(value) not in _PLAIN_TYPES or depth > 201:
        raise ServerEnded({"kind": "crash", "detail": _GARBLED})
    if isinstance(value, dict):
        for key, item in value.items():
            checked(key, depth + 1)
            checked(item, depth + 1)
    elif isinstance(value, list | tuple | set | frozenset):
        for item in value:
            checked(item, depth + 1)
    return value


def send_message(fd: int, message) -> None:
    body = marshal.dumps(message)
    head = len(body).to_bytes(8, "little")
    # one write when it fits in a pipe's atomic size (several processes may share the pipe);
    # a large reply is not copied once more to prepend its length
    parts = [head + body] if len(body) < 4000 else [head, body]
    for part in parts:
        data = memoryview(part)
        while data:
            data = data[os.write(fd, data) :]


def read_exactly(fd: int, size: int) -> bytes | None:
    chunks, left = [], size
    while left:
        chunk = os.read(fd, min(left, 1 << 20))
        if not chunk:
            return None
        chunks.append(chunk)
        left -= len(chunk)
    return b"".join(chunks)


def receive_message(fd: int):
    """The next message, or None at end of file or if it is not marshal data (the server's
    replies are untrusted: a malformed one means the server is no use). TooLarge: past the cap."""
    head = read_exactly(fd, 8)
    if head is None:
        return None
    size = int.from_bytes(head, "little")
    if size > _MESSAGE_CAP:
        raise TooLarge(size)
    body = read_exactly(fd, size)
    try:
        return None if body is None else marshal.loads(body)
    except (ValueError, EOFError, TypeError):
        return None


class Program:
    """The server's side: the candidate program, loaded into a namespace of its own."""

    files = ("<solution>",)

    def __init__(self) -> None:
        self.namespace: dict = {}
        self.code = None

    def load(self, context, solution, prelude, candidate, module_name, seconds) -> tuple:
        """Run the problem's context, the solution and the test set-up; the names it defines."""
        self.namespace.update(__name__=module_name, __builtins__=__builtins__)
        phase = "load"
        try:
            timed(seconds)
            exec(compile(context, "<problem>", "exec"), self.namespace)
            before = dict(self.namespace)
            exec(compile(solution, "<solution>", "exec"), self.namespace)
            # the test set-up (constants the problem names, e.g. MBPP's) as before
            exec(compile(prelude, "<test>", "exec"), self.namespace)
            if candidate:
                phase = "find"  # the function under test must exist
                eval(candidate, self.namespace)
            untimed()
        except BaseException as error:
            untimed()
            info = failure(error, self.files)
            if phase == "find" and isinstance(error, NameError | AttributeError):
                info["missing"] = candidate
            return ("load_error", info)
        defined = [  # what the program defines, for tests that call it by name
            name
            for name, value in self.namespace.items()
            if type(name) is str and callable(value) and before.get(name) is not value
        ]
        return ("loaded", defined)

    def call(self, candidate, args, kwargs, seconds) -> tuple:
        try:
            timed(seconds)
            result = eval(candidate, self.namespace)(*args, **kwargs)
            untimed()
            return ("value", plain(result))
        except Unplain as error:
            untimed()
            return ("unplain", str(error))
        except BaseException as error:
            untimed()
            return ("raised", failure(error, self.files))

    def compile(self, solution) -> tuple:
        try:
            self.code = compile(solution, "<solution>", "exec")
            return ("loaded", [])
        except BaseException as error:
            return ("load_error", failure(error, self.files))

    def program(self, i, text, seconds) -> tuple:
        return ("ran", *run_program(self.code, text, i, seconds, self.files))


def serve(requests: int, replies: int) -> None:
    """The server's loop: answer the judge's requests until it closes the pipe."""
    program = Program()
    handlers = {
        "load": program.load,
        "call": program.call,
        "compile": program.compile,
        "program": program.program,
    }
    while True:
        request = receive_message(requests)  # from the judge: trusted
        if request is None:
            os._exit(0)
        try:
            reply = handlers[request[0]](*request[1:])
            flush()  # what it printed reaches the output file before the judge reads it
            send_message(replies, reply)
        except BaseException as error:  # a reply that cannot be sent (a hostile value): say so
            try:
                send_message(replies, ("raised", failure(error, program.files)))
            except BaseException:
                os._exit(1)


OUTPUT = "program-output.txt"
"""Where the candidate's standard output and error go: never the sandbox's own streams."""


def flush() -> None:
    for stream in (sys.stdout, sys.stderr):
        try:  # noqa: SIM105 (contextlib would be one more import on every run)
            stream.flush()
        except BaseException:
            pass


class Server:
    """The judge's handle on the server process."""

    def __init__(self) -> None:
        import ctypes

        # not dumpable: a process of the same user may not ptrace this one or open its
        # /proc/<pid>/mem or fds, so the server cannot reach the results channel through us
        ctypes.CDLL(None).prctl(4, 0, 0, 0, 0)  # PR_SET_DUMPABLE, 0
        requests_r, requests_w = os.pipe()
        replies_r, replies_w = os.pipe()
        flags = os.O_WRONLY | os.O_CREAT | os.O_TRUNC | os.O_APPEND
        output_w = os.open(OUTPUT, flags, 0o600)
        self.output = os.open(OUTPUT, os.O_RDONLY)  # follows the file even if it is unlinked
        self.pid = os.fork()
        if self.pid == 0:
            try:
                self.become_server(requests_r, replies_w, output_w)
            finally:
                os._exit(1)
        os.close(requests_r)
        os.close(replies_w)
        os.close(output_w)
        self.requests, self.replies, self.alive = requests_w, replies_r, True
        self.status: int | None = None
        # the server's first message, sent before it runs any candidate code: its isolation
        hello = receive_message(self.replies)
        self.layers = [str(x) for x in hello[1]] if isinstance(hello, tuple) else []
        if not isinstance(hello, tuple) or hello[0] != "isolated":
            self.kill()

    @staticmethod
    def become_server(requests: int, replies: int, output: int) -> None:
        null = os.open("/dev/null", os.O_RDONLY)
        os.dup2(null, 0)  # not the judge's standard input (the host's pipe)
        os.dup2(output, 1)
        os.dup2(output, 2)
        keep = (requests, replies)
        for fd in range(3, max(keep) + 1):  # the results channel first of all
            if fd not in keep:
                try:  # noqa: SIM105 (contextlib would be one more import on every run)
                    os.close(fd)
                except OSError:
                    pass
        os.closerange(max(keep) + 1, 1 << 16)
        layers = isolate()  # noqa: F821 (given by the sandbox bootstrap)
        send_message(replies, ("isolated", layers))
        serve(requests, replies)

    def ask(self, *request):
        """Send a request and wait for the reply; a dead, silent or garbled server raises
        ServerEnded. ValueError: the request holds a value marshal cannot carry (nothing sent)."""
        if not self.alive:
            raise ServerEnded({"kind": "crash", "detail": "the test process had already ended"})
        try:
            send_message(self.requests, request)
            reply = receive_message(self.replies)
        except StepTimeout:
            self.kill()  # it is still running the call: nobody else will stop it
            raise
        except TooLarge as error:
            self.kill()  # it is still writing the reply, or wrote garbage
            if error.args[0] > _PLAUSIBLE:
                raise ServerEnded({"kind": "crash", "detail": _GARBLED}) from None
            raise ServerEnded({"kind": "too_large", "detail": str(error.args[0])}) from None
        except OSError:
            reply = None
        if reply is None:  # its end of the pipe closed: it has ended, or is about to
            raise ServerEnded(self.ended(grace=2.0))
        if not isinstance(reply, tuple) or not reply or not isinstance(reply[0], str):
            self.kill()  # garbage on the pipe: it cannot be trusted to answer again
            raise ServerEnded({"kind": "crash", "detail": _GARBLED})
        return reply

    def kill(self) -> None:
        if self.alive:
            try:  # noqa: SIM105
                os.kill(self.pid, signal.SIGKILL)
            except OSError:
                pass
            self.ended()

    def ended(self, grace: float = 0.0) -> dict:
        """Reap the server and say how it ended; one still running after `grace` seconds (it
        closed its pipe but lives on) is killed."""
        if self.alive:
            self.alive = False
            pid, status, waited = 0, 0, 0.0
            while waited < grace and pid == 0:
                pid, status = os.waitpid(self.pid, os.WNOHANG)
                if pid == 0:
                    time.sleep(0.002)
                    waited += 0.002
            if pid == 0:
                try:  # noqa: SIM105
                    os.kill(self.pid, signal.SIGKILL)
                except OSError:
                    pass
                _, status = os.waitpid(self.pid, 0)
            self.status = os.waitstatus_to_exitcode(status)
        code = self.status if self.status is not None else 0
        if code >= 0:
            return {"kind": "exit", "detail": f"the process exited with status {code}"}
        name = signal.Signals(-code).name if -code in signal.valid_signals() else str(-code)
        if -code == signal.SIGXCPU:
            return {"kind": "timeout", "detail": f"CPU time limit ({name})"}
        if -code == signal.SIGKILL:
            return {"kind": "crash", "detail": "killed by SIGKILL: by itself, or out of memory"}
        return {"kind": "crash", "detail": f"killed by {name}"}

    def output_size(self) -> int:
        return os.fstat(self.output).st_size

    def output_tail(self, size: int = 2000) -> str:
        """The end of what the candidate printed (for the teacher's report)."""
        total = self.output_size()
        data = os.pread(self.output, size, max(total - size, 0))
        return data.decode("utf-8", "replace")


class Remote:
    """A function of the candidate program, called in the server."""

    def __init__(self, server: Server, expression: str, seconds: float) -> None:
        self.server, self.expression, self.seconds = server, expression, seconds

    def __call__(self, *args, **kwargs):
        try:
            reply = self.server.ask("call", self.expression, args, kwargs, self.seconds)
        except ValueError:
            raise TypeError(
                "the test passes a value that cannot be sent to the program under test"
            ) from None
        if reply[0] == "value" and len(reply) == 2:
            return checked(reply[1])
        if reply[0] == "unplain":
            raise Raised({"kind": "unplain", "got_type": str(reply[1])[:100]})
        if reply[0] == "raised" and len(reply) == 2 and isinstance(reply[1], dict):
            raise Raised(reply[1])
        raise ServerEnded({"kind": "crash", "detail": _GARBLED})


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


_TIMERS = {signal.SIGPROF: signal.ITIMER_PROF, signal.SIGALRM: signal.ITIMER_REAL}
_armed = [False]


def _expire(signum, frame):
    # a signal someone else sent (the timer is not armed, or has time left) is not a timeout
    if not _armed[0] or signal.getitimer(_TIMERS[signum])[0] > 0:
        return
    untimed()  # one timeout per step: the other timer must not fire in the handling code
    raise StepTimeout()


def timed(seconds: float):
    signal.signal(signal.SIGPROF, _expire)  # CPU time: fair when runs share cores
    signal.signal(signal.SIGALRM, _expire)  # wall time: catches sleeping and blocking
    _armed[0] = True
    signal.setitimer(signal.ITIMER_PROF, seconds)
    signal.setitimer(signal.ITIMER_REAL, seconds * 3)


def untimed() -> None:
    _armed[0] = False
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


_SERVER_KINDS = ("error", "exit", "timeout", "unplain")


def reported(info: dict) -> dict:
    """What the (untrusted) server said about a failure, reduced to what a failure may say:
    it can only ever make a test fail."""
    kind = info.get("kind") if info.get("kind") in _SERVER_KINDS else "error"
    clean: dict = {"kind": kind}
    error = info.get("error")
    if isinstance(error, dict):
        clean["error"] = {
            str(k)[:40]: v if isinstance(v, int) else str(v)[:400]
            for k, v in list(error.items())[:10]
            if isinstance(v, str | int)
        }
    for key in ("got_type", "missing", "detail"):
        if isinstance(info.get(key), str):
            clean[key] = info[key][:300]
    return clean


def run_step(step: dict, namespace: dict, recorder: Recorder | None) -> dict:
    """One test, evaluated here; the candidate's functions run in the server."""
    if recorder is not None:
        recorder.last = None
        namespace["candidate"] = recorder
    result: dict = {"ok": True}
    try:
        compare = step.get("compare")
        if compare:
            left_src, op, right_src, expected_side = compare
            left = eval(compile(left_src, "<test>", "eval"), namespace)
            right = eval(compile(right_src, "<test>", "eval"), namespace)
            if expected_side in ("left", "right"):
                result["expected"] = show(left if expected_side == "left" else right)
            if not _OPS[op](left, right):
                result.update(ok=False, kind="wrong")
        else:
            exec(compile(step["source"], "<test>", "exec"), namespace)
    except Raised as error:
        result = {"ok": False, **reported(error.info), **result_expected(result)}
    except ServerEnded as error:  # the judge's own account of how the server ended
        result = {"ok": False, **error.info, **result_expected(result)}
    except BaseException as error:
        result = {"ok": False, **failure(error, ()), **result_expected(result)}
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
    ended = ("timeout", "exit", "output", "too_large")
    return result.get("kind") in ended or error.get("type") == "MemoryError"


def run_steps(payload: dict, channel: Channel, server: Server) -> None:
    seconds = payload["step_cpu_s"]
    display = payload.get("display") or payload.get("candidate")
    prelude = payload.get("prelude", "")
    request = (
        "load",
        payload.get("context", ""),
        payload["solution"],
        prelude,
        payload.get("candidate"),
        payload.get("module_name", "solution"),
        seconds,
    )
    loaded, defined = load(server, seconds, *request), []
    if isinstance(loaded, list):
        defined = [name for name in loaded if isinstance(name, str) and name.isidentifier()]
    else:
        if loaded.get("missing"):
            loaded["missing"] = display
        channel.send(event="load_error", **loaded)
        return
    # the tests' own namespace: the names they take from the program (called in the server),
    # never a builtin; then the problem's context and the test prelude (trusted code: their
    # definitions win)
    wanted = set(payload.get("names", ())) - set(dir(builtins))
    namespace = {name: Remote(server, name, seconds) for name in defined if name in wanted}
    namespace.update(__name__="tests", __builtins__=builtins)
    exec(compile(payload.get("context", ""), "<problem>", "exec"), namespace)
    exec(compile(prelude, "<test>", "exec"), namespace)
    recorder = None
    if payload.get("candidate"):
        remote = Remote(server, payload["candidate"], seconds)
        recorder = Recorder(remote, display, channel, 0)
    channel.send(event="loaded")
    for i, step in enumerate(payload["steps"]):
        channel.send(event="start", step=i)
        if recorder is not None:
            recorder.step = i
        try:
            # the server times the candidate's CPU; this bounds the test code and the wait
            timed(seconds + 1)
            result = run_step(step, namespace, recorder)
            untimed()
        except BaseException as error:  # raised while showing values, or a late timeout
            untimed()
            server.kill()
            result = {"ok": False, **failure(error, ())}
        channel.send(event="end", step=i, **too_much_output(result, server, payload))
        if stops(result) or not server.alive:
            return


def too_much_output(result: dict, server: Server, payload: dict) -> dict:
    """`result`, unless the candidate has printed more than its cap: then that is the failure."""
    size, cap = server.output_size(), payload["output_bytes"]
    if size <= cap:
        return result
    server.kill()
    kept = {key: result[key] for key in ("call",) if key in result}
    return {"ok": False, "kind": "output", "detail": f"{size} bytes, more than {cap}", **kept}


def load(server: Server, seconds: float, *request) -> list | dict:
    """Load the program in the server: the names it defines, or else the load_error record."""
    try:
        timed(seconds + 1)
        reply = server.ask(*request)
        untimed()
    except StepTimeout:
        untimed()
        return {"kind": "timeout"}
    except ServerEnded as error:
        untimed()
        return error.info
    if reply[0] == "loaded":
        return reply[1] if len(reply) == 2 and isinstance(reply[1], list) else []
    info = reply[1] if len(reply) == 2 and isinstance(reply[1], dict) else {}
    return reported(info)


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
    for name in (f"input-{i}.txt", f"output-{i}.txt"):  # the disk is capped: free it
        try:  # noqa: SIM105
            os.unlink(name)
        except OSError:
            pass
    return result, got


def run_stdin_cases(payload: dict, channel: Channel, server: Server) -> None:
    seconds = payload["step_cpu_s"]
    loaded = load(server, seconds, "compile", payload["solution"])
    if isinstance(loaded, dict):
        channel.send(event="load_error", **loaded)
        return
    channel.send(event="loaded")
    for i, case in enumerate(payload["stdin_cases"]):
        channel.send(event="start", step=i)
        try:
            timed(seconds + 1)
            reply = server.ask("program", i, case["input"], seconds)
            untimed()
            ok = len(reply) == 3 and isinstance(reply[1], dict) and isinstance(reply[2], str)
            if not ok:
                raise ServerEnded({"kind": "crash", "detail": _GARBLED})
            result, got = reply[1], reply[2]
            result = {"ok": True} if result.get("ok") is True else {"ok": False, **reported(result)}
        except StepTimeout:
            untimed()
            result, got = {"ok": False, "kind": "timeout"}, ""
        except ServerEnded as error:
            untimed()
            result, got = {"ok": False, **error.info}, ""
        if result["ok"] and not same_output(got, case["output"]):
            result = {"ok": False, "kind": "wrong"}
        result["got"] = got if len(got) <= 2000 else got[:2000] + "..."
        result = too_much_output(result, server, payload)
        channel.send(event="end", step=i, **result)
        if stops(result) or not server.alive:
            return


def main() -> None:
    channel = Channel(SANDBOX["results_fd"])  # noqa: F821 (given by the sandbox bootstrap)
    # `python -S` skips `site`, which is what defines exit() and quit(); programs use them
    builtins.exit = builtins.quit = sys.exit
    server = Server()  # forked before the tests are read: it never holds them
    channel.send(event="isolated", layers=server.layers)
    payload = marshal.loads(sys.stdin.buffer.read())  # from the host: trusted plain data
    try:
        if payload.get("stdin_cases"):
            run_stdin_cases(payload, channel, server)
        else:
            run_steps(payload, channel, server)
    finally:
        server.kill()
    channel.send(event="output", text=server.output_tail(), size=server.output_size())
    channel.send(event="done")

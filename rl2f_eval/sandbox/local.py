"""Run untrusted Python in a confined child process on a plain Linux machine (no Docker).

One run = one fresh process tree, launched as

    [setpriv --reuid=65534 ...]   only when we are root: the sandbox never runs as root
    [unshare --user --keep-caps --net --pid --ipc --fork --kill-child --mount-proc ...]
    python -I -S -c BOOTSTRAP WORKDIR CONFIG CODE

with a clean environment, stdin/stdout/stderr on pipes, a private working directory (a size-capped
tmpfs inside, removed with the sandbox), and its own session. BOOTSTRAP (`bootstrap.py` after
`confine.py`) is the sandbox's init: it confines, forks the process that runs CODE and supervises
it (wall clock, CPU budget of the whole sandbox, the host's lifeline). The parent enforces the
wall-clock limit and the output caps too and kills the whole tree when one is hit (the pid
namespace makes that kill complete: when its init dies the kernel kills every process in it).

Which launcher works depends on the machine (user namespaces may be disabled, the interpreter may
live where an unprivileged user cannot read it): `plan()` probes the candidates once, strongest
first, and keeps the first that runs. `SandboxResult.layers` and `describe()` say what was in force.
"""

from __future__ import annotations

import contextlib
import functools
import json
import logging
import marshal
import os
import re
import selectors
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path

from rl2f_eval.sandbox.bootstrap import remove_tree

logger = logging.getLogger(__name__)

NOBODY = 65534
"""The unprivileged user the sandbox runs as when the harness runs as root."""

ISOLATION_MODES = ("auto", "strict")
STRICT_LAYERS = (
    "userns", "netns", "pidns", "ipcns", "landlock-fs", "seccomp", "process-cap", "disk-cap",
    "cpu-budget",
)  # fmt: skip

# what runs first in every sandbox (init): confine, fork the process that runs the code, supervise
BOOTSTRAP = (
    "\n".join((Path(__file__).parent / name).read_text() for name in ("confine.py", "bootstrap.py"))
    + "\nmain()\n"
)


class SandboxUnavailable(RuntimeError):
    """No way to run the sandbox on this machine (or not with the isolation asked for)."""


@dataclass(frozen=True)
class Limits:
    """Per-run resource limits: CPU time, wall time and disk for the whole sandbox; memory per
    process, file size per file."""

    wall_s: float = 30.0
    """Wall-clock seconds for the whole run, enforced by the parent (kills the process tree) and,
    a second later, by the sandbox's init (so it ends even when the parent is gone)."""
    cpu_s: int = 20
    """CPU seconds of the whole sandbox, all its processes together (init counts them), and of
    each process (RLIMIT_CPU)."""
    memory_mb: int = 1024
    """Address space per process in MiB (RLIMIT_AS)."""
    processes: int = 32
    """Processes and threads (RLIMIT_NPROC), counted in the sandbox's own user namespace."""
    output_bytes: int = 1 << 20
    """Bytes kept of stdout and of stderr each; more kills the run."""
    results_bytes: int = 4 << 20
    """Bytes of the results channel kept; more kills the run."""
    file_bytes: int = 16 << 20
    """Largest file the sandbox may write (RLIMIT_FSIZE)."""
    disk_bytes: int = 64 << 20
    """Bytes of all files in the working directory together (the size of its tmpfs)."""
    disk_inodes: int = 16384
    """Files and directories in the working directory together."""
    open_files: int = 256
    """Open file descriptors (RLIMIT_NOFILE)."""


@dataclass
class SandboxResult:
    exit_code: int | None
    """The exit status; negative: killed by that signal (SIGXCPU when the sandbox used up its
    CPU budget, SIGKILL when it ran out of time); None: never started."""
    stdout: bytes = b""
    stderr: bytes = b""
    results: bytes = b""
    """What the code wrote to the results channel (fd `SANDBOX["results_fd"]`)."""
    status: bytes = b""
    """What the sandbox's init reported on its own channel (how the code ended, CPU used)."""
    timed_out: bool = False
    """The wall-clock limit was hit and the run was killed."""
    cpu_exceeded: bool = False
    """The whole sandbox used more than its CPU budget and was killed."""
    output_exceeded: str | None = None
    """The stream ("stdout", "stderr", "results") whose cap was hit (the run was killed)."""
    wall_s: float = 0.0
    cpu_s: float = 0.0
    """CPU seconds (user + system) the whole process tree used."""
    layers: list[str] = field(default_factory=list)
    """The isolation layers in force (launcher + what the bootstrap reported)."""

    @property
    def records(self) -> list[dict]:
        """The JSON-line records of the results channel (malformed lines are skipped)."""
        return _records(self.results)


def _records(data: bytes) -> list[dict]:
    records = []
    for line in data.decode("utf-8", "replace").splitlines():
        try:
            record = json.loads(line)
        except ValueError:
            continue
        if isinstance(record, dict):
            records.append(record)
    return records


@dataclass(frozen=True)
class Plan:
    """How this machine launches sandboxes (found once by `plan()`)."""

    prefix: tuple[str, ...]
    python: str
    run_as: int | None
    """The uid the sandbox runs as when we are root (the working directory is given to it)."""
    launcher_layers: tuple[str, ...]
    confined_layers: tuple[str, ...] = ()
    python_version: str = ""

    @property
    def mounts(self) -> bool:
        """The launcher keeps the user namespace's capabilities for init to mount the tmpfs."""
        return "--keep-caps" in self.prefix

    @property
    def layers(self) -> tuple[str, ...]:
        return self.launcher_layers + self.confined_layers


def _clean_env(workdir: str) -> dict[str, str]:
    """The whole environment of the sandbox: nothing is inherited from the parent."""
    return {
        "PATH": "/usr/local/bin:/usr/bin:/bin",
        "HOME": workdir,
        "TMPDIR": workdir,
        "LANG": "C.UTF-8",
        "LC_ALL": "C.UTF-8",
    }


def _interpreters() -> list[str]:
    """Python interpreters to try, the harness's own first (same version as the host)."""
    found = []
    for candidate in (
        getattr(sys, "_base_executable", None),
        sys.executable,
        "/usr/bin/python3",
        "/usr/local/bin/python3",
        shutil.which("python3", path="/usr/local/bin:/usr/bin:/bin"),
    ):
        if candidate and os.path.exists(candidate):
            path = os.path.realpath(candidate)
            if path not in found:
                found.append(path)
    return found


def _launchers() -> list[tuple[tuple[str, ...], int | None, tuple[str, ...]]]:
    """(prefix, run-as uid, layers) candidates, strongest isolation first."""
    root = os.geteuid() == 0
    drop: tuple[str, ...] = ()
    base: tuple[str, ...] = ("process-cap",)
    if root:
        setpriv = shutil.which("setpriv")
        if setpriv:  # the sandbox never runs as root: RLIMIT_NPROC does not bind root
            drop = (setpriv, f"--reuid={NOBODY}", f"--regid={NOBODY}", "--clear-groups", "--")
            base = ("process-cap", "uid-drop")
        else:
            base = ()
    unshare = shutil.which("unshare")
    candidates = []
    if unshare:
        namespaces = ("--net", "--pid", "--ipc", "--fork", "--kill-child")
        layers = ("userns", "netns", "pidns", "ipcns")
        for user, caps, proc in (
            ("--map-current-user", ("--keep-caps",), ("--mount-proc",)),  # util-linux >= 2.38
            ("--map-current-user", (), ("--mount-proc",)),
            ("--map-root-user", (), ("--mount-proc",)),
            ("--map-current-user", (), ()),  # where /proc cannot be mounted
        ):
            prefix = (unshare, "--user", user, *caps, *namespaces, *proc, "--")
            found = layers + (("private-proc",) if proc else ())
            candidates.append((drop + prefix, NOBODY if drop else None, base + found))
    # no namespaces: rlimits and Landlock only; RLIMIT_NPROC then counts the user's processes
    candidates.append((drop, NOBODY if drop else None, base if drop else ()))
    return candidates


def _launch(plan: Plan, code: str, stdin: bytes, limits: Limits) -> SandboxResult:
    workdir = tempfile.mkdtemp(prefix=_workdir_prefix())
    results_r, results_w = os.pipe()
    status_r, status_w = os.pipe()
    # never written: init sees it close when this process dies, however it dies, and ends the
    # sandbox (os.pipe's descriptors are not inherited by other processes this one starts)
    lifeline_r, lifeline_w = os.pipe()
    start = time.monotonic()
    try:
        if plan.run_as is not None:
            os.chown(workdir, plan.run_as, plan.run_as)
        config = {
            "limits": asdict(limits),
            "workdir": workdir,
            "results_fd": results_w,
            "status_fd": status_w,
            "lifeline_fd": lifeline_r,
            "mount": plan.mounts,
        }
        bootstrap, program, tail = _program(plan, code, config)
        argv = [*plan.prefix, plan.python, "-I", "-S", "-c", bootstrap]
        argv += [workdir, marshal.dumps(config).hex(), program, *tail]
        try:
            process = subprocess.Popen(
                argv,
                stdin=subprocess.PIPE,
                stdout=subprocess.PIPE,
                stderr=subprocess.PIPE,
                pass_fds=(results_w, status_w, lifeline_r),
                cwd=workdir,
                env=_clean_env(workdir),
                start_new_session=True,  # its own process group: one kill reaches all of it
            )
        except OSError as error:
            return SandboxResult(exit_code=None, stderr=str(error).encode())
        finally:
            for fd in (results_w, status_w, lifeline_r):
                os.close(fd)
        result = _communicate(process, {"results": results_r, "status": status_r}, stdin, limits)
        result.wall_s = time.monotonic() - start
        result.layers = list(plan.launcher_layers)
        return result
    finally:
        for fd in (results_r, status_r, lifeline_w):
            os.close(fd)
        _remove(workdir)


_STUB = "import marshal, sys\nexec(marshal.loads(bytes.fromhex(sys.argv.pop())))\n"


@functools.lru_cache(maxsize=16)
def _compiled(source: str, filename: str) -> str | None:
    """`source` compiled here, as hex `marshal` data; None when it does not compile (the
    sandbox then compiles it and reports the error as it would)."""
    try:
        return marshal.dumps(compile(source, filename, "exec")).hex()
    except Exception:  # SyntaxError, ValueError (NUL bytes), RecursionError, MemoryError
        return None


def _program(plan: Plan, code: str, config: dict) -> tuple[str, str, list[str]]:
    """(what -c runs, the code, what comes after): the bootstrap and the code go compiled when
    the sandbox's interpreter reads this one's bytecode (same minor version), so that no run
    pays for compiling them again (the coding judge's two: about 15 ms of CPU per run)."""
    same = plan.python_version.split(".")[:2] == [str(v) for v in sys.version_info[:2]]
    bootstrap = _compiled(BOOTSTRAP, "<bootstrap>") if same else None
    program = _compiled(code, "<sandbox>") if same else None
    config["compiled"] = program is not None
    if bootstrap is None:
        return BOOTSTRAP, program or code, []
    return _STUB, program or code, [bootstrap]


def _communicate(
    process: subprocess.Popen, channels: dict[str, int], stdin: bytes, limits: Limits
) -> SandboxResult:
    """Feed stdin, collect the output streams and channels under their caps, enforce the
    deadline."""
    assert process.stdin and process.stdout and process.stderr
    start = time.monotonic()
    caps = {"stdout": limits.output_bytes, "stderr": limits.output_bytes}
    caps.update({name: limits.results_bytes for name in channels})
    streams = {process.stdout.fileno(): "stdout", process.stderr.fileno(): "stderr"}
    streams.update({fd: name for name, fd in channels.items()})
    data: dict[str, bytearray] = {name: bytearray() for name in caps}
    selector = selectors.DefaultSelector()
    for fd, name in streams.items():
        os.set_blocking(fd, False)
        selector.register(fd, selectors.EVENT_READ, name)
    pending = memoryview(stdin)
    os.set_blocking(process.stdin.fileno(), False)
    if pending:
        selector.register(process.stdin.fileno(), selectors.EVENT_WRITE, "stdin")
    else:
        process.stdin.close()
    deadline = start + limits.wall_s
    timed_out, exceeded = False, None
    open_streams = len(streams)
    while open_streams:
        remaining = deadline - time.monotonic()
        if remaining <= 0:
            timed_out = True
            break
        for key, _ in selector.select(timeout=min(remaining, 0.5)):
            if key.data == "stdin":
                try:
                    written = os.write(key.fd, pending[:65536])
                except (BrokenPipeError, BlockingIOError) as error:
                    written = 0 if isinstance(error, BlockingIOError) else len(pending)
                pending = pending[written:]
                if not pending:
                    selector.unregister(key.fd)
                    process.stdin.close()
                continue
            chunk = os.read(key.fd, 65536)
            if not chunk:
                selector.unregister(key.fd)
                open_streams -= 1
                continue
            buffer = data[key.data]
            room = caps[key.data] - len(buffer)
            buffer += chunk[: max(room, 0)]
            if len(chunk) > room:
                exceeded = key.data
                break
        if exceeded:
            break
    if timed_out or exceeded:
        _kill(process)
    selector.close()
    if not process.stdin.closed:
        process.stdin.close()
    # pipes are closed: the process is ending (or was killed)
    exit_code, cpu_s = _wait(process, max(deadline - time.monotonic(), 0) + 5)
    if exit_code is None:
        timed_out = True
        _kill(process)
        exit_code, cpu_s = _wait(process, None)
    process.stdout.close()
    process.stderr.close()
    return SandboxResult(
        exit_code=exit_code,
        stdout=bytes(data["stdout"]),
        stderr=bytes(data["stderr"]),
        results=bytes(data["results"]),
        status=bytes(data.get("status", b"")),
        timed_out=timed_out,
        output_exceeded=exceeded,
        cpu_s=cpu_s,
    )


def _wait(process: subprocess.Popen, timeout: float | None) -> tuple[int | None, float]:
    """Reap the launcher with its resource usage (which includes the reaped sandbox tree)."""
    end = None if timeout is None else time.monotonic() + timeout
    pause = 0.0005
    while True:
        try:
            pid, status, usage = os.wait4(process.pid, 0 if end is None else os.WNOHANG)
        except ChildProcessError:  # reaped elsewhere (Popen's own bookkeeping)
            return process.returncode, 0.0
        if pid:
            process.returncode = os.waitstatus_to_exitcode(status)
            return process.returncode, usage.ru_utime + usage.ru_stime
        if end is not None and time.monotonic() >= end:
            return None, 0.0
        time.sleep(pause)  # the launcher is usually a millisecond from exiting: poll fast first
        pause = min(pause * 2, 0.05)


def _kill(process: subprocess.Popen) -> None:
    # the session's process group: the launcher and whatever did not leave the group; with
    # `unshare --kill-child` the launcher's death also kills the whole pid namespace
    with contextlib.suppress(ProcessLookupError, PermissionError):
        os.killpg(process.pid, signal.SIGKILL)
    # not process.kill(): it polls first, reaping the launcher before `_wait` can see its usage
    with contextlib.suppress(ProcessLookupError):
        os.kill(process.pid, signal.SIGKILL)


def _remove(workdir: str) -> None:
    """Remove a run's work dir (usually an empty mount point: the files were in the sandbox's
    tmpfs); never raises."""
    if not remove_tree(workdir):
        logger.warning("sandbox: could not remove %s", workdir)


_STALE = re.compile(r"rl2f-sandbox-(\d+)-(\d+)-")


def _start_time(pid: int) -> str | None:
    """When process `pid` started (clock ticks since boot): with the pid, names one process."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_bytes()
    except OSError:
        return None
    return stat[stat.rindex(b")") + 2 :].split()[19].decode()


def _workdir_prefix() -> str:
    """Work dirs name the process that made them, so that a later run can tell a dead run's."""
    return f"rl2f-sandbox-{os.getpid()}-{_start_time(os.getpid())}-"


def sweep_stale_workdirs() -> int:
    """Remove the work dirs of runs whose harness died before removing them (killed, or the
    machine stopped); returns how many. Runs once per process, when the sandbox is first used."""
    swept = 0
    try:
        entries = list(os.scandir(tempfile.gettempdir()))
    except OSError:
        return 0
    for entry in entries:
        match = _STALE.match(entry.name)
        if match and _start_time(int(match[1])) != match[2] and remove_tree(entry.path):
            swept += 1
    if swept:
        logger.info("sandbox: removed %d work dirs of runs that had died", swept)
    return swept


_PROBE = "import sys\nsys.stdout.write('ok')\n"


@functools.cache
def plan() -> Plan:
    """The strongest launcher that works here (probed once per process, about 50 ms)."""
    if not sys.platform.startswith("linux"):
        raise SandboxUnavailable(f"the sandbox needs Linux; this is {sys.platform}")
    sweep_stale_workdirs()
    failures = []
    for prefix, run_as, layers in _launchers():
        for python in _interpreters():
            candidate = Plan(prefix, python, run_as, layers)
            result = _launch(candidate, _PROBE, b"", Limits(wall_s=20))
            account(result, candidate.launcher_layers)
            confined = next((r for r in result.records if r.get("event") == "confined"), None)
            if result.exit_code == 0 and result.stdout == b"ok" and confined:
                found = Plan(
                    prefix,
                    python,
                    run_as,
                    layers,
                    tuple(confined.get("layers", ())),
                    str(confined.get("python", "")),
                )
                if failures:
                    logger.info("sandbox: skipped launchers that failed here: %s", failures)
                return found
            error = result.stderr.decode("utf-8", "replace").strip().splitlines()
            failures.append(f"{' '.join(prefix[:1] or ('plain',))} {python}: {error[-1:]}")
    raise SandboxUnavailable("no sandbox launcher works on this machine: " + "; ".join(failures))


def check_isolation(mode: str) -> Plan:
    """The plan, after checking it gives what `mode` requires (`strict`: every layer)."""
    if mode not in ISOLATION_MODES:
        raise ValueError(f"sandbox isolation must be one of {', '.join(ISOLATION_MODES)}")
    found = plan()
    missing = [layer for layer in STRICT_LAYERS if layer not in found.layers]
    if missing and mode == "strict":
        raise SandboxUnavailable(
            f"strict sandbox isolation needs {', '.join(missing)}, which this machine does not "
            f"give (in force: {', '.join(found.layers)}); use -T sandbox=auto to run anyway"
        )
    if missing:
        _warn_once(tuple(missing), found.layers)
    return found


@functools.cache
def _warn_once(missing: tuple[str, ...], layers: tuple[str, ...]) -> None:
    logger.warning(
        "sandbox runs without %s on this machine (in force: %s); see README, Sandbox",
        ", ".join(missing),
        ", ".join(layers),
    )


def describe() -> dict[str, object]:
    """What the sandbox does on this machine, for logs and task metadata."""
    found = plan()
    return {
        "layers": list(found.layers),
        "python": found.python,
        "python_version": found.python_version,
        "run_as_uid": found.run_as,
        "launcher": " ".join(
            Path(part).name if i == 0 else part for i, part in enumerate(found.prefix)
        )
        or "none",
    }


# bounded parallelism: runs compete for the machine's cores, and CPU-time limits stay fair
_slots = threading.BoundedSemaphore(max(1, len(os.sched_getaffinity(0))))


def run_python(
    code: str, stdin: bytes | str = b"", limits: Limits | None = None, isolation: str = "auto"
) -> SandboxResult:
    """Run Python source `code` in a fresh sandbox; `stdin` is its standard input.

    Inside, `write_record(SANDBOX["results_fd"], {...})` sends a structured result (a JSON
    line, see `SandboxResult.records`); `SANDBOX["limits"]` holds the limits in force.
    Thread-safe; at most one run per CPU core executes at a time, the others wait (the wall
    clock starts when a run starts).
    """
    found = check_isolation(isolation)
    data = stdin.encode() if isinstance(stdin, str) else stdin
    with _slots:
        result = _launch(found, code, data, limits or Limits())
    account(result, found.launcher_layers)
    return result


def account(result: SandboxResult, launcher_layers: tuple[str, ...] = ()) -> None:
    """Take the code's own exit status and the sandbox's CPU time from init's report, when there
    is one (the launcher's status says how init ended, not the code), and the layers the child
    reported before any code ran."""
    confined = next((r for r in result.records if r.get("event") == "confined"), None)
    ended = next((r for r in _records(result.status) if r.get("event") == "exit"), None)
    result.layers = list(launcher_layers) + list(confined.get("layers", []) if confined else [])
    if ended is None:
        return
    if isinstance(ended.get("cpu_s"), int | float):
        result.cpu_s = max(result.cpu_s, float(ended["cpu_s"]))
    if ended.get("reason") == "cpu":  # init ended the sandbox: as the CPU limit would have
        result.cpu_exceeded, result.exit_code = True, -signal.SIGXCPU
    elif ended.get("reason") == "wall":
        result.timed_out, result.exit_code = True, -signal.SIGKILL
    elif isinstance(ended.get("status"), int):
        result.exit_code = ended["status"]

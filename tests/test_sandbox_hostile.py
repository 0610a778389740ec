"""Hostile code is contained: each case runs through the coding verifier (as a student's answer
would), and the test checks both that the machine is unharmed and that the verdict says clearly
what happened. The harness keeps running after every case."""

from __future__ import annotations

import ast
import contextlib
import json
import os
import re
import socket
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path

import pytest
from inspect_ai import eval as inspect_eval

from rl2f_eval.models.scripted import answer_records
from rl2f_eval.sandbox import Limits, local, run_python
from rl2f_eval.suites.base import Problem, Verdict
from rl2f_eval.suites.coding import CodingSuite, fenced
from rl2f_eval.suites.coding.datasets import livecodebench_problems, mbpp_problems

# small limits keep each case to a few seconds
SUITE = CodingSuite(
    timeout=0.5, limits=Limits(wall_s=8, cpu_s=4, memory_mb=256, output_bytes=64_000)
)
SIGNATURE = "def has_close_elements(numbers, threshold):\n"
ROOT = Path(__file__).parent.parent
FIXTURES = ROOT / "tests" / "fixtures" / "coding"


@pytest.fixture(scope="module")
def problem() -> Problem:
    sample = next(s for s in SUITE.problems() if s.id == "HumanEval/0")
    return Problem(
        sample.id,
        sample.statement,
        sample.reference,
        {"entry_point": sample.entry_point, "tests": sample.spec.to_dict()},
    )


def sandbox_processes() -> list[int]:
    """Processes still alive from this process's sandbox runs (their command line names the
    work dir, whose name starts with the pid of the process that made it)."""
    found, mark = [], f"rl2f-sandbox-{os.getpid()}-".encode()
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            with contextlib.suppress(OSError):
                if mark in (entry / "cmdline").read_bytes():
                    found.append(int(entry.name))
    return found


# for attacks that must first use up a resource (memory, processes): on a loaded machine that
# can take longer than SUITE's half second, and a timeout would hide what happened
PATIENT = CodingSuite(timeout=3, limits=SUITE.limits)


def hostile(problem: Problem, body: str, prelude: str = "", suite: CodingSuite = SUITE) -> Verdict:
    verdict = suite.verify(prelude + SIGNATURE + body, problem)
    assert not verdict.correct
    assert sandbox_processes() == []  # nothing left running
    return verdict


def test_infinite_loop(problem: Problem) -> None:
    verdict = hostile(problem, "    while True:\n        pass\n")
    assert "did not finish within the time limit" in verdict.feedback
    assert "On test 1 of 7, has_close_elements([1.0, 2.0, 3.9" in verdict.feedback


def test_sleeping_forever(problem: Problem) -> None:
    verdict = hostile(problem, "    time.sleep(10_000)\n", prelude="import time\n")
    assert "did not finish within the time limit" in verdict.feedback


def test_memory_bomb(problem: Problem) -> None:
    body = "    blocks = []\n    while True:\n        blocks.append(bytearray(10**7))\n"
    verdict = hostile(problem, body, suite=PATIENT)
    assert "ran out of memory (limit 256 MiB)" in verdict.feedback
    assert "line 4 of your code" in verdict.feedback


def test_fork_bomb(problem: Problem) -> None:
    if "process-cap" not in local.plan().layers:
        pytest.skip("no process cap on this machine")
    body = "    while True:\n        os.fork()\n"
    verdict = hostile(problem, body, prelude="import os\n", suite=PATIENT)
    assert "BlockingIOError" in verdict.feedback  # fork refused: the process cap held
    assert "line 4 of your code" in verdict.feedback


def test_writing_outside_the_temp_dir(problem: Problem) -> None:
    if "landlock-fs" not in local.plan().layers:
        pytest.skip("without Landlock the sandbox can write where its user may (see README)")
    targets = [Path("/tmp") / f"rl2f-hostile-{uuid.uuid4().hex}", Path.cwd() / "pwned.txt"]
    body = "".join(f"    open({str(t)!r}, 'w').write('pwned')\n" for t in targets)
    verdict = hostile(problem, body)
    assert "PermissionError" in verdict.feedback
    assert not any(target.exists() for target in targets)


def test_reading_environment_secrets(problem: Problem, monkeypatch: pytest.MonkeyPatch) -> None:
    secret = f"fake-secret-{uuid.uuid4().hex}"
    monkeypatch.setenv("RL2F_FAKE_SECRET", secret)
    body = (
        "    found = os.environ.get('RL2F_FAKE_SECRET', 'none')\n"
        f"    for pid in (os.getppid(), {os.getpid()}, 1):\n"
        "        try:\n"
        "            found += open(f'/proc/{pid}/environ').read()\n"
        "        except OSError:\n"
        "            pass\n"
        "    return found\n"
    )
    verdict = hostile(problem, body, prelude="import os\n")
    assert "returned 'none', which is wrong" in verdict.feedback
    assert secret not in verdict.feedback + verdict.report


def test_opening_a_network_socket(problem: Problem) -> None:
    server = socket.socket()
    server.bind(("127.0.0.1", 0))
    server.listen()
    port = server.getsockname()[1]
    body = (
        f"    s = socket.create_connection(('127.0.0.1', {port}), timeout=1)\n"
        "    s.sendall(b'stolen data')\n    return True\n"
    )
    verdict = hostile(problem, body, prelude="import socket\n")
    server.setblocking(False)  # a connection that was made waits in the backlog
    with pytest.raises(BlockingIOError):
        server.accept()
    server.close()
    assert "raised" in verdict.feedback
    assert any(name in verdict.feedback for name in ("OSError", "PermissionError", "Connection"))


def test_huge_output(problem: Problem) -> None:
    verdict = hostile(problem, "    while True:\n        print('spam' * 1000)\n")
    assert "printed too much output" in verdict.feedback


def test_sys_exit(problem: Problem) -> None:
    verdict = hostile(problem, "    sys.exit(0)\n", prelude="import sys\n")
    assert "ended the test process (sys.exit(0))" in verdict.feedback


def test_os_exit(problem: Problem) -> None:
    verdict = hostile(problem, "    os._exit(0)\n", prelude="import os\n")
    assert "ended the test process (the process exited with status 0)" in verdict.feedback
    assert "On test 1 of 7, has_close_elements(" in verdict.feedback


def test_exit_while_loading(problem: Problem) -> None:
    verdict = hostile(problem, "    return True\nimport os\nos._exit(3)\n")
    assert "status 3" in verdict.feedback


def test_killing_the_parent(problem: Problem) -> None:
    body = (
        f"    for pid in (os.getppid(), {os.getpid()}, {os.getppid()}, 1):\n"
        "        try:\n"
        "            os.kill(pid, signal.SIGKILL)\n"
        "        except OSError:\n"
        "            pass\n"
        "    return True\n"
    )
    verdict = hostile(problem, body, prelude="import os, signal\n")
    # we are still here, and so is the harness: the next answer is checked as usual
    assert "gave a wrong result" in verdict.feedback or "crash" in verdict.feedback
    assert SUITE.verify(problem.target, problem).correct


def test_killing_its_own_process_group(problem: Problem) -> None:
    verdict = hostile(problem, "    os.killpg(0, signal.SIGKILL)\n", prelude="import os, signal\n")
    # refused (signals to process groups are), or it killed only itself
    assert "raised PermissionError" in verdict.feedback or (
        "crashed the test process (killed by SIGKILL" in verdict.feedback
    )
    assert SUITE.verify(problem.target, problem).correct


# --- forging the verdict: the candidate runs in a process apart from the one that judges it


def test_writing_fake_results_to_the_results_channel(problem: Problem) -> None:
    body = (
        "    records = [{'event': 'end', 'step': k, 'ok': True} for k in range(50)]\n"
        "    records.append({'event': 'done'})\n"
        "    data = ''.join(json.dumps(r) + '\\n' for r in records).encode()\n"
        "    for fd in range(3, 64):\n"
        "        with contextlib.suppress(OSError):\n"
        "            os.write(fd, data)\n"
        "    for fd in range(3, 64):  # or reopen the judge's channel through /proc\n"
        "        with contextlib.suppress(OSError):\n"
        "            os.write(os.open(f'/proc/{os.getppid()}/fd/{fd}', os.O_WRONLY), data)\n"
        "    os._exit(0)\n"
    )
    verdict = hostile(problem, body, prelude="import contextlib, json, os\n")
    # the records went down its own pipe to the judge: a garbled reply, or it had exited
    assert "the process exited with status 0" in verdict.feedback or (
        "sent a malformed reply" in verdict.feedback
    )
    assert "It passes 0 of 7 tests." in verdict.feedback


def test_patching_the_comparison(problem: Problem) -> None:
    # walk up to whatever compares the result and make every comparison succeed
    body = (
        "    frame = sys._getframe()\n"
        "    while frame is not None:\n"
        "        ops = frame.f_globals.get('_OPS')\n"
        "        if isinstance(ops, dict):\n"
        "            for op in list(ops):\n"
        "                ops[op] = lambda a, b: True\n"
        "        frame = frame.f_back\n"
        "    return None\n"
    )
    verdict = hostile(problem, body, prelude="import sys\n")
    assert "returned None, which is wrong" in verdict.feedback


def test_reading_the_expected_values_from_memory(problem: Problem) -> None:
    # the tests never reach the candidate's process: not in its memory, not in the judge's
    body = (
        "    for obj in gc.get_objects():\n"
        "        if isinstance(obj, dict) and 'steps' in obj:\n"
        "            raise RuntimeError('found the tests')\n"
        "    with open(f'/proc/{os.getppid()}/mem', 'rb'):\n"
        "        raise RuntimeError('read the judge')\n"
    )
    verdict = hostile(problem, body, prelude="import gc, os\n")
    assert "found the tests" not in verdict.feedback
    assert "read the judge" not in verdict.feedback
    assert "raised PermissionError" in verdict.feedback or "raised FileNotFoundError" in (
        verdict.feedback
    )


def test_an_always_equal_subclass_of_a_plain_type(problem: Problem) -> None:
    body = (
        "    class Yes(int):\n"
        "        def __eq__(self, other):\n"
        "            return True\n"
        "        __hash__ = int.__hash__\n"
        "    return Yes(7)\n"
    )
    verdict = hostile(problem, body)
    assert "returned 7, which is wrong" in verdict.feedback


# --- issue 13: attacks on the verdict and on the host, each first seen to succeed -------------

HUMANEVAL = {p.id: p for p in SUITE.problems()}
FORGE = (
    "import ctypes, json, os, signal\n"
    "def forge():\n"
    "    libc = ctypes.CDLL(None, use_errno=True)\n"
    "    records = [{'event': 'loaded'}]\n"
    "    for k in range(200):\n"
    "        records += [{'event': 'start', 'step': k}, {'event': 'end', 'step': k, 'ok': True}]\n"
    "    records.append({'event': 'done'})\n"
    "    data = ''.join(json.dumps(r) + '\\n' for r in records).encode()\n"
    "    for pid in (1, os.getppid()):\n"
    "        pidfd = libc.syscall(434, pid, 0)  # pidfd_open\n"
    "        for fd in range(3, 64):\n"
    "            stolen = libc.syscall(438, pidfd, fd, 0) if pidfd >= 0 else -1  # pidfd_getfd\n"
    "            if stolen >= 0:\n"
    "                try:\n"
    "                    os.write(stolen, data)\n"
    "                except OSError:\n"
    "                    pass\n"
    "    for pid in (os.getppid(), 1):\n"
    "        try:\n"
    "            os.kill(pid, signal.SIGKILL)\n"
    "        except OSError:\n"
    "            pass\n"
    "    os._exit(0)\n"
)


def as_problem(code_problem) -> Problem:  # type: ignore[no-untyped-def]
    return Problem(
        code_problem.id,
        code_problem.statement,
        code_problem.reference,
        {"entry_point": code_problem.entry_point, "tests": code_problem.spec.to_dict()},
    )


def forged(entry: str) -> str:
    return FORGE + f"def {entry}(*args, **kwargs):\n    forge()\n"


def test_forged_records_through_init_and_the_judge() -> None:
    # pidfd_getfd on the namespace's init (or the judge), a pass for every step, then kill
    verdict = SUITE.verify(forged("has_close_elements"), as_problem(HUMANEVAL["HumanEval/0"]))
    assert not verdict.correct and verdict.score == 0
    assert "It passes 0 of 7 tests." in verdict.feedback


def test_forged_records_from_a_stdin_program() -> None:
    rows = [json.loads(line) for line in (FIXTURES / "livecodebench.jsonl").open()]
    _, stdin = livecodebench_problems(rows)
    verdict = SUITE.verify(FORGE + "forge()\n", as_problem(stdin))
    assert not verdict.correct and verdict.score == 0


REACH = (
    "import ctypes, os, signal\n"
    "libc = ctypes.CDLL(None, use_errno=True)\n"
    "def reached():\n"
    "    found = []\n"
    "    fds = [fd for fd in range(3, 256) if _open(fd)]\n"
    "    if len(fds) > 2:  # its two pipes to the judge, nothing inherited\n"
    "        found.append('inherited fds')\n"
    "    judge = os.getppid()\n"
    "    for name, pid in (('init', 1), ('judge', judge)):\n"
    "        if libc.ptrace(16, pid, 0, 0) == 0:  # PTRACE_ATTACH\n"
    "            found.append(f'ptrace {name}')\n"
    "            libc.ptrace(17, pid, 0, 0)\n"
    "        pidfd = libc.syscall(434, pid, 0)\n"
    "        if pidfd >= 0:\n"
    "            found.append(f'pidfd_open {name}')\n"
    "            if any(libc.syscall(438, pidfd, fd, 0) >= 0 for fd in range(64)):\n"
    "                found.append(f'pidfd_getfd {name}')\n"
    "        buf = ctypes.create_string_buffer(8)\n"
    "        local = (ctypes.c_void_p * 2)(ctypes.addressof(buf), 8)\n"
    "        remote = (ctypes.c_void_p * 2)(4096, 8)\n"
    "        read = libc.process_vm_readv(pid, local, 1, remote, 1, 0)\n"
    "        if read >= 0 or ctypes.get_errno() == 14:  # EFAULT: allowed, bad address\n"
    "            found.append(f'process_vm_readv {name}')\n"
    "        if libc.syscall(312, os.getpid(), pid, 0, 0, 0) >= 0 or ctypes.get_errno() == 9:\n"
    "            found.append(f'kcmp {name}')\n"
    "        for what in ('fd/0', 'mem', 'environ', 'stat'):\n"
    "            try:\n"
    "                open(f'/proc/{pid}/{what}', 'rb').close()\n"
    "                found.append(f'/proc {what} {name}')\n"
    "            except OSError:\n"
    "                pass\n"
    "        for sig in (0, signal.SIGALRM, signal.SIGSTOP, signal.SIGCONT):\n"
    "            try:\n"
    "                os.kill(pid, sig)\n"
    "                found.append(f'signal {int(sig)} {name}')\n"
    "            except OSError:\n"
    "                pass\n"
    "    try:  # kill(-1) succeeds even when it reaches nobody: a stopped judge would show\n"
    "        os.kill(-1, signal.SIGSTOP)\n"
    "    except OSError:\n"
    "        pass\n"
    "    if libc.shmget(0, 4096, 0o1600) >= 0:\n"
    "        found.append('shmget')\n"
    "    if libc.msgget(0, 0o1600) >= 0:\n"
    "        found.append('msgget')\n"
    "    if libc.syscall(425, 1, ctypes.create_string_buffer(120)) >= 0:\n"
    "        found.append('io_uring_setup')\n"
    "    if libc.unshare(0x10000000) == 0:  # CLONE_NEWUSER\n"
    "        found.append('unshare')\n"
    "    if libc.syscall(319, b'x', 0) >= 0:\n"
    "        found.append('memfd_create')\n"
    "    return found + further(judge)\n"
    "def further(judge):\n"
    "    # variants the issue did not name: other calls aimed at the judge, other channels\n"
    "    found = []\n"
    "    limit = (ctypes.c_ulong * 2)(1, 1)\n"
    "    if libc.prlimit(judge, 0, limit, None) == 0:  # RLIMIT_CPU of the judge\n"
    "        found.append('prlimit judge')\n"
    "    if libc.setpriority(0, judge, 19) == 0:\n"
    "        found.append('setpriority judge')\n"
    "    try:\n"
    "        os.sched_setaffinity(judge, {0})\n"
    "        found.append('sched_setaffinity judge')\n"
    "    except OSError:\n"
    "        pass\n"
    "    for name, nr, args in (('tgkill', 234, (judge, judge, 0)), ('tkill', 200, (judge, 0)),\n"
    "                           ('rt_sigqueueinfo', 129, (judge, 0, None))):\n"
    "        if libc.syscall(nr, *args) == 0:\n"
    "            found.append(f'{name} judge')\n"
    "    if os.read(0, 100):\n"
    "        found.append('stdin')\n"
    "    if set(os.listdir('.')) - {'program-output.txt'}:\n"
    "        found.append(f'files {os.listdir(\".\")}')\n"
    "    if set(os.environ) - {'PATH', 'HOME', 'TMPDIR', 'LANG', 'LC_ALL'}:\n"
    "        found.append(f'environment {sorted(os.environ)}')\n"
    "    caps = (ctypes.c_uint32 * 6)()\n"
    "    libc.capget((ctypes.c_uint32 * 2)(0x20080522, 0), caps)\n"
    "    if any(caps) or libc.prctl(23, 21, 0, 0, 0) == 1:  # CAP_SYS_ADMIN in the bounding set\n"
    "        found.append('capabilities')\n"
    "    child = os.fork()\n"
    "    if child == 0:  # a core dump, even made dumpable again\n"
    "        libc.prctl(4, 1, 0, 0, 0)\n"
    "        os.abort()\n"
    "    os.waitpid(child, 0)\n"
    "    if any(name.startswith('core') for name in os.listdir('.')):\n"
    "        found.append('core file')\n"
    "    return found\n"
    "def _open(fd):\n"
    "    try:\n"
    "        os.fstat(fd)\n"
    "        return True\n"
    "    except OSError:\n"
    "        return False\n"
)


def without(layer: str) -> str:
    """The sandbox's source with one layer switched off, to show what each layer holds alone."""
    stubs = {
        "landlock": ("def landlock(workdir: str) -> list:\n", "    return []\n"),
        "seccomp": ("def apply_seccomp(protected: list) -> bool:\n", "    return False\n"),
    }
    head, body = stubs[layer]
    assert head in local.BOOTSTRAP
    return local.BOOTSTRAP.replace(head, head + body)


# what one layer lets through without the other: harmless reads (/proc/<pid>/stat) without
# Landlock; kernel objects (in the sandbox's own namespaces) and the judge's priority without
# seccomp; never a way into init or the judge (ptrace, pidfd_getfd, memory, fds, signals)
KERNEL_OBJECTS = {"shmget", "msgget", "io_uring_setup", "unshare", "memfd_create"}
ALONE = {
    None: set(),
    "landlock": {"/proc stat init", "/proc stat judge"},
    # pidfds without pidfd_getfd, limits and priorities (the judge can only fail), and the
    # capabilities of a user namespace of its own: nothing that reaches the results channel
    "seccomp": KERNEL_OBJECTS
    | {"pidfd_open init", "pidfd_open judge", "prlimit judge", "setpriority judge"}
    | {"sched_setaffinity judge", "capabilities"},
}


@pytest.mark.parametrize("off", list(ALONE))
def test_nothing_outside_the_candidate_is_reachable(
    off: str | None, monkeypatch: pytest.MonkeyPatch
) -> None:
    # the class behind the forgery: no process that judges or supervises can be traced, have
    # its fds or memory taken, be signalled or slowed; nothing is inherited; nothing outlives
    # the run
    if off:
        monkeypatch.setattr(local, "BOOTSTRAP", without(off))
    code = REACH + "def truncate_number(number):\n    return reached()\n"
    verdict = SUITE.verify(code, as_problem(HUMANEVAL["HumanEval/2"]))
    found = re.search(r"truncate_number\(3\.5\) returned (\[.*?\]), which is wrong", verdict.report)
    assert found, verdict.report
    assert set(ast.literal_eval(found.group(1))) <= ALONE[off]


def test_the_judge_imports_nothing_from_the_work_dir() -> None:
    # a module planted where the judge runs, which it imports only later (on a failing test)
    hijack = (
        "import os\n"
        "records = b'{\"event\": \"loaded\"}\\n' + b''.join(\n"
        '    b\'{"event": "end", "step": %d, "ok": true}\\n\' % k for k in range(9))\n'
        "for fd in range(3, 64):\n"
        "    try:\n"
        '        os.write(fd, records + b\'{"event": "done"}\\n\')\n'
        "    except OSError:\n"
        "        pass\n"
        "os._exit(0)\n"
    )
    code = (
        f"HIJACK = {hijack!r}\n"
        "for name in ('traceback', 'reprlib', 'linecache', 'tokenize'):\n"
        "    open(f'{name}.py', 'w').write(HIJACK)\n"
        "def mean_absolute_deviation(numbers):\n"
        "    return 'not a number'  # the judge's own subtraction fails: it imports traceback\n"
    )
    verdict = SUITE.verify(code, as_problem(HUMANEVAL["HumanEval/4"]))
    assert not verdict.correct and "It passes 0 of 3 tests." in verdict.feedback


def test_patching_builtins_in_the_solution_stays_there() -> None:
    junk = (
        "import builtins\n"
        "builtins.abs = lambda x: 0\n"
        "builtins.__import__ = None\n"
        "def mean_absolute_deviation(numbers):\n"
        "    return 0\n"
    )
    verdict = SUITE.verify(junk, as_problem(HUMANEVAL["HumanEval/4"]))
    assert not verdict.correct and "It passes 0 of 3 tests." in verdict.feedback


@pytest.mark.parametrize(
    ("problem_id", "junk"),
    [
        (
            "HumanEval/4",
            "def mean_absolute_deviation(numbers):\n    return 0\ndef abs(x):\n    return 0\n",
        ),
        ("HumanEval/32", "def find_zero(xs):\n    return 0\ndef sum(values):\n    return 0\n"),
        ("HumanEval/33", "def sort_third(l):\n    return 1\ndef tuple(x):\n    return 1\n"),
        (
            "HumanEval/37",
            "def sort_even(l):\n    return 1\nclass tuple:\n"
            "    def __init__(self, x):\n        pass\n    def __eq__(self, other):\n"
            "        return True\n",
        ),
    ],
)
def test_builtins_in_the_tests_are_the_judges(problem_id: str, junk: str) -> None:
    verdict = SUITE.verify(junk, as_problem(HUMANEVAL[problem_id]))
    assert not verdict.correct


def test_mbpp_set_idiom_cannot_be_shadowed() -> None:
    shared = mbpp_problems([json.loads(line) for line in (FIXTURES / "mbpp.jsonl").open()])[0]
    junk = "def shared_elements(a, b):\n    return 0\ndef set(x):\n    return 0\n"
    verdict = SUITE.verify(junk, as_problem(shared))
    assert not verdict.correct and "It passes 0 of 3 tests." in verdict.feedback


def test_ipc_objects_do_not_outlive_the_run() -> None:
    key = 0x5EED0000 + os.getpid() % 0xFFFF
    code = (
        "import ctypes\nlibc = ctypes.CDLL(None)\n"
        "def mean_absolute_deviation(numbers):\n"
        f"    return [libc.shmget({key}, 1 << 20, 0o1600), libc.msgget({key}, 0o1600),\n"
        f"            libc.semget({key}, 1, 0o1600)]\n"
    )
    SUITE.verify(code, as_problem(HUMANEVAL["HumanEval/4"]))
    for kind in ("shm", "msg", "sem"):
        table = Path(f"/proc/sysvipc/{kind}").read_text().split("\n")[1:]
        keys = {int(line.split()[0]) for line in table if line.strip()}
        assert key not in keys, kind


def test_a_deep_directory_tree_is_removed() -> None:
    code = (
        "import os\n"
        "def truncate_number(number):\n"
        "    top = os.getcwd()\n"
        "    for _ in range(1500):\n"
        "        os.mkdir('d')\n"
        "        os.chdir('d')\n"
        "    open('hidden', 'w').write('left for a later sample')\n"
        "    return top\n"
    )
    verdict = SUITE.verify(code, as_problem(HUMANEVAL["HumanEval/2"]))
    workdir = re.search(r"returned '([^']+)'", verdict.feedback)
    assert workdir, verdict.feedback
    assert not Path(workdir.group(1)).exists()


def test_disk_use_is_capped() -> None:
    code = (
        "def mean_absolute_deviation(numbers):\n"
        "    for i in range(40):\n"
        "        with open(f'f{i}', 'wb') as f:\n"
        "            f.write(b'x' * (8 << 20))\n"
        "    return 1.5\n"
    )
    verdict = SUITE.verify(code, as_problem(HUMANEVAL["HumanEval/4"]))
    assert "No space left on device" in verdict.feedback


def test_cpu_is_limited_for_the_whole_sandbox() -> None:
    code = (
        "import os\n"
        "for _ in range(4):\n"
        "    if os.fork() == 0:\n"
        "        while True:\n"
        "            pass\n"
        "for _ in range(4):\n"
        "    os.wait()\n"
    )
    result = run_python(code, limits=Limits(wall_s=30, cpu_s=1))
    assert result.cpu_exceeded and not result.timed_out
    assert result.cpu_s < 2.0  # 1 s for the whole tree, not 1 s for each of five processes


def test_reveal_input_never_gives_a_two_valued_answer_away() -> None:
    problem = as_problem(HUMANEVAL["HumanEval/0"])
    verdict = SUITE.verify(SIGNATURE + "    return False\n", problem)
    assert "False" not in verdict.feedback and "True" not in verdict.feedback
    assert "has_close_elements([1.0, 2.0, 3.9, 4.0, 5.0, 2.2], 0.3)" in verdict.feedback
    assert "returned False" in verdict.report  # the model teacher still gets everything


def test_a_huge_return_value_is_named() -> None:
    code = "def mean_absolute_deviation(numbers):\n    return 'x' * 70_000_000\n"
    verdict = SUITE.verify(code, as_problem(HUMANEVAL["HumanEval/4"]))
    assert "too large" in verdict.feedback
    assert "time limit" not in verdict.feedback


def test_a_signal_to_the_judge_is_not_a_timeout() -> None:
    code = (
        "import os, signal\n"
        "def mean_absolute_deviation(numbers):\n"
        "    try:\n"
        "        os.kill(os.getppid(), signal.SIGALRM)\n"
        "    except OSError:\n"
        "        pass\n"
        "    return 1.5\n"
    )
    verdict = SUITE.verify(code, as_problem(HUMANEVAL["HumanEval/4"]))
    assert "time limit" not in verdict.feedback


def descendants(root: int) -> set[int]:
    parents = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            with contextlib.suppress(OSError, IndexError):
                stat = (entry / "stat").read_text()
                parents[int(entry.name)] = int(stat.rsplit(")", 1)[1].split()[1])
    found, frontier = set(), {root}
    while frontier:
        frontier = {pid for pid, parent in parents.items() if parent in frontier} - found
        found |= frontier
    return found


KILLED_HARNESS = """
from rl2f_eval.sandbox import Limits, run_python
code = '''
import os, signal, time
try:
    os.kill(os.getppid(), signal.SIGSTOP)  # its supervisor, were it reachable
except OSError:
    pass
os.fork()
time.sleep(1000)
'''
run_python(code, limits=Limits(wall_s=120, cpu_s=100))
"""


def test_a_killed_harness_leaves_nothing_behind() -> None:
    harness = subprocess.Popen(
        [sys.executable, "-c", KILLED_HARNESS], env={**os.environ, "PYTHONPATH": str(ROOT)}
    )
    try:
        deadline = time.monotonic() + 30
        # launcher, init, the code and its own child
        while len(tree := descendants(harness.pid)) < 4 and time.monotonic() < deadline:
            time.sleep(0.05)
        assert len(tree) >= 4
        time.sleep(0.3)
        tree = descendants(harness.pid)
    finally:
        harness.kill()
        harness.wait()
    deadline = time.monotonic() + 10
    while (alive := [pid for pid in tree if Path(f"/proc/{pid}").exists()]) and (
        time.monotonic() < deadline
    ):
        time.sleep(0.05)
    assert alive == []
    stale = list(Path(tempfile.gettempdir()).glob(f"rl2f-sandbox-{harness.pid}-*"))
    assert stale  # the dead harness could not remove its work dir: the next start does
    local.sweep_stale_workdirs()
    assert not any(path.exists() for path in stale)


def test_forgery_and_shadowing_end_to_end(tmp_path: Path) -> None:
    suite = CodingSuite()
    ids = ["HumanEval/0", "HumanEval/4", "HumanEval/37"]
    samples = [s for s in suite.samples() if s.id in ids]
    hostile_answers = {
        "HumanEval/0": forged("has_close_elements"),
        "HumanEval/4": "def mean_absolute_deviation(numbers):\n    return 0\n"
        "def abs(x):\n    return 0\n",
        "HumanEval/37": "def sort_even(l):\n    return 1\ndef tuple(x):\n    return 1\n",
    }
    records = answer_records(suite, samples)
    for record, sample in zip(records, samples, strict=True):
        record["right"] = f"Here it is.\n\n{fenced(hostile_answers[str(sample.id)])}"
    answers = tmp_path / "answers.json"
    answers.write_text(json.dumps(records))
    (log,) = inspect_eval(
        os.path.relpath(ROOT / "tasks" / "coding.py"),
        task_args={"turns": 1, "teacher": "verifier"},
        sample_id=ids,
        model="scripted/student",
        model_args={"script": "right", "answers": str(answers)},
        log_dir=str(tmp_path / "logs"),
        display="none",
    )
    assert log.status == "success" and log.results is not None
    scores = {
        score.name: score.metrics["mean"].value
        for score in log.results.scores
        if "mean" in score.metrics
    }
    assert log.results.completed_samples == 3
    assert scores["acc_at_1"] == 0.0

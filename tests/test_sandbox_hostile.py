"""Hostile code is contained: each case runs through the coding verifier (as a student's answer
would), and the test checks both that the machine is unharmed and that the verdict says clearly
what happened. The harness keeps running after every case."""

from __future__ import annotations

import contextlib
import os
import socket
import uuid
from pathlib import Path

import pytest

from rl2f_eval.sandbox import Limits, local
from rl2f_eval.suites.base import Problem, Verdict
from rl2f_eval.suites.coding import CodingSuite

# small limits keep each case to a few seconds
SUITE = CodingSuite(
    timeout=0.5, limits=Limits(wall_s=8, cpu_s=4, memory_mb=256, output_bytes=64_000)
)
SIGNATURE = "def has_close_elements(numbers, threshold):\n"


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
    """Processes still alive from any sandbox run (their command line names the work dir)."""
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            with contextlib.suppress(OSError):
                if b"rl2f-sandbox-" in (entry / "cmdline").read_bytes():
                    found.append(int(entry.name))
    return found


def hostile(problem: Problem, body: str, prelude: str = "") -> Verdict:
    verdict = SUITE.verify(prelude + SIGNATURE + body, problem)
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
    verdict = hostile(
        problem, "    blocks = []\n    while True:\n        blocks.append(bytearray(10**7))\n"
    )
    assert "ran out of memory (limit 256 MiB)" in verdict.feedback
    assert "line 4 of your code" in verdict.feedback


def test_fork_bomb(problem: Problem) -> None:
    if "process-cap" not in local.plan().layers:
        pytest.skip("no process cap on this machine")
    verdict = hostile(problem, "    while True:\n        os.fork()\n", prelude="import os\n")
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
    assert "returned True, which is wrong" in verdict.feedback or "crash" in verdict.feedback
    assert SUITE.verify(problem.target, problem).correct


def test_killing_its_own_process_group(problem: Problem) -> None:
    verdict = hostile(problem, "    os.killpg(0, signal.SIGKILL)\n", prelude="import os, signal\n")
    assert "crashed the test process (killed by SIGKILL" in verdict.feedback
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
    assert "ended the test process (the process exited with status 0)" in verdict.feedback
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

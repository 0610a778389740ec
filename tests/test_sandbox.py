"""The sandbox itself (`run_python`): environment, limits, clean-up, isolation report.

The hostile-code cases, each through the coding verifier, are in test_sandbox_hostile.py.
"""

from __future__ import annotations

import dataclasses
import json
import os
import socket
from pathlib import Path

import pytest

from rl2f_eval.sandbox import (
    Limits,
    SandboxUnavailable,
    check_isolation,
    describe,
    local,
    run_python,
)

QUICK = Limits(wall_s=10, cpu_s=5)


def layers() -> set[str]:
    return set(local.plan().layers)


def test_runs_code_and_reports_layers() -> None:
    result = run_python("print(6 * 7)", limits=QUICK)
    assert result.exit_code == 0
    assert result.stdout == b"42\n"
    assert "rlimits" in result.layers
    assert set(result.layers) == layers()
    info = describe()
    assert info["layers"] == list(local.plan().layers)
    assert info["python_version"]


def test_stdin_reaches_the_code() -> None:
    result = run_python("import sys\nprint(sys.stdin.read()[::-1])", stdin="abc", limits=QUICK)
    assert result.stdout == b"cba\n"


def test_large_stdin_and_results_channel() -> None:
    code = (
        "import os, sys\n"
        "data = sys.stdin.read()\n"
        "write_record(SANDBOX['results_fd'], {'n': len(data)})\n"
    )
    result = run_python(code, stdin="x" * 3_000_000, limits=QUICK)
    assert {"n": 3_000_000} in result.records


def test_environment_is_clean(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("RL2F_FAKE_SECRET", "hunter2-secret-token")
    result = run_python("import os, json\nprint(json.dumps(dict(os.environ)))", limits=QUICK)
    env = json.loads(result.stdout)
    assert "RL2F_FAKE_SECRET" not in env
    assert set(env) == {"PATH", "HOME", "TMPDIR", "LANG", "LC_ALL"}
    assert b"hunter2" not in result.stdout + result.stderr


def test_private_working_directory_is_removed() -> None:
    code = "import os\nopen('scratch.txt', 'w').write('x')\nprint(os.getcwd())"
    result = run_python(code, limits=QUICK)
    workdir = Path(result.stdout.decode().strip())
    assert workdir.name.startswith("rl2f-sandbox-")
    assert not workdir.exists()


def test_never_runs_as_root() -> None:
    if os.geteuid() != 0 or "uid-drop" not in layers():
        pytest.skip("only meaningful when the harness runs as root and setpriv exists")
    result = run_python("import os\nprint(os.getuid(), os.geteuid())", limits=QUICK)
    uid, euid = map(int, result.stdout.split())
    assert local.plan().run_as == local.NOBODY
    if "--map-current-user" in local.plan().prefix:
        assert uid == euid == local.NOBODY


def test_wall_clock_limit_kills_the_tree() -> None:
    code = "import os, time\nif os.fork() == 0:\n    time.sleep(60)\ntime.sleep(60)"
    result = run_python(code, limits=Limits(wall_s=1.5, cpu_s=5))
    assert result.timed_out
    assert result.wall_s < 10


def test_cpu_limit() -> None:
    result = run_python("while True:\n    pass", limits=Limits(wall_s=30, cpu_s=1))
    assert not result.timed_out
    assert result.exit_code is not None and result.exit_code < 0  # SIGXCPU or SIGKILL
    assert result.cpu_s >= 0.5  # rusage and the rlimit sample CPU time differently


def test_memory_limit() -> None:
    code = "try:\n    x = bytearray(600 * 1024 * 1024)\nexcept MemoryError:\n    print('capped')"
    assert run_python(code, limits=Limits(wall_s=10, memory_mb=256)).stdout == b"capped\n"


def test_output_cap() -> None:
    result = run_python("while True:\n    print('x' * 1000)", limits=Limits(output_bytes=10_000))
    assert result.output_exceeded == "stdout"
    assert len(result.stdout) == 10_000


def test_file_size_cap() -> None:
    code = (
        "import signal\nsignal.signal(signal.SIGXFSZ, signal.SIG_IGN)\n"
        "try:\n    open('big', 'wb').write(b'x' * 5_000_000)\nexcept OSError as e:\n"
        "    print(e.errno)"
    )
    assert run_python(code, limits=Limits(file_bytes=1_000_000)).stdout.strip() == b"27"  # EFBIG


def test_process_cap() -> None:
    if "process-cap" not in layers():
        pytest.skip("no process cap on this machine (root without setpriv)")
    code = (
        "import os\nn = 0\ntry:\n    while True:\n        if os.fork() == 0:\n"
        "            import time; time.sleep(30)\n        n += 1\n"
        "except OSError:\n    print(n)"
    )
    result = run_python(code, limits=Limits(wall_s=20, processes=8))
    assert 0 <= int(result.stdout) < 8


def test_reads_are_confined() -> None:
    if "landlock-fs" not in layers():
        pytest.skip("Landlock is not available here")
    code = (
        "import os\n"
        "for path in ('/etc/hostname', os.path.expanduser('~root'), '/proc/1/environ'):\n"
        "    try:\n        open(path).read(); print('read', path)\n"
        "    except OSError as e:\n        print('denied', type(e).__name__)"
    )
    out = run_python(code, limits=QUICK).stdout.decode()
    assert "read" not in out.replace("denied", "")


def test_no_network() -> None:
    server = socket.socket()
    server.bind(("127.0.0.1", 0))
    server.listen()
    port = server.getsockname()[1]
    code = (
        "import socket\nfor family, address in ((socket.AF_INET, ('127.0.0.1', PORT)),"
        " (socket.AF_INET, ('1.1.1.1', 53))):\n"
        "    s = socket.socket(family)\n    s.settimeout(2)\n"
        "    try:\n        s.connect(address); print('connected')\n"
        "    except OSError as e:\n        print('refused', type(e).__name__)\n"
        "u = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)\n"
        "try:\n    u.sendto(b'x', ('1.1.1.1', 53)); print('sent udp')\n"
        "except OSError as e:\n    print('udp refused', type(e).__name__)"
    ).replace("PORT", str(port))
    result = run_python(code, limits=QUICK)
    server.setblocking(False)  # a connection that was made waits in the backlog
    with pytest.raises(BlockingIOError):
        server.accept()
    server.close()
    assert b"connected" not in result.stdout
    if "netns" in layers():
        assert b"sent udp" not in result.stdout


def test_strict_isolation_names_what_is_missing(monkeypatch: pytest.MonkeyPatch) -> None:
    weak = local.Plan(prefix=(), python="/usr/bin/python3", run_as=None, launcher_layers=())
    monkeypatch.setattr(local, "plan", lambda: weak)
    with pytest.raises(SandboxUnavailable, match="netns"):
        check_isolation("strict")
    assert check_isolation("auto") is weak
    with pytest.raises(ValueError, match="auto, strict"):
        check_isolation("docker")


def test_strict_isolation_holds_on_this_machine() -> None:
    missing = [layer for layer in local.STRICT_LAYERS if layer not in layers()]
    if missing:
        pytest.skip(f"this machine lacks {missing}: auto mode degrades (see README)")
    assert check_isolation("strict") == local.plan()


@pytest.mark.parametrize("version", ["same", "other"])
def test_code_runs_compiled_here_or_as_source(
    version: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    # compiled on the host when the sandbox's interpreter reads our bytecode, else sent as source
    found = local.plan()
    if version == "other":
        monkeypatch.setattr(local, "plan", lambda: dataclasses.replace(found, python_version="2.7"))
    assert run_python("print(6 * 7)", limits=QUICK).stdout == b"42\n"
    broken = run_python("def f(:\n    pass\n", limits=QUICK)
    assert broken.exit_code == 1 and b"SyntaxError" in broken.stderr

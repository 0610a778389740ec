"""Runs inside the sandbox: confine this process, then run the code in a forked child.

Shipped as source text after `confine.py` (standard library only, nothing heavy: every import
here is paid on every run). The host passes the configuration as hex-encoded `marshal` data in
argv[1] and the code to run in argv[2]; records go back as JSON lines on the results channel.

After confining itself the bootstrap forks: the child runs the code, the parent only waits and
reports how the child ended. In a pid namespace that parent is the namespace's init process,
which the code cannot kill, and whose exit takes every other process of the sandbox with it.
"""

import marshal
import os
import sys

_ESCAPES = {'"': '\\"', "\\": "\\\\", "\n": "\\n", "\r": "\\r", "\t": "\\t"}


def to_json(value) -> str:
    """JSON text for plain data (the `json` module costs tens of milliseconds to import)."""
    if value is None:
        return "null"
    if value is True:
        return "true"
    if value is False:
        return "false"
    if isinstance(value, int):
        return str(int(value))
    if isinstance(value, float):
        return repr(value) if value == value and abs(value) != float("inf") else "null"
    if isinstance(value, str):
        text = "".join(
            _ESCAPES.get(ch) or (ch if ch >= " " else f"\\u{ord(ch):04x}") for ch in value
        )
        return f'"{text}"'
    if isinstance(value, dict):
        return "{" + ", ".join(f"{to_json(str(k))}: {to_json(v)}" for k, v in value.items()) + "}"
    if isinstance(value, list | tuple):
        return "[" + ", ".join(to_json(v) for v in value) + "]"
    return to_json(str(value))


def write_record(fd: int, record: dict) -> None:
    # lone surrogates become \udXXX escapes, which JSON reads back
    data = (to_json(record) + "\n").encode("utf-8", "backslashreplace")
    while data:
        data = data[os.write(fd, data) :]


def run_child(code: str, config: dict) -> int:
    """Run `code` as a script would run; returns its exit status."""
    namespace = {"__name__": "__sandbox__", "SANDBOX": config, "write_record": write_record}
    status = 0
    try:
        exec(compile(code, "<sandbox>", "exec"), namespace)
    except SystemExit as exit:
        if isinstance(exit.code, int) or exit.code is None:
            status = exit.code or 0
        else:
            print(exit.code, file=sys.stderr)
            status = 1
    except BaseException:
        import traceback

        traceback.print_exc()
        status = 1
    for stream in (sys.stdout, sys.stderr):
        try:  # noqa: SIM105 (contextlib would be one more import on every run)
            stream.flush()
        except BaseException:
            pass
    return status


def main() -> None:
    config = marshal.loads(bytes.fromhex(sys.argv[1]))
    layers = confine(config)  # noqa: F821 (confine.py comes first in the same source)
    fd = config["results_fd"]
    write_record(fd, {"event": "confined", "layers": layers, "python": sys.version.split()[0]})
    code = sys.argv[2]
    del sys.argv[1:]
    child = os.fork()
    if child == 0:
        os._exit(run_child(code, config))
    while True:  # as init, reap every orphan until the code's own process ends
        pid, status, usage = os.wait4(-1, 0)
        if pid == child:
            break
    write_record(
        fd,
        {
            "event": "exit",
            "status": os.waitstatus_to_exitcode(status),
            "cpu_s": usage.ru_utime + usage.ru_stime,
        },
    )

"""Runs inside the sandbox: the init process that confines, supervises and reports.

Shipped as source text after `confine.py` (standard library only, nothing heavy: every import
here is paid on every run). argv: the working directory (so that `ps` and the sweep of stale runs
can tell which run a process belongs to), the configuration as hex-encoded `marshal` data, and
the code to run. Records go back as JSON lines.

Two processes, with two channels:
- init (this process; pid 1 of the sandbox's pid namespace where there is one) mounts the work
  dir's tmpfs, drops every capability, sets the limits, forks the child, closes its own copy of
  the results channel and from then on only supervises: it reaps every process, ends the whole
  sandbox at the wall-clock limit or when the CPU time of all its processes together passes the
  budget (counted from /proc), and at once when the host goes away (the lifeline pipe closes). Its
  report (the `exit` record) goes on the status channel, which nothing else holds. It runs no
  code but this, is not dumpable and is outside the child's Landlock domain, so nothing the code
  does can stop, trace or impersonate it.
- the child confines itself further (Landlock, seccomp) and runs the code, which alone holds the
  results channel (`SANDBOX["results_fd"]`).

`remove_tree` is here too (the host imports this module for it): an iterative removal that no
depth of directories can make fail.
"""

import marshal
import os
import sys

_ESCAPES = {'"': '\\"', "\\": "\\\\", "\n": "\\n", "\r": "\\r", "\t": "\\t"}
_PR_SET_CHILD_SUBREAPER = 36


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


# ------------------------------------------------------------------ the child


def run_child(code: str, config: dict, init_pid: int) -> int:
    """Run `code` as a script would run; returns its exit status."""
    workdir = config["workdir"]
    namespace = {
        "__name__": "__sandbox__",
        "SANDBOX": config,
        "write_record": write_record,
        # for code that forks a process it must keep apart from itself (the coding judge)
        "isolate": lambda: isolate(workdir, [init_pid]),  # noqa: F821 (confine.py, same source)
    }
    status = 0
    try:
        if config.get("compiled"):  # compiled by the host (see local.py)
            program = marshal.loads(bytes.fromhex(code))
        else:
            program = compile(code, "<sandbox>", "exec")
        exec(program, namespace)
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


# ------------------------------------------------------------------ init: supervision


def proc_pid() -> str:
    """This process's pid as /proc names it (which differs from getpid() where /proc is the
    host's and this is a pid namespace)."""
    try:
        return os.readlink("/proc/self")
    except OSError:
        return str(os.getpid())


def sandbox_processes(me: str) -> dict:
    """{pid: CPU ticks} of every process below `me` (orphans included: init reaps them)."""
    children: dict = {}
    ticks: dict = {}
    try:
        names = os.listdir("/proc")
    except OSError:
        return {}
    for name in names:
        if not name.isdigit() or name == me:
            continue
        try:
            with open(f"/proc/{name}/stat", "rb") as handle:
                stat = handle.read()
        except OSError:
            continue  # gone already
        fields = stat[stat.rindex(b")") + 2 :].split()
        children.setdefault(fields[1].decode(), []).append(name)
        ticks[name] = sum(int(value) for value in fields[11:15])  # utime stime cutime cstime
    found, frontier = {}, [me]
    while frontier:
        for pid in children.get(frontier.pop(), ()):
            if pid not in found:
                found[pid] = ticks[pid]
                frontier.append(pid)
    return found


def tree_cpu_s(me: str) -> float:
    """CPU seconds of the whole sandbox so far: this process, everything it reaped (their own
    reaped children included) and every process still running."""
    own = os.times()
    reaped = own.user + own.system + own.children_user + own.children_system
    return reaped + sum(sandbox_processes(me).values()) / os.sysconf("SC_CLK_TCK")


def reap(child: int, ended: dict) -> None:
    """Collect every process that has ended; the child's status goes into `ended`."""
    while True:
        try:
            pid, status = os.waitpid(-1, os.WNOHANG)
        except ChildProcessError:
            return
        if pid == 0:
            return
        if pid == child:
            ended["status"] = os.waitstatus_to_exitcode(status)


def supervise(child: int, limits: dict, lifeline: int | None, me: str) -> tuple:
    """Wait for the child: (its exit status, None) when it ended, else (None, why the sandbox
    must end now: "wall", "cpu", or "lifeline", the host is gone)."""
    import select
    import signal
    import time

    wake_r, wake_w = os.pipe()
    os.set_blocking(wake_w, False)
    signal.set_wakeup_fd(wake_w, warn_on_full_buffer=False)
    signal.signal(signal.SIGCHLD, lambda *_: None)  # wakes the poll below
    poller = select.poll()
    poller.register(wake_r, select.POLLIN)
    if lifeline is not None:
        poller.register(lifeline, select.POLLIN)
    deadline = time.monotonic() + limits["wall_s"] + 1  # the host's own deadline comes first
    ended: dict = {}
    while True:
        reap(child, ended)
        if "status" in ended:
            return ended["status"], None
        if time.monotonic() >= deadline:
            return None, "wall"
        if tree_cpu_s(me) > limits["cpu_s"]:
            return None, "cpu"
        for fd, _ in poller.poll(100):  # the CPU budget is checked ten times a second
            if fd == lifeline:
                return None, "lifeline"
            os.read(wake_r, 512)


def end_all(me: str) -> None:
    """Kill every other process of the sandbox and reap them (so their CPU time is counted)."""
    import signal

    if me == "1":  # a pid namespace of its own: -1 is every process in it but init
        try:  # noqa: SIM105
            os.kill(-1, signal.SIGKILL)
        except OSError:
            pass
    else:  # no pid namespace: what is below init (a subreaper, so orphans stay below it)
        for _ in range(100):
            pids = sandbox_processes(me)
            if not pids:
                break
            for pid in pids:
                try:  # noqa: SIM105
                    os.kill(int(pid), signal.SIGKILL)
                except OSError:
                    pass
            reap(0, {})
    while True:
        try:
            os.waitpid(-1, 0)
        except ChildProcessError:
            return
        except InterruptedError:
            continue


# ------------------------------------------------------------------ init


def prepare_inspect(config: dict) -> None:
    """Launched by Inspect's `sandbox().exec`: make our own work dir, and send both channels
    on standard output (prints go to standard error, never among the records)."""
    import tempfile

    config["workdir"] = tempfile.mkdtemp(prefix="rl2f-sandbox-")
    os.chdir(config["workdir"])
    config["results_fd"], config["status_fd"] = os.dup(1), os.dup(1)
    os.dup2(2, 1)
    config["lifeline_fd"] = None


def main() -> None:
    config = marshal.loads(bytes.fromhex(sys.argv[2]))
    code = sys.argv[3]
    del sys.argv[1:]
    if config.get("inspect"):
        prepare_inspect(config)
    limits, workdir = config["limits"], config["workdir"]
    # confine.py comes first in the same source
    layers = ["disk-cap"] if config.get("mount") and mount_workdir(workdir, limits) else []  # noqa: F821
    drop_capabilities()  # noqa: F821
    set_limits(limits)  # noqa: F821
    layers.append("rlimits")
    if no_new_privs():  # noqa: F821
        layers.append("no-new-privs")
    not_dumpable()  # noqa: F821
    libc().prctl(_PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0)  # noqa: F821
    me = proc_pid()
    if os.path.exists(f"/proc/{me}/stat"):
        layers.append("cpu-budget")
    results, status, lifeline = config["results_fd"], config["status_fd"], config["lifeline_fd"]
    child = os.fork()
    if child == 0:
        os.close(status)
        if lifeline is not None:
            os.close(lifeline)
        init_pid = os.getppid()
        layers += confine_child(workdir, [init_pid])  # noqa: F821
        python = sys.version.split()[0]
        write_record(results, {"event": "confined", "layers": layers, "python": python})
        os._exit(run_child(code, config, init_pid))
    os.close(results)  # the results channel is the child's alone
    exit_status, reason = supervise(child, limits, lifeline, me)
    end_all(me)
    if reason == "lifeline":
        os._exit(0)  # nobody is listening
    own = os.times()
    report = {
        "event": "exit",
        "status": exit_status,
        "reason": reason,
        "cpu_s": own.user + own.system + own.children_user + own.children_system,
    }
    write_record(status, report)
    if config.get("inspect"):
        remove_tree(workdir)


def remove_tree(path: str) -> bool:
    """Remove `path` and everything beneath it without recursion (a tree thousands of levels
    deep is only as hard as a flat one): what is in a directory that is not empty is moved up to
    `path` itself, one level per round, until everything is a file or an empty directory. Never
    raises; True when `path` is gone."""
    hoisted = 0
    try:
        top = os.open(path, os.O_RDONLY | os.O_DIRECTORY | os.O_NOFOLLOW)
    except FileNotFoundError:
        return True
    except OSError:
        return False
    try:
        while True:
            names = os.listdir(top)
            progress = False
            for name in names:
                try:
                    os.unlink(name, dir_fd=top)
                    progress = True
                    continue
                except IsADirectoryError:
                    pass
                try:
                    os.rmdir(name, dir_fd=top)
                    progress = True
                    continue
                except OSError:
                    pass  # not empty: move what it holds up a level
                try:
                    os.chmod(name, 0o700, dir_fd=top)  # code may chmod its directories to 000
                    inner = os.open(name, os.O_RDONLY | os.O_DIRECTORY | os.O_NOFOLLOW, dir_fd=top)
                except OSError:
                    continue
                try:
                    for entry in os.listdir(inner):
                        hoisted += 1
                        unique = f".rl2f-removing-{os.getpid()}-{hoisted}"
                        os.rename(entry, unique, src_dir_fd=inner, dst_dir_fd=top)
                        progress = True
                finally:
                    os.close(inner)
            if not names:
                break
            if not progress:
                return False
    except OSError:
        return False
    finally:
        os.close(top)
    try:
        os.rmdir(path)
    except OSError:
        return False
    return True

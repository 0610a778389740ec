"""The judge in one of Inspect's sandboxes (`-T sandbox=inspect`), for runs that outgrow a machine.

The same bootstrap and judge as with our own sandbox, started through Inspect's `sandbox().exec`
in the sample's sandbox environment (`--sandbox docker`, a Kubernetes provider, or `local` for
tests), so that Inspect's providers carry the work. Inside, the bootstrap makes its own work dir,
applies every layer that the environment allows (limits, Landlock, seccomp; no namespaces or
tmpfs: the provider's container is the boundary) and sends its records on standard output; the
candidate's process writes its output to a file, never there. The environment is emptied
(`env -i`): Inspect's `local` provider would otherwise pass the harness's own.

`verify` runs in a worker thread (the didactic loop keeps the event loop free); the exec runs
back on the event loop, in the sample's context, where `sandbox()` finds its environment.
"""

from __future__ import annotations

import marshal
import math
import time
from dataclasses import asdict

import anyio.from_thread

from rl2f_eval.sandbox import Limits, SandboxResult, SandboxUnavailable
from rl2f_eval.sandbox.local import BOOTSTRAP, account

_ENV = ("env", "-i", "PATH=/usr/local/bin:/usr/bin:/bin", "LANG=C.UTF-8", "LC_ALL=C.UTF-8")


def run_judge(code: str, payload: bytes, limits: Limits) -> SandboxResult:
    """Run `code` (the judge) with `payload` on its standard input in the sample's sandbox."""
    try:
        result = anyio.from_thread.run(_exec, code, payload, limits)
    except RuntimeError as error:
        if "worker thread" not in str(error) and "event loop" not in str(error):
            raise
        raise SandboxUnavailable(
            "sandbox=inspect runs the tests through Inspect's sandbox(), which exists only "
            "inside `inspect eval` (with --sandbox docker, local, ...)"
        ) from error
    account(result, ("inspect-sandbox",))
    return result


async def _exec(code: str, payload: bytes, limits: Limits) -> SandboxResult:
    from inspect_ai.util import OutputLimitExceededError, sandbox

    config = {"limits": asdict(limits), "inspect": True}
    argv = [*_ENV, "python3", "-I", "-S", "-c", BOOTSTRAP, "inspect"]
    argv += [marshal.dumps(config).hex(), code]
    start = time.monotonic()
    try:
        done = await sandbox().exec(
            argv, input=payload, timeout=math.ceil(limits.wall_s) + 2, timeout_retry=False
        )
    except TimeoutError:
        return SandboxResult(exit_code=None, timed_out=True, wall_s=time.monotonic() - start)
    except OutputLimitExceededError:  # never the candidate's output: it goes to a file
        return SandboxResult(
            exit_code=None, output_exceeded="results", wall_s=time.monotonic() - start
        )
    records = done.stdout.encode("utf-8", "surrogateescape")
    return SandboxResult(
        exit_code=done.returncode,
        stderr=done.stderr.encode("utf-8", "surrogateescape"),
        results=records,
        status=records,  # init's report comes on the same stream
        wall_s=time.monotonic() - start,
    )

"""The sandbox for untrusted model code: a confined child process with limits, no network.

`run_python(code, stdin, limits)` runs Python source in a fresh process tree and returns what it
printed, its exit status and its structured results; see `local.py` for how, and the README
(Sandbox) for the isolation each layer gives. The coding suite runs its judge in it.
"""

from rl2f_eval.sandbox.local import (
    ISOLATION_MODES,
    Limits,
    SandboxResult,
    SandboxUnavailable,
    check_isolation,
    describe,
    run_python,
)

__all__ = [
    "ISOLATION_MODES",
    "Limits",
    "SandboxResult",
    "SandboxUnavailable",
    "check_isolation",
    "describe",
    "run_python",
]

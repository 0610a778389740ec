"""Run the checker in worker processes with a hard deadline.

SymPy can spin for minutes (or forever) on an adversarial answer, and math-verify's own timeouts use
SIGALRM, which only works on the main thread, while `Suite.verify` runs in a worker thread. So
every check runs in a pebble process pool: a check past its deadline has its worker killed and
replaced, and a worker that blows its memory limit dies alone. Workers are spawned (not forked:
the evaluation process has threads) and import SymPy once, so a check costs milliseconds of
overhead, not an import.
"""

from __future__ import annotations

import atexit
import importlib
import multiprocessing
import os
import threading
from concurrent.futures import TimeoutError as FutureTimeout
from typing import Any

from pebble import ProcessExpired, ProcessPool

WORKERS = max(1, min(4, os.cpu_count() or 1))
MEMORY_LIMIT = (
    2 * 1024**3
)  # bytes of address space per worker: `10^{10^{10}}` must not take the box
CHECKING = "rl2f_eval.suites.math.checking"


class CheckTimeout(Exception):
    """The check did not finish before its deadline (its worker was killed)."""


class CheckCrashed(Exception):
    """The worker died during the check (out of memory, a crash in a C extension)."""


def _init_worker() -> None:
    try:
        import resource

        resource.setrlimit(resource.RLIMIT_AS, (MEMORY_LIMIT, MEMORY_LIMIT))
    except (ImportError, ValueError, OSError):  # not on this platform: the deadline still holds
        pass
    importlib.import_module(CHECKING)  # pay the SymPy import once per worker, not per check


def _call(function: str, args: tuple[Any, ...]) -> Any:
    module, _, name = function.rpartition(".")
    package = f"{CHECKING.rpartition('.')[0]}.{module}" if module else CHECKING
    return getattr(importlib.import_module(package), name)(*args)


_pool: ProcessPool | None = None
_lock = threading.Lock()


def _get_pool() -> ProcessPool:
    global _pool
    with _lock:
        if _pool is None or not _pool.active:
            _pool = ProcessPool(
                max_workers=WORKERS,
                initializer=_init_worker,
                context=multiprocessing.get_context("spawn"),
            )
        return _pool


@atexit.register
def shutdown() -> None:
    """Stop the workers (also at interpreter exit)."""
    global _pool
    with _lock:
        if _pool is not None:
            _pool.stop()
            _pool.join()
            _pool = None


def run(function: str, *args: Any, timeout: float) -> Any:
    """`checking.<function>(*args)` in a worker (`audit.audit`: another module of the math
    package), killed after `timeout` seconds of running."""
    return _result(_get_pool().schedule(_call, args=(function, args), timeout=timeout), timeout)


def run_many(function: str, calls: list[tuple[Any, ...]], timeout: float) -> list[Any]:
    """`checking.<function>(*args)` for every `args` of `calls`, spread over the workers; each
    result in order, or the exception it ended with (`CheckTimeout`, `CheckCrashed`, ...)."""
    pool = _get_pool()
    futures = [pool.schedule(_call, args=(function, args), timeout=timeout) for args in calls]
    results: list[Any] = []
    for future in futures:
        try:
            results.append(_result(future, timeout))
        except Exception as error:  # reported per call, the others still count
            results.append(error)
    return results


def _result(future: Any, timeout: float) -> Any:
    try:
        return future.result()
    except FutureTimeout as error:
        raise CheckTimeout(f"no result within {timeout:g} s") from error
    except ProcessExpired as error:
        raise CheckCrashed(f"the checker process died ({error})") from error

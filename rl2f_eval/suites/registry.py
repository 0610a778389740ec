"""The one suite registry: every suite's short name, used everywhere a suite is named.

`inspect eval rl2f_eval/<name>` and `tasks/<name>.py` (`rl2f_eval.tasks`), training configs
(`suite: {name: <name>}`), benchmarks and the training export all look suites up here.

A line maps the short name to the suite's *entry*, `module:attribute`: a callable that takes the
suite's task arguments and returns the suite, documented with an `Args:` section (the task's
`-T` arguments). Usually the Suite class itself. Inspect imports every entry when it starts, so an
entry's module must import quickly: a suite that needs heavy libraries (SymPy, reasoning-gym)
imports them in the functions that use them, or gives a small function as its entry that imports
the class when called (`rl2f_eval.suites.puzzles:puzzles`).
"""

from __future__ import annotations

import importlib
import inspect
from collections.abc import Callable, Mapping
from typing import Any

from rl2f_eval.errors import TaskArgError
from rl2f_eval.suites.base import Suite

SUITES: dict[str, str] = {
    "arithmetic": "rl2f_eval.suites.arithmetic:ArithmeticSuite",
    "coding": "rl2f_eval.suites.entries:coding",
    "games": "rl2f_eval.suites.games:GameSuite",
    "hard_math": "rl2f_eval.suites.entries:hard_math",
    "maze": "rl2f_eval.suites.maze:MazeSuite",
    "puzzles": "rl2f_eval.suites.puzzles:puzzles",
}

Entry = Callable[..., Suite]


class UnknownSuiteError(TaskArgError):
    """A suite name that is neither registered nor an importable `package.module:Class`."""


def entry(name: str, field: str = "suite") -> Entry:
    """The entry of a registered suite, or of a user's suite named `package.module:Class`;
    `field` names the setting in errors."""
    target = SUITES.get(name, name)
    if ":" not in target:
        raise UnknownSuiteError(
            f"{field} must be one of {', '.join(SUITES)} or `package.module:Class`; got {name!r}"
        )
    module, _, attribute = target.partition(":")
    try:
        found = getattr(importlib.import_module(module), attribute)
    except (ImportError, AttributeError) as error:
        raise UnknownSuiteError(f"{field}: suite {name!r} cannot be imported: {error}") from None
    if not callable(found) or (isinstance(found, type) and not issubclass(found, Suite)):
        raise UnknownSuiteError(f"{field}: {name!r} is not a rl2f_eval Suite")
    return found


def build_suite(name: str, args: Mapping[str, Any] | None = None, field: str = "suite") -> Suite:
    """The suite `name` built with `args` (its task arguments); one-line errors."""
    make, args = entry(name, field), dict(args or {})
    try:
        inspect.signature(make).bind(**args)
    except TypeError as error:  # an argument the suite does not take
        raise TaskArgError(f"suite {name!r}: {error}") from None
    try:
        suite = make(**args)
    except TaskArgError as error:
        raise TaskArgError(f"suite {name!r}: {error}") from None
    if not isinstance(suite, Suite):
        raise UnknownSuiteError(f"{field}: {name!r} does not make a rl2f_eval Suite")
    return suite


def task_name(name: str) -> str | None:
    """What `inspect eval` runs for suite `name`: `rl2f_eval/<name>`; None for a user's suite
    (`package.module:Class`), which has no registered task."""
    return f"rl2f_eval/{name}" if name in SUITES else None

"""Errors users see: one line that names the bad argument and what it may be."""

from __future__ import annotations

from collections.abc import Iterable

# Inspect prints a PrerequisiteError as its message alone (no traceback); it is not re-exported
# publicly, so this is the one place that reaches into inspect_ai._util.
from inspect_ai._util.error import PrerequisiteError


class TaskArgError(PrerequisiteError, ValueError):
    """A task argument (-T name=value) is invalid."""


def check_choice(name: str, value: object, allowed: Iterable[str]) -> None:
    allowed = tuple(allowed)
    if value not in allowed:
        raise TaskArgError(f"{name} must be one of {', '.join(allowed)}; got {value!r}")

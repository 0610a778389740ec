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


def check_int(name: str, value: object, minimum: int, maximum: int | None = None) -> int:
    """A whole number in [minimum, maximum]: -T values arrive as whatever YAML made of them."""
    whole = isinstance(value, int) and not isinstance(value, bool)
    if not whole or value < minimum or (maximum is not None and value > maximum):  # type: ignore[operator]
        allowed = (
            f"from {minimum} to {maximum}" if maximum is not None else f"of at least {minimum}"
        )
        raise TaskArgError(f"{name} must be a whole number {allowed}; got {value!r}")
    return value  # type: ignore[return-value]


def check_bool(name: str, value: object) -> bool:
    if not isinstance(value, bool):
        raise TaskArgError(f"{name} must be true or false; got {value!r}")
    return value


def check_positive(name: str, value: object, unit: str = "") -> float:
    """A number above 0 (not a boolean); `unit` says what it counts, in the message."""
    if isinstance(value, bool) or not isinstance(value, int | float) or not value > 0:
        what = f" ({unit})" if unit else ""
        raise TaskArgError(f"{name} must be a positive number{what}; got {value!r}")
    return float(value)


def check_fraction(name: str, value: object) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float) or not 0 <= value <= 1:
        raise TaskArgError(f"{name} must be a number from 0 to 1; got {value!r}")
    return float(value)


def check_cache(name: str, value: object) -> None:
    """Unset, true, false, or an expiry Inspect's cache reads (`30D`, `1Y`; s m h D W M Y)."""
    from inspect_ai.model import CachePolicy

    if value is None or isinstance(value, bool):
        return
    if not isinstance(value, str) or not value or CachePolicy.from_string(value) is None:
        raise TaskArgError(
            f"{name} must be true, false or an expiry such as 30D or 1Y; got {value!r}"
        )

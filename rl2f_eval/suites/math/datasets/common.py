"""What every loader returns."""

from __future__ import annotations

from dataclasses import dataclass, field

from inspect_ai.dataset import Sample


@dataclass
class Loaded:
    samples: list[Sample]
    excluded: dict[str, str] = field(default_factory=dict)
    """Problems left out, by sample id, with the reason (reported, never silently dropped)."""

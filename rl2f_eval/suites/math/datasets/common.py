"""What every loader returns."""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path

from inspect_ai.dataset import Sample


@dataclass
class Loaded:
    samples: list[Sample]
    excluded: dict[str, str] = field(default_factory=dict)
    """Problems left out, by sample id, with the reason (reported, never silently dropped)."""


def local_path(path: str) -> Path:
    """A path given on the command line. Inspect creates a task from its file's directory, so a
    relative path that does not exist there is taken from where the command was run (the
    shell's PWD) when it exists there."""
    given = Path(path).expanduser()
    if given.is_absolute() or given.exists():
        return given
    launched = os.environ.get("PWD")
    if launched and (Path(launched) / given).exists():
        return Path(launched) / given
    return given

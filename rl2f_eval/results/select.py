"""Keep the runs a reader asks for: `--task`, `--student` and `--teacher` filters.

A filter is a list of patterns; a run passes when one pattern matches (shell-style wildcards,
`fnmatch`, case-sensitive) its label as the leaderboard prints it, or the model or task name
inside it: `--teacher openai/gpt-5` matches "model: openai/gpt-5" and "model: openai/gpt-5,
unprivileged"; `--task maze` matches "maze (size=5)"; `--student 'openai/*'`. Filters apply
before rows are compared, so the problems a board's rows share are those of the runs kept.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from fnmatch import fnmatchcase

from rl2f_eval.results.load import Results


@dataclass(frozen=True)
class Selection:
    tasks: Sequence[str] = field(default_factory=tuple)
    students: Sequence[str] = field(default_factory=tuple)
    teachers: Sequence[str] = field(default_factory=tuple)

    def __bool__(self) -> bool:
        return bool(self.tasks or self.students or self.teachers)

    def describe(self) -> str:
        parts = [
            f"{flag} {' '.join(patterns)}"
            for flag, patterns in (
                ("--task", self.tasks),
                ("--student", self.students),
                ("--teacher", self.teachers),
            )
            if patterns
        ]
        return ", ".join(parts)


class NothingSelected(ValueError):
    """No run passes the filters (the message lists what there is)."""


def names(label: str) -> set[str]:
    """The texts of a label a pattern may match: the label, and the name inside it."""
    core = re.sub(r" \(.*\)$", "", label)  # "maze (size=5)", "scripted/a (-M script=right)"
    core = core.removeprefix("model: ").split(", ")[0]  # "model: x, unprivileged"
    return {label, core}


def matches(label: str, patterns: Iterable[str]) -> bool:
    return any(fnmatchcase(name, pattern) for pattern in patterns for name in names(label))


def select(results: Results, selection: Selection) -> Results:
    """The runs of `results` (and their samples) that pass `selection`; raises
    `NothingSelected` when none does."""
    if not selection or results.runs.empty:
        return results
    runs = results.runs
    keep = runs.apply(
        lambda run: (
            (not selection.tasks or matches(run["board_label"], selection.tasks))
            and (not selection.students or matches(run["student"], selection.students))
            and (not selection.teachers or matches(run["teacher"], selection.teachers))
        ),
        axis=1,
    )
    if not keep.any():
        raise NothingSelected(
            f"no run matches {selection.describe()}; the runs are: "
            + "; ".join(f"{r.board_label} / {r.student} / {r.teacher}" for r in runs.itertuples())
        )
    kept = runs[keep].reset_index(drop=True)
    samples = results.samples
    if not samples.empty:
        samples = samples[samples["run"].isin(kept["run"])].reset_index(drop=True)
    note = f"Only the runs that match {selection.describe()}: {len(kept)} of {len(runs)}."
    return Results(samples, kept, [*results.notes, note])

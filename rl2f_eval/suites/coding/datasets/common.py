"""What every coding dataset loader shares: the problem record and reading rows of a dataset."""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from rl2f_eval.errors import TaskArgError
from rl2f_eval.suites.coding.specs import TestSpec


@dataclass(frozen=True)
class CodeProblem:
    id: str
    statement: str
    """What the student sees (the answer-format instruction is added by the suite)."""
    spec: TestSpec
    reference: str
    """A correct program (the canonical solution), or "" where the data has none."""
    entry_point: str | None
    """The function the student must write (None: a whole stdin/stdout program)."""
    source: str


def load_rows(path: str, split: str, name: str | None = None) -> list[dict[str, Any]]:
    """Rows of a dataset: a local .json/.jsonl/.parquet/.csv file, or a `datasets` name
    (the Hugging Face hub, or a local dataset directory)."""
    import datasets

    kinds = {".json": "json", ".jsonl": "json", ".parquet": "parquet", ".csv": "csv"}
    kind = next((k for suffix, k in kinds.items() if path.endswith(suffix)), None)
    try:
        if kind:
            data = datasets.load_dataset(kind, data_files={split: path}, split=split)
        else:
            data = datasets.load_dataset(path, name, split=split)
    except FileNotFoundError as error:
        raise TaskArgError(
            f"dataset {path!r} not found (relative paths start from {os.getcwd()}: Inspect runs "
            "a task from its file's directory, so give an absolute path)"
        ) from error
    return [dict(row) for row in data]


def mapped(row: Mapping[str, Any], columns: Mapping[str, str], required: tuple[str, ...]):
    missing = [
        f"{ours} (column {theirs!r})" for ours in required if (theirs := columns[ours]) not in row
    ]
    if missing:
        raise TaskArgError(
            f"dataset rows lack {', '.join(missing)}; map columns with "
            f'-T columns=\'{{"field": "column"}}\' (fields: {", ".join(columns)})'
        )
    return {ours: row.get(theirs) for ours, theirs in columns.items()}

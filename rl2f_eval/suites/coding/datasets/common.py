"""What every coding dataset loader shares: the problem record and reading rows of a dataset."""

from __future__ import annotations

import json
import os
import pickle
import zlib
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
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
    """Rows of a dataset: a local .jsonl (read here, so a bad line is named), .json, .parquet or
    .csv file, or a `datasets` name (the Hugging Face hub, or a local dataset directory). Any
    file that cannot be read is one line of error (TaskArgError), never a traceback."""
    if path.endswith(".jsonl"):
        return _jsonl_rows(path)
    import datasets

    kinds = {".json": "json", ".parquet": "parquet", ".csv": "csv"}
    kind = next((k for suffix, k in kinds.items() if path.endswith(suffix)), None)
    try:
        if kind:
            data = datasets.load_dataset(kind, data_files={split: path}, split=split)
        else:
            data = datasets.load_dataset(path, name, split=split)
        rows = [dict(row) for row in data]
    except FileNotFoundError as error:
        raise _not_found(path) from error
    except Exception as error:  # datasets and pyarrow raise many kinds: say what, in one line
        raise TaskArgError(f"cannot read dataset {path!r}: {_innermost(error)}") from error
    if not rows:
        raise TaskArgError(f"dataset {path!r} (split {split!r}) has no rows")
    return rows


def _jsonl_rows(path: str) -> list[dict[str, Any]]:
    try:
        lines = Path(path).read_text(encoding="utf-8").splitlines()
    except FileNotFoundError as error:
        raise _not_found(path) from error
    except (OSError, UnicodeDecodeError) as error:
        raise TaskArgError(f"cannot read {path!r}: {one_line(error)}") from error
    rows = []
    for number, line in enumerate(lines, 1):
        if not line.strip():
            continue
        try:
            row = json.loads(line)
        except ValueError as error:
            raise TaskArgError(
                f"{path}, line {number}: not valid JSON ({one_line(error)}); a truncated file?"
            ) from error
        if not isinstance(row, dict):
            raise TaskArgError(f"{path}, line {number}: expected one JSON object per line")
        rows.append(row)
    if not rows:
        raise TaskArgError(f"{path} has no rows")
    return rows


def _not_found(path: str) -> TaskArgError:
    return TaskArgError(
        f"dataset {path!r} not found (relative paths start from {os.getcwd()}: Inspect runs "
        "a task from its file's directory, so give an absolute path)"
    )


def one_line(error: BaseException) -> str:
    text = str(error).strip().splitlines()
    return f"{type(error).__name__}: {text[0][:300]}" if text else type(error).__name__


def _innermost(error: BaseException) -> str:
    """The root cause's message (`datasets` wraps the parser's error in a generic one)."""
    while (error.__cause__ or error.__context__) is not None:
        error = error.__cause__ or error.__context__  # type: ignore[assignment]
    return one_line(error)


BAD_DATA = (ValueError, TypeError, KeyError, SyntaxError, zlib.error, pickle.PickleError, EOFError)
"""What a malformed row raises while it is converted (json, base64, ast, zlib, pickle)."""


def problems_of(
    rows: list[dict[str, Any]], source: str, id_column: str, convert: Callable[..., CodeProblem]
) -> list[CodeProblem]:
    """`convert` applied to each row; a row it cannot convert is one line naming the row."""
    problems = []
    for number, row in enumerate(rows, 1):
        try:
            problems.append(convert(row))
        except TaskArgError:
            raise
        except BAD_DATA as error:
            which = row.get(id_column) if isinstance(row, dict) else None
            name = f"problem {which}" if which is not None else f"row {number}"
            raise TaskArgError(f"{source} {name} cannot be read: {one_line(error)}") from error
    return problems


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

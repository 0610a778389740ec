"""Any Hugging Face dataset with problem / answer (/ solution) columns, through `datasets`.

`hf_path` is a hub name (needs the network) or a local data file (.json, .jsonl, .csv, .parquet)
or directory. Columns are mapped by name; an answer column holding a whole solution
(`... so the answer is \\boxed{5}`) contributes its last boxed expression. Answers that are
numbers (a numeric column) become exact LaTeX (`1.28e-06` -> `1.28 \\times 10^{-6}`, never
text a LaTeX reader takes for 1.28e - 6), lists become comma-separated lists; true/false answers
are left out, as CHAMP's yes/no questions are (after one wrong answer the verdict gives it away).
"""

from __future__ import annotations

import math
import numbers
from pathlib import Path

from inspect_ai.dataset import Sample

from rl2f_eval.errors import TaskArgError
from rl2f_eval.suites.math.datasets.common import Loaded, local_path
from rl2f_eval.suites.math.latex import last_boxed

_BUILDERS = {".json": "json", ".jsonl": "json", ".csv": "csv", ".parquet": "parquet"}


def _load(path: str, config: str | None, split: str):
    import datasets

    local = local_path(path)
    if local.is_file():
        builder = _BUILDERS.get(local.suffix)
        if builder is None:
            raise TaskArgError(f"hf_path: unsupported file type {local.suffix!r} ({local})")
        return datasets.load_dataset(builder, data_files=str(local), split="train")
    try:
        return datasets.load_dataset(str(local) if local.is_dir() else path, config, split=split)
    except (FileNotFoundError, ValueError, ConnectionError) as error:
        raise TaskArgError(
            f"could not load the dataset {path!r} (split {split!r}): {error}"
        ) from error


def load(
    path: str,
    config: str | None = None,
    split: str = "test",
    problem_field: str = "problem",
    answer_field: str = "answer",
    solution_field: str | None = "solution",
    id_field: str | None = None,
    parameters_field: str | None = None,
) -> Loaded:
    rows = _load(path, config, split)
    columns = set(rows.column_names)
    for name, column in (("problem_field", problem_field), ("answer_field", answer_field)):
        if column not in columns:
            raise TaskArgError(
                f"{name}={column!r} is not a column of {path}; "
                f"columns: {', '.join(sorted(columns))}"
            )
    for name, column in (("id_field", id_field), ("parameters_field", parameters_field)):
        if column is not None and column not in columns:
            raise TaskArgError(f"{name}={column!r} is not a column of {path}")
    if solution_field not in columns:
        solution_field = None  # optional: the default name is only a guess
    stem = Path(path).stem if local_path(path).exists() else path.replace("/", "_")
    samples, excluded = [], {}
    for index, row in enumerate(rows):
        sample_id = f"{stem}-{row[id_field] if id_field else index}"
        answer, reason = answer_latex(row[answer_field])
        if answer is None:
            excluded[sample_id] = reason
            continue
        metadata: dict = {"dataset": stem}
        if solution_field and row[solution_field]:
            metadata["solution"] = str(row[solution_field])
        if parameters_field:
            value = row[parameters_field]
            names = value if isinstance(value, list) else str(value).strip("$").split(";")
            metadata["parameters"] = [str(n).strip() for n in names if str(n).strip()]
        samples.append(
            Sample(id=sample_id, input=str(row[problem_field]), target=answer, metadata=metadata)
        )
    return Loaded(samples, excluded)


YES_NO = "a true/false answer (after one wrong answer the verdict alone gives it away)"


def answer_latex(value: object) -> tuple[str | None, str]:
    """(the answer as LaTeX, "") or (None, why the row is left out)."""
    if value is None:
        return None, "empty answer"
    if type(value).__name__ in ("bool", "bool_"):  # before numbers: True is an int
        return None, YES_NO
    if isinstance(value, numbers.Number):
        latex = number_latex(value)
        return (latex, "") if latex is not None else (None, f"not a finite number: {value!r}")
    if isinstance(value, list | tuple):
        items = [answer_latex(item)[0] for item in value]
        if not items or any(item is None for item in items):
            return None, f"a list answer with an empty or unusable item: {value!r}"
        nested = [isinstance(item, list | tuple) for item in value]
        return ", ".join(f"({i})" if n else i for i, n in zip(items, nested, strict=True)), ""
    raw = str(value)
    answer = last_boxed(raw) if "\\boxed" in raw else raw.strip().strip("$").strip()
    return (answer, "") if answer else (None, "empty answer")


def number_latex(value: numbers.Number) -> str | None:
    """A number as exact LaTeX: integers as they are; floats by their shortest round-trip
    decimal, `m \\times 10^{e}` where Python would print an exponent; None if not finite."""
    if isinstance(value, numbers.Integral):
        return str(int(value))
    if isinstance(value, numbers.Rational):
        fraction = f"\\frac{{{abs(value.numerator)}}}{{{value.denominator}}}"
        return ("-" if value < 0 else "") + fraction
    if isinstance(value, numbers.Complex) and not isinstance(value, numbers.Real):
        return None
    number = float(value)
    if not math.isfinite(number):
        return None
    text = repr(number)
    if number == 0:
        return "0"
    if "e" not in text:
        return text[:-2] if text.endswith(".0") else text
    mantissa, exponent = text.split("e")
    mantissa = mantissa[:-2] if mantissa.endswith(".0") else mantissa
    power = f"10^{{{int(exponent)}}}"
    if mantissa in ("1", "-1"):
        return ("-" if mantissa == "-1" else "") + power
    return f"{mantissa} \\times {power}"

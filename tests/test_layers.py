"""Imports run one way: every import in the package (at module level or inside a function) goes to
its own package or a lower layer, never up."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).parent.parent / "rl2f_eval"

LAYERS = [  # lowest first
    {"errors", "stats"},  # one-line errors; statistics over problems (numpy only)
    {"sandbox"},  # runs untrusted code
    {"suites"},  # data + checking
    {"teachers"},  # feedback strategies, their prompts, the leak guard
    {"didactic"},  # the episode step, solver, scorer, metrics, task builder
    {"models"},  # Inspect model providers (the scripted one knows the teachers' prompts)
    {"tasks", "results", "train"},  # independent of each other
    {"grid", "repro"},  # run tasks (eval_set) or training arms, then tabulate with results
    {"cli", "_registry"},  # entry points
]
RANK = {name: rank for rank, names in enumerate(LAYERS) for name in names}
PURE = {"rl2f_eval.stats", "rl2f_eval.didactic.metrics"}
"""Modules that need neither Inspect nor pandas: the statistics and the metric definitions."""
STDLIB_AND_NUMPY = {"__future__", "collections", "dataclasses", "enum", "math", "typing", "zlib"}


def module_name(path: Path) -> str:
    parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def imports(path: Path) -> set[str]:
    """Every module `path` imports, wherever the import statement stands."""
    found = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.Import):
            found |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module:
            assert node.level == 0, f"{path}: relative import"
            found.add(node.module)
            if node.module == "rl2f_eval":  # from rl2f_eval import tasks
                found |= {f"rl2f_eval.{alias.name}" for alias in node.names}
    return found


def graph() -> dict[str, set[str]]:
    return {module_name(p): imports(p) for p in sorted(PACKAGE.rglob("*.py"))}


def layer(module: str) -> str:
    """The top-level part of the package a module belongs to (`suites`, `errors`, ...)."""
    return module.split(".")[1] if "." in module else ""


def upward(edges: dict[str, set[str]]) -> list[str]:
    """Imports of a higher layer, or of another package in the same layer."""
    found = []
    for source, targets in edges.items():
        for target in targets:
            if not target.startswith("rl2f_eval.") or layer(target) == layer(source):
                continue
            if RANK[layer(target)] >= RANK[layer(source)]:
                found.append(f"{source} imports {target}")
    return found


def test_every_package_has_a_layer():
    modules = graph()
    assert {layer(m) for m in modules} - {""} <= set(RANK)


def test_imports_only_run_down_the_layers():
    assert upward(graph()) == []


def test_the_check_sees_an_upward_import():
    assert upward({"rl2f_eval.suites.maze": {"rl2f_eval.didactic.task"}}) == [
        "rl2f_eval.suites.maze imports rl2f_eval.didactic.task"
    ]
    assert upward({"rl2f_eval.results.load": {"rl2f_eval.train.run"}})  # same layer


@pytest.mark.parametrize("module", sorted(PURE))
def test_statistics_need_no_inspect(module):
    targets = graph()[module]
    assert {t.split(".")[0] for t in targets} <= STDLIB_AND_NUMPY | {"numpy"}, targets


def test_results_read_logs_not_the_task_builder():
    """Results depend on what a log records, not on how tasks are built."""
    used = {t for m, ts in graph().items() if layer(m) == "results" for t in ts}
    assert {t for t in used if layer(t) == "didactic"} <= {"rl2f_eval.didactic.metrics"}

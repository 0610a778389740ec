"""Shared helpers: run a task in-process on the scripted model and return its log."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from inspect_ai import Task, eval
from inspect_ai.log import EvalLog

from rl2f_eval.models.scripted import answer_records

TASKS = Path(__file__).parent.parent / "tasks"


def run_scripted(
    task: Task,
    suite: Any,
    log_dir: Path,
    script: str = "wrong,wrong,right",
    model_roles: dict[str, Any] | None = None,
    fail_on_error: bool = True,
    **model_args: Any,
) -> EvalLog:
    """Evaluate `task` with the scripted student, which knows `suite`'s right and wrong answers."""
    answers = answer_records(suite, suite.samples())
    [log] = eval(
        task,
        model="scripted/student",
        model_args={"script": script, "answers": answers, **model_args},
        model_roles=model_roles,
        log_dir=str(log_dir),
        display="none",
        fail_on_error=fail_on_error,
    )
    return log


def metrics(log: EvalLog) -> dict[str, float]:
    """Flatten the log's results: acc_at_k / gain / aulc -> their mean; summary metrics by name."""
    assert log.results is not None, log.error
    flat: dict[str, float] = {}
    for score in log.results.scores:
        for name, m in score.metrics.items():
            if score.name == "didactic_scorer":
                flat[name] = m.value
            else:
                flat[score.name if name == "mean" else f"{score.name}_{name}"] = m.value
    return flat


@pytest.fixture
def log_dir(tmp_path: Path) -> Path:
    return tmp_path / "logs"

"""Build an Inspect task from a suite: the didactic solver and scorer over the suite's samples.

The log records the episode arguments under the task metadata's `episode` key (results read from
there which task arguments set up the episode) and the suite's `task_metadata`.
"""

from __future__ import annotations

from dataclasses import asdict
from typing import Any

from inspect_ai import Task
from inspect_ai.dataset import MemoryDataset

from rl2f_eval.didactic.episode import EpisodeArgs
from rl2f_eval.didactic.scoring import didactic_scorer
from rl2f_eval.didactic.solver import didactic_loop
from rl2f_eval.errors import TaskArgError, check_int
from rl2f_eval.suites.base import Suite


def didactic_task(
    suite: Suite,
    *,
    teacher_retries: int = 2,
    fail_on_error: bool | float = 0.1,
    **episode: Any,
) -> Task:
    """A multi-turn didactic evaluation of `suite`; `episode`: the `EpisodeArgs`.

    `fail_on_error=0.1`: a sample whose model calls still fail after Inspect's retries is
    recorded as an error and left out of the metrics, and the others finish; the run fails
    when a tenth of its samples error (a systematic fault, not bad luck). `--fail-on-error`
    overrides it; `inspect eval-retry` re-runs the errored samples.
    """
    args = EpisodeArgs.of(episode)
    check_int("teacher_retries", teacher_retries, 0)
    if args.oracle_turn is not None and suite.oracle_unavailable:
        raise TaskArgError(suite.oracle_unavailable)
    samples = suite.samples()
    if not samples:
        raise TaskArgError(f"the {suite.name} dataset selected by these arguments is empty")
    return Task(
        dataset=MemoryDataset(samples, name=suite.name),
        solver=didactic_loop(suite, teacher_retries=teacher_retries, **asdict(args)),
        scorer=didactic_scorer(),
        fail_on_error=fail_on_error,
        sandbox=suite.task_sandbox,
        metadata={**suite.task_metadata, "suite": suite.name, "episode": asdict(args)},
    )

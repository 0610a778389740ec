"""Build an Inspect task from a suite: the one place the didactic task arguments are checked."""

from __future__ import annotations

from inspect_ai import Task
from inspect_ai.dataset import MemoryDataset

from rl2f_eval.didactic.solver import didactic_loop
from rl2f_eval.errors import TaskArgError, check_bool, check_choice, check_int
from rl2f_eval.scoring import didactic_scorer
from rl2f_eval.suites.base import Suite
from rl2f_eval.teachers import LEAK_MODES, TEACHERS


def didactic_task(
    suite: Suite,
    *,
    turns: int = 5,
    teacher: str = "model",
    privileged: bool = True,
    leak: str = "flag",
    oracle_turn: int | None = None,
    teacher_retries: int = 2,
    fail_on_error: bool | float = 0.1,
) -> Task:
    """A multi-turn didactic evaluation of `suite` (see README for each argument).

    `fail_on_error=0.1`: a sample whose model calls still fail after Inspect's retries is
    recorded as an error and left out of the metrics, and the others finish; the run fails
    when a tenth of its samples error (a systematic fault, not bad luck). `--fail-on-error`
    overrides it; `inspect eval-retry` re-runs the errored samples.
    """
    check_int("turns", turns, 1)
    check_choice("teacher", teacher, TEACHERS)
    check_bool("privileged", privileged)
    check_choice("leak", leak, LEAK_MODES)
    if oracle_turn is not None and (
        not isinstance(oracle_turn, int)
        or isinstance(oracle_turn, bool)
        or not 1 <= oracle_turn <= turns
    ):
        raise TaskArgError(f"oracle_turn must be between 1 and turns={turns}; got {oracle_turn!r}")
    check_int("teacher_retries", teacher_retries, 0)
    samples = suite.samples()
    if not samples:
        raise TaskArgError(f"the {suite.name} dataset selected by these arguments is empty")
    return Task(
        dataset=MemoryDataset(samples, name=suite.name),
        solver=didactic_loop(
            suite,
            turns=turns,
            teacher=teacher,
            privileged=privileged,
            leak=leak,
            oracle_turn=oracle_turn,
            teacher_retries=teacher_retries,
        ),
        scorer=didactic_scorer(),
        fail_on_error=fail_on_error,
        metadata={
            "suite": suite.name,
            "teacher": teacher,
            "turns": turns,
            "privileged": privileged,
        },
    )

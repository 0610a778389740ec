"""Logic puzzles (reasoning-gym, ARC) with constraint-level verifier feedback.

inspect eval tasks/puzzles.py --model M -T families=sudoku,n_queens -T difficulty=easy -T n=5

The same task as `inspect eval rl2f_eval/puzzles` (`rl2f_eval.tasks.puzzles`: arguments in its
docstring, or `rl2f-eval tasks puzzles`); this file lets Inspect find it by path.
"""

from inspect_ai import Task, task

from rl2f_eval.tasks import suite_task


@task
@suite_task
def puzzles() -> Task:
    """The registered suite `puzzles` with the episode arguments (see the module docstring)."""
    raise NotImplementedError  # replaced by suite_task

"""Maze navigation.

inspect eval tasks/maze.py --model M [--model-role teacher=T] -T size=4 -T turns=5 -T teacher=model

The same task as `inspect eval rl2f_eval/maze` (`rl2f_eval.tasks.maze`: arguments in its
docstring, or `rl2f-eval tasks maze`); this file lets Inspect find it by path.
"""

from inspect_ai import Task, task

from rl2f_eval.tasks import suite_task


@task
@suite_task
def maze() -> Task:
    """The registered suite `maze` with the episode arguments (see the module docstring)."""
    raise NotImplementedError  # replaced by suite_task

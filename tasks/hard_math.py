"""Hard math (the RL2F paper's headline domain).

inspect eval tasks/hard_math.py --model M -T dataset=hardmath2 -T data_path=DIR

The same task as `inspect eval rl2f_eval/hard_math` (`rl2f_eval.tasks.hard_math`: arguments in its
docstring, or `rl2f-eval tasks hard_math`); this file lets Inspect find it by path.
"""

from inspect_ai import Task, task

from rl2f_eval.tasks import suite_task


@task
@suite_task
def hard_math() -> Task:
    """The registered suite `hard_math` with the episode arguments (see the module docstring)."""
    raise NotImplementedError  # replaced by suite_task

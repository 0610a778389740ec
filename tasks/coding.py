"""Python coding problems; hidden tests run in the sandbox.

inspect eval tasks/coding.py --model M [--model-role teacher=T] -T dataset=mbpp -T path=FILE

The same task as `inspect eval rl2f_eval/coding` (`rl2f_eval.tasks.coding`: arguments in its
docstring, or `rl2f-eval tasks coding`); this file lets Inspect find it by path.
"""

from inspect_ai import Task, task

from rl2f_eval.tasks import suite_task


@task
@suite_task
def coding() -> Task:
    """The registered suite `coding` with the episode arguments (see the module docstring)."""
    raise NotImplementedError  # replaced by suite_task

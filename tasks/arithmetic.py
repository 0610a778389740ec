"""Small-number arithmetic (the toy of `make demo` and the training smoke test).

inspect eval tasks/arithmetic.py --model M -T n=20 -T max_value=9 -T ops=+ -T teacher=verifier

The same task as `inspect eval rl2f_eval/arithmetic` (`rl2f_eval.tasks.arithmetic`: arguments in its
docstring, or `rl2f-eval tasks arithmetic`); this file lets Inspect find it by path.
"""

from inspect_ai import Task, task

from rl2f_eval.tasks import suite_task


@task
@suite_task
def arithmetic() -> Task:
    """The registered suite `arithmetic` with the episode arguments (see the module docstring)."""
    raise NotImplementedError  # replaced by suite_task

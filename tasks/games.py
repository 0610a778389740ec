"""Multi-turn agent games: the game's rules answer each move (teacher=verifier by default).

inspect eval tasks/games.py --model M -T games=number,wordle -T difficulty=easy -T n=10 -T turns=6

The same task as `inspect eval rl2f_eval/games` (`rl2f_eval.tasks.games`: arguments in its
docstring, or `rl2f-eval tasks games`); this file lets Inspect find it by path.
"""

from inspect_ai import Task, task

from rl2f_eval.tasks import suite_task


@task
@suite_task
def games() -> Task:
    """The registered suite `games` with the episode arguments (see the module docstring)."""
    raise NotImplementedError  # replaced by suite_task

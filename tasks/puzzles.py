"""Logic puzzles (reasoning-gym) with constraint-level verifier feedback.

inspect eval tasks/puzzles.py --model M [--model-role teacher=T] -T families=sudoku,n_queens \
    -T difficulty=easy -T n=5 -T turns=5 -T teacher=model
"""

from inspect_ai import Task, task

from rl2f_eval.didactic.task import didactic_task
from rl2f_eval.suites.puzzles import MIXED, PuzzleSuite


@task
def puzzles(
    families: str | list[str] = MIXED,
    n: int = 5,
    difficulty: str = "medium",
    size: int | None = None,
    seed: int = 0,
    turns: int = 5,
    teacher: str = "model",
    privileged: bool = True,
    leak: str = "flag",
    oracle_turn: int | None = None,
) -> Task:
    """`n` puzzles per family: knights_knaves, zebra, mini_sudoku, sudoku, futoshiki, n_queens,
    countdown, puzzle24 (`families=mixed`, the default, is all of them), at `difficulty`
    easy/medium/hard; `size` overrides the board side, house or inhabitant count, or how many
    numbers, for the families where it applies."""
    return didactic_task(
        PuzzleSuite(families=families, n=n, difficulty=difficulty, size=size, seed=seed),
        turns=turns,
        teacher=teacher,
        privileged=privileged,
        leak=leak,
        oracle_turn=oracle_turn,
    )

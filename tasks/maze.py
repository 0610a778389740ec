"""Maze navigation as a didactic interaction.

inspect eval tasks/maze.py --model M [--model-role teacher=T] -T size=4 -T turns=5 -T teacher=model
"""

from inspect_ai import Task, task

from rl2f_eval.didactic.task import didactic_task
from rl2f_eval.suites.maze import MazeSuite


@task
def maze(
    size: int = 4,
    n: int = 20,
    seed: int = 0,
    shortest: bool = False,
    loops: float = 0.1,
    turns: int = 5,
    teacher: str = "model",
    privileged: bool = True,
    leak: str = "flag",
    oracle_turn: int | None = None,
) -> Task:
    """Grid mazes of `size`x`size` cells; answers are U/D/L/R move strings."""
    return didactic_task(
        MazeSuite(size=size, n=n, seed=seed, shortest=shortest, loops=loops),
        turns=turns,
        teacher=teacher,
        privileged=privileged,
        leak=leak,
        oracle_turn=oracle_turn,
    )

"""Small-number arithmetic as a didactic interaction (the toy task of the training smoke test).

inspect eval tasks/arithmetic.py --model M -T n=20 -T max_value=9 -T ops=+ -T teacher=verifier
"""

from inspect_ai import Task, task

from rl2f_eval.didactic.task import didactic_task
from rl2f_eval.suites.arithmetic import ArithmeticSuite


@task
def arithmetic(
    n: int = 20,
    seed: int = 0,
    max_value: int = 9,
    ops: str = "+",
    turns: int = 5,
    teacher: str = "model",
    privileged: bool = True,
    leak: str = "flag",
    oracle_turn: int | None = None,
) -> Task:
    """`a op b` for operands in 1..max_value; the last number in the reply is the answer."""
    return didactic_task(
        ArithmeticSuite(n=n, seed=seed, max_value=max_value, ops=ops),
        turns=turns,
        teacher=teacher,
        privileged=privileged,
        leak=leak,
        oracle_turn=oracle_turn,
    )

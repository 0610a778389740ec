"""Hard math as a didactic interaction (the RL2F paper's headline domain).

inspect eval tasks/hard_math.py --model M [--model-role teacher=T] -T dataset=champ -T turns=5
inspect eval tasks/hard_math.py -T dataset=hardmath2 -T data_path=DIR ...
inspect eval tasks/hard_math.py -T dataset=hf -T hf_path=FILE_OR_NAME -T answer_field=answer ...
"""

from inspect_ai import Task, task

from rl2f_eval.didactic.task import didactic_task
from rl2f_eval.suites.math import MathSuite


@task
def hard_math(
    dataset: str | list[str] = "champ",
    data_path: str | None = None,
    hf_path: str | None = None,
    hf_config: str | None = None,
    hf_split: str = "test",
    problem_field: str = "problem",
    answer_field: str = "answer",
    solution_field: str | None = "solution",
    id_field: str | None = None,
    parameters_field: str | None = None,
    rtol: float = 1e-6,
    check_timeout: float = 20.0,
    turns: int = 5,
    teacher: str = "model",
    privileged: bool = True,
    leak: str = "flag",
    oracle_turn: int | None = None,
) -> Task:
    """Math problems with boxed LaTeX answers, checked for equivalence (see README: hard_math)."""
    return didactic_task(
        MathSuite(
            dataset=dataset,
            data_path=data_path,
            hf_path=hf_path,
            hf_config=hf_config,
            hf_split=hf_split,
            problem_field=problem_field,
            answer_field=answer_field,
            solution_field=solution_field,
            id_field=id_field,
            parameters_field=parameters_field,
            rtol=rtol,
            check_timeout=check_timeout,
        ),
        turns=turns,
        teacher=teacher,
        privileged=privileged,
        leak=leak,
        oracle_turn=oracle_turn,
    )

"""Python coding problems as a didactic interaction; hidden tests run in the sandbox.

inspect eval tasks/coding.py --model M [--model-role teacher=T] -T turns=5 -T teacher=model
inspect eval tasks/coding.py -T dataset=mbpp -T path=mbpp.jsonl ...
"""

from inspect_ai import Task, task
from inspect_ai.util import SandboxEnvironmentSpec

from rl2f_eval.didactic.task import didactic_task
from rl2f_eval.errors import TaskArgError
from rl2f_eval.sandbox import describe
from rl2f_eval.suites.coding import CodingSuite


@task
def coding(
    dataset: str = "humaneval",
    path: str | None = None,
    split: str = "test",
    subset: str | None = None,
    columns: dict[str, str] | None = None,
    n: int | None = None,
    seed: int | None = None,
    reveal: str = "input",
    sandbox: str = "auto",
    timeout: float = 5.0,
    turns: int = 5,
    teacher: str = "model",
    privileged: bool = True,
    leak: str = "flag",
    oracle_turn: int | None = None,
) -> Task:
    """HumanEval (offline), MBPP or LiveCodeBench; the answer is a fenced ```python block."""
    if oracle_turn is not None and dataset == "livecodebench":
        raise TaskArgError("oracle mode needs reference solutions; LiveCodeBench ships none")
    task = didactic_task(
        CodingSuite(
            dataset=dataset,
            path=path,
            split=split,
            subset=subset,
            columns=columns,
            n=n,
            seed=seed,
            reveal=reveal,
            sandbox=sandbox,
            timeout=timeout,
        ),
        turns=turns,
        teacher=teacher,
        privileged=privileged,
        leak=leak,
        oracle_turn=oracle_turn,
    )
    if sandbox == "inspect":  # the judge runs in Inspect's sandbox: docker unless --sandbox says
        task.sandbox = task.sandbox or SandboxEnvironmentSpec("docker")
    described = {"launcher": "inspect sandbox()"} if sandbox == "inspect" else describe()
    task.metadata = {**(task.metadata or {}), "reveal": reveal, "sandbox": described}
    return task

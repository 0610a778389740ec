"""Registry entries of the hard_math and coding suites: their task arguments, documented.

Light functions that import their suite when called: MathSuite's module imports SymPy, and
CodingSuite takes arguments that are no task arguments (`limits`) and says two things a task
records (how the sandbox runs; why LiveCodeBench has no oracle mode). Their packages may take
these over; the registry line then points there.
"""

from __future__ import annotations

from rl2f_eval.suites.base import Suite


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
) -> Suite:
    """Math problems with boxed LaTeX answers, checked for equivalence (README: hard_math).

    Args:
        dataset: champ, aime, math500, mmath, hardmath2 or hf; several with commas.
        data_path: HARDMath2's YAML files (a directory, or one file); without it they are
            downloaded once into the cache.
        hf_path: for dataset=hf: a hub name, or a local .json/.jsonl/.csv/.parquet file or
            directory.
        hf_config: for dataset=hf: the dataset's config name.
        hf_split: for dataset=hf: the split.
        problem_field: for dataset=hf: the column holding the problem.
        answer_field: for dataset=hf: the column holding the answer (a whole solution gives its
            last boxed answer).
        solution_field: for dataset=hf: the column holding a worked solution (optional).
        id_field: for dataset=hf: the column holding sample ids (default: the row number).
        parameters_field: for dataset=hf: the column holding HARDMath2-style variables.
        rtol: relative tolerance of numeric comparisons.
        check_timeout: seconds one answer check may take.
    """
    from rl2f_eval.suites.math import MathSuite

    return MathSuite(
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
    )


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
) -> Suite:
    """HumanEval (offline), MBPP or LiveCodeBench; the answer is a fenced ```python block, run
    against hidden tests in the sandbox (README: coding).

    Args:
        dataset: humaneval (offline), mbpp or livecodebench.
        path: for mbpp and livecodebench: a datasets name, or a local .jsonl/.json/.parquet/.csv
            file (absolute path).
        split: the datasets split.
        subset: the datasets config name.
        columns: {"our field": "dataset column"} for copies whose columns are named differently.
        n: the first n problems (after a shuffle with seed, if given); default all.
        seed: shuffle the problems with this seed before taking n.
        reveal: what the verifier teacher shows of the first failing test: input, full or none.
        sandbox: auto (our sandbox; warn about missing isolation layers), strict (our sandbox;
            refuse to run without all of them) or inspect (the same judge in Inspect's
            sandbox(): docker unless --sandbox names another provider).
        timeout: CPU seconds per test.
    """
    from rl2f_eval.sandbox import describe
    from rl2f_eval.suites.coding import CodingSuite

    suite = CodingSuite(
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
    )
    if sandbox == "inspect":
        suite.task_sandbox = "docker"
        described = {"launcher": "inspect sandbox()"}
    else:
        described = describe()
    suite.task_metadata = {"reveal": reveal, "sandbox": described}
    if dataset == "livecodebench":
        suite.oracle_unavailable = "oracle mode needs reference solutions; LiveCodeBench ships none"
    return suite

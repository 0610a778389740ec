"""The Inspect tasks: one per registered suite (`rl2f_eval.suites.registry`).

`inspect eval rl2f_eval/maze -T size=5 -T teacher=verifier` runs `rl2f_eval.tasks.maze`, from any
directory (the package registers these tasks through Inspect's entry point). A task's arguments
are its suite's (the registry entry's parameters) followed by the episode arguments
(`EpisodeArgs`); its docstring documents both (`help(rl2f_eval.tasks.maze)`,
`rl2f-eval tasks maze`). A file under `tasks/` lets `inspect eval tasks/maze.py` find the same
task: Inspect finds a file's tasks by reading it for `@task` functions, so each file holds

    @task
    @suite_task
    def maze() -> Task:
        ...
"""

from __future__ import annotations

import inspect
from collections.abc import Callable
from dataclasses import fields
from typing import Any

from inspect_ai import Task, task

from rl2f_eval.didactic.episode import EPISODE_ARGS, EpisodeArgs
from rl2f_eval.didactic.task import didactic_task
from rl2f_eval.errors import TaskArgError
from rl2f_eval.suites.registry import SUITES, entry

TaskFunction = Callable[..., Task]


def _doc_parts(doc: str | None) -> tuple[str, list[str]]:
    """A docstring's text before `Args:`, and the lines of its Args section."""
    lines = inspect.cleandoc(doc or "").splitlines()
    if "Args:" not in lines:
        return "\n".join(lines).strip(), []
    at = lines.index("Args:")
    args = []
    for line in lines[at + 1 :]:
        if line.strip() and not line.startswith(" "):  # the next section
            break
        args.append(line)
    while args and not args[-1].strip():
        args.pop()
    return "\n".join(lines[:at]).strip(), args


def task_function(name: str, module: str = __name__) -> TaskFunction:
    """The task function of suite `name`, before Inspect's `@task` registers it: the suite's
    parameters then the episode's, and a docstring documenting both."""
    make = entry(name)
    suite_params = list(inspect.signature(make).parameters.values())
    clash = sorted({p.name for p in suite_params} & set(EPISODE_ARGS))
    if clash:
        raise TypeError(f"suite {name!r} takes {clash[0]!r}, which is an episode argument")
    defaults = getattr(make, "episode_defaults", {})
    episode_params = [
        inspect.Parameter(
            f.name,
            inspect.Parameter.KEYWORD_ONLY,
            default=defaults.get(f.name, f.default),
            annotation=f.type,
        )
        for f in fields(EpisodeArgs)
    ]
    signature = inspect.Signature([*suite_params, *episode_params], return_annotation=Task)

    def run(*args: Any, **kwargs: Any) -> Task:
        given = dict(signature.bind(*args, **kwargs).arguments)
        episode = {key: given.pop(key) for key in EPISODE_ARGS if key in given}
        try:
            return didactic_task(make(**given), **episode)
        except Exception as error:
            if not is_data_error(error):
                raise
            raise TaskArgError(data_error_line(name, given, error)) from None

    summary, suite_doc = _doc_parts(make.__doc__)
    _, episode_doc = _doc_parts(EpisodeArgs.__doc__)
    run.__name__ = run.__qualname__ = name
    run.__module__ = module
    run.__doc__ = "\n".join([summary, "", "Args:", *suite_doc, *episode_doc])
    run.__signature__ = signature  # type: ignore[attr-defined]
    return run


# Exceptions that mean a data file is malformed (matched by class name along the class's bases,
# so that checking one imports none of the libraries that raise them: YAML, JSON, Hugging Face
# datasets and Arrow, pandas, zip, pickle, base64, zlib, csv). `datasets` raises StopIteration
# for an empty JSONL file.
DATA_ERRORS = frozenset(
    {
        "YAMLError",
        "JSONDecodeError",
        "UnicodeError",
        "DatasetGenerationError",
        "ArrowException",
        "EmptyDataError",
        "ParserError",
        "BadZipFile",
        "UnpicklingError",
        "binascii.Error",
        "zlib.error",
        "_csv.Error",
        "StopIteration",
    }
)


def is_data_error(error: BaseException) -> bool:
    return any(
        cls.__name__ in DATA_ERRORS or f"{cls.__module__}.{cls.__name__}" in DATA_ERRORS
        for cls in type(error).__mro__
    )


def data_error_line(task: str, args: dict[str, Any], error: BaseException) -> str:
    """One line for a malformed data file: the task, the arguments that name files, and the
    error a library's wrapper was raised from (datasets' "An error occurred while generating
    the dataset" says less than the parse error it wraps)."""
    while error.__cause__ is not None:
        error = error.__cause__
    if isinstance(error, StopIteration):
        reason = "no records (an empty file?)"
    else:
        reason = f"{type(error).__name__}: {' '.join(str(error).split())[:240]}"
    files = [f"{k}={v}" for k, v in args.items() if "path" in k and isinstance(v, str)]
    where = f" ({', '.join(files)})" if files else ""
    return f"{task}: the data could not be read{where}: {reason}"


def describe(name: str | None = None) -> str:
    """Every task and what it is; with `name`, that task's arguments with their defaults
    (`rl2f-eval tasks [NAME]`; Inspect 0.3.285's `inspect list` and `inspect info` show no
    task arguments)."""
    if name is None:
        width = max(map(len, TASKS))
        lines = [
            f"rl2f_eval/{task:<{width}}  {' '.join(_doc_parts(function.__doc__)[0].split())}"
            for task, function in TASKS.items()
        ]
        return "\n".join([*lines, "", "rl2f-eval tasks NAME: a task's arguments."])
    if name not in TASKS:
        raise KeyError(f"no task {name!r}; the tasks are {', '.join(TASKS)}")
    function = TASKS[name]
    summary, args = _doc_parts(function.__doc__)
    defaults = inspect.signature(function).parameters
    lines = []
    for line in args:
        head, _, text = line.strip().partition(":")
        if line.startswith("    ") and not line.startswith("     ") and head in defaults:
            line = f"    {head} (default {_yaml(defaults[head].default)}):{text}"
        lines.append(line)
    usage = f"inspect eval rl2f_eval/{name} [-T name=value ...]  (or tasks/{name}.py)"
    return "\n".join([usage, "", summary, "", "Arguments:", *lines])


def _yaml(value: Any) -> str:
    """A default as `-T` writes it."""
    if value is None or isinstance(value, bool):
        return {None: "none", True: "true", False: "false"}[value]
    return str(value)


def suite_task(placeholder: Callable[..., Any]) -> TaskFunction:
    """`@task @suite_task def maze(): ...` in a task file: the registered suite of that name's
    task (the placeholder's body is never run; only its name and module count)."""
    return task_function(placeholder.__name__, placeholder.__module__)


TASKS: dict[str, TaskFunction] = {name: task(task_function(name)) for name in SUITES}
globals().update(TASKS)  # rl2f_eval.tasks.maze, ...

__all__ = ["TASKS", "suite_task", "task_function", *TASKS]

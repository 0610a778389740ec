"""`rl2f-eval grid`: which teacher helps which student, in one command.

Every (task, student, teacher) cell is one Inspect task run through `eval_set`, in one log
folder: a run that stops (a crash, Ctrl-C, a provider outage) resumes where it stopped when the
same command is given again, finished cells are not run twice, and several cells run at once
(`--max-tasks`). Then the grid is written from the folder's logs (`rl2f_eval.results.grid`):
per task a table (Markdown and CSV) and a heatmap for each metric, clean acc@N and gain by
default.

A teacher is a model (bound to the `teacher` role, with `-T teacher=model`), or one of the
modes that need none: `verifier`, `binary`, `self`, and `student` (the model teacher unbound:
each student teaches itself). A model is a name, or a mapping in Inspect's model-spec form:
`{model: NAME, base_url: URL, model_args: {...}, <generation settings>}` (e.g. `max_tokens`,
`reasoning_effort`, `temperature`), which is how a teacher gets settings of its own.
"""

from __future__ import annotations

import copy
from dataclasses import dataclass
from pathlib import Path
from typing import Annotated, Any

import typer
import yaml

MODES = ("verifier", "binary", "self")
STUDENT_TEACHER = "student"


class GridArgError(ValueError):
    """A bad grid argument (one line). Not a TaskArgError: importing that imports Inspect,
    and `rl2f-eval --help` must stay fast."""


@dataclass(frozen=True)
class TeacherSpec:
    label: str
    mode: str
    """The task's `teacher` argument."""
    model: Any = None
    """The `teacher` role's model (None: unbound, or no model)."""


def split(values: list[str] | None) -> list[str]:
    """The comma-separated items of repeated options; a comma inside a mapping (`{...}`), a
    list or quotes does not split: `verifier,{model: m, max_tokens: 64}` is two items."""
    found: list[str] = []
    for value in values or []:
        depth, quote, start = 0, "", 0
        for i, char in enumerate(value):
            if quote:
                quote = "" if char == quote else quote
            elif char in "'\"":
                quote = char
            elif char in "{[":
                depth += 1
            elif char in "}]":
                depth -= 1
            elif char == "," and depth == 0:
                found.append(value[start:i])
                start = i + 1
        found.append(value[start:])
    return [item.strip() for item in found if item.strip()]


def model_spec(
    text: str,
    role: str,
    generate: dict[str, Any] | None = None,
    model_args: dict[str, Any] | None = None,
) -> Any:
    """A model from a name or an inline mapping `{model, base_url, model_args, <settings>}`;
    `generate` and `model_args` apply to every model (a mapping's own win)."""
    from inspect_ai.model import GenerateConfig, get_model
    from pydantic import ValidationError

    if text.startswith("{"):
        try:
            spec = yaml.safe_load(text)
        except yaml.YAMLError as error:
            reason = " ".join(str(error).split())
            raise GridArgError(f"{role} {text!r} is not a YAML mapping: {reason}") from None
        if not isinstance(spec, dict) or not isinstance(spec.get("model"), str):
            raise GridArgError(f"{role} {text!r} must be a mapping with a `model:` name")
    else:
        spec = {"model": text}
    spec = dict(spec)
    name, base_url = spec.pop("model"), spec.pop("base_url", None)
    own_args = spec.pop("model_args", None) or {}
    if not isinstance(own_args, dict):
        raise GridArgError(f"{role} {name}: model_args must be a mapping")
    model_args = {**(model_args or {}), **own_args}
    unknown = sorted(set(spec) - set(GenerateConfig.model_fields))
    if unknown:
        raise GridArgError(
            f"{role} {name}: {', '.join(unknown)} is not a generation setting (one of "
            "Inspect's GenerateConfig fields, e.g. max_tokens, temperature, reasoning_effort); "
            "put provider arguments under model_args"
        )
    try:
        config = GenerateConfig(**{**(generate or {}), **spec})
    except ValidationError as error:
        first = error.errors()[0]
        raise GridArgError(f"{role} {name}: {first['loc'][0]}: {first['msg']}") from None
    return get_model(name, config=config, base_url=base_url, memoize=False, **model_args)


def teacher_specs(texts: list[str]) -> list[TeacherSpec]:
    specs = []
    for text in texts:
        if text in MODES:
            specs.append(TeacherSpec(text, text))
        elif text == STUDENT_TEACHER:
            specs.append(TeacherSpec("the student", "model"))
        else:
            model = model_spec(text, "teacher")
            specs.append(TeacherSpec(str(model), "model", model))
    return specs


def grid_tasks(
    task_names: list[str],
    task_args: dict[str, Any],
    students: list[Any],
    teachers: list[TeacherSpec],
) -> list[Any]:
    """One Inspect task per (task, teacher, student). A task's dataset is built once per
    teacher mode and shared by its cells. Each task gets the `task_args` it takes (as
    `inspect eval` does with several tasks); one that no task takes is an error."""
    import inspect

    from inspect_ai import task_with

    from rl2f_eval.tasks import TASKS

    unknown = [name for name in task_names if name not in TASKS]
    if unknown:
        raise GridArgError(f"no task {unknown[0]!r}; the tasks are {', '.join(TASKS)}")
    if "teacher" in task_args:
        raise GridArgError("the grid sets -T teacher= itself: name the teachers with --teachers")
    taken = {name: set(inspect.signature(TASKS[name]).parameters) for name in task_names}
    unused = sorted(set(task_args) - set().union(*taken.values()))
    if unused:
        raise GridArgError(f"-T {unused[0]}: no task here takes it (`rl2f-eval tasks NAME`)")
    cells = []
    for name in task_names:
        built: dict[str, Any] = {}
        args = {k: v for k, v in task_args.items() if k in taken[name]}
        for teacher in teachers:
            if teacher.mode not in built:
                built[teacher.mode] = TASKS[name](**args, teacher=teacher.mode)
            for student in students:
                roles = {"teacher": teacher.model} if teacher.model is not None else None
                cell = copy.copy(built[teacher.mode])
                cells.append(task_with(cell, model=student, model_roles=roles))
    return cells


def parse_settings(values: list[str] | None, option: str) -> dict[str, Any]:
    """`KEY=VALUE` pairs, values read as YAML (as Inspect reads -T and -M)."""
    settings: dict[str, Any] = {}
    for value in values or []:
        key, equals, text = value.partition("=")
        if not equals or not key.strip():
            raise GridArgError(f"{option} takes KEY=VALUE; got {value!r}")
        try:
            settings[key.strip()] = yaml.safe_load(text)
        except yaml.YAMLError:
            settings[key.strip()] = text
    return settings


Names = Annotated[list[str] | None, typer.Option(show_default=False)]


def grid(
    task: Annotated[
        list[str],
        typer.Option(
            "--task",
            "-t",
            help="A task (`rl2f-eval tasks`); repeat, or separate with commas, for several.",
        ),
    ],
    students: Annotated[
        list[str] | None,
        typer.Option(
            "--students",
            "-s",
            help="Student models, comma-separated (repeatable). A model with settings of its "
            "own: `--students '{model: openai/gpt-5, reasoning_effort: low}'`.",
        ),
    ] = None,
    teachers: Annotated[
        list[str] | None,
        typer.Option(
            "--teachers",
            help="Teachers, comma-separated (repeatable): models (bound as the teacher role), "
            "`verifier`, `binary`, `self`, or `student` (each student teaches itself). A "
            "teacher with settings: `--teachers '{model: anthropic/claude-sonnet-5-5, "
            "max_tokens: 1024}'`; a local server: `{model: openai-api/vllm/NAME, base_url: "
            "http://localhost:8000/v1}`.",
        ),
    ] = None,
    task_arg: Annotated[
        list[str] | None,
        typer.Option("-T", help="A task argument NAME=VALUE for every task (repeatable)."),
    ] = None,
    model_arg: Annotated[
        list[str] | None,
        typer.Option("-M", help="A model argument NAME=VALUE for every student (repeatable)."),
    ] = None,
    generate: Annotated[
        list[str] | None,
        typer.Option(
            "-G",
            help="A generation setting NAME=VALUE for every student (Inspect's GenerateConfig: "
            "max_tokens, temperature, reasoning_effort, seed, ...; repeatable).",
        ),
    ] = None,
    log_dir: Annotated[
        Path,
        typer.Option("--log-dir", "-l", help="The grid's log folder: give the same one to resume."),
    ] = Path("logs/grid"),
    out: Annotated[Path, typer.Option("--out", "-o", help="Where the grid is written.")] = Path(
        "results"
    ),
    metric: Annotated[
        list[str] | None,
        typer.Option(
            "--metric",
            help="A leaderboard column to tabulate (repeatable); default: clean_acc_at_n and gain.",
        ),
    ] = None,
    limit: Annotated[
        int | None, typer.Option(min=1, help="Only the first LIMIT problems of each task.")
    ] = None,
    epochs: Annotated[int | None, typer.Option(min=1, help="Epochs per problem.")] = None,
    max_tasks: Annotated[
        int, typer.Option(min=1, help="Cells (Inspect tasks) run at the same time.")
    ] = 4,
    max_connections: Annotated[
        int | None, typer.Option(min=1, help="Concurrent calls per model (Inspect's).")
    ] = None,
    retry_attempts: Annotated[
        int, typer.Option(min=0, help="eval_set's retries of a cell that failed.")
    ] = 2,
    display: Annotated[
        str | None, typer.Option(help="Inspect's display: full, rich, plain, log or none.")
    ] = None,
    ci: Annotated[str, typer.Option(help="Intervals: bootstrap or stderr.")] = "bootstrap",
    resamples: Annotated[int, typer.Option(min=100, help="Bootstrap resamples.")] = 2000,
) -> None:
    """Run every student with every teacher on the tasks, then write the grid.

    Each (task, student, teacher) is one Inspect run in LOG_DIR, through Inspect's eval_set:
    giving the same command again resumes it (finished runs are kept). Writes, per task,
    OUT/grid/TASK_grid.md and .csv (one line per pair: clean acc@N and gain with 95% intervals and
    n) and OUT/grid/TASK_METRIC_heatmap.png/.svg; exits 1 if a run did not finish.
    """
    from inspect_ai import eval_set

    from rl2f_eval.errors import TaskArgError
    from rl2f_eval.results.boards import summarise
    from rl2f_eval.results.grid import GRID_METRICS, GridError, write_grid
    from rl2f_eval.results.load import load_results
    from rl2f_eval.stats import CIMethod

    try:
        names, student_names, teacher_names = split(task), split(students), split(teachers)
        if not student_names or not teacher_names:
            raise GridArgError("name at least one student (--students) and teacher (--teachers)")
        settings, student_args = parse_settings(generate, "-G"), parse_settings(model_arg, "-M")
        models = [model_spec(s, "student", settings, student_args) for s in student_names]
        specs = teacher_specs(teacher_names)
        cells = grid_tasks(names, parse_settings(task_arg, "-T"), models, specs)
    except (GridArgError, TaskArgError) as error:
        typer.secho(f"error: {error}", err=True, fg=typer.colors.RED)
        raise typer.Exit(2) from None
    typer.echo(f"{len(cells)} runs ({len(names)} tasks x {len(models)} students x "
               f"{len(teacher_names)} teachers) in {log_dir}", err=True)  # fmt: skip
    finished, _ = eval_set(
        cells,
        log_dir=str(log_dir),
        retry_attempts=retry_attempts,
        max_tasks=max_tasks,
        max_connections=max_connections,
        limit=limit,
        epochs=epochs,
        display=display,  # type: ignore[arg-type]
    )
    results = load_results([log_dir])
    summary = summarise(results, CIMethod(ci), resamples)
    for note in summary.notes:
        typer.echo(f"note: {note}", err=True)
    try:
        order = ([str(m) for m in models], [spec.label for spec in specs])
        written = write_grid(summary, out, tuple(metric or GRID_METRICS), order)
    except GridError as error:
        typer.secho(f"error: {error}", err=True, fg=typer.colors.RED)
        raise typer.Exit(2) from None
    for path in written:
        typer.echo(f"wrote {path}", err=True)
    if not finished:
        typer.secho(
            f"error: some runs did not finish (see the notes); give the same command again to "
            f"resume them, or look at the logs with `inspect view --log-dir {log_dir}`",
            err=True,
            fg=typer.colors.RED,
        )
        raise typer.Exit(1)

"""Real Inspect logs for the results tests: tasks/maze.py run in-process, built once per session.

Oracle runs need no model and have exactly known curves (acc@k = 1 iff k >= K); scripted models
with different scripts stand in for different students and teachers.
"""

from __future__ import annotations

import atexit
import functools
import json
import shutil
import tempfile
from dataclasses import dataclass
from pathlib import Path

from inspect_ai import eval as inspect_eval
from inspect_ai.log import EvalLog, read_eval_log, write_eval_log
from inspect_ai.model import get_model

from rl2f_eval.models.scripted import answer_records
from rl2f_eval.suites.maze import MazeSuite

N, SIZE, TURNS = 6, 3, 3
TASK = "tasks/maze.py"
MAZE_ARGS = {"n": N, "size": SIZE, "turns": TURNS}
LEAKY_FEEDBACK = "Just walk {answer} and you are there."


@dataclass(frozen=True)
class Logs:
    root: Path
    answers: Path
    main: Path
    """Seven runs on the same 6 problems: oracles right from turn 1, 2 and 3 (verifier teacher;
    K=2 in Inspect's JSON log format, K=3 with 2 epochs), scripted/a (wrong,right; the model
    teacher is the student itself), scripted/b (wrong,wrong,right; binary teacher) and scripted/c
    (always wrong; model teacher bound to a scripted teacher that leaks the answer)."""
    oracle_1: Path
    oracle_2: Path
    oracle_3: Path
    scripted_a: Path
    scripted_b: Path
    leaky: Path
    subset: Path
    """scripted/a again, but with script `right`, on only the first 4 problems (`n=4`)."""
    errors: Path
    """scripted/e (wrong,right) with answers for only 4 problems, so 2 samples error at turn 2;
    of the 4 scored, 2 are solved at turn 2 and 2 never (their "right" reply is wrong)."""
    cancelled: Path
    """A copy of scripted/b's log marked cancelled with only its first 3 samples."""
    empty: Path
    """A copy of scripted/a's log as Inspect leaves a run before any sample finished: status
    started, no results, no samples."""


def _run(
    log_dir: Path,
    model: str | None = None,
    log_format: str = "eval",
    task: str = TASK,
    **kwargs,
) -> Path:
    task_args = {**(MAZE_ARGS if task == TASK else {}), **kwargs.pop("task_args", {})}
    [log] = inspect_eval(
        task,
        model=model,
        task_args=task_args,
        log_dir=str(log_dir),
        log_format=log_format,
        display="none",
        fail_on_error=False,
        **kwargs,
    )
    assert log.status == "success", log.error
    return Path(log.location)


def _scripted(script: str, answers: Path) -> dict:
    return {"model_args": {"script": script, "answers": str(answers)}}


@functools.cache
def didactic_logs() -> Logs:
    root = Path(tempfile.mkdtemp(prefix="rl2f-results-"))
    atexit.register(shutil.rmtree, root, ignore_errors=True)
    suite = MazeSuite(size=SIZE, n=N, seed=0)
    records = answer_records(suite, suite.samples())
    answers, partial = root / "answers.json", root / "answers_partial.json"
    answers.write_text(json.dumps(records))
    # answers for 4 problems only (the other 2 error at turn 2), and for 2 of them the "right"
    # reply is a wrong one: 2 solved at turn 2, 2 never solved
    mixed = [*records[:2], *({**r, "right": r["wrong"]} for r in records[2:4])]
    partial.write_text(json.dumps(mixed))
    main = root / "main"
    oracle = {"teacher": "verifier"}
    oracle_1 = _run(main, task_args={**oracle, "oracle_turn": 1})
    oracle_2 = _run(main, task_args={**oracle, "oracle_turn": 2}, log_format="json")
    oracle_3 = _run(main, task_args={**oracle, "oracle_turn": 3}, epochs=2)
    scripted_a = _run(main, "scripted/a", **_scripted("wrong,right", answers))
    scripted_b = _run(
        main,
        "scripted/b",
        task_args={"teacher": "binary"},
        **_scripted("wrong,wrong,right", answers),
    )
    teacher = get_model("scripted/teacher", feedback=LEAKY_FEEDBACK, answers=str(answers))
    leaky = _run(
        main,
        "scripted/c",
        task_args={"teacher": "model"},
        model_roles={"teacher": teacher},
        **_scripted("wrong", answers),
    )
    subset = _run(root / "subset", "scripted/a", task_args={"n": 4}, **_scripted("right", answers))
    errors = _run(root / "errors", "scripted/e", **_scripted("wrong,right", partial))
    cancelled = _cancelled_copy(scripted_b, root / "cancelled")
    empty = _copy(scripted_a, root / "empty", "started", samples=0)
    return Logs(
        root=root,
        answers=answers,
        main=main,
        oracle_1=oracle_1,
        oracle_2=oracle_2,
        oracle_3=oracle_3,
        scripted_a=scripted_a,
        scripted_b=scripted_b,
        leaky=leaky,
        subset=subset,
        errors=errors,
        cancelled=cancelled,
        empty=empty,
    )


def _cancelled_copy(source: Path, folder: Path) -> Path:
    """What Inspect leaves after a cancelled run: status cancelled, no results, some samples."""
    return _copy(source, folder, "cancelled", samples=3)


def _copy(source: Path, folder: Path, status: str, samples: int) -> Path:
    """A copy of a log with `status`, no results and only its first `samples` samples."""
    log: EvalLog = read_eval_log(str(source))
    log.status, log.results = status, None
    log.samples = (log.samples or [])[:samples]
    folder.mkdir(parents=True)
    target = folder / source.name.replace("_maze_", f"_maze-{status}_")
    write_eval_log(log, str(target))
    return target


def oracle_run(log_dir: Path, task: str, **task_args) -> Path:
    """One oracle run (right from turn 1, verifier teacher) of `task`: needs no model."""
    args = {"teacher": "verifier", "oracle_turn": 1, **task_args}
    return _run(log_dir, task=task, task_args=args)

"""The results commands note, never crash, on any log: each odd log below is fed to
`leaderboard`, `curves`, `compare` and `export`, alone and beside a good one."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from inspect_ai.log import EvalLog, read_eval_log, write_eval_log
from inspect_ai.model import ModelConfig
from results_logs import didactic_logs
from typer.testing import CliRunner

from rl2f_eval.cli import app

runner = CliRunner()


def _teacher_list(log: EvalLog) -> None:  # --model-role teacher=a,b (Inspect used the first)
    role = log.eval.model_roles["teacher"]
    second = ModelConfig(model="scripted/other", config=role.config, args={})
    log.eval.model_roles = {"teacher": [role, second]}


def _empty_role_list(log: EvalLog) -> None:
    log.eval.model_roles = {"teacher": []}


def _no_turns_no_metadata(log: EvalLog) -> None:  # an older or hand-made log
    log.eval.task_args = {k: v for k, v in log.eval.task_args.items() if k != "turns"}
    log.eval.metadata = None


def _odd_arg_types(log: EvalLog) -> None:
    log.eval.task_args = {**log.eval.task_args, "turns": "three", "teacher": ["model"]}
    log.eval.metadata = {"episode": "not a dict"}


def _fewer_score_keys(log: EvalLog) -> None:  # scores of 1 turn in a log that says 3
    for sample in log.samples or []:
        value = sample.scores["didactic_scorer"].value
        sample.scores["didactic_scorer"].value = {"acc_at_1": value["acc_at_1"]}


def _scalar_scores(log: EvalLog) -> None:
    for sample in log.samples or []:
        sample.scores["didactic_scorer"].value = 1.0


def _no_scores(log: EvalLog) -> None:
    for sample in log.samples or []:
        sample.scores = None


def _null_score_values(log: EvalLog) -> None:
    for sample in log.samples or []:
        value = dict(sample.scores["didactic_scorer"].value)
        value["acc_at_2"] = None
        sample.scores["didactic_scorer"].value = value


def _failed_without_samples(log: EvalLog) -> None:
    log.status, log.results, log.samples = "error", None, []


ODD: dict[str, Callable[[EvalLog], None]] = {
    "teacher-list": _teacher_list,
    "empty-role-list": _empty_role_list,
    "no-turns": _no_turns_no_metadata,
    "odd-args": _odd_arg_types,
    "fewer-keys": _fewer_score_keys,
    "scalar-scores": _scalar_scores,
    "no-scores": _no_scores,
    "null-values": _null_score_values,
    "failed": _failed_without_samples,
}
FILES = {  # not logs at all, named as if they were
    "truncated": None,
    "empty-file": b"",
    "json-object": b"{}",
    "json-garbage": b'{"version": 2, "status": "success", "eval": 7}',
}


@pytest.fixture(scope="module")
def odd(tmp_path_factory) -> dict[str, Path]:
    logs = didactic_logs()
    root = tmp_path_factory.mktemp("odd")
    made = {}
    for name, change in ODD.items():
        log = read_eval_log(str(logs.leaky))
        change(log)
        made[name] = root / name / f"2026-01-01T00-00-00+00-00_maze-{name}_x.eval"
        made[name].parent.mkdir()
        write_eval_log(log, str(made[name]))
    for name, content in FILES.items():
        suffix = ".json" if name.startswith("json") else ".eval"
        path = root / name / f"2026-01-01T00-00-00+00-00_maze-{name}_x{suffix}"
        path.parent.mkdir()
        data = logs.leaky.read_bytes()
        path.write_bytes(data[: len(data) // 2] if content is None else content)
        made[name] = path
    return made


def _invoke(*args) -> object:
    result = runner.invoke(app, [str(a) for a in args])
    assert result.exception is None or isinstance(result.exception, SystemExit), (
        f"{args}: {result.exception!r}\n{result.output}"
    )
    assert result.exit_code in (0, 2), result.output
    assert "Traceback" not in result.output
    return result


NOTES = {  # what the leaderboard says about each
    "teacher-list": "its teacher role names 2 models (scripted/teacher, scripted/other)",
    "empty-role-list": "its teacher role is an empty list",
    "no-turns": "skipped, its turn limit is None",
    "odd-args": "skipped, its turn limit is 'three'",
    "fewer-keys": "6 samples are left out: their scores lack the didactic scorer's keys",
    "scalar-scores": "6 samples are left out",
    "no-scores": "6 samples are left out",
    "null-values": "6 samples are left out",
    "failed": "no samples yet (the run failed); skipped",
    "truncated": "skipped, not a readable Inspect log",
    "empty-file": "skipped, not a readable Inspect log",
    "json-object": "skipped, not a readable Inspect log",
    "json-garbage": "skipped, not a readable Inspect log",
}


@pytest.mark.parametrize("name", [*ODD, *FILES])
def test_results_commands_note_never_crash(odd, name, tmp_path):
    good = didactic_logs().scripted_a
    for sources in ([odd[name]], [odd[name], good]):
        folders = [arg for path in sources for arg in ("-l", path)]
        board = _invoke("leaderboard", *folders, "-o", tmp_path / "board", "--resamples", 100)
        assert NOTES[name] in " ".join(board.output.split()), board.output
        _invoke("curves", *folders, "-o", tmp_path / "curves", "--resamples", 100)
        _invoke("export", *folders, "-o", tmp_path / "t.jsonl")
    _invoke("compare", odd[name], good, "--resamples", 100)
    _invoke("compare", good, odd[name], "--resamples", 100)

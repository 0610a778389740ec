"""`rl2f-eval grid`: students x teachers through eval_set (resumable, several tasks at once),
then a table and a heatmap per task; offline, on the scripted model."""

from __future__ import annotations

import json
from itertools import combinations

import numpy as np
import pandas as pd
import pytest
from inspect_ai.log import list_eval_logs, read_eval_log
from typer.testing import CliRunner

from rl2f_eval.cli import app
from rl2f_eval.models.scripted import answer_records
from rl2f_eval.results.grid import heatmap
from rl2f_eval.suites.arithmetic import ArithmeticSuite
from rl2f_eval.suites.maze import MazeSuite

runner = CliRunner()


@pytest.fixture(scope="module")
def answers(tmp_path_factory):
    """The scripted students' answers to both tasks' problems."""
    records = [
        record
        for suite in (MazeSuite(size=3, n=3, seed=0), ArithmeticSuite(n=3))
        for record in answer_records(suite, suite.samples())
    ]
    path = tmp_path_factory.mktemp("grid") / "answers.json"
    path.write_text(json.dumps(records))
    return path


def grid(*args, answers, root):
    students = [
        "{model: scripted/good, model_args: {script: 'wrong,right'}}",
        "{model: scripted/bad, model_args: {script: wrong}}",
    ]
    teacher = f"{{model: scripted/teacher, model_args: {{answers: {answers}}}, max_tokens: 64}}"
    command = [
        *("grid", "--task", "maze,arithmetic", "-T", "n=3", "-T", "turns=2"),
        *(arg for s in students for arg in ("--students", s)),
        *("-M", f"answers={answers}", "--teachers", f"verifier,student,{teacher}"),
        *("-l", str(root / "logs"), "-o", str(root / "out"), "--display", "none"),
        *("--resamples", "100", "--retry-attempts", "0", *args),
    ]
    return runner.invoke(app, command)


@pytest.fixture(scope="module")
def ran(answers, tmp_path_factory):
    root = tmp_path_factory.mktemp("run")
    result = grid("-T", "size=3", answers=answers, root=root)
    assert result.exit_code == 0, result.output
    return root, result


def test_every_pair_runs_once_and_the_grid_is_written(ran):
    root, result = ran
    assert "12 runs (2 tasks x 2 students x 3 teachers)" in result.output
    logs = [read_eval_log(info, header_only=True) for info in list_eval_logs(str(root / "logs"))]
    assert len(logs) == 12 and {log.status for log in logs} == {"success"}
    table = pd.read_csv(root / "out" / "grid" / "maze_grid.csv")
    assert list(table["teacher"].unique()) == ["verifier", "the student", "scripted/teacher"]
    acc = table.set_index(["student", "teacher"])["clean_acc_at_n"]
    assert set(acc.loc["scripted/good"]) == {1.0} and set(acc.loc["scripted/bad"]) == {0.0}
    assert {"clean_acc_at_n_low", "gain_high", "n"} <= set(table.columns)
    markdown = (root / "out" / "grid" / "maze_grid.md").read_text()
    assert (
        "| clean acc@N: student \\ teacher | verifier | the student | scripted/teacher |"
        in markdown
    )
    assert "| scripted/good | 1.000 | 1.000 | 1.000 |" in markdown
    for name in ("maze", "arithmetic"):
        for metric in ("clean_acc_at_n", "gain"):
            assert (root / "out" / "grid" / f"{name}_{metric}_heatmap.png").stat().st_size > 5000
    # the teacher's own settings reach it: recorded in the role, not the student's config
    bound = [log for log in logs if log.eval.model_roles]
    assert len(bound) == 4 and {
        log.eval.model_roles["teacher"].config.max_tokens for log in bound
    } == {64}
    assert {log.eval.model_generate_config.max_tokens for log in bound} == {None}


def test_the_same_command_resumes_and_runs_nothing_twice(ran, answers):
    root, _ = ran
    before = sorted(p.name for p in (root / "logs").glob("*.eval"))
    result = grid("-T", "size=3", answers=answers, root=root)
    assert result.exit_code == 0, result.output
    assert sorted(p.name for p in (root / "logs").glob("*.eval")) == before


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--task", "mazes"], "no task 'mazes'; the tasks are"),
        (["-T", "teacher=binary"], "the grid sets -T teacher= itself"),
        (["--teachers", "{model: scripted/t, max_tokenz: 5}"], "max_tokenz is not a generation"),
        (["--teachers", "{model: [x"], "is not a YAML mapping"),
        (["--metric", "accuracy"], "no metric 'accuracy'; the leaderboard has"),
    ],
)
def test_bad_grid_arguments_are_one_line(ran, answers, args, message):
    root, _ = ran
    result = grid("-T", "size=3", *args, answers=answers, root=root)
    assert result.exit_code == 2, result.output
    assert message in result.output and "Traceback" not in result.output


def test_a_run_that_fails_is_reported_and_the_rest_tabulated(answers, tmp_path):
    result = runner.invoke(
        app,
        [
            *("grid", "--task", "maze", "-T", "n=2", "-T", "size=3", "--retry-attempts", "0"),
            *("--students", "{model: scripted/broken, model_args: {script: error}}"),
            *("--students", "scripted/fine", "-M", f"answers={answers}"),
            *("--teachers", "verifier", "-l", str(tmp_path / "logs"), "-o", str(tmp_path)),
            *("--display", "none", "--resamples", "100"),
        ],
    )
    assert result.exit_code == 1, result.output
    assert "some runs did not finish" in result.output
    table = pd.read_csv(tmp_path / "grid" / "maze_grid.csv")
    assert list(table["student"]) == ["scripted/fine"]


def test_a_13_by_13_heatmap_stays_readable():
    """Labels as long as real model names: no tick label overlaps another, and every value
    fits inside its cell."""
    rng = np.random.default_rng(0)
    students = [f"openai/gpt-5-student-{i}" for i in range(13)]
    teachers = [f"anthropic/claude-sonnet-4-5-teacher-{i}" for i in range(13)]
    table = pd.DataFrame(rng.uniform(0, 1, (13, 13)), index=students, columns=teachers)
    figure = heatmap("maze", table, "acc_at_n")
    renderer = figure.canvas.get_renderer()
    figure.draw(renderer)
    axes = figure.axes[0]
    for labels in (axes.get_xticklabels(), axes.get_yticklabels()):
        boxes = [label.get_window_extent(renderer) for label in labels]
        assert not any(a.overlaps(b) for a, b in combinations(boxes, 2))
        assert all(label.get_fontsize() >= 8 for label in labels)
    cell = axes.get_window_extent(renderer).width / 13
    texts = [t for t in axes.texts if t.get_text()]
    assert len(texts) == 169
    assert all(t.get_window_extent(renderer).width < 0.9 * cell for t in texts)

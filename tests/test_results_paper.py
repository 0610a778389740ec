"""What a paper needs from the results: the replies table (format failures, empty and truncated
replies, tokens), filters, curves that stay readable with many runs."""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest
from inspect_ai import eval as inspect_eval
from results_logs import didactic_logs
from typer.testing import CliRunner

from rl2f_eval.cli import app
from rl2f_eval.models.scripted import GARBLED, answer_records
from rl2f_eval.results.boards import Summary, summarise
from rl2f_eval.results.load import load_results
from rl2f_eval.results.plots import MAX_LINES, _figure, panels
from rl2f_eval.suites.maze import MazeSuite

runner = CliRunner()


@pytest.fixture(scope="module")
def logs():
    return didactic_logs()


def test_replies_table_counts_format_failures_empty_and_truncated_replies(tmp_path):
    """A student that rambles, then says nothing, then runs past --max-tokens 40."""
    suite = MazeSuite(size=3, n=2, seed=0)
    answers = tmp_path / "answers.json"
    answers.write_text(json.dumps(answer_records(suite, suite.samples())))
    [log] = inspect_eval(
        "rl2f_eval/maze",
        model="scripted/student",
        model_args={"script": "garbled,empty,huge", "answers": str(answers), "huge_chars": 2000},
        task_args={"n": 2, "size": 3, "turns": 3, "teacher": "verifier"},
        max_tokens=40,
        log_dir=str(tmp_path / "logs"),
        display="none",
    )
    assert log.status == "success", log.error
    inspect_metrics = {
        name: metric.value for score in log.results.scores for name, metric in score.metrics.items()
    }
    tokens = len(GARBLED.split()) + 0 + 40  # the third reply is cut at 40 words
    expected = {
        "format_failure_rate": 1.0,  # none of the three replies holds an answer
        "empty_reply_rate": 1 / 3,
        "truncated_rate": 1 / 3,
        "student_tokens": tokens,
        "teacher_tokens": 0.0,
    }
    assert {k: inspect_metrics[k] for k in expected} == pytest.approx(expected)
    row = summarise(load_results([tmp_path / "logs"]), resamples=100).leaderboard.iloc[0]
    assert {k: row[k] for k in expected} == pytest.approx(expected)
    result = runner.invoke(app, ["leaderboard", "-l", str(tmp_path / "logs"), "-o", str(tmp_path)])
    assert result.exit_code == 0, result.output
    assert "| format failures | empty | truncated | student tokens / episode |" in result.stdout
    assert f"| 1.000 | 0.333 | 0.333 | {tokens:.1f} | 0.0 |" in result.stdout
    csv = pd.read_csv(tmp_path / "leaderboard.csv")
    assert {"truncated_rate", "truncated_rate_low", "student_tokens_high"} <= set(csv.columns)


@pytest.mark.parametrize(
    ("flags", "rows"),
    [
        (["--student", "scripted/*"], {"scripted/a", "scripted/b", "scripted/c"}),
        (["--teacher", "binary", "--teacher", "scripted/teacher"], {"scripted/b", "scripted/c"}),
        (["--teacher", "model: *"], {"scripted/a", "scripted/c"}),
        (["--task", "maze", "--student", "oracle*", "--teacher", "verifier"], None),
    ],
)
def test_leaderboard_filters(logs, tmp_path, flags, rows):
    result = runner.invoke(
        app,
        ["leaderboard", "-l", str(logs.main), "-o", str(tmp_path), "--resamples", "100", *flags],
    )
    assert result.exit_code == 0, result.output
    table = pd.read_csv(tmp_path / "leaderboard.csv")
    expected = rows or {f"oracle (right from turn {k})" for k in (1, 2, 3)}
    assert set(table["student"]) == expected
    assert "Only the runs that match" in result.stdout


def test_a_filter_that_matches_nothing_lists_what_there_is(logs, tmp_path):
    result = runner.invoke(
        app, ["curves", "-l", str(logs.main), "-o", str(tmp_path), "--student", "gpt*"]
    )
    assert result.exit_code == 2
    assert "no run matches --student gpt*; the runs are: maze / " in " ".join(result.output.split())


def _runs(students: int, teachers: int) -> pd.DataFrame:
    return pd.DataFrame(
        [
            {"run": f"s{s}|t{t}", "student": f"s{s}", "teacher": f"t{t}", "turns": 5}
            for s in range(students)
            for t in range(teachers)
        ]
    )


@pytest.mark.parametrize(("students", "teachers"), [(2, 2), (17, 1), (13, 13), (3, 5)])
def test_many_runs_are_drawn_in_panels_of_few_lines(students, teachers):
    runs = _runs(students, teachers)
    layout, columns = panels(runs)
    drawn = [run for panel in layout if panel for run in panel[1]]
    assert sorted(drawn) == sorted(runs["run"])  # every run once
    assert all(len(panel[1]) <= MAX_LINES for panel in layout if panel)
    if len(runs) > MAX_LINES:  # one teacher per panel
        for title, ids in filter(None, layout):
            assert {runs.set_index("run").loc[i, "teacher"] for i in ids} == {
                title.split(": ")[1].split(" [")[0]
            }
    if students > MAX_LINES:  # a row of panels per teacher
        assert len(layout) == teachers * columns


def _curves(students: int, teachers: int, turns: int, metric: str) -> pd.DataFrame:
    rng = np.random.default_rng(0)
    rows = []
    for run in _runs(students, teachers).itertuples():
        for k in range(1 if metric == "acc" else 2, turns + 1):
            value = rng.uniform(0.2, 0.8)
            rows.append(
                {"task": "t", "student": run.student, "teacher": run.teacher, "turns": turns}
                | {"metric": metric, "k": k, "value": value, "low": value - 0.1}
                | {"high": value + 0.1, "run": run.run}
            )
    return pd.DataFrame(rows)


def test_the_legend_stands_beside_the_panels_and_fits_the_figure():
    figure = _figure("t", _curves(17, 1, 5, "acc"), "acc", Summary(None, None).ci_text)
    renderer = figure.canvas.get_renderer()
    figure.draw(renderer)
    [legend] = figure.legends
    box = legend.get_window_extent(renderer)
    right_edge = max(a.get_window_extent(renderer).x1 for a in figure.axes if a.get_visible())
    assert box.x0 >= right_edge  # outside every panel
    assert box.height <= figure.bbox.height


def test_a_fix_rate_at_one_turn_is_a_point_with_its_interval():
    """2 turns: the fix rate exists at k = 2 only; it is drawn with whiskers, not squashed."""
    figure = _figure("t", _curves(2, 1, 2, "fix_rate"), "fix_rate", "")
    [axes] = [a for a in figure.axes if a.get_visible()]
    assert axes.get_xlim() == (1.5, 2.5)
    assert [t for t in axes.get_xticks()] == [2]
    assert axes.collections  # the error bars


def test_truncation_is_undefined_where_no_stop_reason_is_known():
    """Inspect's hf/ provider says "unknown": such replies are not counted as whole ones."""
    from rl2f_eval.didactic.metrics import metric_pairs, turn_scores
    from rl2f_eval.didactic.scoring import reply_counts
    from rl2f_eval.didactic.store import TurnRecord
    from rl2f_eval.stats import pooled

    def rate(stop_reasons):
        turns = [
            TurnRecord(turn=k, attempt="7", answer="7", correct=False, stop_reason=reason)
            for k, reason in enumerate(stop_reasons, start=1)
        ]
        score = {**turn_scores(None, 2, clean=True), **reply_counts(turns), "leak_count": 0.0}
        columns = {k: np.array([v]) for k, v in score.items()}
        columns |= {"feedback_count": np.array([1.0]), "solved": np.array([0.0])}
        return pooled(metric_pairs(columns, 2)["truncated_rate"])

    assert np.isnan(rate(["unknown", "unknown"]))
    assert rate(["max_tokens", "stop"]) == 0.5
    assert rate(["model_length", "unknown"]) == 1.0

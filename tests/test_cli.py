"""The `rl2f-eval` command line, run in-process on real logs."""

import json
from importlib.metadata import entry_points

import pandas as pd
import pytest
from results_logs import didactic_logs
from typer.testing import CliRunner

from rl2f_eval.cli import app

runner = CliRunner()
COMMANDS = ("leaderboard", "curves", "compare", "export", "grid")


@pytest.fixture(scope="module")
def logs():
    return didactic_logs()


def invoke(*args: str):
    return runner.invoke(app, [str(a) for a in args])


def test_console_script_points_at_the_app():
    [script] = [e for e in entry_points(group="console_scripts") if e.name == "rl2f-eval"]
    assert script.value == "rl2f_eval.cli:app"


def test_help_lists_every_command_and_each_command_explains_itself():
    result = invoke("--help")
    assert result.exit_code == 0
    for command in COMMANDS:
        assert command in result.output
        sub = invoke(command, "--help")
        assert sub.exit_code == 0, sub.output
    assert "--log-dir" in invoke("leaderboard", "--help").output
    assert "--solved-only" in invoke("export", "--help").output


def test_leaderboard_writes_markdown_and_csv(logs, tmp_path):
    result = invoke("leaderboard", "--log-dir", logs.main, "--out", tmp_path, "--resamples", 200)
    assert result.exit_code == 0, result.output
    assert "| 1 | oracle (right from turn 1) | verifier | 3 | 6 |" in result.stdout
    markdown = (tmp_path / "leaderboard.md").read_text()
    assert markdown.strip() in result.stdout
    table = pd.read_csv(tmp_path / "leaderboard.csv")
    assert table["acc_at_n"].tolist() == sorted(table["acc_at_n"], reverse=True)
    assert len(table) == 6


def test_leaderboard_stderr_intervals_and_mismatched_problem_sets(logs, tmp_path):
    result = invoke(
        "leaderboard", "-l", logs.main, "-l", logs.subset, "-o", tmp_path, "--ci", "stderr"
    )
    assert result.exit_code == 0, result.output
    assert "±1.96 standard errors" in result.stdout
    assert "every row is scored on the 4 problems all of them share" in result.stdout
    result = invoke(
        "leaderboard", "-l", logs.main, "-l", logs.subset, "-o", tmp_path, "--all-problems"
    )
    assert "not like for like" in result.stdout


def test_curves_writes_png_and_svg(logs, tmp_path):
    result = invoke("curves", "-l", logs.errors, "-o", tmp_path, "--resamples", 200)
    assert result.exit_code == 0, result.output
    for name in (
        "maze_acc_by_turn.png",
        "maze_acc_by_turn.svg",
        "maze_fix_rate_by_turn.png",
        "maze_fix_rate_by_turn.svg",
    ):
        assert (tmp_path / "curves" / name).stat().st_size > 1000
    assert "2 errored samples are left out" in result.output


def test_compare_two_logs(logs, tmp_path):
    out = tmp_path / "cmp" / "oracle.md"
    result = invoke("compare", logs.oracle_1, logs.oracle_3, "--out", out)
    assert result.exit_code == 0, result.output
    assert "Paired on the 6 problems both runs scored" in result.stdout
    assert out.read_text() in result.stdout
    assert pd.read_csv(out.with_suffix(".csv"))["metric"].iloc[0] == "acc_at_1"


def test_compare_explains_what_it_cannot_do(logs):
    result = invoke("compare", logs.main, logs.oracle_1)
    assert result.exit_code == 2
    assert "A must hold exactly one run" in result.output and "Traceback" not in result.output


def test_export_writes_jsonl(logs, tmp_path):
    out = tmp_path / "t.jsonl"
    result = invoke("export", "-l", logs.scripted_a, "-o", out)
    assert result.exit_code == 0, result.output
    records = [json.loads(line) for line in out.read_text().splitlines()]
    assert len(records) == 6 and records[0]["solved_turn"] == 2


def test_clear_errors_on_missing_or_empty_log_dirs(tmp_path):
    result = invoke("leaderboard", "-l", tmp_path / "nope", "-o", tmp_path)
    assert result.exit_code == 2 and "no such log file or directory" in result.output
    result = invoke("curves", "-l", tmp_path, "-o", tmp_path)
    assert result.exit_code == 2 and "no scored didactic runs" in result.output

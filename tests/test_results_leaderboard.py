"""The leaderboard's numbers, on real logs of tasks/maze.py (oracle and scripted runs)."""

import math

import pandas as pd
import pytest
from inspect_ai.analysis import evals_df
from inspect_ai.log import read_eval_log
from inspect_ai.model import GenerateConfig
from results_logs import TURNS, N, didactic_logs
from typer.testing import CliRunner

from rl2f_eval.cli import app
from rl2f_eval.results.boards import summarise
from rl2f_eval.results.load import load_results, run_identity
from rl2f_eval.results.tables import leaderboard_markdown, write_leaderboard
from rl2f_eval.stats import CIMethod


@pytest.fixture(scope="module")
def logs():
    return didactic_logs()


@pytest.fixture(scope="module")
def main_summary(logs):
    return summarise(load_results([logs.main]), resamples=500)


def row(summary, student, teacher=None):
    rows = summary.leaderboard[summary.leaderboard["student"] == student]
    if teacher is not None:
        rows = rows[rows["teacher"] == teacher]
    assert len(rows) == 1, rows
    return rows.iloc[0]


def curve(summary, student, metric):
    data = summary.curves[
        (summary.curves["student"] == student) & (summary.curves["metric"] == metric)
    ]
    return dict(zip(data["k"], data["value"], strict=True))


@pytest.mark.parametrize("k", [1, 2, 3])
def test_oracle_curves_are_exact(main_summary, k):
    student = f"oracle (right from turn {k})"
    r = row(main_summary, student, "verifier")
    assert r["n"] == N and r["turns"] == TURNS
    assert curve(main_summary, student, "acc") == {j: float(j >= k) for j in (1, 2, 3)}
    assert r["acc_at_1"] == float(k == 1) and r["acc_at_n"] == 1.0
    assert r["gain"] == float(k > 1)
    assert r["aulc"] == pytest.approx((TURNS - k + 1) / TURNS)
    assert r["turns_to_solve"] == k
    fix = curve(main_summary, student, "fix_rate")
    for j in range(2, TURNS + 1):
        # nothing is left open after turn K: the fix rate is undefined there, not 0
        expected = 1.0 if j == k else (0.0 if j < k else math.nan)
        assert fix[j] == pytest.approx(expected, nan_ok=True)
    # every problem behaves the same: the bootstrap interval collapses onto the value
    assert (r["acc_at_1_low"], r["acc_at_1_high"]) == (r["acc_at_1"], r["acc_at_1"])


def test_scripted_students_and_teachers(main_summary):
    a = row(main_summary, "scripted/a")
    assert a["teacher"] == "model: the student"
    assert (a["acc_at_1"], a["acc_at_n"], a["turns_to_solve"], a["leak_rate"]) == (0, 1, 2, 0)
    b = row(main_summary, "scripted/b")
    assert b["teacher"] == "binary"
    assert curve(main_summary, "scripted/b", "acc") == {1: 0.0, 2: 0.0, 3: 1.0}
    leaky = row(main_summary, "scripted/c")
    assert leaky["teacher"] == "model: scripted/teacher"
    assert leaky["acc_at_n"] == 0 and math.isnan(leaky["turns_to_solve"])
    assert leaky["leak_rate"] == 1.0  # every feedback message gave the path away


def test_rows_sorted_by_final_clean_accuracy(main_summary):
    board = main_summary.leaderboard
    assert list(board["clean_acc_at_n"]) == sorted(board["clean_acc_at_n"], reverse=True)
    assert board.iloc[-1]["student"] == "scripted/c"
    assert board.iloc[0]["student"] == "oracle (right from turn 1)"  # ties broken by acc@1


@pytest.mark.parametrize("folder", ["main", "errors"])
def test_numbers_match_the_metrics_inspect_logged(logs, folder):
    """Recomputed from the samples, every metric equals the one the scorer put in the log."""
    summary = summarise(load_results([getattr(logs, folder)]), method=CIMethod.stderr)
    logged = evals_df(getattr(logs, folder), quiet=True)
    assert len(logged) == len(summary.leaderboard)
    for _, log in logged.iterrows():
        r = summary.leaderboard[summary.leaderboard["logs"] == log["log"]].iloc[0]
        for k in range(1, TURNS + 1):
            for acc in ("acc", "clean_acc"):
                assert curve(summary, r["student"], acc)[k] == pytest.approx(
                    log[f"score_{acc}_at_{k}_mean"]
                )
        assert r["acc_at_1"] == pytest.approx(log["score_acc_at_1_mean"])
        assert r["acc_at_n"] == pytest.approx(log[f"score_acc_at_{TURNS}_mean"])
        assert r["clean_acc_at_n"] == pytest.approx(log[f"score_clean_acc_at_{TURNS}_mean"])
        for metric in ("gain", "aulc"):
            assert r[metric] == pytest.approx(log[f"score_{metric}_mean"])
            half_width = (r[f"{metric}_high"] - r[metric]) / 1.959963984540054
            assert half_width == pytest.approx(log[f"score_{metric}_stderr"], abs=1e-9)
        logged_summary = {
            "turns_to_solve": log.get("score_didactic_scorer_turns_to_solve"),
            "leak_rate": log.get("score_didactic_scorer_leak_rate"),
            **{
                f"fix_rate_at_{k}": log.get(f"score_didactic_scorer_fix_rate_at_{k}")
                for k in range(2, TURNS + 1)
            },
        }
        fix = curve(summary, r["student"], "fix_rate")
        ours = {"turns_to_solve": r["turns_to_solve"], "leak_rate": r["leak_rate"]}
        ours |= {f"fix_rate_at_{k}": fix[k] for k in range(2, TURNS + 1)}
        for metric, expected in logged_summary.items():
            # the scorer leaves undefined metrics out of the log; ours are NaN there
            expected = math.nan if expected is None or pd.isna(expected) else float(expected)
            assert ours[metric] == pytest.approx(expected, nan_ok=True), metric


def test_errored_samples_are_left_out_with_a_note(logs):
    summary = summarise(load_results([logs.errors]), resamples=1000)
    r = summary.leaderboard.iloc[0]
    assert (r["n"], r["acc_at_1"], r["acc_at_n"], r["turns_to_solve"]) == (4, 0.0, 0.5, 2.0)
    assert curve(summary, "scripted/e", "fix_rate") == {2: 0.5, 3: 0.0}
    assert any("2 errored samples are left out" in note for note in summary.notes)
    # two of four problems solved: a real interval around 0.5, inside [0, 1]
    assert 0.0 <= r["acc_at_n_low"] < 0.5 < r["acc_at_n_high"] <= 1.0


def test_problem_sets_are_matched(logs):
    """A run on 4 of the 6 problems: every row is scored on the 4 shared problems, and says so."""
    results = load_results([logs.main, logs.subset])
    shared = summarise(results, resamples=200)
    assert set(shared.leaderboard["n"]) == {4}
    assert set(shared.leaderboard["n_run"]) == {4, 6}
    assert shared.leaderboard["comparable"].all()
    assert any("scored on the 4 problems all of them share" in note for note in shared.notes)
    own = summarise(results, resamples=200, shared_only=False)
    assert sorted(set(own.leaderboard["n"])) == [4, 6]
    assert not own.leaderboard["comparable"].any()
    markdown = leaderboard_markdown(own, ["logs"])
    assert "not like for like" in markdown and "| 4 of 6 |" not in markdown


def test_incomplete_and_duplicate_logs(logs):
    """A cancelled copy of scripted/b's log: included with a note; its 3 samples are also in the
    complete log, so they count once."""
    results = load_results([logs.main, logs.cancelled])
    notes = " ".join(results.notes)
    assert "the run was cancelled (3 of 6 samples scored)" in notes
    assert "3 samples appear in more than one of its 2 logs" in notes
    b = row(summarise(results, resamples=200), "scripted/b")
    assert b["n"] == N
    complete_only = load_results([logs.main, logs.cancelled], include_incomplete=False)
    assert "skipped, the run was cancelled" in " ".join(complete_only.notes)


def test_cancelled_log_alone(logs):
    summary = summarise(load_results([logs.cancelled]), resamples=200)
    r = summary.leaderboard.iloc[0]
    assert (r["student"], r["n"], r["acc_at_n"]) == ("scripted/b", 3, 1.0)


def test_json_log_format_and_epochs(logs):
    """Inspect's older JSON log format reads like .eval; epochs average per problem."""
    assert logs.oracle_2.suffix == ".json"
    summary = summarise(load_results([logs.oracle_2, logs.oracle_3]), resamples=200)
    two = row(summary, "oracle (right from turn 2)")
    three = row(summary, "oracle (right from turn 3)")
    assert (two["n"], two["acc_at_1"], two["acc_at_n"]) == (N, 0.0, 1.0)
    assert (three["n"], three["epochs"], three["aulc"]) == (N, 2, pytest.approx(1 / 3))
    assert any("several epochs" in note for note in summary.notes)


def test_unreadable_and_foreign_files_become_notes(logs, tmp_path):
    (tmp_path / "2026-01-01T00-00-00-00-00_broken_abc.eval").write_bytes(b"not a zip")
    results = load_results([tmp_path, logs.scripted_a])
    assert "not a readable Inspect log" in results.notes[0]
    assert len(results.runs) == 1
    with pytest.raises(FileNotFoundError):
        load_results([tmp_path / "missing"])


def test_colliding_labels_are_told_apart(logs):
    """Two runs of `scripted/a` that differ only in a model arg: the arg joins their labels."""
    results = load_results([logs.scripted_a, logs.subset])
    assert sorted(results.runs["student"]) == [
        "scripted/a (-M script=right)",
        "scripted/a (-M script=wrong,right)",
    ]


def test_write_leaderboard_files(main_summary, tmp_path):
    md, csv = write_leaderboard(main_summary, tmp_path, ["logs"])
    text = md.read_text()
    assert "## maze" in text and "| 1 | oracle (right from turn 1) | verifier | 3 | 6 |" in text
    assert "0.667 [0.667, 0.667]" in text  # AULC of the K=2 oracle and scripted/a
    table = pd.read_csv(csv)
    assert len(table) == 6
    assert {"acc_at_n", "acc_at_n_low", "acc_at_n_high", "n", "logs"} <= set(table.columns)


def test_run_identity_names_boards_and_rows(logs):
    """Problem-set args name the board; `n` names neither board nor row; teacher settings
    and generation settings name the row."""
    header = read_eval_log(str(logs.leaky), header_only=True)
    base = run_identity(header)
    assert (base["student"], base["teacher"], base["turns"]) == (
        "scripted/c",
        "model: scripted/teacher",
        3,
    )

    def variant(**task_args):
        changed = header.model_copy(deep=True)
        changed.eval.task_args = {**changed.eval.task_args, **task_args}
        return run_identity(changed)

    assert variant(size=4)["board"] != base["board"]
    assert variant(n=50)["board"] == base["board"] and variant(n=50)["run"] == base["run"]
    unprivileged = variant(privileged=False)
    assert unprivileged["run"] != base["run"] and unprivileged["board"] == base["board"]
    assert unprivileged["teacher"] == "model: scripted/teacher, unprivileged"
    assert variant(leak="redact")["teacher"] == "model: scripted/teacher, leak=redact"
    hot = header.model_copy(deep=True)
    hot.eval.model_generate_config = GenerateConfig(temperature=0.7)
    assert run_identity(hot)["run"] != base["run"]
    assert run_identity(hot)["details"]["student --temperature"] == "0.7"


def test_logs_without_samples_are_skipped_with_a_note(logs, tmp_path):
    """A run that has not finished a sample yet (or was cancelled or failed before one did)
    leaves a log with no samples: leaderboard, curves and compare say so instead of crashing."""
    results = load_results([logs.main, logs.empty])
    note = f"{logs.empty.name}: no samples yet (the run has not finished"
    assert any(n.startswith(note) for n in results.notes)
    assert len(summarise(results, resamples=200).leaderboard) == 6
    runner = CliRunner()
    sources = ["--log-dir", str(logs.main), "--log-dir", str(logs.empty)]
    for command in ("leaderboard", "curves"):
        out = tmp_path / command
        result = runner.invoke(app, [command, *sources, "--out", str(out), "--resamples", "200"])
        assert result.exit_code == 0, result.output
        assert "no samples yet" in result.output
    compared = runner.invoke(app, ["compare", str(logs.empty), str(logs.scripted_a)])
    assert compared.exit_code == 2 and "no samples yet" in compared.output
    assert "Traceback" not in compared.output

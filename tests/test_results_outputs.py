"""Curves, paired comparison and transcript export, on real logs of tasks/maze.py."""

import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from inspect_ai.log import read_eval_log
from matplotlib.image import imread
from results_logs import LEAKY_FEEDBACK, TURNS, didactic_logs, oracle_run

from rl2f_eval.results.boards import Summary, summarise
from rl2f_eval.results.compare import ComparisonError, compare_runs
from rl2f_eval.results.export import export_transcripts
from rl2f_eval.results.load import load_results
from rl2f_eval.results.plots import file_names, write_curves
from rl2f_eval.teachers import prompts


@pytest.fixture(scope="module")
def logs():
    return didactic_logs()


def test_curve_plots_exist_and_show_every_run(logs, tmp_path):
    summary = summarise(load_results([logs.main]), resamples=200)
    written = write_curves(summary, tmp_path)
    names = sorted(p.name for p in written)
    assert names == [
        "curves_by_turn.csv",
        "maze_acc_by_turn.png",
        "maze_acc_by_turn.svg",
        "maze_clean_acc_by_turn.png",
        "maze_clean_acc_by_turn.svg",
        "maze_fix_rate_by_turn.png",
        "maze_fix_rate_by_turn.svg",
    ]
    image = imread(tmp_path / "curves" / "maze_acc_by_turn.png")
    assert image.shape[0] > 400 and image.shape[1] > 600
    assert image[..., :3].std() > 0.05  # not a blank canvas
    svg = (tmp_path / "curves" / "maze_acc_by_turn.svg").read_text()
    for label in ("oracle (right from turn 2)", "scripted/b · binary", "learning curves"):
        assert label in svg
    assert "fix rate per turn" in (tmp_path / "curves" / "maze_fix_rate_by_turn.svg").read_text()
    table = pd.read_csv(tmp_path / "curves" / "curves_by_turn.csv")
    acc = table[(table["metric"] == "acc") & (table["student"] == "scripted/b")]
    assert list(acc["value"]) == [0.0, 0.0, 1.0]


def test_compare_oracles_exactly(logs):
    """Oracle right from turn 1 (A) against right from turn 3 (B), all 6 problems paired."""
    a, b = load_results([logs.oracle_1]), load_results([logs.oracle_3])
    comparison = compare_runs(a, b, resamples=500)
    table = comparison.table.set_index("metric")
    assert comparison.n == 6
    assert list(table.loc[[f"acc_at_{k}" for k in range(1, TURNS + 1)], "diff"]) == [-1, -1, 0]
    # 6 problems only A solved by turn 1: exact McNemar p = 2 / 2**6
    assert table.loc["acc_at_1", "p"] == pytest.approx(2 / 64)
    assert "A only 6, B only 0" in table.loc["acc_at_1", "test"]
    assert table.loc["acc_at_3", "p"] == 1.0
    assert table.loc["aulc", "diff"] == pytest.approx(1 / 3 - 1)
    assert table.loc["turns_to_solve", "diff"] == 2.0
    markdown = comparison.markdown()
    # exact given the 6 problems only A solved (Clopper-Pearson upper bound 1 - 0.025 ** (1/6))
    upper = 2 * (1 - 0.025 ** (1 / 6)) - 1
    assert f"| acc@1 | 1.000 | 0.000 | -1.000 [-1.000, {upper:+.3f}] | 0.0312 |" in markdown
    assert "| acc@3 | 1.000 | 1.000 | +0.000 (no interval: see the notes) | 1.0000 |" in markdown


def test_compare_pairs_only_shared_problems(logs):
    """scripted/a (6 problems, all solved at turn 2) against the errors run (4 scored, 2 solved)."""
    comparison = compare_runs(load_results([logs.scripted_a]), load_results([logs.errors]))
    table = comparison.table.set_index("metric")
    assert comparison.n == 4
    assert table.loc["acc_at_2", "diff"] == -0.5
    assert table.loc["acc_at_2", "p"] == pytest.approx(0.5)  # 2 discordant: 2 * 1/4
    assert any("only the 4 both scored are compared" in note for note in comparison.notes)
    # the exact interval that goes with p = 0.5: it holds 0, and is never of zero width
    low, high = table.loc["acc_at_2", ["diff_low", "diff_high"]]
    assert low == pytest.approx(-0.5) and high == pytest.approx(2 * (2 * (1 - 0.025**0.5) - 1) / 4)


def test_compare_refuses_what_cannot_be_paired(logs):
    with pytest.raises(ComparisonError, match="exactly one run"):
        compare_runs(load_results([logs.main]), load_results([logs.scripted_a]))


def test_export_holds_only_the_student_conversation(logs, tmp_path):
    out = tmp_path / "transcripts.jsonl"
    report = export_transcripts([logs.main, logs.errors], out)
    records = [json.loads(line) for line in out.read_text().splitlines()]
    # 3 scripted runs x 6 problems + 4 scored of the errors run; the 3 oracle runs are skipped
    assert report.records == len(records) == 3 * 6 + 4
    assert any("left out 2 errored" in note for note in report.notes)
    for record in records:
        roles = [m["role"] for m in record["messages"]]
        assert roles[0] == "user" and roles[1::2] == ["assistant"] * (len(roles) // 2)
        # one attempt per turn until solved (or all turns), feedback between attempts
        assert roles.count("assistant") == (record["solved_turn"] or TURNS)
    text = out.read_text()
    for privileged in (prompts.TEACHER_SYSTEM[:60], "Reference solution", "Checker's report"):
        assert privileged not in text
    # the verifier's privileged reports (they name the shortest path's length) never appear
    log = read_eval_log(str(logs.scripted_b))
    reports = {
        turn["verifier_report"]
        for sample in log.samples or []
        for turn in sample.store["DidacticStore:turns"]
        if turn["verifier_report"] and turn["verifier_report"] != turn["verifier_feedback"]
    }
    assert reports and not any(report in text for report in reports)


def test_export_turns_and_filters(logs, tmp_path):
    out = tmp_path / "t.jsonl"
    export_transcripts([logs.scripted_b], out)
    [first, *_] = [json.loads(line) for line in out.read_text().splitlines()]
    # wrong, wrong, right: 3 attempts and the 2 feedback messages between them
    roles = [m["role"] for m in first["messages"]]
    assert roles == ["user", "assistant", "user", "assistant", "user", "assistant"]
    assert first["messages"][2]["content"].startswith("Your answer is incorrect. Try again.")
    assert (first["student"], first["teacher"], first["solved_turn"]) == ("scripted/b", "binary", 3)
    export_transcripts([logs.main], out, solved_only=True)
    solved = [json.loads(line) for line in out.read_text().splitlines()]
    assert solved and all(r["solved_turn"] for r in solved)
    assert "scripted/c" not in {r["student"] for r in solved}


def test_export_keeps_what_the_student_saw_and_counts_leaks(logs, tmp_path):
    out = tmp_path / "leaky.jsonl"
    export_transcripts([logs.leaky], out)
    records = [json.loads(line) for line in out.read_text().splitlines()]
    assert all(r["leak_count"] == TURNS - 1 for r in records)
    feedback = records[0]["messages"][2]["content"]
    assert LEAKY_FEEDBACK.split("{answer}")[0] in feedback  # flagged, not redacted (leak=flag)


def test_plots_survive_undefined_values(tmp_path):
    """A board whose only row has no fix rate (all solved at turn 1) draws the curve alone."""
    curves = pd.DataFrame(
        {
            "task": "t",
            "student": "s",
            "teacher": "verifier",
            "turns": 2,
            "metric": ["acc", "acc", "fix_rate"],
            "k": [1, 2, 2],
            "value": [1.0, 1.0, np.nan],
            "low": [1.0, 1.0, np.nan],
            "high": [1.0, 1.0, np.nan],
            "run": "r",
        }
    )
    written = write_curves(Summary(pd.DataFrame(), curves), tmp_path)
    assert sorted(p.name for p in written) == [
        "curves_by_turn.csv",
        "t_acc_by_turn.png",
        "t_acc_by_turn.svg",
    ]


def test_export_skips_oracle_runs(logs, tmp_path):
    """An oracle's attempts are the reference answers: its logs are never exported."""
    out = tmp_path / "oracles.jsonl"
    report = export_transcripts([logs.oracle_1, logs.oracle_2, logs.oracle_3], out)
    assert report.records == 0 and out.read_text() == ""
    skipped = [note for note in report.notes if "skipped, an oracle run" in note]
    assert len(skipped) == 3 and "oracle_turn=2" in " ".join(skipped)
    export_transcripts([logs.main], out)
    records = [json.loads(line) for line in out.read_text().splitlines()]
    assert records and not any(r["student"].startswith("oracle") for r in records)


def test_export_counts_a_sample_once_from_the_newest_log(logs, tmp_path):
    """The cancelled copy of scripted/b's log repeats 3 of its samples (as every `inspect
    eval-retry` log repeats the finished ones): each is exported once, from the log the
    leaderboard counts it from."""
    out = tmp_path / "t.jsonl"
    report = export_transcripts([logs.main, logs.cancelled], out)
    records = [json.loads(line) for line in out.read_text().splitlines()]
    keys = [(r["student"], r["teacher"], r["sample_id"], r["epoch"]) for r in records]
    assert report.records == len(records) == len(set(keys)) == 3 * 6
    assert any("left out 3 samples that a newer log" in note for note in report.notes)
    counted = load_results([logs.main, logs.cancelled]).samples
    b = counted[counted["log"].isin([str(logs.scripted_b), str(logs.cancelled)])]
    expected = {(i, Path(log).name) for i, log in zip(b["id"], b["log"], strict=True)}
    exported = {(r["sample_id"], r["log"]) for r in records if r["student"] == "scripted/b"}
    assert exported == expected
    assert sum(log == logs.cancelled.name for _, log in exported) == 3


def test_boards_whose_names_slug_alike_get_their_own_figures(tmp_path):
    """`arithmetic (ops=+)` and `arithmetic (ops=*)` both slug to `arithmetic_ops`: each board
    keeps its own figure, named by a short stable hash of its label."""
    task = "tasks/arithmetic.py"
    for ops in ("+", "*"):
        oracle_run(tmp_path / "logs", task, n=4, ops=ops, turns=2, oracle_turn=2)
    summary = summarise(load_results([tmp_path / "logs"]), resamples=200)
    boards = sorted(set(summary.curves["task"]))
    assert boards == ["arithmetic (ops=*)", "arithmetic (ops=+)"]
    names = file_names(boards)
    assert len(set(names.values())) == 2 and names == file_names(boards)
    assert all(name.startswith("arithmetic_ops-") for name in names.values())
    written = write_curves(summary, tmp_path / "out")
    figures = [p for p in written if p.suffix in (".png", ".svg")]
    # 2 boards x (acc, clean acc, fix rate) x (png, svg)
    assert len(figures) == len(set(figures)) == 2 * 3 * 2
    for board, name in names.items():
        assert board in (tmp_path / "out" / "curves" / f"{name}_acc_by_turn.svg").read_text()
    assert file_names(["maze"]) == {"maze": "maze"}  # no hash where the slug is unique

"""Clean accuracy on real logs: a teacher that gives the answer away under the default leak=flag
(issue 14: "…the final answer is 35." topped the leaderboard) must not top the leaderboard, and
clean acc@k stands next to acc@k in the log, the leaderboard, the curves and compare."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pytest
from inspect_ai.log import read_eval_log, write_eval_log
from inspect_ai.model import get_model
from results_logs import _run

from rl2f_eval.models.scripted import answer_records
from rl2f_eval.results.boards import summarise
from rl2f_eval.results.compare import compare_runs
from rl2f_eval.results.load import load_results, with_clean_acc
from rl2f_eval.results.tables import leaderboard_markdown
from rl2f_eval.suites.arithmetic import ArithmeticSuite
from tests.conftest import metrics

N, TURNS = 4, 3
TASK = "tasks/arithmetic.py"
LEAKY = "Check the carry in your sum; the final answer is {answer}."


@pytest.fixture(scope="module")
def runs(tmp_path_factory) -> dict[str, Path]:
    """An honest run (binary teacher, half the problems solved at once, half never) and one whose
    model teacher gives the answer away, after which the student solves everything."""
    root = tmp_path_factory.mktemp("clean")
    suite = ArithmeticSuite(n=N)
    records = answer_records(suite, suite.samples())
    honest = [{**r, "script": ["right" if i < N // 2 else "wrong"]} for i, r in enumerate(records)]
    answers = root / "answers.json"
    answers.write_text(json.dumps(honest))
    args = {"n": N, "turns": TURNS}
    teacher = get_model("scripted/teacher", feedback=LEAKY, answers=records)
    logs = root / "logs"
    return {
        "honest": _run(
            logs,
            "scripted/honest",
            task=TASK,
            task_args={**args, "teacher": "binary"},
            model_args={"answers": str(answers)},
        ),
        "leaky": _run(
            logs,
            "scripted/leaky",
            task=TASK,
            task_args={**args, "teacher": "model"},
            model_args={"script": "wrong,right", "answers": records},
            model_roles={"teacher": teacher},
        ),
    }


def test_the_log_reports_clean_accuracy_next_to_accuracy(runs):
    log = read_eval_log(str(runs["leaky"]))
    m = metrics(log)
    assert [m[f"acc_at_{k}"] for k in (1, 2, 3)] == [0, 1, 1]
    assert [m[f"clean_acc_at_{k}"] for k in (1, 2, 3)] == [0, 0, 0]
    assert m["leak_rate"] == 1
    honest = metrics(read_eval_log(str(runs["honest"])))
    assert [honest[f"clean_acc_at_{k}"] for k in (1, 2, 3)] == [0.5, 0.5, 0.5]
    # every key on every sample, solved or not, leaked or not
    keys = {
        frozenset(sample.scores["didactic_scorer"].value)
        for path in runs.values()
        for sample in read_eval_log(str(path)).samples
    }
    assert len(keys) == 1 and {f"clean_acc_at_{k}" for k in (1, 2, 3)} <= set(next(iter(keys)))


def test_a_teacher_that_gives_the_answer_away_does_not_top_the_leaderboard(runs):
    summary = summarise(load_results(list(runs.values())), resamples=200)
    board = summary.leaderboard
    assert list(board["student"]) == ["scripted/honest", "scripted/leaky"]
    leaky = board.iloc[1]
    assert (leaky["acc_at_n"], leaky["clean_acc_at_n"], leaky["leak_rate"]) == (1, 0, 1)
    assert board.iloc[0]["acc_at_n"] < leaky["acc_at_n"]  # raw accuracy would rank it first
    markdown = leaderboard_markdown(summary, ["logs"])
    assert "| clean acc@N |" in markdown and "best clean acc@N first" in markdown
    clean = summary.curves[summary.curves["metric"] == "clean_acc"]
    assert list(clean[clean["student"] == "scripted/leaky"]["value"]) == [0, 0, 0]


def test_compare_pairs_clean_accuracy(runs):
    comparison = compare_runs(load_results([runs["honest"]]), load_results([runs["leaky"]]))
    table = comparison.table.set_index("metric")
    assert table.loc["acc_at_3", "diff"] == 0.5
    assert table.loc["clean_acc_at_3", "diff"] == -0.5
    # the 2 problems only the honest run solved cleanly: exact McNemar p = 2 / 2**2
    assert table.loc["clean_acc_at_3", "p"] == pytest.approx(0.5)
    assert "| clean acc@3 | 0.500 | 0.000 |" in comparison.markdown()


def test_logs_scored_before_clean_accuracy_get_it_from_their_leak_counts(runs, tmp_path):
    log = read_eval_log(str(runs["leaky"]))
    for sample in log.samples:  # as the scorer wrote them before clean accuracy existed
        score = sample.scores["didactic_scorer"]
        score.value = {k: v for k, v in score.value.items() if not k.startswith("clean_")}
    old = tmp_path / runs["leaky"].name
    write_eval_log(log, str(old))
    row = summarise(load_results([old]), resamples=200).leaderboard.iloc[0]
    assert (row["acc_at_n"], row["clean_acc_at_n"]) == (1, 0)
    # under redact and regenerate the student read only what passed the guard
    frame = pd.DataFrame({"acc_at_1": [0.0, 1.0], "acc_at_2": [1.0, 1.0], "leak_count": [1, 0]})
    assert list(with_clean_acc(frame, "flag")["clean_acc_at_2"]) == [0, 1]
    assert list(with_clean_acc(frame, "redact")["clean_acc_at_2"]) == [1, 1]
    # `inspect eval-retry` of an older log: its kept samples lack the key, the rerun ones have it
    mixed = frame.assign(clean_acc_at_1=[0.0, None], clean_acc_at_2=[0.0, None])
    assert list(with_clean_acc(mixed, "flag")["clean_acc_at_2"]) == [0, 1]

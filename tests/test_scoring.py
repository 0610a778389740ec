"""Per-turn scores and summary metrics on hand-built samples with known answers."""

from __future__ import annotations

import anyio
import pytest
from inspect_ai.model import ModelName
from inspect_ai.scorer import SampleScore, Score, Target
from inspect_ai.solver import TaskState

from rl2f_eval.didactic.metrics import turn_scores
from rl2f_eval.didactic.scoring import didactic_scorer, didactic_summary
from rl2f_eval.didactic.store import DidacticStore, TurnRecord


def sample_score(solved_turn: int | None, turns: int, feedback: int = 0, leaks: int = 0):
    value = turn_scores(solved_turn, turns, clean=True) | {
        "feedback_count": feedback,
        "leak_count": leaks,
    }
    return SampleScore(score=Score(value=value), sample_id=str(solved_turn))


def test_turn_scores_are_cumulative():
    assert turn_scores(2, 4, clean=True) == {
        "acc_at_1": 0.0,
        "acc_at_2": 1.0,
        "acc_at_3": 1.0,
        "acc_at_4": 1.0,
        "clean_acc_at_1": 0.0,
        "clean_acc_at_2": 1.0,
        "clean_acc_at_3": 1.0,
        "clean_acc_at_4": 1.0,
        "gain": 1.0,
        "aulc": 0.75,
        "solved_turn": 2.0,
    }
    unsolved = turn_scores(None, 3, clean=True)
    assert [unsolved[f"acc_at_{k}"] for k in (1, 2, 3)] == [0, 0, 0] and unsolved["aulc"] == 0


def test_a_solve_after_flagged_feedback_is_not_clean():
    tainted = turn_scores(2, 3, clean=False)
    assert [tainted[f"acc_at_{k}"] for k in (1, 2, 3)] == [0, 1, 1]
    assert [tainted[f"clean_acc_at_{k}"] for k in (1, 2, 3)] == [0, 0, 0]
    # every key on every sample, whatever happened
    assert (
        set(tainted) == set(turn_scores(None, 3, clean=True)) == set(turn_scores(1, 3, clean=True))
    )


def test_summary_metrics_by_hand():
    # solved at 1, at 2, at 2, at 3, never: 5 problems, 3 turns
    scores = [
        sample_score(1, 3),
        sample_score(2, 3, feedback=1, leaks=1),
        sample_score(2, 3, feedback=1),
        sample_score(3, 3, feedback=2),
        sample_score(None, 3, feedback=2),
    ]
    summary = didactic_summary()(scores)
    assert summary["fix_rate_at_2"] == pytest.approx(2 / 4)  # 4 open after turn 1, 2 fixed
    assert summary["fix_rate_at_3"] == pytest.approx(1 / 2)  # 2 open after turn 2, 1 fixed
    assert summary["turns_to_solve"] == pytest.approx((1 + 2 + 2 + 3) / 4)
    assert summary["leak_rate"] == pytest.approx(1 / 6)


def test_scorer_reads_the_store_of_a_plain_task_state():
    state = TaskState(ModelName("scripted/x"), "maze-1", 0, "problem", [])
    store = state.store_as(DidacticStore)
    store.max_turns = 3
    store.turns = [
        TurnRecord(turn=1, attempt="a", answer="R", correct=False, feedback="no", leak=True),
        TurnRecord(turn=2, attempt="b", answer="RD", correct=True),
    ]
    store.solved_turn = 2
    score = anyio.run(didactic_scorer(), state, Target("RD"))
    assert score.value["acc_at_1"] == 0 and score.value["acc_at_2"] == 1
    # flagged, but the student never read it (redacted or regenerated): a clean solve
    assert score.value["clean_acc_at_2"] == 1
    store.turns = [store.turns[0].model_copy(update={"leak_shown": True}), store.turns[1]]
    shown = anyio.run(didactic_scorer(), state, Target("RD")).value
    assert shown["acc_at_2"] == 1 and shown["clean_acc_at_2"] == 0
    assert score.value["feedback_count"] == 1 and score.value["leak_count"] == 1
    assert score.answer == "RD"
    assert score.explanation == "solved at turn 2 (2 of 3 turns used)"


def test_summary_metrics_stay_exact_after_inspect_averages_epochs():
    # problem A: solved at turn 3 in one epoch, unsolved in the other; problem B: solved at turn 2
    # in both. Inspect's reducer hands the metric each problem's per-key mean over its epochs.
    def averaged(*epochs):
        values = [
            turn_scores(turn, 4, clean=True) | {"feedback_count": 0, "leak_count": 0}
            for turn in epochs
        ]
        mean = {key: sum(v[key] for v in values) / len(values) for key in values[0]}
        return SampleScore(score=Score(value=mean), sample_id=str(epochs))

    summary = didactic_summary()([averaged(3, None), averaged(2, 2)])
    assert summary["turns_to_solve"] == pytest.approx((3 + 2 + 2) / 3)  # over solved episodes
    # open after turn 3: A's second epoch only (1 of 4 episodes), never fixed at turn 4
    assert summary["fix_rate_at_4"] == 0
    assert summary["fix_rate_at_2"] == pytest.approx(2 / 4)  # B's two epochs of 4 open


def test_format_reminders_are_not_counted_as_teacher_feedback():
    state = TaskState(ModelName("scripted/x"), "maze-1", 0, "problem", [])
    store = state.store_as(DidacticStore)
    store.max_turns = 3
    store.turns = [
        TurnRecord(
            turn=1, attempt="?", answer=None, correct=False, feedback="fmt", teacher="format"
        ),
        TurnRecord(turn=2, attempt="a", answer="R", correct=False, feedback="no", teacher="model"),
        TurnRecord(turn=3, attempt="b", answer="D", correct=False),
    ]
    score = anyio.run(didactic_scorer(), state, Target("RD"))
    assert score.value["feedback_count"] == 1  # the reminder never passed the leak guard

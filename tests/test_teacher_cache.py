"""Reproducible teacher feedback: `-T teacher_cache=true` puts the teacher's calls through
Inspect's model-output cache, so the same attempt gets the same feedback without a new call."""

from __future__ import annotations

import json

import pytest
from inspect_ai import eval as inspect_eval
from inspect_ai.event import ModelEvent
from inspect_ai.model import get_model

from rl2f_eval.didactic.episode import EpisodeArgs
from rl2f_eval.errors import TaskArgError
from rl2f_eval.models.scripted import answer_records
from rl2f_eval.suites.maze import MazeSuite

ARGS = {"n": 3, "size": 3, "turns": 3, "teacher": "model"}


@pytest.fixture
def answers(tmp_path, monkeypatch):
    monkeypatch.setenv("INSPECT_CACHE_DIR", str(tmp_path / "cache"))
    suite = MazeSuite(size=3, n=3, seed=0)
    path = tmp_path / "answers.json"
    path.write_text(json.dumps(answer_records(suite, suite.samples())))
    return path


def run(tmp_path, answers, student: str, feedback: str, **task_args):
    teacher = get_model("scripted/teacher", feedback=feedback, answers=str(answers), memoize=False)
    [log] = inspect_eval(
        "rl2f_eval/maze",
        model=student,
        model_args={"script": "wrong", "answers": str(answers)},
        model_roles={"teacher": teacher},
        task_args={**ARGS, **task_args},
        log_dir=str(tmp_path / "logs"),
        display="none",
    )
    assert log.status == "success", log.error
    feedback_given = [
        turn["feedback"]
        for sample in log.samples
        for turn in sample.store["DidacticStore:turns"]
        if turn.get("feedback")
    ]
    calls = [
        event.cache
        for sample in log.samples
        for event in sample.events
        if isinstance(event, ModelEvent) and event.role == "teacher"
    ]
    return feedback_given, calls


def test_a_rerun_gets_the_cached_feedback_without_calling_the_teacher(tmp_path, answers):
    first, calls = run(
        tmp_path, answers, "scripted/a", "Look at the first move.", teacher_cache=True
    )
    assert len(first) == 6 and set(first) == {"Look at the first move."}
    assert set(calls) == {"write"}
    # another student making the same attempts, a teacher that would now say something else:
    # every feedback comes from the cache, and the teacher model is never called
    again, calls = run(tmp_path, answers, "scripted/b", "Something else.", teacher_cache=True)
    assert again == first and set(calls) == {"read"}
    # unset: Inspect's default, no cache
    fresh, calls = run(tmp_path, answers, "scripted/b", "Something else.")
    assert set(fresh) == {"Something else."} and set(calls) == {None}


@pytest.mark.parametrize("value", ["tomorrow", "", 3, "3"])
def test_teacher_cache_takes_true_false_or_an_expiry(value):
    with pytest.raises(TaskArgError, match="teacher_cache must be true, false or an expiry"):
        EpisodeArgs(teacher_cache=value)
    assert EpisodeArgs(teacher_cache="30D").teacher_cache == "30D"

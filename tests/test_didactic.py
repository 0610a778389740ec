"""The didactic loop end to end on the scripted student: per-turn metrics, teachers, leak guard."""

from __future__ import annotations

import pytest
from inspect_ai import eval
from inspect_ai.log import EvalLog, resolve_sample_attachments
from inspect_ai.model import ChatMessageUser, get_model

from rl2f_eval.didactic import prompts
from rl2f_eval.didactic.task import didactic_task
from rl2f_eval.errors import TaskArgError
from rl2f_eval.suites.maze import MazeSuite
from rl2f_eval.teachers import TEACHERS
from rl2f_eval.teachers import prompts as teacher_prompts
from tests.conftest import metrics, run_scripted

N = 4


def suite() -> MazeSuite:
    return MazeSuite(size=3, n=3, seed=1)


def turn_records(log: EvalLog) -> list[list[dict]]:
    return [sample.store["DidacticStore:turns"] for sample in log.samples]


def student_views(log: EvalLog) -> list[str]:
    """Everything the student was shown: the user messages of its conversation."""
    return [m.text for s in log.samples for m in s.messages if isinstance(m, ChatMessageUser)]


def teacher_inputs(log: EvalLog) -> list[str]:
    """The prompts of every model call made on behalf of the teacher or self-critic."""
    texts = []
    for sample in map(resolve_sample_attachments, log.samples):
        for event in sample.events:
            if event.event == "model" and event.input and event.input[0].role == "system":
                texts.append("\n".join(m.text for m in event.input))
    return texts


@pytest.mark.parametrize("teacher", TEACHERS)
def test_wrong_wrong_right_gives_the_expected_curve(teacher, log_dir):
    log = run_scripted(didactic_task(suite(), turns=N, teacher=teacher), suite(), log_dir)
    assert log.status == "success"
    m = metrics(log)
    assert (m["acc_at_1"], m["acc_at_2"], m["acc_at_3"], m["acc_at_4"]) == (0, 0, 1, 1)
    assert m["turns_to_solve"] == 3
    assert m["gain"] == 1 and m["aulc"] == pytest.approx(0.5)
    assert m["fix_rate_at_2"] == 0 and m["fix_rate_at_3"] == 1
    assert "fix_rate_at_4" not in m  # nothing left unsolved after turn 3: undefined, not 0
    assert m["leak_rate"] == 0
    for turns in turn_records(log):
        assert [t["correct"] for t in turns] == [False, False, True]  # early stop after turn 3
        assert all(t["feedback"] for t in turns[:2]) and turns[2].get("feedback") is None
        assert {t["teacher"] for t in turns[:2]} == {teacher}
    # the student never sees the reference answer
    targets = [s.target for s in log.samples]
    assert not any(target in text for target in targets for text in student_views(log))


def test_feedback_text_per_teacher(log_dir):
    texts = {}
    for teacher in TEACHERS:
        log = run_scripted(
            didactic_task(suite(), turns=2, teacher=teacher), suite(), log_dir, script="wrong"
        )
        texts[teacher] = turn_records(log)[0][0]["feedback"]
    assert texts["binary"] == teacher_prompts.BINARY_FEEDBACK
    assert texts["verifier"].startswith("Every move is legal, but the path ends at")
    assert texts["model"] == "Check each step of your answer against the problem statement."
    assert texts["self"] == "I should re-check my reasoning step by step."


def test_model_teacher_sees_privileged_material_unless_withheld(log_dir):
    s = suite()
    log = run_scripted(didactic_task(s, turns=2), s, log_dir, script="wrong")
    prompts_seen = teacher_inputs(log)
    assert len(prompts_seen) == 3
    for text, sample in zip(prompts_seen, log.samples, strict=True):
        assert sample.target in text and "Checker's report" in text
    log = run_scripted(didactic_task(s, turns=2, privileged=False), s, log_dir, script="wrong")
    for text, sample in zip(teacher_inputs(log), log.samples, strict=True):
        assert sample.target not in text and "Checker's report" not in text


def test_self_teacher_gets_no_privileged_material(log_dir):
    s = suite()
    log = run_scripted(didactic_task(s, turns=2, teacher="self"), s, log_dir, script="wrong")
    texts = teacher_inputs(log)
    assert texts and all(teacher_prompts.SELF_CRITIQUE_SYSTEM in t for t in texts)
    for text, sample in zip(texts, log.samples, strict=True):
        assert sample.target not in text


def test_teacher_role_binds_a_separate_model(log_dir):
    s = suite()
    teacher = get_model("scripted/teacher", feedback="Look again at your second move.")
    log = run_scripted(
        didactic_task(s, turns=2), s, log_dir, script="wrong", model_roles={"teacher": teacher}
    )
    assert turn_records(log)[0][0]["feedback"] == "Look again at your second move."
    assert "teacher" in log.eval.model_roles


def test_early_stop_on_first_turn(log_dir):
    log = run_scripted(didactic_task(suite(), turns=N), suite(), log_dir, script="right")
    m = metrics(log)
    assert all(m[f"acc_at_{k}"] == 1 for k in range(1, N + 1))
    assert m["turns_to_solve"] == 1 and m["gain"] == 0
    assert "leak_rate" not in m  # no feedback was ever given
    for sample in log.samples:
        assert len(sample.messages) == 2  # the problem and one answer: no teacher call
        assert len(sample.store["DidacticStore:turns"]) == 1


def test_never_solved(log_dir):
    log = run_scripted(didactic_task(suite(), turns=3), suite(), log_dir, script="wrong")
    m = metrics(log)
    assert (m["acc_at_1"], m["acc_at_3"], m["gain"]) == (0, 0, 0)
    assert "turns_to_solve" not in m
    for turns in turn_records(log):
        assert len(turns) == 3
        assert turns[-1].get("feedback") is None  # no feedback after the last try


def test_unparsable_answer_is_a_wrong_turn_with_format_feedback(log_dir):
    log = run_scripted(
        didactic_task(suite(), turns=3, teacher="model"), suite(), log_dir, script="garbled,right"
    )
    m = metrics(log)
    assert (m["acc_at_1"], m["acc_at_2"]) == (0, 1)
    first = turn_records(log)[0][0]
    assert first.get("answer") is None and first["teacher"] == "format"
    assert first["feedback"] == prompts.FORMAT_FEEDBACK
    assert teacher_inputs(log) == []  # a format slip needs no teacher call


def test_leak_is_flagged(log_dir):
    s = suite()
    log = run_scripted(
        didactic_task(s, turns=3), s, log_dir, feedback="Just do this: {answer}", script="wrong"
    )
    m = metrics(log)
    assert m["leak_rate"] == 1
    for sample, turns in zip(log.samples, turn_records(log), strict=True):
        assert all(t["leak"] and t["leaked"] == [sample.target] for t in turns[:2])
        assert turns[0]["feedback"] == f"Just do this: {sample.target}"  # flag mode keeps it


def test_leak_is_redacted(log_dir):
    s = suite()
    log = run_scripted(
        didactic_task(s, turns=3, leak="redact"), s, log_dir, feedback="Try {answer}!"
    )
    assert metrics(log)["leak_rate"] == 1
    for sample, turns in zip(log.samples, turn_records(log), strict=True):
        assert turns[0]["feedback"] == "Try [redacted]!"
        assert turns[0]["original_feedback"] == f"Try {sample.target}!"
    targets = [s.target for s in log.samples]
    assert not any(t in text for t in targets for text in student_views(log))


def test_empty_teacher_feedback_errors_the_sample_instead_of_scoring_it(log_dir):
    s = suite()
    task = didactic_task(s, turns=3)
    log = run_scripted(task, s, log_dir, "wrong", feedback="", fail_on_error=False)
    assert all(sample.error is not None for sample in log.samples)
    assert "returned empty feedback 3 times" in log.samples[0].error.message
    assert log.results is None or log.results.completed_samples == 0


@pytest.mark.parametrize("oracle_turn", [1, 2, 4])
def test_oracle_mode_needs_no_model(oracle_turn, log_dir):
    suite = MazeSuite(size=4, n=10)
    task = didactic_task(suite, turns=4, teacher="verifier", oracle_turn=oracle_turn)
    [log] = eval(task, model="none", log_dir=str(log_dir), display="none")
    assert log.status == "success"
    m = metrics(log)
    for k in range(1, 5):
        assert m[f"acc_at_{k}"] == float(k >= oracle_turn)
    assert not [e for s in log.samples for e in s.events if e.event == "model"]


@pytest.mark.parametrize(
    "args, match",
    [
        ({"turns": 0}, "turns must be"),
        ({"teacher": "oracle"}, "teacher must be one of model, verifier, binary, self"),
        ({"leak": "hide"}, "leak must be one of flag, redact, regenerate"),
        ({"oracle_turn": 9}, "oracle_turn must be between 1 and turns=5"),
    ],
)
def test_bad_task_arguments_fail_fast(args, match):
    with pytest.raises(TaskArgError, match=match):
        didactic_task(suite(), **args)


def test_leak_regenerate_asks_again_then_redacts(log_dir):
    s = suite()
    log = run_scripted(
        didactic_task(s, turns=2, leak="regenerate"), s, log_dir, "wrong", feedback="Use {answer}."
    )
    calls_per_sample = [sum(e.event == "model" for e in sample.events) for sample in log.samples]
    # 2 student turns + the teacher's first feedback + 2 regenerations (which leak again)
    assert calls_per_sample == [5, 5, 5]
    for turns in turn_records(log):
        assert turns[0]["feedback"] == "Use [redacted]." and turns[0]["leak"]

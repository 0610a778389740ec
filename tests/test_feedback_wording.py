"""What the student reads after a wrong turn, for every teacher: second-person feedback without
the prompt's scaffolding, no doubled verdict, no teacher calling a rejected attempt correct."""

from __future__ import annotations

import pytest
from inspect_ai.log import resolve_sample_attachments
from inspect_ai.model import ChatMessageUser

from rl2f_eval.didactic import prompts
from rl2f_eval.didactic.task import didactic_task
from rl2f_eval.models.scripted import DEFAULT_CRITIQUE, DEFAULT_FEEDBACK
from rl2f_eval.suites.maze import MazeSuite
from rl2f_eval.teachers import TEACHERS
from rl2f_eval.teachers import prompts as teacher_prompts
from rl2f_eval.teachers.wording import drop_false_praise, tidy, unusable
from tests.conftest import run_scripted

SUITE = MazeSuite(size=3, n=1, seed=1)
VERDICT = teacher_prompts.VERDICT


@pytest.mark.parametrize(
    ("raw", "shown"),
    [
        ("### Feedback given\nCheck your second move.", "Check your second move."),
        ("Your answer is incorrect. Your answer is incorrect. Check row 2.", "Check row 2."),
        ("**Feedback:** Look at row 3.", "Look at row 3."),
        ('"Recount the moves."', "Recount the moves."),
        ("Incorrect. Try the other corridor.", "Try the other corridor."),
        ("Feedback is a gift: recount.", "Feedback is a gift: recount."),  # not a label
        ("Wrong turn at row 2: go left.", "Wrong turn at row 2: go left."),  # not a verdict
    ],
)
def test_scaffolding_and_restated_verdicts_are_removed(raw, shown):
    assert tidy(raw) == shown


@pytest.mark.parametrize(
    ("text", "problem"),
    [
        ("The student's latest attempt is correct.", "the student"),
        ("The student should recount the moves.", "the student"),
        ("Your answer is correct! Check the format.", "calls the attempt correct"),
        ("Correct! Now simplify.", "calls the attempt correct"),
        ("Your setup is correct, but step 3 is wrong.", None),
        ("Correct the sign of the second term.", None),
        ("I forgot to carry the one.", None),  # a self-critique in the first person
    ],
)
def test_feedback_a_student_cannot_use_as_it_stands(text, problem):
    found = unusable(text)
    assert (found is None) if problem is None else (problem in found)


def test_false_praise_is_dropped_sentence_by_sentence():
    assert drop_false_praise("Your answer is correct! Check row 2.") == "Check row 2."
    kept = "Check row 2.\n\nThen recount."  # nothing to drop: left exactly as it was
    assert drop_false_praise(kept) == kept


def retry_messages(log) -> list[str]:
    """The user messages after the opening one: what the student was told after each turn."""
    return [m.text for s in log.samples for m in s.messages if isinstance(m, ChatMessageUser)][1:]


@pytest.mark.parametrize("teacher", TEACHERS)
def test_every_teacher_reads_naturally(teacher, log_dir):
    task = didactic_task(SUITE, turns=2, teacher=teacher)
    [message] = retry_messages(run_scripted(task, SUITE, log_dir, script="wrong"))
    introduction, answer_format = message.split("\n\n", 1)
    assert answer_format == SUITE.answer_format
    assert introduction.startswith(VERDICT + " ") and introduction.count(VERDICT) == 1
    expected = {
        "model": f"{VERDICT} Your teacher's feedback:\n{DEFAULT_FEEDBACK}",
        "self": f"{VERDICT} Your own review of that attempt:\n{DEFAULT_CRITIQUE}",
        "binary": f"{VERDICT} Try again.",
        "verifier": f"{VERDICT} Every move is legal, but the path ends at",
    }[teacher]
    assert introduction.startswith(expected)


def test_the_format_reminder_is_no_verdict(log_dir):
    task = didactic_task(SUITE, turns=2, teacher="model")
    [message] = retry_messages(run_scripted(task, SUITE, log_dir, script="garbled"))
    assert message == f"{prompts.FORMAT_FEEDBACK}\n\n{SUITE.answer_format}"


def test_meta_feedback_is_rewritten_by_the_teacher(log_dir):
    replies = ["### Feedback given\nThe student's latest attempt is correct.", "Recount row 2."]
    task = didactic_task(SUITE, turns=2, teacher="model")
    log = run_scripted(task, SUITE, log_dir, script="wrong", feedback=replies)
    [record, _] = log.samples[0].store["DidacticStore:turns"]
    assert record["feedback"] == "Recount row 2." and record.get("original_feedback") is None
    [message] = retry_messages(log)
    assert message.startswith(f"{VERDICT} Your teacher's feedback:\nRecount row 2.\n\n")
    sample = resolve_sample_attachments(log.samples[0])
    teacher_calls = [e for e in sample.events if e.event == "model"][1:-1]
    assert len(teacher_calls) == 2
    assert 'talks about "the student"' in teacher_calls[1].input[-1].text  # told why


def test_a_teacher_that_keeps_praising_a_wrong_attempt_is_not_passed_on(log_dir):
    praise = "Your answer is correct. The student is done."
    task = didactic_task(SUITE, turns=2, teacher="model")
    log = run_scripted(task, SUITE, log_dir, script="wrong", feedback=praise)
    [record, _] = log.samples[0].store["DidacticStore:turns"]
    assert record["feedback"] == "The student is done." and record["original_feedback"] == praise
    [message] = retry_messages(log)
    assert message.startswith(f"{VERDICT} Your teacher's feedback:\nThe student is done.\n\n")

"""The leak guard's redaction on real suites: what the student finally sees must not leak."""

from __future__ import annotations

import re

import anyio
import pytest

from rl2f_eval.suites.arithmetic import ArithmeticSuite
from rl2f_eval.suites.base import Problem, Verdict
from rl2f_eval.teachers import Feedback, FeedbackRequest, Teacher, guarded_feedback
from rl2f_eval.teachers.leak import REDACTED, WITHHELD


class Says(Teacher):
    """A teacher that always writes the same text."""

    name = "says"

    def __init__(self, text: str) -> None:
        self.text = text

    async def feedback(self, request: FeedbackRequest) -> Feedback:
        return Feedback(self.text)


def guard(suite, problem: Problem, text: str, mode: str):
    request = FeedbackRequest(suite, problem, "attempt", "15", Verdict(False, "wrong"))
    return anyio.run(guarded_feedback, Says(text), request, mode)


@pytest.mark.parametrize("mode", ["redact", "regenerate"])
def test_redaction_replaces_the_answer_only_where_it_stands_alone(mode):
    suite = ArithmeticSuite()
    problem = Problem(id="p", input="What is 2 + 3?", target="5")
    guarded = guard(suite, problem, "You wrote 15, but the answer is 5, not 15.", mode)
    # a substring replace would print "1[redacted]" beside the student's own 15: the answer again
    assert guarded.text == f"You wrote 15, but the answer is {REDACTED}, not 15."
    assert guarded.leak and guarded.leaked == ["5"]
    assert not suite.leaked(guarded.text, problem)


class Respaced(ArithmeticSuite):
    """Finds the answer with the spacing removed: its span is not the feedback's own text."""

    def leaked(self, feedback: str, problem: Problem) -> list[str]:
        return [problem.target] if problem.target in re.sub(r"\s+", "", feedback) else []


def test_feedback_the_redaction_cannot_clean_is_withheld_whole():
    suite = Respaced()
    problem = Problem(id="p", input="What is 7 + 5?", target="12")
    text = "Write the digits 1 2 together."
    assert suite.leaked(text, problem)
    guarded = guard(suite, problem, text, "redact")
    assert guarded.text == WITHHELD and guarded.original == text
    assert not suite.leaked(guarded.text, problem)


def test_flag_mode_keeps_the_feedback():
    suite = ArithmeticSuite()
    problem = Problem(id="p", input="What is 2 + 3?", target="5")
    guarded = guard(suite, problem, "It is 5.", "flag")
    assert guarded.text == "It is 5." and guarded.leak and guarded.original is None

"""The teacher interface: given a wrong attempt, write feedback for the student."""

from __future__ import annotations

from abc import ABC, abstractmethod
from dataclasses import dataclass, field

from rl2f_eval.suites.base import Problem, Suite, Verdict
from rl2f_eval.teachers.prompts import PLAIN_INTRODUCTION


@dataclass(frozen=True)
class FeedbackRequest:
    """Everything a teacher may use. Privileged parts (the problem's target and metadata, the
    verdict's report) are for teachers that are allowed them; the student never sees this."""

    suite: Suite
    problem: Problem
    attempt: str
    """The student's latest full reply."""
    answer: str | None
    """The answer extracted from it (None when the format was not followed)."""
    verdict: Verdict
    history: list[tuple[str, str]] = field(default_factory=list)
    """Earlier (attempt, feedback) pairs of this episode."""


@dataclass(frozen=True)
class Feedback:
    text: str
    tokens: int = 0
    """Output tokens the teacher spent (0 for programmatic teachers)."""
    original: str | None = None
    """The teacher's own words, when `text` is a cleaned-up version of them."""


class TeacherError(RuntimeError):
    """The teacher produced no usable feedback after its retries: the sample errors, it is not
    scored as if the student had simply failed."""


class Teacher(ABC):
    name: str
    introduction: str = PLAIN_INTRODUCTION
    """How the feedback reaches the student: a template of `{feedback}` (teachers.prompts)."""

    @abstractmethod
    async def feedback(self, request: FeedbackRequest) -> Feedback: ...

"""The teacher interface: given a wrong attempt, write feedback for the student."""

from __future__ import annotations

from abc import ABC, abstractmethod
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from rl2f_eval.suites.base import Problem, Suite, Verdict
from rl2f_eval.teachers.prompts import PLAIN_INTRODUCTION

if TYPE_CHECKING:
    from inspect_ai.model import CachePolicy, Model


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
    rejected: tuple[tuple[str, str], ...] = ()
    """This turn's earlier feedback that the leak guard rejected under `leak=regenerate`, each
    with why it gave the answer away: a teacher that can revise is told, so it writes anew."""


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
    cache: bool | CachePolicy | None = None
    """Inspect's model-output cache for this teacher's calls (None: Inspect's settings decide);
    the leak judge's calls about its feedback use the same."""

    def author(self) -> Model | None:
        """The model that writes the feedback; None for programmatic feedback (the suite's own
        text), which is neither regenerated nor judged."""
        return None

    @abstractmethod
    async def feedback(self, request: FeedbackRequest) -> Feedback: ...

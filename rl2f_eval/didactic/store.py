"""What the didactic loop records for every turn, in the sample store (and so in the log)."""

from __future__ import annotations

from inspect_ai.util import StoreModel
from pydantic import BaseModel, Field

FORMAT_TEACHER = "format"
"""`TurnRecord.teacher` for the fixed reminder after an unparsable answer (no teacher wrote it)."""


class TurnRecord(BaseModel):
    turn: int
    attempt: str
    """The student's full reply."""
    answer: str | None
    """The extracted answer; None when the format was not followed."""
    correct: bool
    score: float = 0.0
    """The verifier's partial credit (never counts as correct)."""
    verifier_feedback: str = ""
    verifier_report: str = ""
    feedback: str | None = None
    """What the student was told after this turn (None when solved or out of turns)."""
    teacher: str | None = None
    """Who wrote the feedback: a teacher's name, or "format" for an unparsable answer."""
    leak: bool = False
    """The teacher's feedback was flagged by the leak guard: the string guard, or the judge
    (its first version, under `regenerate`). The leak rate counts these."""
    leaked: list[str] = Field(default_factory=list)
    """The spans the string guard found."""
    judge: str | None = None
    """The leak judge's verdict on that feedback: "leak", "no leak" or "unparsable" (counted as
    a leak); None when it was not asked (`leak_judge` off, the strings already flagged it, or
    programmatic feedback)."""
    judge_reason: str | None = None
    leak_shown: bool = False
    """The student read feedback the guard flagged (`leak=flag`; the other modes show only text
    that passed the guard). A solve after such a turn is not a clean solve."""
    regenerations: int = 0
    """Times the teacher was asked again after its feedback leaked (`leak=regenerate`)."""
    original_feedback: str | None = None
    """The teacher's own words when the student was shown something else: tidied
    (`rl2f_eval.teachers.wording`), redacted or withheld by the leak guard."""
    student_tokens: int = 0
    teacher_tokens: int = 0
    judge_tokens: int = 0
    stop_reason: str | None = None
    """Why the student's reply ended, as Inspect reports it (`max_tokens`: cut off by the token
    limit, an API's finish_reason=length); None where the student is not an Inspect model."""


class DidacticStore(StoreModel):
    turns: list[TurnRecord] = Field(default_factory=list)
    max_turns: int = 0
    solved_turn: int | None = None

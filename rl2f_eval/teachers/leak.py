"""The leak guard: feedback must not give the reference answer away.

Detection is the suite's string guard (`Suite.leaked`: it knows what equivalent forms of its
answers look like), then, for what the strings let pass, the optional LLM judge
(`rl2f_eval.teachers.judge`). This module decides what happens to flagged feedback: `flag` keeps
it and records the flag, `redact` replaces the leaking spans, `regenerate` tells the teacher what
leaked and asks again, and redacts if it still leaks. Redacted text is checked again; feedback
that still leaks, or that the judge flagged (it names no span to cut), is withheld whole
(WITHHELD).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace

import anyio

from rl2f_eval.suites.base import whole_token
from rl2f_eval.teachers.base import FeedbackRequest, Teacher
from rl2f_eval.teachers.judge import UNPARSABLE, JudgeVerdict, LeakJudge

LEAK_MODES = ("flag", "redact", "regenerate")
REDACTED = "[redacted]"
WITHHELD = "[The feedback was withheld: it gave the answer away.]"


@dataclass(frozen=True)
class GuardedFeedback:
    text: str
    """What the student sees."""
    leaked: list[str] = field(default_factory=list)
    """Spans the string guard found in the teacher's first feedback (empty: none)."""
    judge: JudgeVerdict | None = None
    """The leak judge's verdict on the teacher's first feedback; None when it was not asked (no
    judge, the strings already flagged it, or programmatic feedback)."""
    shown_flagged: bool = False
    """The student was shown feedback the guard flagged (only under `flag`: `redact` and
    `regenerate` show text that passed the guard, or the WITHHELD notice)."""
    original: str | None = None
    """The teacher's own first feedback when the student sees something else (tidied by the
    teacher, or changed by the guard)."""
    tokens: int = 0
    judge_tokens: int = 0
    regenerations: int = 0
    """How many times the teacher was asked again (`regenerate`)."""

    @property
    def leak(self) -> bool:
        """The teacher's first feedback was flagged, by the strings or by the judge."""
        return bool(self.leaked) or (self.judge is not None and self.judge.leak)


@dataclass(frozen=True)
class _Finding:
    """What the guard found in one text: the string guard's spans, then the judge's verdict."""

    spans: list[str]
    judge: JudgeVerdict | None = None

    @property
    def leak(self) -> bool:
        return bool(self.spans) or (self.judge is not None and self.judge.leak)

    def why(self) -> str:
        """For the teacher, when it is asked again."""
        if self.spans:
            quoted = ", ".join(f'"{span}"' for span in dict.fromkeys(self.spans))
            return f"it states {quoted}, which is the answer or equivalent to it"
        assert self.judge is not None
        if self.judge.verdict == UNPARSABLE:
            return "a reviewer could not confirm that it keeps the answer back"
        return f"a reviewer found that it does ({self.judge.reason})"


def redact(text: str, spans: list[str]) -> str:
    """Replace each span where it stands as a whole token (as the suites find spans).

    Not a plain substring replace: redacting the answer "5" inside "15" would print "1[redacted]"
    next to the student's own 15 and give the 5 away.
    """
    for span in sorted(set(spans), key=len, reverse=True):  # longest first: no partial leftovers
        text = whole_token(re.escape(span)).sub(lambda _: REDACTED, text)
    return text


async def _leaked(request: FeedbackRequest, text: str) -> list[str]:
    # like `Suite.verify`, in a worker thread unless the suite's checks are quick (math uses SymPy)
    if not request.suite.slow_verify:
        return request.suite.leaked(text, request.problem)
    return await anyio.to_thread.run_sync(request.suite.leaked, text, request.problem)


async def _find(
    request: FeedbackRequest, teacher: Teacher, judge: LeakJudge | None, text: str
) -> _Finding:
    """The string guard first; the judge only for what the strings let pass, and only for
    model-written feedback."""
    spans = await _leaked(request, text)
    author = teacher.author() if judge is not None and not spans else None
    if judge is None or author is None:
        return _Finding(spans)
    return _Finding(spans, await judge.check(request, text, author, teacher.cache))


async def guarded_feedback(
    teacher: Teacher,
    request: FeedbackRequest,
    mode: str = "flag",
    regenerations: int = 2,
    judge: LeakJudge | None = None,
) -> GuardedFeedback:
    """The teacher's feedback for `request` behind the leak guard (see the module docstring).

    `regenerate` asks a teacher that writes with a model again, up to `regenerations` times,
    telling it each time what gave the answer away (`FeedbackRequest.rejected`); programmatic
    feedback would only repeat itself and goes straight to redaction. Every text the student
    is shown has passed the string guard and, with a `judge`, the judge (`flag` aside)."""
    if mode not in LEAK_MODES:
        raise ValueError(f"leak must be one of {', '.join(LEAK_MODES)}; got {mode!r}")
    first = await teacher.feedback(request)
    found = await _find(request, teacher, judge, first.text)
    tokens, judge_tokens = first.tokens, _judge_tokens(found)
    if not found.leak or mode == "flag":
        return GuardedFeedback(
            first.text,
            found.spans,
            found.judge,
            shown_flagged=found.leak,
            original=first.original,
            tokens=tokens,
            judge_tokens=judge_tokens,
        )
    text, raw, now, rejected = first.text, first.original or first.text, found, []
    if mode == "regenerate" and teacher.author() is not None:
        for _ in range(regenerations):
            rejected.append((raw, now.why()))
            again = await teacher.feedback(replace(request, rejected=tuple(rejected)))
            tokens += again.tokens
            text, raw = again.text, again.original or again.text
            now = await _find(request, teacher, judge, text)
            judge_tokens += _judge_tokens(now)
            if not now.leak:
                break
    if now.leak:
        # the judge names no span to cut: what it flagged is withheld whole
        text = redact(text, now.spans) if now.spans else WITHHELD
        if text != WITHHELD:
            # the suite's spans may not be the text's own (normalised matches): check what is left
            recheck = await _find(request, teacher, judge, text)
            judge_tokens += _judge_tokens(recheck)
            text = WITHHELD if recheck.leak else text
    return GuardedFeedback(
        text,
        found.spans,
        found.judge,
        original=first.original or first.text,
        tokens=tokens,
        judge_tokens=judge_tokens,
        regenerations=len(rejected),
    )


def _judge_tokens(found: _Finding) -> int:
    return found.judge.tokens if found.judge is not None else 0

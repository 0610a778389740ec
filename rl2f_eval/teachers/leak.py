"""The leak guard: feedback must not give the reference answer away.

Detection is the suite's (`Suite.leaked`: it knows what equivalent forms of its answers look like);
this module decides what happens to flagged feedback: `flag` keeps it and records the flag, `redact`
replaces the leaking spans, `regenerate` asks the teacher again and redacts if it still leaks.
Redacted text is checked again; feedback that still leaks is withheld whole (WITHHELD).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

import anyio

from rl2f_eval.suites.base import whole_token
from rl2f_eval.teachers.base import FeedbackRequest, Teacher

LEAK_MODES = ("flag", "redact", "regenerate")
REDACTED = "[redacted]"
WITHHELD = "[The feedback was withheld: it gave the answer away.]"


@dataclass(frozen=True)
class GuardedFeedback:
    text: str
    """What the student sees."""
    leaked: list[str] = field(default_factory=list)
    """Spans the guard found in the teacher's first feedback (empty: no leak)."""
    original: str | None = None
    """The teacher's own first feedback when the student sees something else (tidied by the
    teacher, or changed by the guard)."""
    tokens: int = 0

    @property
    def leak(self) -> bool:
        return bool(self.leaked)


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


async def guarded_feedback(
    teacher: Teacher, request: FeedbackRequest, mode: str = "flag", regenerations: int = 2
) -> GuardedFeedback:
    if mode not in LEAK_MODES:
        raise ValueError(f"leak must be one of {', '.join(LEAK_MODES)}; got {mode!r}")
    first = await teacher.feedback(request)
    leaked = await _leaked(request, first.text)
    if not leaked or mode == "flag":
        return GuardedFeedback(first.text, leaked, first.original, first.tokens)
    tokens, text, spans = first.tokens, first.text, leaked
    if mode == "regenerate":
        for _ in range(regenerations):
            again = await teacher.feedback(request)
            tokens += again.tokens
            text, spans = again.text, await _leaked(request, again.text)
            if not spans:
                break
    if spans:
        text = redact(text, spans)
        # the suite's spans may not be the text's own (normalised matches): check what is left
        if await _leaked(request, text):
            text = WITHHELD
    return GuardedFeedback(text, leaked, original=first.original or first.text, tokens=tokens)

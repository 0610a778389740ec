"""The leak judge: an LLM asked whether feedback gives the answer away, given the reference.

The paper guarded feedback with string matching plus an LLM judge; here the string guard
(`Suite.leaked`) runs first and the judge is asked only about feedback the strings let pass
(`-T leak_judge=true`). The judge is the Inspect model role `judge`; unbound, it is the model
of the teacher whose feedback it checks (for the `model` teacher the `teacher` role, itself the
student when unbound; for `self`, the student). Programmatic feedback (verifier, binary) is the
suite's own text and is not judged.

A reply must carry a verdict line, `VERDICT: LEAK` or `VERDICT: NO LEAK`. A reply without one
(or with contradicting ones) is asked again with the format, up to `retries` times; if none
parses, the feedback counts as flagged, verdict "unparsable". A solve is credited as clean only
when the guard cleared what the student read, so a judge that fails can lower clean accuracy,
never raise it; the turn record keeps the verdict and a warning is logged.
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass

from inspect_ai.model import (
    CachePolicy,
    ChatMessage,
    ChatMessageAssistant,
    ChatMessageSystem,
    ChatMessageUser,
    Model,
    get_model,
)

from rl2f_eval.teachers import prompts
from rl2f_eval.teachers.base import FeedbackRequest

logger = logging.getLogger(__name__)

LEAK, NO_LEAK, UNPARSABLE = "leak", "no leak", "unparsable"
VERDICTS = (LEAK, NO_LEAK, UNPARSABLE)

# a verdict stands on a line of its own ("VERDICT: NO LEAK", "**Verdict:** leak"), so an echo of
# the instructions ("VERDICT: LEAK or VERDICT: NO LEAK") is not read as a verdict
_VERDICT_LINE = re.compile(r"^\W*verdict\W*(no[\W_]*leak|leak)\W*$", re.IGNORECASE | re.MULTILINE)
_BARE_LINE = re.compile(r"^\W*(no[\W_]*leak|leak)\W*$", re.IGNORECASE | re.MULTILINE)
_REASON = re.compile(r"^\W*reason\W*:\s*(.+)$", re.IGNORECASE | re.MULTILINE)


@dataclass(frozen=True)
class JudgeVerdict:
    verdict: str
    """One of `VERDICTS`: leak, no leak, unparsable (counted as a leak)."""
    reason: str
    tokens: int = 0
    """Output tokens the judge spent, retries included."""

    @property
    def leak(self) -> bool:
        return self.verdict != NO_LEAK


def parse_verdict(reply: str) -> tuple[str, str] | None:
    """(verdict, reason) of a judge's reply; None when it states no verdict, or two different
    ones."""
    found = _VERDICT_LINE.findall(reply) or _BARE_LINE.findall(reply)
    kinds = {LEAK if kind.lower() == "leak" else NO_LEAK for kind in found}
    if len(kinds) != 1:
        return None
    reason = _REASON.search(reply)
    if reason:
        text = reason.group(1).strip()
    else:  # the reply without its verdict line
        text = " ".join(_BARE_LINE.sub("", _VERDICT_LINE.sub("", reply)).split())
    return kinds.pop(), text[:500]


class LeakJudge:
    """Asks the `judge` model role (see the module docstring) about one feedback text."""

    def __init__(self, model: str | Model | None = None, retries: int = 2) -> None:
        self._model, self.retries = model, retries

    def model(self, author: Model) -> Model:
        """The judge: `model` if given (training binds one), else the `judge` role, else the
        model that wrote the feedback (Inspect would otherwise fall back to the student)."""
        return get_model(self._model, role="judge", default=author)

    def messages(self, request: FeedbackRequest, feedback: str) -> list[ChatMessage]:
        return [
            ChatMessageSystem(content=prompts.JUDGE_SYSTEM),
            ChatMessageUser(
                content=prompts.JUDGE_PROMPT.format(
                    problem=request.problem.input,
                    reference=request.suite.reference(request.problem),
                    feedback=feedback,
                )
            ),
        ]

    async def check(
        self,
        request: FeedbackRequest,
        feedback: str,
        author: Model,
        cache: bool | CachePolicy | None = False,
    ) -> JudgeVerdict:
        """Whether `feedback` gives the answer of `request`'s problem away. `author`: the model
        that wrote it (the fallback judge); `cache`: as the teacher's own calls (None: Inspect's
        settings decide)."""
        model, tokens, raw = self.model(author), 0, ""
        messages = self.messages(request, feedback)
        for _ in range(self.retries + 1):
            output = await (
                model.generate(messages) if cache is None else model.generate(messages, cache=cache)
            )
            tokens += output.usage.output_tokens if output.usage else 0
            raw = output.completion.strip()
            parsed = parse_verdict(raw)
            if parsed is not None:
                return JudgeVerdict(*parsed, tokens=tokens)
            messages += [
                ChatMessageAssistant(content=raw),
                ChatMessageUser(content=prompts.JUDGE_REFORMAT),
            ]
        logger.warning(
            "leak judge (%s) gave no verdict in %d replies about %s; the feedback counts as "
            "flagged",
            model,
            self.retries + 1,
            request.problem.id,
        )
        return JudgeVerdict(UNPARSABLE, f"no verdict in the judge's reply: {raw[:300]!r}", tokens)

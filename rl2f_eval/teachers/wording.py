"""A model teacher's text as the student reads it.

Seen in real runs: teachers that echo the prompt's scaffolding ("### Feedback given"), repeat the
verdict the student is already given ("Your answer is incorrect."), talk about the student
instead of to them ("The student's latest attempt ..."), or call a rejected attempt correct.
`tidy` removes what is scaffolding or repetition; `unusable` names what only a rewrite can fix
(the LLM teachers then ask for one); `drop_false_praise` is the last resort when the rewrites
did not help: the verifier, not the teacher, decides what is correct.
"""

from __future__ import annotations

import re

_HEADING = re.compile(r"^\s*#{1,6}\s.*$")
_LABEL = re.compile(  # "Feedback:", "**Critique:**", "**Feedback given**:"
    r"^\s*\**\s*(?:feedback(?: given| on attempt \d+)?|critique|review|note|hint)"
    r"\s*(?::\s*\**|\**\s*:)\s*",
    re.IGNORECASE,
)
_VERDICT = re.compile(
    r"^\s*(?:(?:your|the student's|this) (?:latest |last |final |previous )?"
    r"(?:answer|attempt|solution|response|reply) (?:is|was) (?:incorrect|wrong|not correct)"
    r"|incorrect|wrong)\s*[.!]\s*",
    re.IGNORECASE,
)
_QUOTES = {'"': '"', "\u201c": "\u201d", "'": "'"}
_THIRD_PERSON = re.compile(r"\bthe student(?:'s|s)?\b", re.IGNORECASE)
_PRAISE = re.compile(
    r"\b(?:answer|attempt|solution|response|reply|result)\s+(?:is|was|looks|seems)\s+"
    r"(?:entirely\s+|fully\s+|completely\s+|perfectly\s+|actually\s+|now\s+)?(?:correct|right)\b"
    r"|^\s*(?:correct|well done|great job|good job|perfect)\s*[.!]"  # "Correct!", not "Correct x"
    r"|\byou(?:'ve| have)? got it right\b",
    re.IGNORECASE | re.MULTILINE,
)
_SENTENCE = re.compile(r"(?<=[.!?])(\s+)")  # the spacing is kept: paragraphs stay apart


def tidy(text: str) -> str:
    """Without leading headings, labels ("Feedback:"), wrapping quotes or a restated verdict."""
    lines = text.strip().splitlines()
    while lines and (not lines[0].strip() or _HEADING.match(lines[0])):
        lines.pop(0)
    text = "\n".join(lines).strip()
    previous = None
    while text != previous:
        previous = text
        text = _LABEL.sub("", text, count=1).strip() if _LABEL.match(text) else text
        text = _VERDICT.sub("", text, count=1).strip()
        if len(text) > 1 and _QUOTES.get(text[0]) == text[-1]:
            text = text[1:-1].strip()
        while text.startswith("#") and (cut := text.split("\n", 1)) and _HEADING.match(cut[0]):
            text = cut[1].strip() if len(cut) > 1 else ""
    return text


def unusable(text: str) -> str | None:
    """Why `text` cannot go to the student as it stands (None: it can)."""
    if _THIRD_PERSON.search(text):
        return 'it talks about "the student" instead of to them'
    if _PRAISE.search(text):
        return "it calls the attempt correct, but the checker rejected it"
    return None


def drop_false_praise(text: str) -> str:
    """`text` without the sentences that call the attempt correct."""
    parts = [*_SENTENCE.split(text), ""]  # sentence, spacing, sentence, ..., sentence, ""
    kept = (
        sentence + spacing
        for sentence, spacing in zip(parts[::2], parts[1::2], strict=True)
        if not _PRAISE.search(sentence)
    )
    return "".join(kept).strip()

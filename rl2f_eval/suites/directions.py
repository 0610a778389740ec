"""Moves described in text, for the maze's leak guard: `RRDD`, `R, R, D, D`, `2R 2D`, `R×2`,
"left twice, up twice", "go right three times then down", "two squares to the left", "down to
row 5", "all the way up", "west", and cells visited in order ("(3, 4) -> (3, 6)").

Parsing only: the maze walks the phrases (a phrase can depend on where the walk stands, "down to
row 5"). Counts can bind to the direction before or after them ("up 2 left 3", "up, 2 left"),
so there are two readings; a leak is a leak in either.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from rl2f_eval.suites.leaks import ONES

_LETTER = {"u": "U", "d": "D", "l": "L", "r": "R", "n": "U", "s": "D", "e": "R", "w": "L"}
_VERB = {"climb": "U", "ascend": "U", "descend": "D"}


@dataclass(frozen=True)
class Phrase:
    """One run of moves in one direction (or a run of letters), at `text[start:end]`."""

    moves: str
    """The letters, each repeated `count` times when `count` is set (`RRDD`, `R`)."""
    start: int
    end: int
    count: int = 1
    until: tuple[str, int] | None = None
    """Go on until this row or column (1-based): ("row", 5)."""
    to_wall: bool = False
    """Go on until the next move would hit a wall or leave the grid."""


_COUNT_WORDS = {word: k for k, word in enumerate(ONES) if k} | {
    "once": 1,
    "twice": 2,
    "thrice": 3,
    "a": 1,
    "a single": 1,
    "a couple of": 2,
    "a pair of": 2,
    "double": 2,
    "triple": 3,
}
_NUM = (
    r"(?:\d+|"
    + "|".join(sorted((w for w in _COUNT_WORDS if " " not in w), key=len, reverse=True))
    + r"|a\s+single|a\s+couple\s+of|a\s+pair\s+of)"
)
_UNIT = (
    r"(?:squares?|cells?|steps?|spaces?|moves?|tiles?|units?|blocks?|places?|positions?"
    r"|times?|spots?)\b"
)
_WORD_DIR = r"(?:(?:up|down|left|right|north|south|east|west)(?:wards?|s)?|climb|ascend|descend)"
_LETTERS = r"(?-i:[UDLR]+)"
# words before a direction word that make it something else: "end up", "break it down",
# "the moves left", "that's right"
_NOT_A_MOVE_BEFORE = {
    "up": r"\b(?:end(?:ed|s)?|set(?:s|ting)?|make|made|give|gave|sum|back(?:ed)?|line[ds]?|"
    r"pick(?:ed)?|look(?:ed)?|mess(?:ed)?|mix(?:ed)?|show(?:ed|s)?|warm(?:ed)?|come|comes|came|"
    r"catch|keep|kept|follow(?:ed)?|clean(?:ed)?|speed|double[ds]?|lock(?:ed)?|fill(?:ed)?|"
    r"wake|bring|brought|hold|held|split|add(?:s|ed)?|turn(?:ed|s)?|open(?:ed|s)?|thumbs|"
    r"upside|mixed|it|them|this|that)\s*$",
    "down": r"\b(?:break(?:s|ing)?|broke(?:n)?|slow(?:ed)?|narrow(?:ed)?|write|wrote|written|calm|"
    r"shut|close[ds]?|wind|wound|turn(?:ed|s)?|cut|boils?|count(?:s|ed)?|settle[ds]?|"
    r"upside|it|them|this|that|ups\s+and)\s*$",
    "left": r"\b(?:moves|steps|squares|turns|tries|guesses|nothing|anything|something|"
    r"what(?:'s|\s+is)?|have|has|had|is|are|was|were|you|it|that|which|who|just|only|still|be|been|being|they|we|he|she|"
    r"i)\s*$",
    "right": r"\b(?:that's|thats|is|are|was|were|you're|youre|quite|exactly|all|not|be|seems?|"
    r"looks?|got\s+(?:it|that|this))\s*$",
}
_NOT_RIGHT_AFTER = re.compile(
    r"^\s*(?:answer|idea|track|approach|direction\b(?!s)|choice|thing|one\b|now\b|away\b|"
    r"after\b|before\b|here\b|there\b|side\b|hand|-hand|angle|corner|wing|of\s+the|off\b)",
    re.IGNORECASE,
)
_NEGATED = re.compile(
    r"(?:\bnot|n't|\bnever|\binstead\s+of|\brather\s+than|\bavoid|\bthan|\bno)\s+"
    r"(?:(?:go(?:ing)?|mov(?:e|ing)|head(?:ing)?|turn(?:ing)?|step(?:ping)?|the)\s+)*$",
    re.IGNORECASE,
)
_PRE = (
    rf"(?:(?P<pre>{_NUM})\s*(?:[x×*]\s*)?(?:more\s+)?(?:{_UNIT}\s+)?"
    r"(?:(?:to|towards?)\s+the\s+|going\s+|heading\s+)?)?"
)
_AXIS = (
    r"(?:\s+(?:[\w-]+\s+){0,3}?(?:to|until|till|into|as\s+far\s+as|reaching)\s+"
    r"(?:you\s+(?:reach|hit|get\s+to|are\s+(?:in|at|on))\s+)?(?:the\s+)?"
    r"(?:(?P<axis>row|column|col)\s*(?P<index>\d+)|(?P<goal>goal|G)\b))"
)
_WALL = (
    r"(?:\s+(?:[\w-]+\s+){0,4}?(?:all\s+the\s+way|as\s+far\s+as\s+(?:you\s+can|possible|"
    r"it\s+goes|the\s+\w+\s+goes)|until\s+(?:you\s+(?:hit|reach|can't)|it\s+(?:hits|ends|stops)|"
    r"the\s+(?:corridor|row|column|path)\s+ends|the\s+wall|a\s+wall)|to\s+the\s+(?:far\s+)?"
    r"(?:end|wall|corner|edge)|along\s+the\s+(?:whole|entire|full)\b))"
)
# a count after a direction, unless a direction follows it ("left, two squares up": two is up's)
_NEXT_IS_DIRECTION = (
    rf"(?!\s+(?:more\s+)?(?:{_UNIT}\s+)?(?:(?:to|towards?)\s+the\s+)?{_WORD_DIR}\b)"
)
_POST_WORD = (
    rf"(?:[ \t]*,?[ \t]*(?:for\s+|by\s+)?(?P<post>twice|thrice|once"
    rf"|{_NUM}[ \t]*(?:more\s+)?{_UNIT}{_NEXT_IS_DIRECTION}"
    rf"|(?:{_NUM})(?:\s+more)?{_NEXT_IS_DIRECTION}"
    r"(?=\s*(?:[,.;:)!]|$|\s+(?:then|and|to|before|after|more|again)\b))))"
)
_POST_TIMES = r"(?:\s*\(?\s*[x×*]\s*(?P<times>\d+)\s*\)?)"
_POST_BARE = r"(?:[ \t]*(?P<bare>\d+)\b(?!\s*[,)]?\s*(?:column|col|row)))"
_ARROWS = "←↑→↓⬅⬆➡⬇"
_ARROW_LETTER = dict(zip(_ARROWS, "LURDLURD", strict=True))
_LOWER_RUN = r"(?-i:[udlr]{4,})|(?-i:[udlr](?:[\s,\-]+[udlr]){2,})"


def _pattern(bare_counts: bool) -> re.Pattern[str]:
    post = f"{_AXIS}|{_WALL}|{_POST_WORD}|{_POST_TIMES}" + (f"|{_POST_BARE}" if bare_counts else "")
    return re.compile(
        rf"(?<![\w])(?:(?P<way>all\s+the\s+way\s+(?:to\s+the\s+)?)|{_PRE})"
        rf"(?P<dir>{_WORD_DIR}\b|{_LETTERS}(?=\d|\b)|[{_ARROWS}]+|{_LOWER_RUN}\b)"
        rf"(?:{post})?",
        re.IGNORECASE,
    )


_READINGS = (_pattern(True), _pattern(False))


def _count(text: str | None) -> int | None:
    if text is None:
        return None
    words = re.sub(r"\s+", " ", text.lower()).strip()
    number = re.match(r"\d+", words)
    if number:
        return int(number.group(0))
    for word, k in sorted(_COUNT_WORDS.items(), key=lambda item: -len(item[0])):
        if words.startswith(word):
            return k
    return None


def _letters(word: str) -> str:
    """The moves a direction token stands for: `RRD`, `→→`, `r r d`, `left`, `climb`."""
    if re.fullmatch(_LETTERS, word):
        return word
    if word[0] in _ARROW_LETTER:
        return "".join(_ARROW_LETTER[ch] for ch in word)
    if re.fullmatch(_LOWER_RUN, word):
        return re.sub(r"[^udlr]", "", word).upper()
    return _VERB.get(word.lower()) or _LETTER[word[0].lower()]


def phrases(text: str) -> list[list[Phrase]]:
    """The move phrases of `text` in order, once per reading (see the module docstring)."""
    readings = []
    for pattern in _READINGS:
        found = []
        for m in pattern.finditer(text):
            word, groups = m.group("dir"), m.groupdict()
            letters = _letters(word)
            if re.fullmatch(_WORD_DIR, word, re.IGNORECASE):
                key = word.lower()
                before = text[: m.start("dir")][-24:]
                filtered = _NOT_A_MOVE_BEFORE.get(key)
                if filtered and not m.group("pre") and re.search(filtered, before, re.I):
                    continue
                after = text[m.end("dir") :]
                if key == "right" and not m.group("pre") and _NOT_RIGHT_AFTER.match(after):
                    continue
            if _NEGATED.search(text[: m.start()][-30:]):  # "don't go right"
                continue
            counts = (groups.get(k) for k in ("pre", "post", "times", "bare"))
            count = next((c for c in map(_count, counts) if c is not None), 1)
            until = None
            if m.group("goal"):
                until = ("goal", 0)
            elif m.group("axis"):
                axis = "row" if m.group("axis").lower() == "row" else "column"
                until = (axis, int(m.group("index")))
            to_wall = bool(m.group("way")) or bool(re.match(_WALL, text[m.end("dir") : m.end()]))
            found.append(Phrase(letters, m.start(), m.end(), min(count, 100), until, to_wall))
        found += _implicit(text, found)
        readings.append(_with_repeats(text, sorted(found, key=lambda p: p.start)))
    return readings


_IMPLICIT = re.compile(
    r"\b(?:go|move|head|walk|travel|run|continue|keep\s+going|get|make\s+your\s+way|across"
    r"|over|back|along|then|and)\s+"
    r"(?:(?!row|column|col)[\w-]+\s+){0,4}?(?:to|until|till|as\s+far\s+as)\s+(?:the\s+)?"
    r"(?P<axis>row|column|col)\s*(?P<index>\d+)",
    re.IGNORECASE,
)


def _implicit(text: str, found: list[Phrase]) -> list[Phrase]:
    """ "Go along the top to column 6": a move to a row or column with no direction named (the
    walk takes the one that leads there)."""
    extra = []
    for m in _IMPLICIT.finditer(text):
        if any(p.start < m.end() and m.start() < p.end for p in found):
            continue  # a direction is named: the phrase is already there
        axis = "row" if m.group("axis").lower() == "row" else "column"
        extra.append(Phrase("?", m.start(), m.end(), 1, (axis, int(m.group("index")))))
    return extra


_REPEAT = re.compile(
    r"\b(?:repeat(?:ing)?|do(?:ing)?)\s+(?:that|this|it|those|these|the\s+same)"
    r"(?:\s+(?:pattern|sequence|pair|moves?|steps?))?"
    r"(?:\s+(?P<k>once\s+more|one\s+more\s+time|again|twice|(?:\w+)\s+times))?"
    r"|\b(?:the\s+same\s+(?:again|once\s+more)|same\s+again)\b",
    re.IGNORECASE,
)


_GROUP_TIMES = re.compile(
    r"\)\s*,?\s*(?:(?P<k>twice|thrice|\w+\s+times)|[x×*]\s*(?P<n>\d+))", re.IGNORECASE
)


def _with_repeats(text: str, found: list[Phrase]) -> list[Phrase]:
    """ "Repeat that", "do the same again": the moves of the sentence before (or of this one up to
    the words) once more, as one phrase at the words' place; "(2 left, 2 up) twice": the moves
    in the brackets as often as said."""
    for m in _GROUP_TIMES.finditer(text):
        opening = text.rfind("(", 0, m.start())
        inside = [p for p in found if opening < p.start and p.end <= m.start() + 1]
        if opening < 0 or not inside or any(p.until or p.to_wall for p in inside):
            continue
        times = int(m.group("n")) if m.group("n") else _count(m.group("k")) or 1
        moves = "".join(p.moves * p.count for p in inside)
        kept = [p for p in found if p not in inside]
        found = sorted([*kept, Phrase(moves, opening, m.end(), times)], key=lambda p: p.start)
    for m in _REPEAT.finditer(text):
        times = _count(m.group("k")) if m.group("k") and "time" in m.group("k") else 1
        if m.group("k") and m.group("k").lower() == "twice":
            times = 2
        boundaries = [0] + [b.end() for b in re.finditer(r"[.!?;\n]\s", text[: m.start()])]
        current = [p for p in found if boundaries[-1] <= p.start < m.start()]
        if not current and len(boundaries) > 1:
            current = [p for p in found if boundaries[-2] <= p.start < boundaries[-1]]
        if not current or any(p.until or p.to_wall for p in current):
            continue
        moves = "".join(p.moves * p.count for p in current)
        found = sorted(
            [*found, Phrase(moves, m.start(), m.end(), times or 1)], key=lambda p: p.start
        )
    return found


_CELL = re.compile(
    r"\(\s*(?P<r1>\d+)\s*,\s*(?P<c1>\d+)\s*\)"
    r"|\brow\s*(?P<r2>\d+)\s*,?\s*(?:and\s+)?col(?:umn)?\s*(?P<c2>\d+)"
    r"|\b[rR](?P<r3>\d+)\s*[cC](?P<c3>\d+)\b",
    re.IGNORECASE,
)


def cells(text: str) -> list[tuple[tuple[int, int], int, int]]:
    """Cells named in `text`, in order: ((row, column) 0-based, start, end)."""
    found = []
    for m in _CELL.finditer(text):
        r, c = (int(v) for v in m.groups() if v is not None)
        found.append(((r - 1, c - 1), m.start(), m.end()))
    return found

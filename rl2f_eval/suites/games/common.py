"""What every game shares: the game interface, seeding, the answer line and small text helpers.

A game is a hidden state (a number, a word, a code, a circuit) and a rule that answers each move.
In the didactic loop with `teacher=verifier` each attempt is a move and the verifier's feedback
is what the game says back, so a game is a suite problem whose first attempt cannot know the
answer: only using the feedback wins.
"""

from __future__ import annotations

import random
import re
from abc import ABC, abstractmethod
from collections.abc import Hashable, Sequence
from functools import cache
from typing import Any

from inspect_ai.dataset import Sample

from rl2f_eval.errors import TaskArgError
from rl2f_eval.suites.base import Problem, Verdict

DIFFICULTIES = ("easy", "medium", "hard")


class Game(ABC):
    """One game: its problems (seeded), how a move is written, and the rules that answer it."""

    name: str
    move: str
    """What the student writes after `ANSWER:` (shown in the prompt), e.g. `<number>`."""
    size_meaning: str = ""
    """What `size` sets for this game ("" when it has none)."""
    sizes: range | None = None
    """The `size` values this game accepts (None: `size` does not apply)."""

    def capacity(self, difficulty: str, size: int | None) -> int:
        """An upper bound on how many different problems the game has at these settings
        (checked before generating; `samples` finds the exact limit of small spaces)."""
        return 1_000_000

    @abstractmethod
    def generate(
        self, index: int, seed: int, difficulty: str, size: int | None, attempt: int
    ) -> tuple[str, str, dict[str, Any]]:
        """(statement, reference answer, metadata) of problem `index`, drawn afresh for each
        `attempt` (a draw that repeats an earlier problem is drawn again). Depends on its
        arguments only, never on `n`. Metadata holds plain JSON values (it travels in the
        Inspect log)."""

    def identity(self, statement: str, target: str, metadata: dict[str, Any]) -> Hashable:
        """What makes two problems the same: by default the statement and the hidden answer (a
        game whose answers have many forms, or whose statement is the whole problem, says)."""
        return statement, target

    @abstractmethod
    def check(self, answer: str, problem: Problem) -> Verdict:
        """The game's answer to a move: correct, or what the environment says back."""

    @abstractmethod
    def solution_text(self, problem: Problem) -> str:
        """Privileged material for the model teacher: how to win from here, and the answer."""

    @abstractmethod
    def wrong_answer(self, problem: Problem) -> str:
        """A well-formed move that does not win (oracle mode)."""

    @abstractmethod
    def leaked(self, feedback: str, problem: Problem) -> list[str]:
        """Spans of `feedback` that give the answer away."""

    def samples(self, n: int, seed: int, difficulty: str, size: int | None) -> list[Sample]:
        """`n` different problems (statement and answer). Problem i depends on the problems
        before it only, so a larger `n` extends a smaller one with the same ids."""
        sized = f"-size{size}" if size is not None and self.sizes is not None else ""
        samples: list[Sample] = []
        seen: set[Hashable] = set()
        for i in range(n):
            for attempt in range(REDRAWS):
                statement, target, metadata = self.generate(i, seed, difficulty, size, attempt)
                key = self.identity(statement, target, metadata)
                if key not in seen:
                    break
            else:
                raise TaskArgError(
                    f"n={n} is more than {self.name} has different problems at these settings "
                    f"(found {i}); lower n"
                )
            seen.add(key)
            samples.append(
                Sample(
                    id=f"{self.name}-{difficulty}{sized}-s{seed}-{i}",
                    input=statement,
                    target=target,
                    metadata={"game": self.name, "difficulty": difficulty, **metadata},
                )
            )
        return samples


REDRAWS = 1000  # draws per problem before a small problem space counts as exhausted


def rng(*key: object) -> random.Random:
    """A generator seeded by `key`. String seeds hash deterministically (not by
    PYTHONHASHSEED): the same arguments give the same problems in every process."""
    return random.Random("-".join(str(part) for part in key))


@cache
def shuffled(population: Sequence[Any], *key: object) -> tuple[Any, ...]:
    """`population` in a seeded order: item i of the order does not depend on how many are
    taken, and distinct items stay distinct (problems that must not repeat)."""
    items = list(population)
    rng(*key).shuffle(items)
    return tuple(items)


# --- the answer line -------------------------------------------------------------------------

_MARK = re.compile(r"answer\W{0,3}:", re.IGNORECASE)
_DECORATION = "`*_\"' \t"


def answer_line(completion: str) -> str | None:
    """The move after the last `ANSWER:` marker: the rest of its line, or the next non-blank
    line when the marker ends its line; Markdown emphasis, quotes and a final full stop are
    dropped. None when there is no marker or nothing after it."""
    marks = list(_MARK.finditer(completion))
    if not marks:
        return None
    for line in completion[marks[-1].end() :].splitlines():
        line = line.strip(_DECORATION).removesuffix(".").strip(_DECORATION)
        if line and not line.startswith("```"):
            return line
    return None


# --- text -------------------------------------------------------------------------------------


def plural(k: int, word: str, many: str | None = None) -> str:
    return f"{k} {word if k == 1 else many or word + 's'}"


def ordinal(k: int) -> str:
    suffix = "th" if 10 <= k % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(k % 10, "th")
    return f"{k}{suffix}"


_ORDINALS = ("first", "second", "third", "fourth", "fifth", "sixth", "seventh", "eighth")
_CARDINALS = ("one", "two", "three", "four", "five", "six", "seven", "eight")
_PLACE = r"(?:position|place|slot|spot|letter|digit|peg|colou?r|character)"
# "position 3", "position #3", "position three", "the 3rd letter", "the third place"
_WHERE = (
    rf"(?:{_PLACE}\s*(?:number\s*|#\s*)?(?:\d|{'|'.join(_CARDINALS)})\b"
    rf"|(?:\d(?:st|nd|rd|th)|{'|'.join(_ORDINALS)})\s+{_PLACE})"
)
_LINK = r"\s*(?:is|=|:|should\s+be|must\s+be|will\s+be|holds|has)?\s*(?:an?\s+|the\s+)?"
_NEGATION = re.compile(r"\bnot\b|n't\b|\bwrong\b|\bnever\b|\bno\b|\bexcept\b", re.IGNORECASE)


def _position(where: str) -> int:
    digit = re.search(r"\d", where)
    if digit:
        return int(digit.group(0))
    word = re.search(rf"{'|'.join(_ORDINALS + _CARDINALS)}", where, re.IGNORECASE)
    assert word is not None  # _WHERE only matches with one of them
    name = word.group(0).lower()
    return (_ORDINALS.index(name) if name in _ORDINALS else _CARDINALS.index(name)) + 1


def pinned_positions(text: str, symbols: str) -> dict[int, tuple[str, str]]:
    """Statements of the form "position 3 is A", "the 3rd letter is A", "A goes in position 3"
    or "A is in the third place" in `text`: {position (1-based): (symbol, span)}. `symbols` is
    a regex character class of what may stand in a position (`A-Za-z`, `0-9`). Negated
    statements ("not in position 2", "the third letter isn't A") exclude, they do not pin:
    they are skipped."""
    sym = rf"['\"`*]*(?P<sym>[{symbols}])['\"`*]*(?![\w])"
    patterns = (
        rf"\b(?:the\s+)?(?P<where>{_WHERE}){_LINK}{sym}",  # position 3 is A
        rf"(?<![\w'\"`*]){sym}\s+(?:is\s+|goes\s+|belongs\s+|sits\s+|stays\s+)?"
        rf"(?:correct\s+|right\s+)?(?:in|at)\s+(?:the\s+)?(?P<where>{_WHERE})",  # A in position 3
    )
    found: dict[int, tuple[str, str]] = {}
    for pattern in patterns:
        for match in re.finditer(pattern, text, re.IGNORECASE):
            span = match.group(0)
            # the clause the statement sits in, up to the span: "R is in the word but not in
            # position 2" must not pin R to 2
            clause = re.split(r"[.;,:!?\n]", text[: match.start()])[-1]
            if _NEGATION.search(span) or _NEGATION.search(clause[-24:]):
                continue
            found.setdefault(_position(match.group("where")), (match.group("sym"), span))
    return found

"""Number guessing: a hidden whole number in a range; each wrong guess is "too large" or "too
small". The first guess cannot know the number, so only using the feedback wins, and binary
search is optimal (at most ceil(log2(size + 1)) guesses).

Every problem has its own range (a different start), so that no two problems of one seed share
a statement: training tells problems apart by their text.
"""

from __future__ import annotations

import math
import re
from fractions import Fraction
from typing import Any

from rl2f_eval.suites.base import Problem, Verdict
from rl2f_eval.suites.games.common import Game, rng, shuffled
from rl2f_eval.suites.leaks import expressions, spaced_digits, value_spans

SIZES = {"easy": 8, "medium": 100, "hard": 1000}
STARTS = range(1, 1000)  # the range's first number; one per problem, so n <= 999

# direct and short: SmolLM2-135M answers "Guess the hidden number ..." with a number, but
# "I am thinking of a number ..." with "I'm ready to help. What's your move?"
PROMPT = """Guess the hidden whole number from {low} to {high} (both included). After each \
wrong guess you are told whether it was too large or too small."""

_NUMBER = re.compile(r"[-+]?\d[\d,]*(?:\.\d+)?")


def parse_guess(text: str) -> int | None:
    """'42', '+42', '42.0', '1,024' -> the integer; None for anything else."""
    text = text.strip().rstrip(".!").strip()
    if not re.fullmatch(r"[-+]?(?:\d+|\d{1,3}(?:,\d{3})+)(?:\.0+)?", text):
        return None
    return int(float(text.replace(",", "")))


def last_number(completion: str) -> str | None:
    """The last number written in a reply (the lenient reading for a reply without `ANSWER:`)."""
    numbers = _NUMBER.findall(completion)
    return numbers[-1].rstrip(",") if numbers else None


class NumberGuessing(Game):
    name = "number"
    move = "<number>"
    size_meaning = "how many numbers the range holds"
    sizes = range(2, 1_000_001)

    def capacity(self, difficulty: str, size: int | None) -> int:
        return len(STARTS)

    def generate(
        self, index: int, seed: int, difficulty: str, size: int | None, attempt: int
    ) -> tuple[str, str, dict[str, Any]]:
        count = size or SIZES[difficulty]
        low = shuffled(STARTS, "number-starts", seed)[index]
        high = low + count - 1
        secret = rng("number", difficulty, count, seed, index).randint(low, high)
        return (
            PROMPT.format(low=low, high=high),
            str(secret),
            {"low": low, "high": high},
        )

    def check(self, answer: str, problem: Problem) -> Verdict:
        low, high = problem.metadata["low"], problem.metadata["high"]
        guess, secret = parse_guess(answer), int(problem.target)
        if guess is None:  # "ANSWER: my guess is 42": one number in the line is the guess
            numbers = _NUMBER.findall(answer)
            guess = parse_guess(numbers[0]) if len(numbers) == 1 else None
        if guess is None:
            return Verdict(False, f"Your guess must be one whole number from {low} to {high}.")
        if guess == secret:
            return Verdict(True, f"{guess} is right.", score=1.0)
        direction = "too large" if guess > secret else "too small"
        text = f"Your guess {guess} is {direction}."
        if not low <= guess <= high:
            text += f" The number is from {low} to {high}."
        return Verdict(
            False, text, report=f"{text} The hidden number is {secret}, {abs(guess - secret)} away."
        )

    def solution_text(self, problem: Problem) -> str:
        low, high = problem.metadata["low"], problem.metadata["high"]
        count = high - low + 1
        return (
            f"The hidden number is {problem.target}. The winning strategy is binary search: keep "
            "track of the numbers still possible (every 'too large' removes the guess and all "
            "above it, every 'too small' the guess and all below it) and guess the middle one; "
            f"from {low} to {high} ({count} numbers) it needs at most "
            f"{math.ceil(math.log2(count + 1))} guesses."
        )

    def wrong_answer(self, problem: Problem) -> str:
        secret = int(problem.target)
        return str(secret + 1 if secret < problem.metadata["high"] else secret - 1)

    def leaked(self, feedback: str, problem: Problem) -> list[str]:
        """The number in any notation (digits, words, `1,024`, `6 1 3`), one step of arithmetic
        to it ("one higher than 612", "969 is one too large"), or bounds ("larger than 612 and
        smaller than 614", "612 was too small and 614 too large") that leave it as the only
        number in the range. A range of several numbers ("from 608 to 615", "949 to 954
        remain") is not a leak even when the number is one of its ends; nor is one of the
        game's own ends unless it is stated as the answer."""
        low, high = problem.metadata["low"], problem.metadata["high"]
        secret = int(problem.target)
        text = _RANGE.sub(lambda m: " " * len(m.group(0)) if _spread(m) else m.group(0), feedback)
        spans = value_spans(text, Fraction(secret), common=secret in (low, high))
        spans += [n.span(text) for n in spaced_digits(text) if n.value == secret]
        spans += [e.span for e in expressions(text) if e.value == secret and len(e.operators) == 1]
        spans += pinning_bounds(text, secret, low, high)
        return spans


_RANGE = re.compile(r"\b(?:from\s+)?(\d[\d,]*)\s*(?:to|through|-|–|…|\.\.)\s*(\d[\d,]*)\b")


def _spread(match: re.Match[str]) -> bool:
    """Whether a range holds several numbers ("from 608 to 615"; not "613 to 613", "9-5")."""
    low, high = (int(v.replace(",", "")) for v in match.groups())
    return low < high


# --- bounds that pin the number ----------------------------------------------------------------

_N = r"(-?\d[\d,]*)"
_ABOVE = r"(?:greater|larger|higher|bigger|more|above|over|exceeds?)"
_BELOW = r"(?:less|smaller|lower|below|under|fewer)"
_BOUNDS = (
    # (pattern, kind): kind says how the captured numbers bound the hidden one
    (rf"\b(?:at\s+least|no\s+(?:less|fewer|smaller|lower)\s+than|not\s+below)\s+{_N}", ">="),
    (rf"\b(?:at\s+most|no\s+(?:more|greater|larger|higher)\s+than|not\s+above)\s+{_N}", "<="),
    (rf"\b{_ABOVE}(?:\s+than)?\s+{_N}|>\s*{_N}", ">"),
    (rf"\b{_BELOW}(?:\s+than)?\s+{_N}|<\s*{_N}", "<"),
    (rf"≥\s*{_N}|>=\s*{_N}", ">="),
    (rf"≤\s*{_N}|<=\s*{_N}", "<="),
    (rf"\bbetween\s+{_N}\s+and\s+{_N}", "between"),
    # "612 was too small", "614 too large": the game's own answers, which count only two or more
    # together (one is what the game itself says, and may pin a number at the range's end)
    (
        rf"{_N}\s*[(\[,:-]?\s*(?:is|was|would\s+be|'s)?\s*(?:\w+\s+)?too\s+(?:small|low|little)\b",
        "answer>",
    ),
    (
        rf"{_N}\s*[(\[,:-]?\s*(?:is|was|would\s+be|'s)?\s*(?:\w+\s+)?too\s+(?:large|high|big|much)\b",
        "answer<",
    ),
)


def pinning_bounds(text: str, secret: int, low: int, high: int) -> list[str]:
    """Bound statements whose intersection with the range holds one number, the hidden one."""
    lower, upper, spans = low, high, []
    between: list[tuple[int, int, str]] = []
    answers = sum(
        len(re.findall(p, text, re.IGNORECASE)) for p, kind in _BOUNDS if kind.startswith("answer")
    )
    for pattern, kind in _BOUNDS:
        if kind.startswith("answer"):
            if answers < 2:
                continue
            kind = kind.removeprefix("answer")
        for match in re.finditer(pattern, text, re.IGNORECASE):
            values = [int(v.replace(",", "")) for v in match.groups() if v]
            if kind == "between":
                between.append((min(values), max(values), match.group(0)))
                continue
            value = values[0]
            if kind == ">":
                lower = max(lower, value + 1)
            elif kind == ">=":
                lower = max(lower, value)
            elif kind == "<":
                upper = min(upper, value - 1)
            else:
                upper = min(upper, value)
            spans.append(match.group(0))
    pinned = [span for a, b, span in between if a + 1 == b - 1 == secret or a == b == secret]
    if lower == upper == secret:
        return spans + pinned
    return pinned

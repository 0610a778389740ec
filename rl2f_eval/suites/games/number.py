"""Number guessing: a hidden whole number in a range; each wrong guess is "too large" or "too
small". The first guess cannot know the number, so only using the feedback wins, and binary
search is optimal (at most ceil(log2(size + 1)) guesses).

Every problem has its own range (a different start), so that no two problems of one seed share
a statement: training tells problems apart by their text.
"""

from __future__ import annotations

import math
import re
from typing import Any

from rl2f_eval.suites.base import Problem, Verdict, find_normalised
from rl2f_eval.suites.games.common import Game, rng, shuffled

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
        """The number in digits or in words, or bounds ("larger than 41 and smaller than 43",
        "between 41 and 43") that leave it as the only number in the range. Restating the range
        ("from 37 to 44") is not a leak even when the number is one of its ends."""
        low, high = problem.metadata["low"], problem.metadata["high"]
        secret = int(problem.target)
        text = re.sub(rf"\b{low}\s*(?:to|and|through|-|–|…|\.\.)\s*{high}\b", " ", feedback)
        spans = find_normalised(text, str(secret))
        if secret >= 1000:  # 1,024
            spans += find_normalised(text, f"{secret:,}")
        spans += [span for value, span in spelled_numbers(text) if value == secret]
        spans += pinning_bounds(text, secret, low, high)
        return spans


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
)


def pinning_bounds(text: str, secret: int, low: int, high: int) -> list[str]:
    """Bound statements whose intersection with the range holds one number, the hidden one."""
    lower, upper, spans = low, high, []
    between: list[tuple[int, int, str]] = []
    for pattern, kind in _BOUNDS:
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


# --- numbers in words --------------------------------------------------------------------------

# fmt: off
_ONES = (
    "zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten",
    "eleven", "twelve", "thirteen", "fourteen", "fifteen", "sixteen", "seventeen", "eighteen",
    "nineteen",
)
_TENS = ("twenty", "thirty", "forty", "fifty", "sixty", "seventy", "eighty", "ninety")
# fmt: on
_SCALES = {"thousand": 1000, "million": 10**6}
_TOKEN = re.compile(r"[a-z]+", re.IGNORECASE)


def _follows(previous: str, word: str) -> bool:
    """Whether `word` continues a number that so far ends in `previous` ("forty" "three": yes;
    "seven" "twenty": no, two numbers)."""
    if previous in _TENS:
        return word in _ONES[1:10] or word in _SCALES
    if previous in _ONES:
        return previous != "zero" and (word == "hundred" or word in _SCALES)
    return word in _ONES[1:] or word in _TENS or (previous == "hundred" and word in _SCALES)


def spelled_numbers(text: str) -> list[tuple[int, str]]:
    """Every number written in English words in `text`, with its span: "forty-three",
    "four hundred and twelve", "two thousand and five", "minus seven" (two numbers side by side,
    "seven and twenty-one", stay two)."""
    words = list(_TOKEN.finditer(text))
    found, i = [], 0
    while i < len(words):
        first = words[i].group(0).lower()
        after = words[i + 1].group(0).lower() if i + 1 < len(words) else ""
        if first == "a" and (after == "hundred" or after in _SCALES):  # "a hundred and five"
            first = "one"
        elif first not in _ONES and first not in _TENS:
            i += 1
            continue
        end, previous, j = i, first, i + 1
        while j < len(words):
            gap = text[words[j - 1].end() : words[j].start()]
            word = words[j].group(0).lower()
            if word == "and" and previous in ("hundred", *_SCALES) and j + 1 < len(words):
                gap += text[words[j].end() : words[j + 1].start()]  # "four hundred and twelve"
                j, word = j + 1, words[j + 1].group(0).lower()
            if gap.strip(" -") or not _follows(previous, word):
                break
            end, previous, j = j, word, j + 1
        total = current = 0
        for match in words[i : end + 1]:
            word = match.group(0).lower()
            if word == "a":
                current = 1
            elif word in _ONES:
                current += _ONES.index(word)
            elif word in _TENS:
                current += 20 + 10 * _TENS.index(word)
            elif word == "hundred":
                current *= 100
            elif word in _SCALES:
                total, current = total + current * _SCALES[word], 0
        start = words[i].start()
        sign = re.search(r"\b(minus|negative)\s+$", text[:start], re.IGNORECASE)
        if sign:
            start = sign.start(1)
        found.append(
            (-(total + current) if sign else total + current, text[start : words[end].end()])
        )
        i = end + 1
    return found

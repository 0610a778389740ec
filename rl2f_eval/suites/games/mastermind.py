"""Mastermind: a hidden code of digits (colours); each guess is answered with how many digits are
right and in the right place, and how many more are right but in the wrong place.

Every game opens with one guess already played, so the first move is informed but cannot know
the code.
"""

from __future__ import annotations

import re
from collections import Counter
from functools import cache
from itertools import product
from typing import Any

from rl2f_eval.suites.base import Problem, Verdict
from rl2f_eval.suites.games.common import Game, pinned_positions, plural, rng

# difficulty: (code length, digits 1..colours)
SETTINGS = {"easy": (3, 4), "medium": (4, 6), "hard": (5, 8)}

PROMPT = """Guess the hidden code (Mastermind): {length} digits, each from 1 to {colours}; a \
digit may appear more than once. Each guess is {length} digits from 1 to {colours}. After each \
guess you are told how many of its digits are right and in the right place, and how many more \
are right but in the wrong place.

A first guess was already played:
{opening}"""


def score_guess(guess: str, code: str) -> tuple[int, int]:
    """(right place, right digit in the wrong place): Mastermind's black and white pegs."""
    exact = sum(g == c for g, c in zip(guess, code, strict=True))
    common = sum((Counter(guess) & Counter(code)).values())
    return exact, common - exact


def describe(guess: str, code: str) -> str:
    exact, moved = score_guess(guess, code)
    return (
        f"{guess}: {plural(exact, 'digit')} right and in the right place, "
        f"{moved} more right but in the wrong place"
    )


def parse_code(text: str) -> str | None:
    """'1234', '1 2 3 4', '1-2-3-4', '[1, 2, 3, 4]' -> '1234'; None for anything else."""
    text = text.strip().strip("[]()`*\"'.").strip()
    if not re.fullmatch(r"\d(?:[\s,\-]*\d)*", text):
        return None
    return re.sub(r"\D", "", text)


@cache
def fitting_codes(opening: str, code: str, colours: int) -> int | None:
    """How many codes give the opening guess the answer it got (None when there are too many
    codes to count quickly: the teacher's material is built while the game waits)."""
    if colours ** len(code) > 5000:
        return None
    digits = "".join(str(d) for d in range(1, colours + 1))
    answer = score_guess(opening, code)
    return sum(
        score_guess(opening, "".join(c)) == answer for c in product(digits, repeat=len(code))
    )


class Mastermind(Game):
    name = "mastermind"
    move = "<digits>"
    size_meaning = "code length"
    sizes = range(2, 9)

    def settings(self, difficulty: str, size: int | None) -> tuple[int, int]:
        length, colours = SETTINGS[difficulty]
        return size or length, colours

    def capacity(self, difficulty: str, size: int | None) -> int:
        length, colours = self.settings(difficulty, size)
        return colours**length * (colours**length - 1)  # (code, opening guess) pairs

    def generate(
        self, index: int, seed: int, difficulty: str, size: int | None, attempt: int
    ) -> tuple[str, str, dict[str, Any]]:
        length, colours = self.settings(difficulty, size)
        draw = rng("mastermind", difficulty, length, seed, index, attempt)
        digits = "".join(str(d) for d in range(1, colours + 1))
        code = "".join(draw.choice(digits) for _ in range(length))
        opening = code
        while opening == code:
            opening = "".join(draw.choice(digits) for _ in range(length))
        statement = PROMPT.format(
            length=length, colours=colours, opening=describe(opening, code) + "."
        )
        return statement, code, {"colours": colours, "opening": opening}

    def check(self, answer: str, problem: Problem) -> Verdict:
        code, colours = problem.target, problem.metadata["colours"]
        guess = parse_code(answer)
        form = f"A guess is {len(code)} digits, each from 1 to {colours}"
        if guess is None:
            return Verdict(False, f"{form}, and nothing else.")
        if len(guess) != len(code):
            return Verdict(False, f"{form}; {guess} has {len(guess)}.")
        if any(not 1 <= int(d) <= colours for d in guess):
            return Verdict(False, f"{form}; {guess} uses another digit.")
        if guess == code:
            return Verdict(True, f"{guess} is the code.", score=1.0)
        feedback = describe(guess, code) + "."
        exact, _ = score_guess(guess, code)
        return Verdict(
            False, feedback, report=f"{feedback} The code is {code}.", score=exact / len(code)
        )

    def solution_text(self, problem: Problem) -> str:
        code, colours = problem.target, problem.metadata["colours"]
        fits = fitting_codes(problem.metadata["opening"], code, colours)
        known = (
            f" {fits} of the {colours ** len(code)} possible codes fit the first guess."
            if fits is not None
            else ""
        )
        return (
            f"The hidden code is {code}.{known} A strong strategy: keep only the codes that "
            "would have given every answer so far, and guess one of them (with 4 digits from "
            "1 to 6 this always wins within 5 guesses, Knuth 1977)."
        )

    def wrong_answer(self, problem: Problem) -> str:
        return problem.metadata["opening"]

    def leaked(self, feedback: str, problem: Problem) -> list[str]:
        """The code as digits ("4213", "4 2 1 3", "4-2-1-3") or digit words ("four, two, one,
        three"), or every position stated ("position 1 is 4, ...")."""
        code = problem.target
        spelled = r"[\s,\-]*".join(code)
        spans = [m.group(0) for m in re.finditer(rf"(?<![\d.]){spelled}(?![\d])", feedback)]
        in_words = r"[\s,\-]+(?:and\s+)?".join(_DIGIT_WORDS[int(d)] for d in code)
        spans += [m.group(0) for m in re.finditer(rf"\b{in_words}\b", feedback, re.IGNORECASE)]
        pins = pinned_positions(feedback, "0-9")
        right = {k: span for k, (digit, span) in pins.items() if code[k - 1 : k] == digit}
        if len(right) == len(code):
            spans += list(right.values())
        return spans


_DIGIT_WORDS = ("zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine")

"""Wordle: a hidden five-letter word; each guess is answered letter by letter (correct / present /
absent, Wordle's green / yellow / grey) with the usual rule for repeated letters.

The hidden words are Wordle's 2,315 answers; a guess may be any five-letter word of the offline
dictionary (about 10,000). Easier games open with one or two guesses already played.
"""

from __future__ import annotations

import re
from collections import Counter
from functools import cache
from typing import Any

from rl2f_eval.suites.base import Problem, Verdict
from rl2f_eval.suites.games.common import Game, pinned_positions, rng, shuffled
from rl2f_eval.suites.games.words import wordle_answers, words_of_length

LENGTH = 5
OPENING_GUESSES = {"easy": 2, "medium": 1, "hard": 0}
CORRECT, PRESENT, ABSENT = "correct", "present", "absent"

PROMPT = """Guess the hidden five-letter English word (Wordle). Each guess must be one English \
word of five letters. After each guess, each of its letters is marked "correct" (this letter \
is in the hidden word at this position), "present" (the letter is in the hidden word, at \
another position) or "absent" (the letter is not in the hidden word; if you use a letter more \
times than the hidden word has it, the extra copies are marked absent).{opening}"""


def marks(guess: str, answer: str) -> list[str]:
    """Wordle's marks for `guess` against `answer` (both lower case, same length). Exact
    matches first; then each other letter is present while the answer has unmatched copies of
    it left (leftmost first), else absent."""
    result = [CORRECT if g == a else ABSENT for g, a in zip(guess, answer, strict=True)]
    unmatched = Counter(a for g, a in zip(guess, answer, strict=True) if g != a)
    for i, letter in enumerate(guess):
        if result[i] != CORRECT and unmatched[letter] > 0:
            result[i] = PRESENT
            unmatched[letter] -= 1
    return result


def describe(guess: str, answer: str) -> str:
    """The game's answer to a guess: `CRANE: C absent, R present, A correct, N absent, E absent`.
    (No five-letter word of its own: it is checked against every answer by the leak guard.)"""
    pairs = zip(guess.upper(), marks(guess, answer), strict=True)
    return f"{guess.upper()}: " + ", ".join(f"{letter} {mark}" for letter, mark in pairs)


def parse_word(text: str) -> str | None:
    """One word of letters ('crane', 'CRANE', '"Crane"'); None when the line holds more."""
    word = text.strip().strip("\"'`*.!").strip()
    return word.lower() if word.isalpha() else None


@cache
def fitting_answers(opening: tuple[str, ...], answer: str) -> int:
    """How many answer words would have given the opening guesses the marks they got (cached:
    the teacher's material is built for every feedback)."""
    return sum(
        all(marks(o, word) == marks(o, answer) for o in opening) for word in wordle_answers()
    )


class Wordle(Game):
    name = "wordle"
    move = "<five-letter word>"

    def capacity(self, difficulty: str, size: int | None) -> int:
        return len(wordle_answers())

    def generate(
        self, index: int, seed: int, difficulty: str, size: int | None, attempt: int
    ) -> tuple[str, str, dict[str, Any]]:
        answer = shuffled(wordle_answers(), "wordle", seed)[index]
        others = [word for word in wordle_answers() if word != answer]
        opening = rng("wordle", difficulty, seed, index, attempt).sample(
            others, OPENING_GUESSES[difficulty]
        )
        lines = "".join(f"\n{describe(word, answer)}" for word in opening)
        text = f"\n\nGuesses already played:{lines}" if opening else ""
        return PROMPT.format(opening=text), answer, {"opening": opening}

    def check(self, answer: str, problem: Problem) -> Verdict:
        guess = parse_word(answer)
        if guess is None:
            # the game's messages hold no five-letter word: none can be flagged as the answer
            return Verdict(False, "Only one word may follow ANSWER: (no more text).")
        if len(guess) != LENGTH:
            return Verdict(False, f"{guess.upper()} has {len(guess)} letters, not five.")
        if guess not in words_of_length(LENGTH):
            return Verdict(False, f"{guess.upper()} is not in the game's English word list.")
        if guess == problem.target:
            return Verdict(True, f"{guess.upper()} is the hidden word.", score=1.0)
        verdict = marks(guess, problem.target)
        score = (verdict.count(CORRECT) + 0.5 * verdict.count(PRESENT)) / LENGTH
        feedback = describe(guess, problem.target)
        return Verdict(
            False,
            feedback,
            report=f"{feedback}. The hidden word is {problem.target.upper()}.",
            score=score,
        )

    def solution_text(self, problem: Problem) -> str:
        opening = tuple(problem.metadata["opening"])
        known = (
            f" Of Wordle's {len(wordle_answers())} answer words, "
            f"{fitting_answers(opening, problem.target)} fit the guesses already played."
            if opening
            else ""
        )
        return (
            f"The hidden word is {problem.target.upper()}.{known} A good guess keeps every "
            "correct letter in place, moves every present letter to a new position, avoids "
            "absent letters, and otherwise tries common letters not yet tested."
        )

    def wrong_answer(self, problem: Problem) -> str:
        opening = problem.metadata["opening"]
        if opening:
            return opening[0]
        return next(word for word in wordle_answers() if word != problem.target)

    def leaked(self, feedback: str, problem: Problem) -> list[str]:
        """The word itself (any case), spelled out letter by letter ("C-R-A-N-E", "c r a n e"),
        or all five positions stated ("position 1 is C, ...")."""
        word = problem.target
        spans = [m.group(0) for m in re.finditer(rf"\b{word}\b", feedback, re.IGNORECASE)]
        spelled = r"[\s,\-.'\"/|]*".join(word)
        spans += [
            m.group(0)
            for m in re.finditer(rf"(?<![A-Za-z]){spelled}(?![A-Za-z])", feedback, re.I)
            if m.group(0).lower() != word
        ]
        pins = pinned_positions(feedback, "A-Za-z")
        right = {k: span for k, (letter, span) in pins.items() if word[k - 1 : k] == letter.lower()}
        if len(right) == LENGTH:
            spans += list(right.values())
        return spans

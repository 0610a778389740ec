"""Number guessing: the verifier, a binary-search player, extraction and the leak guard."""

from __future__ import annotations

import math

import pytest

from rl2f_eval.suites.base import Problem
from rl2f_eval.suites.games import GameSuite
from rl2f_eval.suites.games.number import parse_guess, spelled_numbers


def problem(secret: int, low: int = 608, high: int = 615) -> Problem:
    target, metadata = str(secret), {"game": "number", "low": low, "high": high}
    return Problem("hand", "", target, metadata)


@pytest.fixture(scope="module")
def suite() -> GameSuite:
    return GameSuite(games="number", n=40, difficulty="medium", seed=2)


def test_verifier_answers_too_large_and_too_small():
    suite, p = GameSuite(games="number"), problem(613)
    assert suite.verify("613", p).correct
    assert suite.verify("613.0", p).correct
    assert suite.verify("my guess is 613", p).correct  # one number in the answer line
    assert suite.verify("612", p).feedback == "Your guess 612 is too small."
    assert suite.verify("614", p).feedback == "Your guess 614 is too large."
    assert suite.verify("1,000", p).feedback == (
        "Your guess 1000 is too large. The number is from 608 to 615."
    )
    for bad in ("abc", "612 or 613", "612.5", ""):
        verdict = suite.verify(bad, p)
        assert not verdict.correct
        assert verdict.feedback == "Your guess must be one whole number from 608 to 615."
    assert "613" in suite.verify("612", p).report  # privileged detail only
    assert "613" not in suite.verify("612", p).feedback


def test_binary_search_always_wins_within_the_optimal_number_of_guesses(suite):
    for sample in suite.samples():
        p = Problem.from_sample(sample)
        low, high = p.metadata["low"], p.metadata["high"]
        assert high - low + 1 == 100 and low <= int(p.target) <= high
        verdicts = []
        while not (verdicts and verdicts[-1].correct) and len(verdicts) < 10:
            middle = (low + high) // 2
            verdicts.append(verdict := suite.verify(str(middle), p))
            if "too large" in verdict.feedback:
                high = middle - 1
            elif not verdict.correct:
                assert "too small" in verdict.feedback
                low = middle + 1
        assert verdicts[-1].correct, p.id
        assert len(verdicts) <= math.ceil(math.log2(101))  # 7


def test_extraction_reads_the_answer_line_or_else_the_last_number():
    number_only = GameSuite(games="number")
    assert number_only.extract("Halfway is 611.\nANSWER: **611**.") == "611"
    assert number_only.extract("I will guess 611, no, 612") == "612"  # no marker: lenient
    assert number_only.extract("no idea") is None
    assert parse_guess("+42") == 42 and parse_guess("4.2") is None and parse_guess("1,02") is None


def test_samples_are_seeded_with_distinct_ranges():
    first = GameSuite(games="number", n=50, seed=1).samples()
    assert [s.id for s in first[:2]] == ["number-easy-s1-0", "number-easy-s1-1"]
    assert len({s.input for s in first}) == 50  # training tells problems apart by their text
    assert [s.input for s in GameSuite(games="number", n=3, seed=1).samples()] == [
        s.input for s in first[:3]
    ]  # a larger n extends a smaller one
    sized = GameSuite(games="number", n=2, size=3, seed=1).samples()
    assert sized[0].id == "number-easy-size3-s1-0"
    assert sized[0].metadata["high"] - sized[0].metadata["low"] == 2


def test_leak_guard_flags_the_number_in_the_forms_a_teacher_writes():
    suite, p = GameSuite(games="number"), problem(613)
    leaks = (
        "The number is 613.",
        "Try six hundred and thirteen next.",
        "It is Six-Hundred Thirteen!",
        "It is between 612 and 614.",
        "It is greater than 612 and less than 614.",
        "It is at least 613 and at most 613.",
        "It is > 612 and < 614.",
    )
    for text in leaks:
        assert suite.leaked(text, p), text
    safe = (
        "It is greater than 612.",  # 613, 614 and 615 remain
        "Between 611 and 614 is where to look.",
        "The number is from 608 to 615: halve the range each time.",
        "six hundred and twelve was too small; six thousand one hundred thirty is far off",
        "Your guess 6130 is much too large.",
    )
    for text in safe:
        assert suite.leaked(text, p) == [], text
    # the range's own ends may be the number: restating the range gives nothing away
    assert suite.leaked("The number is from 608 to 615.", problem(608)) == []
    assert spelled_numbers("minus seven and twenty-one") == [
        (-7, "minus seven"),
        (21, "twenty-one"),
    ]


def test_verifier_feedback_never_trips_the_leak_guard(suite):
    for sample in suite.samples()[:10]:
        p = Problem.from_sample(sample)
        low, high = p.metadata["low"], p.metadata["high"]
        for guess in range(low - 3, high + 4):
            verdict = suite.verify(str(guess), p)
            if not verdict.correct:
                assert suite.leaked(verdict.feedback, p) == [], (p.id, verdict.feedback)
    assert suite.leaked(suite.verify("x", problem(608)).feedback, problem(608)) == []

"""Wordle and word chain: verifiers against hand-worked answers, the word lists, extraction and
the leak guard (the game's own feedback never trips it; a teacher stating the answer does)."""

from __future__ import annotations

import random
import re

import pytest

from rl2f_eval.suites.base import Problem
from rl2f_eval.suites.games import GameSuite
from rl2f_eval.suites.games.chain import WordChain, parse_chain
from rl2f_eval.suites.games.wordle import ABSENT, CORRECT, PRESENT, Wordle, describe, marks
from rl2f_eval.suites.games.words import dictionary, wordle_answers, words_of_length

C, P, A = CORRECT, PRESENT, ABSENT


def wordle_problem(answer: str, opening: list[str] | None = None) -> Problem:
    return Problem("hand", "", answer, {"game": "wordle", "opening": opening or []})


@pytest.mark.parametrize(
    "guess, answer, expected",
    [
        ("crane", "crane", [C, C, C, C, C]),
        ("babes", "abbey", [P, P, C, C, A]),  # the B in place is matched first
        ("speed", "abide", [A, A, P, A, P]),  # one E in the answer: the second E is absent
        ("eerie", "there", [P, A, P, A, C]),  # the E in place counts before the early Es
        ("llama", "hello", [P, P, A, A, A]),  # two Ls in both, both elsewhere
        ("lolly", "hello", [A, P, C, C, A]),  # three Ls, two in the answer, both matched in place
        ("geese", "crepe", [A, A, C, A, C]),  # Es in place use up the answer's two Es
        ("sassy", "gases", [P, C, C, A, A]),  # three Ss guessed, two in the answer
    ],
)
def test_wordle_marks_follow_the_repeated_letter_rule(guess, answer, expected):
    assert marks(guess, answer) == expected


def test_wordle_verifier_accepts_every_answer_and_answers_guesses():
    game = Wordle()
    for word in wordle_answers():
        assert game.check(word, wordle_problem(word)).correct, word
    p = wordle_problem("abide")
    assert game.check("Abide", p).correct and game.check('"ABIDE"', p).correct
    verdict = game.check("speed", p)
    assert not verdict.correct and 0 < verdict.score < 1
    assert verdict.feedback == "SPEED: S absent, P absent, E present, E absent, D present"
    assert "ABIDE" in verdict.report and "ABIDE" not in verdict.feedback
    assert game.check("xyzzy", p).feedback == "XYZZY is not in the game's English word list."
    assert game.check("cat", p).feedback == "CAT has 3 letters, not five."
    assert game.check("my guess", p).feedback == "Only one word may follow ANSWER: (no more text)."


def test_word_lists_are_offline_and_sane():
    answers = wordle_answers()
    assert len(answers) == 2315 and len(set(answers)) == 2315
    assert set(answers) <= words_of_length(5)
    assert 9000 < len(words_of_length(5)) < 12000
    assert {"using", "fewer", "other", "apple", "tiger"} <= dictionary()
    assert "Abe" not in dictionary() and "abe" not in dictionary()  # proper nouns left out


def test_wordle_openings_are_played_and_hard_has_none():
    easy = GameSuite(games="wordle", n=5, difficulty="easy", seed=1).samples()
    for sample in easy:
        opening = sample.metadata["opening"]
        assert len(opening) == 2 and sample.target not in opening
        for word in opening:
            assert describe(word, sample.target) in str(sample.input)
    hard = GameSuite(games="wordle", n=5, difficulty="hard", seed=1).samples()
    assert all(s.metadata["opening"] == [] for s in hard)
    assert len({s.target for s in GameSuite(games="wordle", n=300).samples()}) == 300


def test_wordle_leak_guard():
    game, p = Wordle(), wordle_problem("crane")
    leaks = (
        "The word is CRANE.",
        "Try crane.",
        "It is spelled C-R-A-N-E.",
        "Letters in order: c r a n e",
        "Position 1 is C, position 2 is R, position 3 is A, position 4 is N, position 5 is E.",
        "The first letter is C, the second letter is R, the third letter is A, the fourth "
        "letter is N and the fifth letter is E.",
        "C goes in position 1, R in position 2, A in position 3, N in position 4, E in position 5",
    )
    for text in leaks:
        assert game.leaked(text, p), text
    safe = (
        "Keep A in position 3 and N in position 4; R is in the word but not in position 2.",
        "Position 1 is C, position 2 is R, position 3 is A, position 4 is N.",  # four of five
        "Position 1 is not C, position 2 is R, position 3 is A, position 4 is N, position 5 is E.",
        "The word uses the letters A, C, E, N and R.",  # a strong hint, not the word
        "Cranes are birds.",
    )
    for text in safe:
        assert game.leaked(text, p) == [], text


def test_wordle_feedback_never_trips_the_leak_guard_for_any_answer():
    game, draw = Wordle(), random.Random(0)
    guesses = sorted(words_of_length(5))
    for answer in wordle_answers():
        p = wordle_problem(answer)
        verdict = game.check(draw.choice(guesses), p)
        if not verdict.correct:
            assert game.leaked(verdict.feedback, p) == [], (answer, verdict.feedback)
    # the messages for moves that are not guesses hold no five-letter word at all
    for move in ("xyzzy", "cat", "two words", "abcdefgh"):
        feedback = game.check(move, wordle_problem("crane")).feedback
        words = {w.lower() for w in re.findall(r"[A-Za-z]+", feedback)} - {move}
        assert not words & set(wordle_answers()), feedback


# --- word chain ---------------------------------------------------------------------------------


def chain_problem(start: str = "apple", end: str = "t", count: int = 3) -> Problem:
    metadata = {"game": "word_chain", "start": start, "end": end, "count": count}
    return Problem("hand", "", "eagle, elbow, wheat", metadata)


def test_word_chain_accepts_any_chain_that_keeps_the_rules():
    game, p = WordChain(), chain_problem()
    for chain in (
        "eagle, elbow, wheat",
        "EAGLE -> ELBOW -> WHEAT",
        "eagle elbow wheat",
        "apple, eagle, elbow, wheat",  # the start word written again
        "east, tiger, robot",  # not the reference
        "exit, tent, trout",
    ):
        assert game.check(chain, p).correct, chain


@pytest.mark.parametrize(
    "chain, feedback",
    [
        ("eagle, elbow", "Your chain has 2 new words; it needs 3. "
         "The last word does not end with T."),
        ("eagle, eagle, elbow", "Word 2 repeats word 1. The last word does not end with T."),
        ("apple, elbow, wheat", "Word 1 does not begin with E, the last letter of APPLE. "
         "Word 1 repeats APPLE."),
        ("eagle, elbo, oust", "Word 2 is not in the game's English word list."),
        ("eagle, eat, tart", "Word 2 has fewer than 4 letters."),
        ("eagle, wheat, tart", "Word 2 does not begin with E, the last letter of word 1."),
        ("zz, yy, xx, ww", "Your chain has 4 new words; it needs 3. Word 1 has fewer than 4 "
         "letters. Word 1 does not begin with E, the last letter of APPLE. (7 more broken "
         "rules not listed.)"),
    ],
)  # fmt: skip
def test_word_chain_names_the_broken_rules(chain, feedback):
    verdict = WordChain().check(chain, chain_problem())
    assert not verdict.correct
    assert verdict.feedback == feedback
    assert "eagle, elbow, wheat" in verdict.report  # privileged: one valid chain
    assert "EAGLE" not in verdict.feedback  # the student's words are named by place


def test_word_chain_partial_credit_and_format():
    game, p = WordChain(), chain_problem()
    assert game.check("eagle, elbow, wheats", p).score == pytest.approx(2 / 3)
    assert game.check("eagle, elbow", p).score == pytest.approx(1 / 3)
    verdict = game.check("eagle: elbow! wheat?", p)
    assert verdict.feedback == "Write only the new words, separated by commas."


def test_word_chain_references_keep_the_rules():
    suite = GameSuite(games="word_chain", n=30, difficulty="hard", seed=3)
    for sample in suite.samples():
        p = Problem.from_sample(sample)
        words = parse_chain(p.target)
        assert words and len(words) == 6 and all(w in wordle_answers() for w in words)
        assert suite.verify(p.target, p).correct, p.id
    assert parse_chain("one, two; three") == ["one", "two", "three"]


def test_word_chain_leak_guard():
    game, p = WordChain(), chain_problem()
    for text in (
        "A chain that works: eagle, elbow, wheat.",
        "Try east, then tiger, and finally robot.",
        "1. exit\n2. tent\n3. trout",
    ):
        assert game.leaked(text, p), text
    for text in (
        "Try a word starting with E, then one starting with its last letter.",
        "eagle and elbow work; now find a W word ending in T.",  # two of three
        "east, tiger, robots",  # not a valid chain
    ):
        assert game.leaked(text, p) == [], text
    one = chain_problem(start="sheet", end="e", count=1)  # "twice" would be a valid chain
    assert game.leaked("tribe", one) == ["tribe"]
    # the game quotes no word of the student's, so its answer to a chain holding a valid
    # one-word chain does not give it away
    assert game.leaked(game.check("trite, trite", one).feedback, one) == []
    assert game.leaked(game.check("twice", one).feedback, one) == []


def test_word_chain_feedback_never_trips_the_leak_guard():
    """Random chains (real words, broken links, repeats, non-words, one to six words) against
    generated problems, one-word chains included (where one feedback word could be a chain)."""
    draw = random.Random(1)
    pool = [*sorted(wordle_answers()), "zzzz", "eat", "twice", "letter", "tent"]
    for size in (1, 2, 4):
        suite = GameSuite(games="word_chain", n=40, size=size, seed=2)
        for sample in suite.samples():
            p = Problem.from_sample(sample)
            for _ in range(5):
                chain = ", ".join(draw.choice(pool) for _ in range(draw.randint(1, 6)))
                verdict = suite.verify(chain, p)
                if not verdict.correct:
                    assert suite.leaked(verdict.feedback, p) == [], (p.id, chain, verdict)

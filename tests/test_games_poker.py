"""Poker hands: the ranking against hand-worked hands, the verifier and the leak guard."""

from __future__ import annotations

import random

import pytest

from rl2f_eval.suites.base import Problem
from rl2f_eval.suites.games import GameSuite
from rl2f_eval.suites.games.poker import EXAMPLE, PokerHand, describe, find_cards, value


def hand(text: str) -> list[str]:
    return [card for card, _ in find_cards(text)]


@pytest.mark.parametrize(
    "stronger, weaker",
    [
        ("A♠ K♠ Q♠ J♠ 10♠", "9♥ 9♣ 9♦ 9♠ A♣"),  # straight flush over four of a kind
        ("5♦ 4♦ 3♦ 2♦ A♦", "K♣ K♦ K♥ Q♣ Q♦"),  # the wheel, suited, over a full house
        ("3♣ 3♦ 3♥ 2♣ 2♦", "A♣ K♣ 9♣ 7♣ 2♣"),  # full house over flush
        ("A♣ K♣ 9♣ 7♣ 2♣", "A♦ K♠ Q♥ J♣ 10♦"),  # flush over straight
        ("6♦ 5♠ 4♥ 3♣ 2♦", "A♦ 4♠ 3♥ 2♣ 5♦"),  # six-high straight over the wheel
        ("A♦ 4♠ 3♥ 2♣ 5♦", "A♠ A♥ A♦ K♣ Q♦"),  # any straight over three of a kind
        ("J♣ J♦ 9♣ 9♥ 3♠", "J♠ J♥ 8♣ 8♥ A♠"),  # two pair: the second pair before the kicker
        ("J♣ J♦ 9♣ 9♥ 4♠", "J♠ J♥ 9♠ 9♦ 3♠"),  # two pair: then the kicker
        ("2♣ 2♦ 2♥ 3♣ 3♦", "A♣ A♦ K♥ K♣ Q♦"),  # the lowest full house over the best two pair
        ("A♣ Q♦ 9♥ 7♣ 5♦", "A♦ Q♣ 9♠ 7♦ 4♥"),  # high card, down to the fifth card
    ],
)
def test_hands_rank_as_in_poker(stronger, weaker):
    assert value(hand(stronger)) > value(hand(weaker))


def test_equal_hands_tie_and_are_described():
    assert value(hand("A♠ K♠ Q♦ J♠ 10♠")) == value(hand("A♥ K♥ Q♣ J♥ 10♥"))
    assert describe(hand("A♦ 4♠ 3♥ 2♣ 5♦")) == "a straight to the five"
    assert describe(hand("6♣ 6♦ 6♥ K♣ K♦")) == "a full house, sixes over kings"
    assert describe(hand("J♣ J♦ 9♣ 9♥ 3♠")) == "two pair, jacks and nines"
    assert hand("As, 10h; T♦ q♣") == ["As", "Th", "Td", "Qc"]


def test_verifier_accepts_every_best_five_and_answers_others():
    game = PokerHand()
    cards = "A♠ A♥ K♠ K♥ 7♦ 7♣ 2♠"  # two pair aces and kings; either seven is the kicker
    p = Problem("hand", "", "A♠ A♥ K♠ K♥ 7♦", {"game": "poker", "cards": hand(cards)})
    assert game.check("A♠ A♥ K♠ K♥ 7♦", p).correct
    assert game.check("7♣, K♥, A♥, K♠ and A♠", p).correct  # the other seven, any order
    verdict = game.check("A♠ A♥ 7♦ 7♣ K♠", p)
    assert verdict.feedback == (
        "Your five make two pair, aces and sevens. A better two pair can be made from your cards."
    )
    assert 0 < verdict.score < 1 and "A♠ A♥ K♠ K♥ 7♦" in verdict.report
    verdict = game.check("A♠ K♠ 7♦ 2♠ 7♣", p)
    assert verdict.feedback.endswith("A stronger kind of hand can be made from your cards.")
    assert game.check("A♠ A♥ K♠ K♥ Q♦", p).feedback == "Q♦ is not among your cards."
    assert game.check("A♠ A♥ K♠ K♥", p).feedback == "You chose 4 cards; a poker hand is five."
    assert game.check("A♠ A♠ K♠ K♥ 7♦", p).feedback == "You chose the same card twice."
    assert game.check("the two aces", p).feedback.startswith("Write only your five cards")


def test_leak_guard_and_the_games_own_answers():
    game = PokerHand()
    cards = "A♠ A♥ K♠ K♥ 7♦ 7♣ 2♠"
    p = Problem("hand", "", "A♠ A♥ K♠ K♥ 7♦", {"game": "poker", "cards": hand(cards)})
    assert game.leaked("Play A♠, A♥, K♠, K♥ and 7♣.", p)
    assert game.leaked("Try As Ah Ks Kh 7d", p)
    assert game.leaked("Keep your aces and kings; add a seven.", p) == []  # a hint in words
    assert game.leaked("A♠ A♥ K♠ K♥ 2♠ is not it", p) == []  # five cards, not the best
    draw = random.Random(3)
    for sample in GameSuite(games="poker", n=40, difficulty="hard", seed=1).samples():
        q = Problem.from_sample(sample)
        dealt = q.metadata["cards"]
        assert EXAMPLE not in sample.input or not game.check(EXAMPLE, q).correct
        assert game.check(q.target, q).correct
        for _ in range(5):
            five = " ".join(draw.sample([c[0] + c[1] for c in dealt], 5))
            verdict = game.check(five, q)
            if not verdict.correct:
                assert game.leaked(verdict.feedback, q) == [], (q.target, verdict.feedback)

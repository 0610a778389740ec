"""Poker hands: from the cards dealt, choose the five that make the best poker hand. The game
answers a choice with the hand it makes and whether a better one can be made.

Unlike the other games the first move can know the answer (every card is visible); the
feedback tells a player which part of the ranking it misread.
"""

from __future__ import annotations

import re
from bisect import bisect_left
from collections import Counter
from collections.abc import Hashable
from functools import lru_cache
from itertools import combinations
from typing import Any

from rl2f_eval.suites.base import Problem, Verdict
from rl2f_eval.suites.games.common import Game, rng

CARDS_DEALT = {"easy": 6, "medium": 7, "hard": 9}
RANKS = "23456789TJQKA"
SUITS = {"s": "♠", "h": "♥", "d": "♦", "c": "♣"}
RANK_NAMES = ("two", "three", "four", "five", "six", "seven", "eight", "nine", "ten", "jack",
              "queen", "king", "ace")  # fmt: skip
KINDS = ("high card", "pair", "two pair", "three of a kind", "straight", "flush", "full house",
         "four of a kind", "straight flush")  # fmt: skip

EXAMPLE = "A♠ K♥ 10♦ 10♣ 2♠"
PROMPT = """Choose the best poker hand. Your {count} cards: {cards}. Pick the five that make \
the strongest hand, ranked from best to worst: straight flush, four of a kind, full house, \
flush, straight, three of a kind, two pair, pair, high card (an ace plays high or low in a \
straight; between hands of the same kind the higher cards win). Write your five cards as \
they are shown, for example `{example}`. After each choice you are told what hand your five \
make and whether a better one can be made from your cards."""

Card = str  # "As", "Td": rank letter then suit letter
_CARD = re.compile(r"(?<![\w])(10|[2-9TJQKA])\s*([shdc♠♥♦♣])(?![\w])", re.IGNORECASE)
_SUIT_LETTER = {**{s: s for s in SUITS}, **{symbol: letter for letter, symbol in SUITS.items()}}


def show(card: Card) -> str:
    rank = "10" if card[0] == "T" else card[0]
    return f"{rank}{SUITS[card[1]]}"


def find_cards(text: str) -> list[tuple[Card, str]]:
    """Every card written in `text` ("A♠", "As", "10h", "T♥"), with its span, in order."""
    found = []
    for match in _CARD.finditer(text):
        rank = match.group(1).upper()
        rank = "T" if rank == "10" else rank
        found.append((rank + _SUIT_LETTER[match.group(2).lower()], match.group(0)))
    return found


def value(hand: tuple[Card, ...] | list[Card]) -> tuple[int, ...]:
    """A five-card hand's strength: (kind, tie-breaking ranks...), higher is better."""
    ranks = sorted((RANKS.index(c[0]) for c in hand), reverse=True)
    counts = Counter(ranks)
    flush = len({c[1] for c in hand}) == 1
    if len(counts) == 5:  # five ranks: a straight, a flush, both or high card
        high = ranks[0] if ranks[0] - ranks[4] == 4 else 3 if ranks == [12, 3, 2, 1, 0] else None
        if high is not None:  # (A-2-3-4-5: the ace plays low, the five is high)
            return (8 if flush else 4, high)
        return (5 if flush else 0, *ranks)
    # ranks by (count, rank): a full house compares its three of a kind first
    ordered = sorted(counts, key=lambda r: (counts[r], r), reverse=True)
    shape = tuple(sorted(counts.values(), reverse=True))
    kind = {(4, 1): 7, (3, 2): 6, (3, 1, 1): 3, (2, 2, 1): 2, (2, 1, 1, 1): 1}[shape]
    return (kind, *ordered)


def describe(hand: tuple[Card, ...] | list[Card]) -> str:
    """In words: "two pair, kings and fives", "a flush, ace high", "a straight to the nine"."""
    strength = value(hand)
    kind, top = KINDS[strength[0]], RANK_NAMES[strength[1]]
    second = RANK_NAMES[strength[2]] if len(strength) > 2 else ""
    plural = {"six": "sixes"}.get(top, top + "s")
    plural_second = {"six": "sixes"}.get(second, second + "s")
    return {
        "high card": f"high card, {top}",
        "pair": f"a pair of {plural}",
        "two pair": f"two pair, {plural} and {plural_second}",
        "three of a kind": f"three of a kind, {plural}",
        "straight": f"a straight to the {top}",
        "flush": f"a flush, {top} high",
        "full house": f"a full house, {plural} over {plural_second}",
        "four of a kind": f"four of a kind, {plural}",
        "straight flush": f"a straight flush to the {top}",
    }[kind]


@lru_cache(maxsize=4096)  # bounded: one entry per deal
def strengths(cards: tuple[Card, ...]) -> list[tuple[int, ...]]:
    """The value of every choice of five from `cards`, weakest first (cached per deal: the
    checks run inline, and a deal of 10 cards has 252 choices)."""
    return sorted(value(five) for five in combinations(cards, 5))


def best(cards: list[Card]) -> tuple[int, ...]:
    return strengths(tuple(cards))[-1]


class PokerHand(Game):
    name = "poker"
    move = "<five cards>"
    size_meaning = "cards dealt"
    sizes = range(6, 11)

    def generate(
        self, index: int, seed: int, difficulty: str, size: int | None, attempt: int
    ) -> tuple[str, str, dict[str, Any]]:
        count = size or CARDS_DEALT[difficulty]
        deck = [rank + suit for rank in RANKS for suit in SUITS]
        draw = rng("poker", difficulty, count, seed, index, attempt)
        cards = draw.sample(deck, count)
        while strengths(tuple(cards))[0] == best(cards):  # every choice ties: nothing to find
            cards = draw.sample(deck, count)
        top = max(combinations(cards, 5), key=value)
        shown = " ".join(show(c) for c in cards)
        example = EXAMPLE  # copying the example never wins
        example_cards = [c for c, _ in find_cards(EXAMPLE)]
        if set(example_cards) <= set(cards) and value(example_cards) == best(cards):
            example = self.wrong_answer(Problem(index, "", "", {"cards": cards}))
        statement = PROMPT.format(count=count, cards=shown, example=example)
        return statement, " ".join(show(c) for c in top), {"cards": cards}

    def identity(self, statement: str, target: str, metadata: dict[str, Any]) -> Hashable:
        return frozenset(metadata["cards"])  # the same cards dealt in another order

    def check(self, answer: str, problem: Problem) -> Verdict:
        cards = problem.metadata["cards"]
        chosen = [card for card, _ in find_cards(answer)]
        separators = re.fullmatch(r"(?:[\s,;.&+]|\band\b)*", _CARD.sub(" ", answer), re.I)
        if not chosen or separators is None:
            return Verdict(False, f"Write only your five cards, for example {EXAMPLE}.")
        if len(chosen) != 5:
            return Verdict(False, f"You chose {len(chosen)} cards; a poker hand is five.")
        missing = [show(c) for c in chosen if c not in cards]
        if missing:
            return Verdict(False, f"{', '.join(missing)} is not among your cards.")
        if len(set(chosen)) != 5:
            return Verdict(False, "You chose the same card twice.")
        mine, top = value(chosen), best(cards)
        if mine == top:
            return Verdict(True, f"Your five make {describe(chosen)}, the best hand.", score=1.0)
        better = (
            "A stronger kind of hand can be made from your cards."
            if top[0] > mine[0]
            else f"A better {KINDS[mine[0]]} can be made from your cards."
        )
        feedback = f"Your five make {describe(chosen)}. {better}"
        # partial credit: the share of the possible choices of five that make a weaker hand
        choices = strengths(tuple(cards))
        return Verdict(
            False,
            feedback,
            report=f"{feedback} The best hand is {problem.target}.",
            score=bisect_left(choices, mine) / len(choices),
        )

    def solution_text(self, problem: Problem) -> str:
        cards = problem.metadata["cards"]
        top = [c for c, _ in find_cards(problem.target)]
        return (
            f"The best five are {problem.target}: {describe(top)}. Check the kinds from the "
            f"top of the ranking down: the first kind the {len(cards)} cards can make is the "
            "answer, and within it the highest cards."
        )

    def wrong_answer(self, problem: Problem) -> str:
        cards = problem.metadata["cards"]
        top = best(cards)
        weaker = next(five for five in combinations(cards, 5) if value(five) < top)
        return " ".join(show(c) for c in weaker)

    def leaked(self, feedback: str, problem: Problem) -> list[str]:
        """Five of the dealt cards, written one after another, that make the best hand."""
        cards, top = problem.metadata["cards"], None
        found = [(card, span) for card, span in find_cards(feedback) if card in cards]
        spans = []
        for i in range(len(found) - 4):
            five = [card for card, _ in found[i : i + 5]]
            if len(set(five)) == 5:
                top = top or best(cards)
                if value(five) == top:
                    spans.extend(span for _, span in found[i : i + 5])
        return spans

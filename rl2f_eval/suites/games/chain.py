"""Word chaining: from a given word, a chain of English words in which each begins with the last
letter of the one before, ending on a given letter. Any chain that keeps the rules wins; the
game names the rules a chain breaks.
"""

from __future__ import annotations

import re
from collections.abc import Hashable
from typing import Any

from rl2f_eval.suites.base import Problem, Verdict
from rl2f_eval.suites.games.common import Game, plural, rng
from rl2f_eval.suites.games.words import dictionary, wordle_answers

LENGTHS = {"easy": 2, "medium": 4, "hard": 6}  # words to add
MIN_LETTERS = 4

PROMPT = """Write a word chain that starts from the word {start}: add {count} more English \
{words}, each beginning with the last letter of the word before it (so the first begins with \
{first}), the last ending with the letter {end}. Every word must have at least {minimum} \
letters, be a real English word, and appear only once ({start} counts as used). Write the \
{count} new {words} in order, separated by commas. If your chain breaks a rule, you are told \
which."""


def parse_chain(text: str) -> list[str] | None:
    """'eagle, elbow, wheat', 'eagle -> elbow -> wheat', 'Eagle Elbow Wheat' -> the words (lower
    case); None when anything but words and separators is there."""
    parts = [p for p in re.split(r"[\s,;>→\-–—|/]+", text.strip().strip(".")) if p]
    if not parts or not all(part.isalpha() for part in parts):
        return None
    return [part.lower() for part in parts]


def common_words() -> list[str]:
    """The words the reference chains are built from: Wordle's answers (common English)."""
    return list(wordle_answers())


def random_chain(draw: Any, count: int) -> list[str]:
    """A start word and `count` linked common words (a random walk; restarts at dead ends)."""
    words = common_words()
    by_first: dict[str, list[str]] = {}
    for word in words:
        by_first.setdefault(word[0], []).append(word)
    while True:
        chain = [draw.choice(words)]
        while len(chain) <= count:
            options = [w for w in by_first.get(chain[-1][-1], []) if w not in chain]
            if not options:
                break
            chain.append(draw.choice(options))
        if len(chain) == count + 1:
            return chain


class WordChain(Game):
    name = "word_chain"
    move = "<word>, <word>, ..."
    size_meaning = "words to add"
    sizes = range(1, 11)

    def generate(
        self, index: int, seed: int, difficulty: str, size: int | None, attempt: int
    ) -> tuple[str, str, dict[str, Any]]:
        count = size or LENGTHS[difficulty]
        chain = random_chain(rng("word_chain", difficulty, count, seed, index, attempt), count)
        start, end = chain[0], chain[-1][-1]
        statement = PROMPT.format(
            start=start.upper(),
            count=count,
            words="word" if count == 1 else "words",
            first=start[-1].upper(),
            end=end.upper(),
            minimum=MIN_LETTERS,
        )
        return statement, ", ".join(chain[1:]), {"start": start, "end": end, "count": count}

    def identity(self, statement: str, target: str, metadata: dict[str, Any]) -> Hashable:
        return statement  # any chain that keeps the rules wins: the statement is the problem

    def broken_rules(self, words: list[str], problem: Problem) -> list[tuple[int, str]]:
        """Every broken rule in chain order, as (place of the word that breaks it, 0 for the
        chain's length; message). Words are named by their place, never quoted: a quoted word
        of the student's could itself be a valid chain, and the game's own answer must never
        read as giving one away."""
        start, end, count = (problem.metadata[k] for k in ("start", "end", "count"))
        issues = []
        if len(words) != count:
            issues.append(
                (0, f"Your chain has {plural(len(words), 'new word')}; it needs {count}.")
            )
        names = [start.upper(), *(f"word {i}" for i in range(1, len(words) + 1))]
        chain = [start, *words]
        for i in range(1, len(chain)):
            word, previous, name = chain[i], chain[i - 1], names[i].capitalize()
            if len(word) < MIN_LETTERS:
                issues.append((i, f"{name} has fewer than {MIN_LETTERS} letters."))
            elif word not in dictionary():
                issues.append((i, f"{name} is not in the game's English word list."))
            if word[0] != previous[-1]:
                last = previous[-1].upper()
                issues.append(
                    (i, f"{name} does not begin with {last}, the last letter of {names[i - 1]}.")
                )
            if word in chain[:i]:
                issues.append((i, f"{name} repeats {names[chain.index(word)]}."))
        if words and words[-1][-1] != end:
            issues.append((len(words), f"The last word does not end with {end.upper()}."))
        return issues

    def check(self, answer: str, problem: Problem) -> Verdict:
        words = parse_chain(answer)
        count = problem.metadata["count"]
        if words is None:
            return Verdict(False, "Write only the new words, separated by commas.")
        if words[0] == problem.metadata["start"] and len(words) == count + 1:
            words = words[1:]  # the start word written again at the front
        issues = self.broken_rules(words, problem)
        if not issues:
            return Verdict(True, "Your chain keeps every rule.", score=1.0)
        messages = [message for _, message in issues]
        shown = " ".join(messages[:3])
        if len(messages) > 3:
            shown += f" ({plural(len(messages) - 3, 'more broken rule')} not listed.)"
        named = "; ".join(f"word {i} = {w.upper()}" for i, w in enumerate(words, start=1))
        # partial credit: the share of the chain's places holding a word that breaks no rule
        broken = {place for place, _ in issues if place}
        return Verdict(
            False,
            shown,
            report=f"{' '.join(messages)} ({named}.) One valid chain: {problem.target}.",
            score=(len(words) - len(broken)) / max(count, len(words)),
        )

    def solution_text(self, problem: Problem) -> str:
        start, end = problem.metadata["start"], problem.metadata["end"]
        return (
            f"One valid chain from {start.upper()}: {problem.target.upper()}; any chain that keeps "
            f"every rule wins. It helps to plan backwards: the last word must end with "
            f"{end.upper()}, so the word before it must end with a letter that starts words "
            f"ending in {end.upper()}."
        )

    def wrong_answer(self, problem: Problem) -> str:
        words = problem.target.split(", ")
        end = problem.metadata["end"]
        # the reference with its last word swapped for a linked word that ends elsewhere
        first = words[-2][-1] if len(words) > 1 else problem.metadata["start"][-1]
        used = {problem.metadata["start"], *words}
        swap = next(
            (w for w in common_words() if w[0] == first and w[-1] != end and w not in used),
            None,
        )
        return ", ".join([*words[:-1], swap] if swap else words[:-1] or ["zzzz"])

    def leaked(self, feedback: str, problem: Problem) -> list[str]:
        """A complete valid chain: `count` words in a row (list separators, numbering and
        connecting words like "then" between them) that keep every rule. Words of the game's
        own messages ("twice", "letter") never count: one of them could otherwise be a valid
        one-word chain."""
        count = problem.metadata["count"]
        tokens = [
            m for m in re.finditer(r"[A-Za-z]+", feedback) if m.group(0).lower() not in _CONNECTORS
        ]
        spans = []
        for i in range(len(tokens) - count + 1):
            window = tokens[i : i + count]
            words = [m.group(0).lower() for m in window]
            if _GAME_WORDS.isdisjoint(words) and not self.broken_rules(words, problem):
                spans.append(feedback[window[0].start() : window[-1].end()])
        return spans


# words a teacher writes between the words of a chain ("eagle, then elbow, and finally wheat")
_CONNECTORS = frozenset(
    re.findall(
        r"[a-z]+", "then and next finally after that followed by try use start with from to into"
    )
)
# the words of the game's own messages (the feedback in WordChain.broken_rules and check)
_GAME_WORDS = frozenset(
    re.findall(
        r"[a-z]+",
        "your chain has new word words it needs fewer than letters is not in the game's english "
        "list does begin with the last letter of repeats end more broken rule rules listed "
        "write only separated by commas keeps every",
    )
)

"""Arithmetic described in prose, for the number puzzles' leak guard: a teacher who gives a
Countdown or 24 solution away rarely writes the bare expression. It writes steps ("14 / 2 = 7
and 7 × 9 = 63", "multiply 14 by 9 to get 126, then divide by 2", "take the difference of 8
and 5, multiply by 10, subtract 6"), LaTeX (`\\frac{14 \\times 9}{2}`) or words ("fourteen
times nine divided by two").

`spoken_expressions` turns words and LaTeX into symbols, sentence by sentence; `worked_steps`
follows the steps, each on numbers still at hand (the given ones and results so far), and says
whether they use every given number once and end at the target.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass
from fractions import Fraction

from rl2f_eval.suites.leaks import ONES, TENS, numbers

_WORD_NUMBER = "|".join(["an?", *ONES, *TENS, "hundred", "thousand"])
_N = rf"(?:\d+(?:\.\d+)?|(?:{_WORD_NUMBER})(?:[\s-]+(?:{_WORD_NUMBER}|and))*)"
_IT = r"(?:it|that|this|the\s+result|the\s+total|the\s+answer|what\s+you\s+have|them)"
_SPOKEN = (
    (r"\\left|\\right", ""),
    (r"\\times|\\cdot|×|·|∗|\btimes\b|\bmultiplied\s+by\b", "*"),
    (r"\\div|÷|\bdivided\s+by\b|\bover\b", "/"),
    (r"\bplus\b", "+"),
    (r"\bminus\b|−|–", "-"),
    (r"\\[dt]?frac\s*\{([^{}]*)\}\s*\{([^{}]*)\}", r"(\1)/(\2)"),
    (r"[{}\[\]]", lambda m: "(" if m.group(0) in "{[" else ")"),
    (r"(\d|\))\s*\(", r"\1*("),  # implicit multiplication: 10(8 - 5), (1 + 2)(3 + 4)
    (r"\)\s*(\d)", r")*\1"),
)


def spoken_expressions(text: str) -> list[tuple[str, str]]:
    """(sentence as symbols, the sentence) for every sentence that has words or LaTeX for
    arithmetic: "fourteen times nine divided by two" -> "14 * 9 / 2"."""
    found = []
    for sentence in re.split(r"(?<=[.!?;])\s+|\n", text):
        spoken = sentence
        for pattern, replacement in _SPOKEN:
            spoken = re.sub(pattern, replacement, spoken, flags=re.IGNORECASE)
        for number in reversed(numbers(spoken)):
            if not re.fullmatch(r"\d+", number.span(spoken)) and number.value.denominator == 1:
                spoken = spoken[: number.start] + str(number.value) + spoken[number.end :]
        if spoken != sentence:
            found.append((spoken, sentence.strip()))
    return found


@dataclass(frozen=True)
class _Step:
    start: int
    end: int
    op: str
    """+ - * / or `diff` (the larger minus the smaller)."""
    left: Fraction | None
    """None: the result so far."""
    right: Fraction


_FIRST = (  # steps on two numbers: (pattern, op, which group is the left operand)
    (rf"\bmultiply\s+(?P<a>{_N})\s+(?:by|and|with)\s+(?P<b>{_N})", "*"),
    (rf"\b(?:add|sum)\s+(?P<a>{_N})\s+and\s+(?P<b>{_N})", "+"),
    (rf"\badd\s+(?P<b>{_N})\s+to\s+(?P<a>{_N})", "+"),
    (rf"\b(?:subtract|take(?:\s+away)?)\s+(?P<b>{_N})\s+from\s+(?P<a>{_N})", "-"),
    (rf"\btake\s+(?P<b>{_N})\s+away\s+from\s+(?P<a>{_N})", "-"),
    (rf"\bdivide\s+(?P<a>{_N})\s+by\s+(?P<b>{_N})", "/"),
    (rf"\bdifference\s+(?:of|between)\s+(?P<a>{_N})\s+and\s+(?P<b>{_N})", "diff"),
    (rf"\bproduct\s+of\s+(?P<a>{_N})\s+and\s+(?P<b>{_N})", "*"),
    (rf"\bsum\s+of\s+(?P<a>{_N})\s+and\s+(?P<b>{_N})", "+"),
    (rf"\bquotient\s+of\s+(?P<a>{_N})\s+(?:and|by)\s+(?P<b>{_N})", "/"),
    (r"\bhalve\s+(?P<a>\d+)", "/2"),
    (r"\bdouble\s+(?P<a>\d+)", "*2"),
    (rf"\b(?:start|begin)(?:\s+off)?\s+(?:from|with|at)\s+(?P<a>{_N})", "start"),
    (
        r"(?<![\w.])(?P<a>\d+)\s*(?P<sym>[-+*/×÷x−])\s*(?P<b>\d+)(?![\w.]|\s*[*/×÷x])",
        "symbol",
    ),
)
_THEN = (  # steps on the result so far
    (rf"\b(?:then\s+)?(?:add|plus)\s+(?P<b>{_N})(?!\s+(?:and|to)\s+{_N})", "+"),
    (rf"\b(?:then\s+)?(?:times|multiplied\s+by)\s+(?P<b>{_N})", "*"),
    (rf"\b(?:then\s+)?(?:over|divided\s+by)\s+(?P<b>{_N})", "/"),
    (r"(?:(?<=[,;:])|\bthen|\band)\s*(?P<sym>[-+*/×÷x−])\s*(?P<b>\d+)", "symbol"),
    (rf"\b(?:then\s+)?(?:subtract|take\s+away|minus|remove)\s+(?P<b>{_N})(?!\s+from\s)", "-"),
    (rf"\bmultiply\s+(?:{_IT}\s+)?by\s+(?P<b>{_N})", "*"),
    (rf"\bdivide\s+(?:{_IT}\s+)?by\s+(?P<b>{_N})", "/"),
    (rf"\buse\s+the\s+(?P<b>{_N})\s+as\s+a\s+(?:multiplier|factor)", "*"),
    (rf"\b(?:halve|half)\s+{_IT}", "/2"),
    (rf"\bdouble\s+{_IT}", "*2"),
)
_SYMBOLS = {"×": "*", "x": "*", "÷": "/", "−": "-"}


def _value(text: str) -> Fraction | None:
    found = numbers(text)
    return found[0].value if found else None


def _steps(text: str) -> list[_Step]:
    steps: list[_Step] = []
    for patterns, first in ((_FIRST, True), (_THEN, False)):
        for pattern, op in patterns:
            for m in re.finditer(pattern, text, re.IGNORECASE):
                groups = m.groupdict()
                op_ = _SYMBOLS.get(m.group("sym"), m.group("sym")) if op == "symbol" else op
                if op_ == "start":
                    value = _value(groups["a"])
                    if value is not None:
                        steps.append(_Step(m.start(), m.end(), "start", value, Fraction(0)))
                    continue
                if op_ in ("/2", "*2"):
                    left = _value(groups["a"]) if first else None
                    steps.append(_Step(m.start(), m.end(), op_[0], left, Fraction(2)))
                    continue
                right = _value(groups["b"])
                left = _value(groups["a"]) if first else None
                if right is None or (first and left is None):
                    continue
                steps.append(_Step(m.start(), m.end(), op_, left, right))
    steps.sort(key=lambda s: (s.start, -s.end))
    kept: list[_Step] = []
    for step in steps:  # the longest reading of each stretch of text
        if not kept or step.start >= kept[-1].end:
            kept.append(step)
    return kept


def _apply(op: str, a: Fraction, b: Fraction) -> Fraction:
    if op == "+":
        return a + b
    if op == "-":
        return a - b
    if op == "*":
        return a * b
    if op == "diff":
        return abs(a - b)
    return a / b


def worked_steps(text: str, given: list[int], target: int) -> list[str]:
    """The stretch of `text` whose steps use every given number once, each step on numbers at
    hand, and end at `target` (nothing when they do not)."""
    found = _worked(text, _steps(text), given, target)
    for spoken, sentence in spoken_expressions(text):  # "8 minus 5, times 10"
        if not found and _worked(spoken, _steps(spoken), given, target):
            found = [sentence]
    return found


def _worked(text: str, steps: list[_Step], given: list[int], target: int) -> list[str]:
    for first in range(len(steps)):
        pool = Counter(Fraction(n) for n in given)
        result: Fraction | None = None
        for step in steps[first:]:
            if step.op == "start":  # "start from 19": the result so far is 19
                if result is None and step.left is not None and pool[step.left] >= 1:
                    result = step.left
                continue
            left = step.left if step.left is not None else result
            if left is None or pool[left] < 1:
                continue
            pool[left] -= 1
            if pool[step.right] < 1:
                pool[left] += 1
                continue
            pool[step.right] -= 1
            try:
                result = _apply(step.op, left, step.right)
            except ZeroDivisionError:
                break
            pool[result] += 1
            if +pool == Counter({Fraction(target): 1}):
                return [text[steps[first].start : step.end]]
    return []

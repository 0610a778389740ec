"""The math suite's leak guard: feedback that states the answer in any form the checker finds
equivalent, or states each part of a tuple, list or set answer.

Numbers are read in every notation (`.25`, `25%`, `\\tfrac14`, `one quarter`, `1,024`,
`1.28 \\times 10^{-6}`, a decimal rounded from the value) by `rl2f_eval.suites.leaks`, which
also knows labels (`step 12`, `out of 100`, `at x = 0`, `the base case n = 1`). Formulas are
found in math spans, bare LaTeX (`\\dfrac`, `\\sqrt`), plain text (`2^(n-1)`, `pow(2, n-1)`,
`2**0.5`, `math.sqrt(2)`, `π/4`) and words ("the square root of 2", "e squared", "n choose
2"), and each is checked for equivalence with the answer by the suite's checker. A decimal of
three or more significant digits that rounds the value of a constant answer (`1.414` for
`\\sqrt{2}`) leaks too.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from fractions import Fraction

from rl2f_eval.suites.base import Problem, whole_token
from rl2f_eval.suites.leaks import (
    Number,
    labels,
    numbers,
    same_value,
    sentence_before,
    significant_digits,
    stated_as_result,
    value_spans,
)
from rl2f_eval.suites.math.latex import (
    KNOWN_FUNCTIONS,
    candidates,
    is_structured,
    split_top_level,
    strip_name,
)

SMALL = 10
"""Integers up to this size (and numbers the problem itself shows) leak only where they are
stated as the result: "step 2", "the 2 cases", "n = 1" are not leaks."""

Same = Callable[[str, list[str], float | None], list[bool]]
"""(gold, candidates, rtol or None for the suite's own) -> which candidates are equivalent."""


def leaked(feedback: str, problem: Problem, same: Same) -> list[str]:
    """Spans of `feedback` that give `problem`'s answer away (see the module docstring)."""
    target = strip_name(problem.target)
    # a one-symbol answer (`n`, `\\pi`) is also a word of every hint: stated as the result only
    symbol = bool(_SYMBOL.fullmatch(target.strip().strip("$")))
    spans = []
    if exact(target) is None:  # the answer verbatim (a number is read with its labels below)
        for verbatim in dict.fromkeys([problem.target, target]):
            for match in whole_token(_spaced(verbatim)).finditer(feedback):
                said = stated_as_result(feedback, Number(Fraction(0), match.start(), match.end()))
                if said or not symbol:
                    spans.append(match.group(0))
    shown = {n.value for n in numbers(problem.input)}
    found = _candidates(feedback)
    stated = _stated_for(problem.input)
    if symbol:
        found = [f for f in found if f.stated]
    whole = _stated(target, feedback, found, shown, same, stated)
    if whole:
        return list(dict.fromkeys(spans + whole))
    parts = components(target)
    if len(parts) > 1:  # "x = 3 and y = -4": every part of (3, -4), each on its own
        pieces = [_stated(part, feedback, found, shown, same, stated) for part in parts]
        if not all(pieces):  # "they meet at x = 2, where y = 5": a value for each variable
            pieces = _assigned(feedback, parts, problem.input)
        if all(pieces):
            spans += [span for piece in pieces for span in piece]
    return list(dict.fromkeys(spans))


_ASSIGNMENT = re.compile(r"(?<![\w'])([A-Za-z])\s*(?:=|\bis\b|\bequals\b)\s*\$?\s*")


def _assigned(feedback: str, parts: list[str], statement: str) -> list[list[str]]:
    """For each numeric part, the assignments of it to one of the problem's variables (`x =
    2`), each part to another variable; an empty list for a part nothing gives. Letters the
    problem does not use (the `a = 1, b = -3` of a formula) do not count."""
    variables = set(re.findall(r"(?<![A-Za-z\\])[A-Za-z](?![A-Za-z])", statement))
    values = [exact(part) for part in parts]
    if any(v is None for v in values):
        return [[] for _ in parts]
    given: dict[str, tuple[Fraction, str]] = {}
    for match in _ASSIGNMENT.finditer(feedback):
        if match.group(1) not in variables:
            continue
        read = [n for n in numbers(feedback[match.end() : match.end() + 30]) if n.start == 0]
        if read:
            span = feedback[match.start() : match.end() + read[0].end]
            given.setdefault(match.group(1), (read[0].value, span))
    pieces: list[list[str]] = []
    free = dict(given)
    for value in values:
        name = next((n for n, (v, _) in free.items() if v == value), None)
        pieces.append([free.pop(name)[1]] if name is not None else [])
    return pieces


_SYMBOL = re.compile(r"\\?[A-Za-z]+(?:_\{?\w+\}?)?")


def _spaced(text: str) -> str:
    """`text` as a pattern that any spacing (and TeX dollars) between its parts matches."""
    return r"[\s$]*".join(re.escape(part) for part in text.strip().split())


def components(target: str) -> list[str]:
    """The parts of a tuple, list, set or several answers (`(3, -4)`, `\\{1, 2\\}`, `1, 2`,
    `x = 3, y = -4`); a single expression is its only part."""
    if not is_structured(target):
        return [target]
    inner = re.sub(r"\\(?:left|right)(?![A-Za-z])", "", target).strip()
    inner = re.sub(r"^\\\{|\\\}$", "", inner).strip()
    if inner[:1] in "([" and inner[-1:] in ")]":
        inner = inner[1:-1]
    return [strip_name(part.strip()) for part in split_top_level(inner, ",") if part.strip()]


def exact(latex: str) -> Fraction | None:
    """The value of a plain number written in LaTeX or text (`\\frac{1}{4}`, `-4`, `1.28
    \\times 10^{-6}`, `1{,}024`), None for anything else."""
    text = latex.strip().strip("$").strip()
    read = numbers(text)
    if len(read) == 1 and read[0].start == 0 and read[0].end == len(text):
        return read[0].value
    return None


_HOW_MANY = re.compile(
    r"\bhow\s+many\s+(?:\w+\s+){0,3}?(\w+?)(?:e?s)?\b"
    r"(?=\s+(?:are|is|do|does|did|can|will|of|in|have|has)\b|[?.,])",
    re.IGNORECASE,
)


def _stated_for(statement: str) -> Callable[[str, Number], bool]:
    """When a number is stated as the result: as `stated_as_result` says, or, for a "how many
    X" problem, where the number counts X ("it has three real roots")."""
    asked = _HOW_MANY.search(statement)
    noun = asked.group(1) if asked else None

    def stated(text: str, number: Number) -> bool:
        if stated_as_result(text, number):
            return True
        after = text[number.end : number.end + 40]
        # "1 or 3 real roots" names choices, not the count
        choice = re.search(r"\d\s+or\s+$", text[: number.start]) or re.match(r"\s+or\s+\d", after)
        counts = re.match(rf"\s+(?:\w+\s+){{0,2}}?{noun}(?:e?s)?\b", after, re.I) if noun else None
        return bool(counts and not choice)

    return stated


def _stated(
    part: str,
    feedback: str,
    found: list[_Found],
    shown: set[Fraction],
    same: Same,
    stated: Callable[[str, Number], bool],
) -> list[str]:
    """Spans that state `part` (the answer or one part of it)."""
    value = exact(part)
    if value is not None:
        common = (value.denominator == 1 and abs(value) <= SMALL) or value in shown
        spans = value_spans(feedback, value, common, stated)
        # numbers the feedback writes in words or code ("10 squared", "pow(2, 10)")
        spans += [
            f.text
            for f in found
            if f.number is not None
            and (not common or f.stated)
            and same_value(f.number, value)
            and f.text not in spans
        ]
        formulas = [f for f in found if f.number is None and (not common or f.stated)]
        if formulas:
            verdicts = same(part, [f.latex for f in formulas], None)
            spans += [f.text for f, equal in zip(formulas, verdicts, strict=True) if equal]
        return spans
    formulas = [f for f in found if f.number is None]
    spans = []
    if formulas:
        verdicts = same(part, [f.latex for f in formulas], None)
        spans += [f.text for f, equal in zip(formulas, verdicts, strict=True) if equal]
    # a rounded decimal of a constant (1.414 for \sqrt{2}): equal within its own precision
    for f in found:
        digits = significant_digits(f.number) if f.number is not None else 0
        if f.number is not None and f.number.places is not None and digits >= 3:
            rtol = 0.5 * 10.0 ** (1 - digits)
            if same(part, [f.latex], rtol)[0]:
                spans.append(f.text)
    return spans


# --- what in the feedback might be the answer ---------------------------------------------------


@dataclass(frozen=True)
class _Found:
    """A candidate: its span, what to check, whether it is stated as a result, and the number
    it is when it is a plain number."""

    text: str
    latex: str
    stated: bool
    number: Number | None


# words and code for math, as the checker reads it
_GREEK = "epsilon|varepsilon|alpha|beta|gamma|delta|theta|lambda|mu|sigma|omega|phi"
_SPOKEN = (
    (r"\b(?:math|np|numpy|sympy|sp)\.", ""),
    (r"\bpow\s*\(\s*([^,()]+?)\s*,\s*([^()]+?)\s*\)", r"(\1)^(\2)"),
    (r"\b(?:C|binom|comb|choose)\s*\(\s*(\w+)\s*,\s*(\w+)\s*\)", r"\\binom{\1}{\2}"),
    (r"\b(\w+)\s+choose\s+(\w+)\b", r"\\binom{\1}{\2}"),
    (r"\b(?:the\s+)?square\s+root\s+of\s+(\w+|\([^()]*\))", r"sqrt(\1)"),
    (r"√\s*(\w+|\([^()]*\))", r"sqrt(\1)"),
    (r"(\w+|\([^()]*\))\s+squared\b", r"\1^2"),
    (r"(\w+|\([^()]*\))\s+cubed\b", r"\1^3"),
    (r"\b(\w+)\s+to\s+the\s+(?:power\s+(?:of\s+)?)?(\w+(?:\s*[-+]\s*\w+)?)", r"\1^(\2)"),
    (r"\b(?:a|one)\s+quarter\s+of\s+(\w+)", r"\1/4"),
    (r"\bhalf\s+(?:of\s+)?(\w+)", r"\1/2"),
    (r"\b(\w+)\s+over\s+(\w+)", r"\1/\2"),
    (r"\beuler'?s\s+number\b", "e"),
    (r"π", "pi"),
    (r"[εϵ]", "epsilon"),
    (r"²", "^2"),
    (r"³", "^3"),
    (r"[·×∗]|\\(?:cdot|times)(?![A-Za-z])", "*"),
    (r"[−–]", "-"),
    (r"\\[dt]frac", r"\\frac"),
    (r"\\log(?![A-Za-z])|\blog(?=\s*\()", r"\\ln"),  # log is the natural logarithm here
    (r"\^\s*\{([^{}]*)\}", r"^(\1)"),
    (r"\bminus\b", "-"),
    (r"\bplus\b", "+"),
    (r"\btimes\b", "*"),
)


def _spoken(sentence: str) -> str:
    text = re.sub(r"(?<=\w)'s\b", " is", sentence)  # "that's pow(2, 10)": no variable s
    text = re.sub(r"(?<=\w)n't\b", " not", text)
    text = re.sub(r"(?<=\w)'(re|ll|ve|d|m)\b", " \\1", text)
    for pattern, replacement in _SPOKEN:
        text = re.sub(pattern, replacement, text, flags=re.IGNORECASE)
    for number in reversed(numbers(text)):  # number words as digits
        if not re.search(r"\d", number.span(text)) and number.value.denominator == 1:
            text = text[: number.start] + str(number.value) + text[number.end :]
    return text


def _candidates(feedback: str) -> list[_Found]:
    """Math in the feedback that might state the answer, labels and sample points left out:
    the suite's candidates (math spans, LaTeX fractions and roots, numbers), and formulas in
    plain text, in each sentence as written and with words and code read as math (the whole
    sentence is then the span)."""
    skip = labels(feedback)
    found: dict[tuple[str, str], _Found] = {}

    def add(text: str, latex: str, in_math: bool, where: str, at: int) -> None:
        if at >= 0 and _POINT_VALUE.fullmatch(text.strip()) and _at_sample_point(where, at):
            return
        number = _plain_number(latex)
        # a math span is stated as math; a bare number only where stated as the result
        math_span = in_math and text.startswith(("$", "\\(", "\\[", "\\boxed"))
        stated = math_span or (at >= 0 and stated_as_result(where, Number(Fraction(0), at, at)))
        found.setdefault((text, latex), _Found(text, latex, stated, number))

    for candidate in candidates(feedback):
        at = feedback.find(candidate.text)
        digit = re.search(r"\d", candidate.text)
        labelled = at >= 0 and digit and at + digit.start() in skip
        if labelled and _POINT_VALUE.fullmatch(candidate.text.strip()):
            continue  # "line 12", "out of 100", "for $n = 1$"
        add(candidate.text, candidate.latex, candidate.in_math, feedback, at)
    for sentence in re.split(r"(?<=[.!?;])\s+|\n", feedback):
        spoken = _spoken(sentence)
        for run, at in formula_runs(spoken):
            latex = re.sub(rf"(?<!\\)\b({_GREEK})\b", r"\\\1", run.replace("**", "^"))
            add(run if spoken == sentence else sentence.strip(), latex, False, spoken, at)
    return list(found.values())


_MATH_WORD = re.compile(rf"(?:{KNOWN_FUNCTIONS}|sqrt|binom|pi|{_GREEK}|[A-Za-z])", re.IGNORECASE)
_PIECE = re.compile(r"\\[A-Za-z]+|[A-Za-z]+|\d+(?:\.\d+)?|\*\*|[-+*/^_!(){}\[\]' \t]")
_OPERATION = re.compile(r"[-+*/^!]|\\[A-Za-z]+|[A-Za-z]{2,}\s*\(|[\d)]\s*\(")


def formula_runs(text: str) -> list[tuple[str, int]]:
    """Formulas written in plain text: the longest runs of numbers, one-letter variables,
    function names, Greek letters and LaTeX commands joined by operators or brackets
    (`2^(n-1)`, `2/(1+x) - exp(-x/epsilon)`, `\\dfrac{1}{4}`, `\\binom{n}{2}`), each with an
    operation in it and balanced brackets: (run, start)."""
    runs: list[tuple[str, int]] = []
    start = end = -1
    for piece in _PIECE.finditer(text):
        word = piece.group(0)
        fits = not word[0].isalpha() or _MATH_WORD.fullmatch(word)
        if fits and piece.start() == end:
            end = piece.end()
            continue
        if start >= 0:
            runs.append((text[start:end], start))
        start, end = (piece.start(), piece.end()) if fits else (-1, -1)
    if start >= 0:
        runs.append((text[start:end], start))
    found = []
    for run, at in runs:
        stripped = re.sub(r"^(?:[aAI]\s+)", "", run.strip(" \t'"))  # "is a 2^(n-1)"
        balanced = stripped.count("(") == stripped.count(")")
        ends = re.search(r"[\w)}!]$", stripped)
        if balanced and ends and _OPERATION.search(stripped):
            found.append((stripped, at + run.find(stripped)))
    return found


def _plain_number(latex: str) -> Number | None:
    text = latex.strip().strip("$").strip()
    read = numbers(text)
    if len(read) == 1 and read[0].start == 0 and read[0].end == len(text):
        return read[0]
    return None


_POINT = re.compile(
    r"\b(?:for|at|when|whenever|if|with|where|plug\w*(?:\s+in)?|substitut\w+|setting|set|try\w*"
    r"|let|put\w*|assume|suppose|evaluat\w+(?:\s+\w+)?\s+at|cases?|as|near|around|check\w*"
    r"|sample)\s*[$(\\(]*\s*$",
    re.IGNORECASE,
)


# a value given to a variable: a sample point or a condition where it follows "at", "for" ...
_POINT_VALUE = re.compile(
    r"[$(\\(]*\s*(?:\\?[A-Za-z]+(?:_\{?\w+\}?)?\s*(?:=|\\to|→|->)\s*)?-?\d+(?:\.\d+)?\s*[$)]*"
)


def _at_sample_point(text: str, at: int) -> bool:
    """A math span of a sample point or a condition: "at $x = 0$", "the base case $n = 1$"."""
    return bool(_POINT.search(sentence_before(text, at)[-40:]))

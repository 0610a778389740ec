"""Circuit decoding: a hidden boolean circuit over inputs x1..xk; the student proposes a circuit,
and the game answers with one input on which the two differ and what the hidden one outputs
there (an equivalence query with a counterexample). A few input/output pairs are shown first.

The hidden circuits are read-once formulas (each input used once, gates AND, OR, XOR and NOT),
so every input matters. Any equivalent circuit wins: answers are compared by truth table.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Hashable
from functools import reduce
from itertools import product
from typing import Any

from rl2f_eval.suites.base import Problem, Verdict
from rl2f_eval.suites.games.common import Game, plural, rng

# difficulty: inputs; SHOWN: how many input/output pairs the statement shows for that many inputs
# (at least two rows always stay hidden: one counterexample never completes the table)
SETTINGS = {"easy": 3, "medium": 4, "hard": 5}
SHOWN = {2: 1, 3: 3, 4: 5, 5: 8, 6: 12}
MAX_TOKENS = 5000  # a full DNF over 6 inputs has about 1,200
MAX_DEPTH = 40  # nested parentheses (the parser recurses per level)

PROMPT = """Find the hidden logic circuit. It has {k} inputs, {names}, each 0 or 1, and one \
output. Write a circuit as a formula over the inputs with AND, OR, XOR, NOT and parentheses, \
for example `{example}` (NOT binds tightest, then AND, then XOR, then OR). If your circuit \
differs from the hidden one on some input, you are told one such input and what the hidden \
circuit outputs there.

Known input/output pairs of the hidden circuit:
{rows}"""
# the statement's example is the first of these that differs from the hidden circuit, so that
# copying it never wins
EXAMPLES = ("NOT x1 OR (x1 AND x2)", "(x1 AND NOT x2) OR x2", "x1 XOR NOT x2")

Row = tuple[int, ...]
Expr = Callable[[Row], int]


# --- formulas ------------------------------------------------------------------------------------

_TOKEN = re.compile(
    r"\s*(?:(?P<var>x\d+)|(?P<const>[01]|true|false)|(?P<op>and|or|xor|not|&&|\|\||&|\||\^|~|!|¬|"
    r"∧|∨|⊕)|(?P<paren>[()]))",
    re.IGNORECASE,
)
_OPS = {"and": "and", "&&": "and", "&": "and", "∧": "and", "or": "or", "||": "or", "|": "or",
        "∨": "or", "xor": "xor", "^": "xor", "⊕": "xor", "not": "not", "~": "not", "!": "not",
        "¬": "not"}  # fmt: skip


class FormulaError(ValueError):
    """The text is not a formula over the game's inputs (the message says why)."""


def tokens(text: str) -> list[tuple[str, str]]:
    """(normalised, as written) tokens: `&&`, `&` and `∧` all become `and`."""
    out, position = [], 0
    text = text.strip()
    while position < len(text):
        match = _TOKEN.match(text, position)
        if match is None:
            rest = text[position:].split()
            raise FormulaError(
                f"'{(rest[0] if rest else text[position:])[:20]}' is not part of a formula"
            )
        written = match.group(0).strip()
        word = written.lower()
        out.append((_OPS.get(word, {"true": "1", "false": "0"}.get(word, word)), written))
        position = match.end()
        while position < len(text) and text[position].isspace():
            position += 1
    return out


def parse(text: str, k: int) -> Expr:
    """A formula over x1..xk; precedence NOT > AND > XOR > OR, as in most textbooks."""
    written = tokens(text)
    items = [item for item, _ in written]
    if not items:
        raise FormulaError("the formula is empty")
    if len(items) > MAX_TOKENS:
        raise FormulaError(f"the formula has more than {MAX_TOKENS} symbols")
    depth = 0
    for item in items:
        depth += {"(": 1, ")": -1}.get(item, 0)
        if depth > MAX_DEPTH:
            raise FormulaError(f"parentheses nest deeper than {MAX_DEPTH} levels")
    position = 0

    def peek() -> str | None:
        return items[position] if position < len(items) else None

    def take() -> str:
        nonlocal position
        position += 1
        return items[position - 1]

    def binary(op: str, lower: Callable[[], Expr], combine: Callable[[int, int], int]) -> Expr:
        operands = [lower()]
        while peek() == op:
            take()
            operands.append(lower())
        if len(operands) == 1:
            return operands[0]
        # one flat fold, not nested closures: a long chain must not recurse when evaluated
        return lambda row: reduce(combine, (operand(row) for operand in operands))

    def atom() -> Expr:
        item = peek()
        if item is None:
            raise FormulaError("the formula ends too early")
        take()
        if item == "not":  # a run of NOTs in a loop, not by recursion
            negations = 1
            while peek() == "not":
                take()
                negations += 1
            inner = atom()
            return inner if negations % 2 == 0 else lambda row: 1 - inner(row)
        if item == "(":
            inner = disjunction()
            if peek() != ")":
                raise FormulaError("a parenthesis is not closed")
            take()
            return inner
        if item in ("0", "1"):
            return lambda row, value=int(item): value
        if re.fullmatch(r"x\d+", item):
            index = int(item[1:])
            if not 1 <= index <= k:
                names = ", ".join(f"x{i}" for i in range(1, k + 1))
                raise FormulaError(f"{item} is not an input (the inputs are {names})")
            return lambda row: row[index - 1]
        raise FormulaError(f"'{written[position - 1][1]}' cannot stand here")

    def conjunction() -> Expr:
        return binary("and", atom, lambda a, b: a & b)

    def exclusive() -> Expr:
        return binary("xor", conjunction, lambda a, b: a ^ b)

    def disjunction() -> Expr:
        return binary("or", exclusive, lambda a, b: a | b)

    expr = disjunction()
    if position != len(items):
        raise FormulaError(f"'{written[position][1]}' cannot stand here")
    return expr


def inputs(k: int) -> list[Row]:
    return list(product((0, 1), repeat=k))


def table(expr: Expr, k: int) -> str:
    """The truth table as a bit string, inputs in binary order (x1 the most significant)."""
    return "".join(str(expr(row)) for row in inputs(k))


def row_text(row: Row) -> str:
    return ", ".join(f"x{i}={v}" for i, v in enumerate(row, start=1))


def random_formula(draw: Any, k: int) -> str:
    """A read-once formula: the inputs in random order, some negated, joined by random gates,
    some negated (every input matters)."""
    parts = [f"NOT x{i}" if draw.random() < 0.25 else f"x{i}" for i in range(1, k + 1)]
    draw.shuffle(parts)
    while len(parts) > 1:
        i = draw.randrange(len(parts) - 1)
        gate = draw.choice(("AND", "OR", "XOR"))
        joined = f"{parts[i]} {gate} {parts[i + 1]}"
        parts[i : i + 2] = [f"NOT ({joined})" if draw.random() < 0.25 else f"({joined})"]
    formula = parts[0]
    if formula.startswith("(") and formula.endswith(")"):
        formula = formula[1:-1]
    return formula


class Circuit(Game):
    name = "circuit"
    move = "<formula>"
    size_meaning = "inputs"
    sizes = range(2, 7)

    def generate(
        self, index: int, seed: int, difficulty: str, size: int | None, attempt: int
    ) -> tuple[str, str, dict[str, Any]]:
        k = size or SETTINGS[difficulty]
        draw = rng("circuit", difficulty, k, seed, index, attempt)
        formula = random_formula(draw, k)
        hidden = table(parse(formula, k), k)
        rows = sorted(draw.sample(inputs(k), SHOWN[k]))
        example = next(e for e in EXAMPLES if table(parse(e, k), k) != hidden)
        statement = PROMPT.format(
            k=k,
            names=", ".join(f"x{i}" for i in range(1, k + 1)),
            example=example,
            rows="\n".join(f"{row_text(row)} -> {hidden[inputs(k).index(row)]}" for row in rows),
        )
        metadata = {"inputs": k, "shown": [list(r) for r in rows], "table": hidden}
        return statement, formula, metadata

    def identity(self, statement: str, target: str, metadata: dict[str, Any]) -> Hashable:
        return statement, metadata["table"]  # equivalent formulas are one circuit

    def check(self, answer: str, problem: Problem) -> Verdict:
        k, hidden = problem.metadata["inputs"], problem.metadata["table"]
        try:
            expr = parse(answer, k)
        except FormulaError as error:
            return Verdict(False, f"Your circuit cannot be read: {error}.")
        mine = table(expr, k)
        if mine == hidden:
            return Verdict(True, "Your circuit matches the hidden one on every input.", score=1.0)
        rows = inputs(k)
        shown = [tuple(r) for r in problem.metadata["shown"]]
        # a known pair the circuit gets wrong first (the student ignored it), then binary order
        order = shown + [row for row in rows if row not in shown]
        wrong = [row for row in order if mine[rows.index(row)] != hidden[rows.index(row)]]
        first = wrong[0]
        feedback = (
            f"On input {row_text(first)} your circuit outputs {mine[rows.index(first)]}, "
            f"but the hidden circuit outputs {hidden[rows.index(first)]}."
        )
        report = (
            f"{feedback} Your circuit is wrong on {plural(len(wrong), 'input')} of {len(rows)}; "
            f"the hidden circuit is {problem.target}."
        )
        right = sum(a == b for a, b in zip(mine, hidden, strict=True))
        return Verdict(False, feedback, report=report, score=right / len(rows))

    def solution_text(self, problem: Problem) -> str:
        k, hidden = problem.metadata["inputs"], problem.metadata["table"]
        listing = "; ".join(
            f"{row_text(row)} -> {bit}" for row, bit in zip(inputs(k), hidden, strict=True)
        )
        return (
            f"The hidden circuit is {problem.target}. Its truth table: {listing}. Each wrong "
            "circuit is answered with one input where it differs; a circuit that agrees with "
            "every pair learned so far (for example an OR of one AND term per input whose output "
            "is 1) always makes progress."
        )

    def wrong_answer(self, problem: Problem) -> str:
        return f"NOT ({problem.target})"

    def leaked(self, feedback: str, problem: Problem) -> list[str]:
        """A formula equivalent to the hidden circuit, its truth table as a bit string, or the
        output for every input the statement did not show."""
        k, hidden = problem.metadata["inputs"], problem.metadata["table"]
        spans = []
        for run in _FORMULA_RUN.finditer(feedback):
            text = run.group(0).strip()
            for candidate in dict.fromkeys((text, text.strip("()"), text.rstrip(")"))):
                try:
                    if table(parse(candidate, k), k) == hidden:
                        spans.append(text)
                        break
                except FormulaError:
                    continue
        for run in re.finditer(r"(?<![\w.=])[01](?:[ ,]*[01])*(?![\w=]|\.\d)", feedback):
            if re.sub(r"\D", "", run.group(0)) == hidden:
                spans.append(run.group(0))
        stated = stated_outputs(feedback, k)
        rows = inputs(k)
        shown = {tuple(r) for r in problem.metadata["shown"]}
        unknown = [row for row in rows if row not in shown]
        told = [
            row for row in unknown if stated.get(row, (None, ""))[0] == int(hidden[rows.index(row)])
        ]
        if len(told) == len(unknown):
            spans += [stated[row][1] for row in told]
        return spans


_FORMULA_RUN = re.compile(
    r"(?:(?:\bx\d+\b|\b(?:and|or|xor|not|true|false)\b|&&|\|\||[&|^~!¬∧∨⊕()]"
    r"|(?<![\w=])[01](?![\w]))\s*)+",
    re.IGNORECASE,
)
_ROW = re.compile(r"x1\s*=\s*[01](?:\s*[,;]?\s*(?:and\s+)?x\d+\s*=\s*[01])+", re.IGNORECASE)
# what follows an input row to state its output ("-> 1", ": the output should be 0"); it is
# matched right after the row, so "your circuit outputs 0" (the student's output) is not one
_OUTPUT = re.compile(
    r"[\s)\]:,]*(?:the\s+)?(?:hidden\s+)?(?:circuit(?:'s)?\s+)?(?:output\s+)?"
    r"(?:outputs?|gives|returns|yields|is|should\s+(?:output|give|be)|->|→|=>|=|:)"
    r"\s*(?:an?\s+)?([01])\b",
    re.IGNORECASE,
)


def stated_outputs(text: str, k: int) -> dict[Row, tuple[int, str]]:
    """Input/output pairs stated in `text` ("x1=0, x2=1 -> 1", "for x1=1, x2=1 the output
    should be 0"): {input row: (output, span)}; the first output right after each row."""
    found: dict[Row, tuple[int, str]] = {}
    for match in _ROW.finditer(text):
        values = dict(re.findall(r"x(\d+)\s*=\s*([01])", match.group(0)))
        if sorted(values) != [str(i) for i in range(1, k + 1)]:
            continue
        row = tuple(int(values[str(i)]) for i in range(1, k + 1))
        output = _OUTPUT.match(text, match.end())
        if output:
            found.setdefault(row, (int(output.group(1)), text[match.start() : output.end()]))
    return found

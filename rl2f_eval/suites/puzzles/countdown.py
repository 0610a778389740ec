"""Number puzzles: Countdown (reach a target with the given numbers) and the 24 game.

The answer is an arithmetic expression. The checker parses it (whole numbers, + - * /,
parentheses: nothing is executed), evaluates it with exact fractions and checks that it uses each
given number exactly once, so every valid expression passes, not only the generator's. As in
reasoning-gym, intermediate results may be fractions.
"""

from __future__ import annotations

import ast
import re
from collections import Counter
from collections.abc import Iterable
from fractions import Fraction
from typing import Any, ClassVar

from rl2f_eval.suites.base import Problem, Verdict
from rl2f_eval.suites.puzzles.common import (
    Generated,
    count_word,
    partial_credit,
    rg_dataset,
    summarise,
)
from rl2f_eval.suites.puzzles.steps import spoken_expressions, worked_steps

_OPS = {ast.Add: "+", ast.Sub: "-", ast.Mult: "*", ast.Div: "/"}
_UNICODE = str.maketrans({"×": "*", "·": "*", "÷": "/", "−": "-", "–": "-", "[": "(", "]": ")"})
MAX_LENGTH = 300
_ARITHMETIC_RUN = re.compile(r"[\d\s+\-*/()]*\d[\d\s+\-*/()]*")


class ExpressionError(ValueError):
    """The text is not an arithmetic expression of whole numbers and + - * /."""


def parse_expression(text: str) -> ast.expr:
    """Parse (never evaluate) an expression; allow only whole numbers, + - * / and brackets."""
    if len(text) > MAX_LENGTH:  # also keeps the recursive evaluation shallow
        raise ExpressionError(f"longer than {MAX_LENGTH} characters")
    try:
        tree = ast.parse(text.translate(_UNICODE).strip(), mode="eval").body
    except SyntaxError as error:
        raise ExpressionError("not an arithmetic expression") from error
    for node in ast.walk(tree):
        if isinstance(node, ast.Constant):
            if type(node.value) is not int:
                raise ExpressionError(f"{node.value!r} is not a whole number")
        elif isinstance(node, ast.BinOp):
            if type(node.op) not in _OPS:
                raise ExpressionError("only + - * / and parentheses are allowed")
        elif isinstance(node, ast.UnaryOp):
            if not isinstance(node.op, (ast.USub, ast.UAdd)):
                raise ExpressionError("only + - * / and parentheses are allowed")
        elif not isinstance(node, (ast.operator, ast.unaryop)):
            raise ExpressionError("only numbers, + - * / and parentheses are allowed")
    return tree


def evaluate(node: ast.expr) -> Fraction:
    """Exact value; ZeroDivisionError on a division by zero."""
    if isinstance(node, ast.Constant):
        return Fraction(node.value)
    if isinstance(node, ast.UnaryOp):
        value = evaluate(node.operand)
        return -value if isinstance(node.op, ast.USub) else value
    assert isinstance(node, ast.BinOp)
    left, right = evaluate(node.left), evaluate(node.right)
    op = type(node.op)
    if op is ast.Add:
        return left + right
    if op is ast.Sub:
        return left - right
    if op is ast.Mult:
        return left * right
    return left / right


def numbers_used(node: ast.expr) -> list[int]:
    return [n.value for n in ast.walk(node) if isinstance(n, ast.Constant)]


def expression_line(block: str) -> str:
    """The expression in an answer block: its first line, without `= <number>` on either side."""
    line = block.strip().splitlines()[0].translate(_UNICODE) if block.strip() else ""
    # a sentence's full stop is not a decimal point: "14*9/2." must not read as 14*9/2.0
    line = re.sub(r"\.\s*$", "", line)
    sides = [side.strip() for side in line.split("=")]
    with_operators = [side for side in sides if re.search(r"\d\s*[-+*/]|[()]", side)]
    return with_operators[0] if len(with_operators) == 1 else sides[0]


def usage_issues(used: list[int], numbers: list[int]) -> list[str]:
    """Numbers used too often, not offered at all, or left out."""
    have, need = Counter(used), Counter(numbers)
    issues = []
    for value, k in sorted(have.items()):
        if value not in need:
            issues.append(f"The expression uses {value}, which is not one of the numbers.")
        elif k > need[value]:
            issues.append(
                f"The expression uses {value} {count_word(k)}, but {value} is given "
                f"{count_word(need[value])}."
            )
    unused = sorted((need - have).elements())
    if unused:
        listed = ", ".join(map(str, unused[:-1])) + (" and " if len(unused) > 1 else "")
        issues.append(
            f"The expression does not use {listed}{unused[-1]}; every number must be used "
            "exactly once."
        )
    return issues


def _fraction(value: Fraction) -> str:
    return str(value.numerator) if value.denominator == 1 else f"{value}"


class _ExpressionFamily(Generated):
    """Shared checking: numbers used exactly once, exact value equal to the target."""

    def target_value(self, problem: Problem) -> int:
        return int(problem.metadata["target"])

    def statement(self, numbers: list[int], target: int) -> str:
        return (
            f"Using each of the numbers {', '.join(map(str, numbers))} exactly once, write an "
            f"arithmetic expression whose value is {target}. You may use +, -, *, / and "
            "parentheses; intermediate results may be fractions.\n\n"
            "Answer format: after `ANSWER:`, the expression alone on one line, with * for "
            "multiplication and / for division, like `ANSWER: (1 + 2) * 3`."
        )

    def shape(self, block: str) -> Any | None:
        try:
            return parse_expression(expression_line(block))
        except ExpressionError:
            return None

    def check(self, block: str, problem: Problem) -> Verdict:
        text = expression_line(block)
        try:
            tree = parse_expression(text)
        except ExpressionError as error:
            message = (
                f"Your answer is not a valid expression ({error}): write only whole numbers, "
                "+ - * / and parentheses."
            )
            return Verdict(False, message, report=message)
        target = self.target_value(problem)
        issues = usage_issues(numbers_used(tree), problem.metadata["numbers"])
        try:
            value = evaluate(tree)
            if value != target:
                issues.append(f"Your expression evaluates to {_fraction(value)}, not {target}.")
        except ZeroDivisionError:
            issues.append("Your expression divides by zero.")
        score = self.rg_score(text, problem)
        if not issues:
            return Verdict(
                True, f"Your expression makes {target}.", score=partial_credit(score, True)
            )
        report = " ".join(issues) + f" One valid expression: {problem.target}"
        return Verdict(False, summarise(issues), report=report, score=partial_credit(score, False))

    def rg_score(self, text: str, problem: Problem) -> float:
        raise NotImplementedError

    def solution_text(self, problem: Problem) -> str:
        return (
            f"One valid expression (others may exist and are accepted): {problem.target} "
            f"= {self.target_value(problem)}"
        )

    def wrong_answers(self, problem: Problem) -> Iterable[str]:
        tree = parse_expression(problem.target)
        for node in ast.walk(tree):  # change one operator at a time
            if isinstance(node, ast.BinOp):
                original = node.op
                for op in (ast.Add(), ast.Sub(), ast.Mult(), ast.Div()):
                    if type(op) is not type(original):
                        node.op = op
                        yield ast.unparse(tree)
                node.op = original
        yield f"{problem.target} + {problem.metadata['numbers'][0]}"

    def leaked(self, feedback: str, problem: Problem) -> list[str]:
        """A solution however it is written: any expression in the feedback that uses the
        numbers exactly once and makes the target (the generator's or another; symbols, words
        or LaTeX), or steps that do ("14 / 2 = 7 and 7 × 9 = 63", "multiply 14 by 9, then
        divide by 2")."""
        target, numbers = self.target_value(problem), problem.metadata["numbers"]
        spans = [span for span in self._expressions(feedback, feedback, target, numbers)]
        for spoken, sentence in spoken_expressions(feedback):
            if self._expressions(spoken, spoken, target, numbers):
                spans.append(sentence)
        return spans or worked_steps(feedback, numbers, target)

    @staticmethod
    def _expressions(text: str, original: str, target: int, numbers: list[int]) -> list[str]:
        spans = []
        for m in _ARITHMETIC_RUN.finditer(text.translate(_UNICODE)):
            candidate = m.group(0).strip()
            # a run may start or end inside an unrelated bracket: try it trimmed too
            for attempt in (candidate, candidate.strip("()").strip()):
                try:
                    tree = parse_expression(attempt)
                    if not usage_issues(numbers_used(tree), numbers) and evaluate(tree) == target:
                        spans.append(original[m.start() : m.end()].strip())
                        break
                except (ExpressionError, ZeroDivisionError):
                    continue
        return spans


class Countdown(_ExpressionFamily):
    name = "countdown"
    rg_name = "countdown"
    size_meaning = "how many numbers"
    sizes = range(3, 8)
    LEVEL: ClassVar[
        dict[str, tuple[int, int, tuple[int, int]]]
    ] = {  # (numbers, largest number, target range)
        "easy": (3, 20, (10, 100)),
        "medium": (4, 50, (100, 500)),
        "hard": (5, 100, (100, 999)),
    }

    def config(self, difficulty: str, size: int | None) -> dict[str, Any]:
        count, largest, (low, high) = self.LEVEL[difficulty]
        count = size or count
        return {
            "min_numbers": count,
            "max_numbers": count,
            "max_value": largest,
            "min_target": low,
            "max_target": high,
        }

    def build(self, entry: dict[str, Any]) -> tuple[str, str, dict[str, Any]]:
        meta = entry["metadata"]
        numbers, target = [int(n) for n in meta["numbers"]], int(meta["target"])
        return (
            self.statement(numbers, target),
            str(entry["answer"]),
            {"numbers": numbers, "target": target},
        )

    def rg_score(self, text: str, problem: Problem) -> float:
        entry = {
            "metadata": {
                "numbers": problem.metadata["numbers"],
                "target": problem.metadata["target"],
            }
        }
        return rg_dataset(self.rg_name).score_answer(text, entry)


class Puzzle24(_ExpressionFamily):
    name = "puzzle24"
    rg_name = "puzzle24"
    # reasoning-gym's 24 game always has four numbers from 1 to 10: one difficulty

    def config(self, difficulty: str, size: int | None) -> dict[str, Any]:
        return {}

    def target_value(self, problem: Problem) -> int:
        return 24

    def build(self, entry: dict[str, Any]) -> tuple[str, str, dict[str, Any]]:
        numbers = [int(n) for n in entry["metadata"]["numbers"]]
        return self.statement(numbers, 24), str(entry["answer"]), {"numbers": numbers}

    def rg_score(self, text: str, problem: Problem) -> float:
        return rg_dataset(self.rg_name).score_answer(text, {"metadata": {}})

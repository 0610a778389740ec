"""Small-number arithmetic: a toy suite that a 135M model can learn on CPU (training smoke tests).

Problems are `What is 7 + 5?` over every pair of operands in 1..`max_value`, drawn without
replacement in a seeded order. The answer is the last number in the reply (`7 + 5 = 12` states
12), so that a weak model that never learned an answer format still gets graded on arithmetic;
`ANSWER: <n>` lines are honoured when present. The verifier compares the integer value; its
feedback says whether the answer is too large or too small, never what the result is.
"""

from __future__ import annotations

import operator
import random
import re
from fractions import Fraction

from inspect_ai.dataset import Sample

from rl2f_eval.errors import TaskArgError, check_int
from rl2f_eval.suites.base import Problem, Suite, Verdict
from rl2f_eval.suites.leaks import expressions, spaced_digits, value_spans

OPERATIONS = {"+": operator.add, "-": operator.sub, "*": operator.mul}
_ANSWER_LINE = re.compile(r"ANSWER\s*:\s*(.*)", re.IGNORECASE)
_NUMBER = re.compile(r"-?\d+(?:\.\d+)?")


MAX_VALUE = 1000
"""The largest operand at most: every pair is listed and shuffled (3 million at 1000, +-*)."""
MAX_PROBLEMS = 100_000


class ArithmeticSuite(Suite):
    """`a op b` for operands in 1..max_value; the last number in the reply is the answer.

    Args:
        n: number of problems (distinct, drawn without replacement).
        seed: the same arguments always give the same problems and sample ids.
        max_value: the largest operand.
        ops: the operations to draw from, any of + - * (e.g. +-*).
    """

    name = "arithmetic"
    answer_format = "Give the result as a number."

    def __init__(self, n: int = 20, seed: int = 0, max_value: int = 9, ops: str = "+") -> None:
        check_int("max_value", max_value, 1, MAX_VALUE)
        check_int("seed", seed, 0)
        if not isinstance(ops, str) or not ops or set(ops) - set(OPERATIONS):
            raise TaskArgError(f"ops must be made of {''.join(OPERATIONS)}; got {ops!r}")
        pool = len(set(ops)) * max_value**2
        check_int("n", n, 1, min(pool, MAX_PROBLEMS))  # distinct problems
        self.n, self.seed, self.max_value, self.ops = (
            n,
            seed,
            max_value,
            "".join(dict.fromkeys(ops)),
        )

    def samples(self) -> list[Sample]:
        values = range(1, self.max_value + 1)
        problems = [(a, op, b) for op in self.ops for a in values for b in values]
        random.Random(f"arithmetic-{self.seed}").shuffle(problems)
        return [
            Sample(
                id=f"arith-{self.seed}-{a}{op}{b}",
                input=f"What is {a} {op} {b}?",
                target=str(OPERATIONS[op](a, b)),
            )
            for a, op, b in problems[: self.n]
        ]

    def extract(self, completion: str) -> str | None:
        lines = _ANSWER_LINE.findall(completion)
        numbers = _NUMBER.findall(lines[-1] if lines else completion)
        return numbers[-1] if numbers else None

    def verify(self, answer: str, problem: Problem) -> Verdict:
        try:
            value = float(answer)
        except ValueError:
            return Verdict(False, "Your answer must be a number.")
        target = int(problem.target)
        if value == target:
            return Verdict(True, "Correct.", score=1.0)
        shown = int(value) if value.is_integer() else value
        direction = "too large" if value > target else "too small"
        return Verdict(
            False,
            f"Your answer {shown} is {direction}.",
            report=f"The answer {shown} is {direction}; the result is {target}.",
        )

    def answer_text(self, problem: Problem) -> str:
        return f"{problem.input.removeprefix('What is ').rstrip('?')} = {problem.target}"

    def wrong_answer_text(self, problem: Problem) -> str:
        return f"{problem.input.removeprefix('What is ').rstrip('?')} = {int(problem.target) + 1}"

    def leaked(self, feedback: str, problem: Problem) -> list[str]:
        """The result in any notation (`12`, `12.0`, `twelve`, `1,081`, `-5`, `minus five`), or
        arithmetic other than the problem itself that comes to it (`10 + 2`, `one less than
        13`). Labels and counts (`step 12`, `out of 100`) do not count; a result that is one of
        the operands or at most 2 counts only where it is stated as the result."""
        target = Fraction(int(problem.target))
        operands = [Fraction(int(v)) for v in re.findall(r"\d+", problem.input)]
        common = target in operands or abs(target) <= 2
        spans = value_spans(feedback, target, common)
        spans += [n.span(feedback) for n in spaced_digits(feedback) if n.value == abs(target)]
        for expression in expressions(feedback):
            # one step from the result (10 + 2, 80 - 8; longer arithmetic is a strategy), on
            # numbers other than the problem's own (7 + 5, "start at 7 and count up 5")
            one_step = len(expression.operators) == 1
            restated = set(expression.operands) <= set(operands)
            if one_step and not restated and expression.value == target:
                spans.append(expression.span)
        return spans

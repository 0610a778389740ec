"""The math leak guard: feedback stating the answer in any equivalent form is flagged; unrelated
numbers are not."""

from pathlib import Path

import pytest

from rl2f_eval.suites.base import Problem
from rl2f_eval.suites.math import MathSuite

FIXTURE = Path(__file__).parent / "fixtures" / "hardmath2"


def problem(target: str, parameters: list[str] | None = None) -> Problem:
    metadata = {"parameters": parameters} if parameters is not None else {}
    return Problem(id="p", input="a problem", target=target, metadata=metadata)


@pytest.fixture(scope="module")
def suite():
    return MathSuite("aime")


@pytest.mark.parametrize(
    ("target", "feedback", "leaked"),
    [
        (r"\frac{1}{2}", "So the probability is 0.5 in the end.", ["0.5"]),
        (r"\frac{1}{2}", "You should get 1/2 here.", ["1/2"]),
        (r"\frac{1}{2}", r"Compare with \frac12.", [r"\frac12"]),
        ("0.5", r"It equals $\frac{1}{2}$ exactly.", [r"$\frac{1}{2}$", r"\frac{1}{2}"]),
        (r"\frac{\sqrt{3}}{3}", r"Rationalise: $\frac{1}{\sqrt{3}}$.", [r"$\frac{1}{\sqrt{3}}$"]),
        ("204", "The walk takes 204 minutes.", ["204"]),
        ("2", "Check step 2 and the 2 cases again.", []),  # small numbers as labels
        ("2", "The answer is 2.", ["2"]),
        ("2", "Then $x = 2$.", ["$x = 2$", "2"]),
        ("204", "Recheck steps 1 to 3; 24 minutes is 0.4 hours.", []),
        (r"2^{n-1}", r"You want $\frac{2^n}{2}$ here.", [r"$\frac{2^n}{2}$"]),
        (r"2^{n-1}", r"Count subsets of $n-1$ objects.", []),
        # plain-text math outside $...$
        (r"2^{n - 1}", "So it is 2^(n-1) in the end.", ["2^(n-1)"]),
        (r"2^{n - 1}", "Halve it: 2**n / 2.", ["2**n / 2"]),
        (r"\frac{n \left(n - 3\right)}{2}", "the answer is n(n-3)/2.", ["n(n-3)/2"]),
        (r"\sqrt{2}", "it is sqrt(2)", ["sqrt(2)"]),
        (r"2^{n-1}", "The n-th term is well-known: try 2^(n+1) or n-1 objects.", []),
        ("204", "So 200 + 4 minutes in all; recheck steps 2-3.", ["200 + 4"]),
    ],
)
def test_equivalent_forms_are_leaks(suite, target, feedback, leaked):
    found = suite.leaked(feedback, problem(target))
    assert set(leaked) <= set(found)
    # anything else flagged is a piece of a flagged span (`\frac12` inside `$x = \frac12$`)
    assert all(any(span in outer for outer in leaked) for span in found)


def test_formula_answers(suite):
    target = r"y(x) \sim \frac{2}{1+x} - e^{-x/\epsilon}"
    p = problem(target, ["x", r"\epsilon"])
    leak = r"Aim for $y = 2(1+x)^{-1} - \exp(-x/\epsilon)$."
    assert r"$y = 2(1+x)^{-1} - \exp(-x/\epsilon)$" in suite.leaked(leak, p)
    partial = r"The inner layer decays like $e^{-x/\epsilon}$; the outer part is wrong."
    assert suite.leaked(partial, p) == []  # a piece of the answer is guidance, not the answer
    assert suite.leaked(f"It is {target}.", p)  # verbatim


def test_redaction_removes_the_leak(suite):
    from rl2f_eval.teachers.leak import REDACTED, redact

    feedback = "So the probability is 0.5, which you can get by symmetry."
    spans = suite.leaked(feedback, problem(r"\frac{1}{2}"))
    assert (
        redact(feedback, spans)
        == f"So the probability is {REDACTED}, which you can get by symmetry."
    )

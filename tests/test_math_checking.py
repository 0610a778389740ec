"""The hard_math verifier on real references: equivalent forms accepted, perturbed answers (wrong
constant, sign, exponent) rejected, with feedback that says how without giving the value away."""

from pathlib import Path

import pytest

from rl2f_eval.suites.base import Problem
from rl2f_eval.suites.math import MathSuite

FIXTURE = Path(__file__).parent / "fixtures" / "hardmath2"


@pytest.fixture(scope="module")
def problems():
    suites = {
        "champ": MathSuite("champ"),
        "aime": MathSuite("aime"),
        "hardmath2": MathSuite("hardmath2", data_path=str(FIXTURE)),
    }
    found = {}
    for suite in suites.values():
        for sample in suite.samples():
            found[sample.id] = (suite, Problem.from_sample(sample))
    return found


BL2 = r"B e^{\frac{1-x}{2}} + (A SIGN B\sqrt{e}) e^{-2x/\epsilon}"
CASES = [
    # (sample id, answer, correct?)
    ("champ-P_Combinatorics_6", r"2^{n-1}", True),
    ("champ-P_Combinatorics_6", r"\frac{2^n}{2}", True),
    ("champ-P_Combinatorics_6", r"2^{n}", False),  # wrong exponent
    ("champ-P_Combinatorics_6", r"3 \cdot 2^{n-1}", False),  # wrong constant
    ("champ-P_Combinatorics_6", r"-2^{n-1}", False),  # wrong sign
    ("champ-P_Combinatorics_11", r"\frac{n^2-3n}{2}", True),
    ("champ-P_Combinatorics_11", r"\binom{n}{2} - n", True),
    ("champ-P_Combinatorics_11", r"\frac{n(n+3)}{2}", False),
    ("champ-P_Inequality_12", r"\sum_{i=1}^{n} \frac{1}{i}", True),  # another dummy index
    ("champ-P_Inequality_12", r"\sum_{i=1}^{n} \frac{1}{i^2}", False),
    ("champ-P_Inequality_18", r"\frac{1}{\sqrt{3}}", True),
    ("champ-P_Inequality_18", r"\frac{\sqrt{3}}{2}", False),
    ("champ-P_Inequality_18", r"-\frac{\sqrt{3}}{3}", False),
    ("champ-P_Number-Theory_3", r"625, 376", True),
    ("champ-P_Number-Theory_3", r"376", False),
    ("champ-P_Number-Theory_39", r"(9, 11), (0, 2)", True),
    ("champ-P_Number-Theory_39", r"(0, 2)", False),
    ("champ-P_Polynomial_13", r"a=3, b=-4", True),
    ("champ-P_Polynomial_13", r"(3, 4)", False),
    ("champ-P_Inequality_1", r"[-1, 1]", True),
    ("champ-P_Inequality_1", r"(-1, 1)", False),
    ("aime2024-0", "204", True),
    ("aime2024-0", "205", False),
    ("aime2024-0", "-204", False),
    ("hardmath2-boundary_layers-001", r"y = \frac{2}{x+1} - \exp(-x/\epsilon)", True),
    ("hardmath2-boundary_layers-001", r"-e^{-x/\epsilon} + 2(1+x)^{-1}", True),
    ("hardmath2-boundary_layers-001", r"\frac{3}{1+x} - e^{-x/\epsilon}", False),  # constant
    ("hardmath2-boundary_layers-001", r"\frac{2}{1+x} + e^{-x/\epsilon}", False),  # sign
    ("hardmath2-boundary_layers-001", r"\frac{2}{1+x} - e^{-x^2/\epsilon}", False),  # exponent
    ("hardmath2-boundary_layers-002", BL2.replace("SIGN", "-"), True),
    ("hardmath2-boundary_layers-002", BL2.replace("SIGN", "+"), False),
    ("hardmath2-boundary_layers-003", r"\operatorname{erfc}(-x/\sqrt{\epsilon})/2", True),
    ("hardmath2-boundary_layers-004", r"\int_{1}^{x} \frac{\sin s}{1+s} ds", True),
    ("hardmath2-boundary_layers-004", r"\int_{0}^{x} \frac{\sin s}{1+s} ds", False),
    ("hardmath2-integrals-002", r"\Gamma(4/3) x^{-1/3}", True),
    ("hardmath2-integrals-004", r"\sqrt{\pi} - x^{-1/2}", True),
    ("hardmath2-integrals-004", r"1.7725 - x^{-1/2}", False),  # rtol 1e-6, as HARDMath2
    ("hardmath2-wkb-001", r"\epsilon e^{-x/2} \sinh\left(\frac{e^x - 1}{\epsilon}\right)", True),
    ("hardmath2-wkb-001", r"\epsilon e^{-x/3} \sinh\left(\frac{e^x - 1}{\epsilon}\right)", False),
    ("hardmath2-nonlinear_pde-001", r"-\tanh x; \tanh x", True),
    ("hardmath2-nonlinear_pde-001", r"\tanh x", False),
    ("hardmath2-nonlinear_pde-002", r"\frac{1}{2\cosh^2\left(\frac{x-t}{2}\right)}", True),
    # a real variable is not sampled at positive integers only
    ("champ-P_Polynomial_39", r"x^3 - 1 + |x| - x", False),
    ("champ-P_Polynomial_39", r"(x - 1)(x^2 + x + 1)", True),
    ("champ-P_Sequence_16", r"a^{1/2} + \sin(\pi a)", False),
    ("champ-P_Sequence_16", r"\sqrt{|a|}", True),  # equal where the reference is real
    # a count is: equal at the integers is equal
    ("champ-P_Combinatorics_3",
     r"2^{(2n-1+(-1)^n)/4} \left(\frac{2n-1+(-1)^n}{4}\right)!", True),
    ("champ-P_Polynomial_28", r"\frac{n + 1 - \cos(\pi n)}{n + 2}", True),
]  # fmt: skip


@pytest.mark.parametrize(("sample_id", "answer", "correct"), CASES)
def test_verdicts(problems, sample_id, answer, correct):
    suite, problem = problems[sample_id]
    verdict = suite.verify(answer, problem)
    assert verdict.correct is correct, verdict.feedback
    assert verdict.score == (1.0 if correct else 0.0)
    if not correct:
        assert problem.target not in verdict.feedback
        assert problem.target in verdict.report  # the model teacher sees the reference


def problem(target: str) -> Problem:
    return Problem(id="p", input="a problem", target=target, metadata={})


@pytest.mark.parametrize(
    ("gold", "answer", "correct"),
    [
        # undeclared variables other than counts range over negative and non-integer reals
        (r"|x|", "x", False),
        (r"\lfloor x \rfloor", "x", False),
        (r"\sin(\pi x)", "0", False),
        (r"x^{3} - 1", r"x^3 - 1 + |x| - x", False),
        (r"\sqrt{a}", r"a^{1/2} + \sin(\pi a)", False),
        (r"x^n", r"e^{n \ln |x|}", False),  # a real x and a count n together
        (r"\frac{a^{3} + 2 b}{3 a}", r"\frac{a^2}{3} + \frac{2|b|}{3a}", False),
        (r"\sqrt{a}", r"\sqrt{-a}", False),  # never both real: nothing to compare
        (r"|x|", r"\sqrt{x^2}", True),
        (r"|x|", r"\max(x, -x)", True),
        (r"\sin 2x", r"2\sin x \cos x", True),
        (r"\ln x", r"\frac{1}{2}\ln(x^2)", True),  # points where the reference is complex: skipped
        (r"\cos(\pi x)", r"\frac{(-1)^x + (-1)^{-x}}{2}", True),  # complex terms, a real sum
        (r"x^n", r"e^{n \ln x}", True),
        # counts (n, k, m, r) stay integers
        (r"\binom{n}{2}", r"\frac{n(n-1)}{2}", True),
        (r"\left\lfloor \frac{n}{2} \right\rfloor", r"\frac{2n - 1 + (-1)^n}{4}", True),
        (r"\frac{n + 1}{r + 1}", r"\frac{n + 1}{r + 1} + \sin(\pi n)", True),
    ],
)  # fmt: skip
def test_undeclared_variables_are_sampled_by_kind(gold, answer, correct):
    suite = MathSuite("aime")
    verdict = suite.verify(answer, problem(gold))
    assert verdict.correct is correct, verdict.report


@pytest.mark.parametrize(
    ("gold", "answer", "says"),
    [
        ("(2, 1)", "(1, 2)", "Your answer is not equivalent to the correct answer."),
        ("(1, 2)", "(2, 1)", "Your answer is not equivalent to the correct answer."),
        (r"\{(1, 2), (2, 1)\}", "(1, 2)",
         "it is an interval or a pair, but the answer is a set or list of values"),
        (r"\{(1, 2), (2, 1)\}", "(1, 2), (3, 1)", "at least one element is wrong"),
        (r"(1, \infty)", "(3, 2)", "it is a tuple, but the answer is an interval"),
        ("(0, 1)", "5", "it is a single expression, but the answer is an interval or a pair"),
    ],
)  # fmt: skip
def test_pairs_that_parse_as_intervals(gold, answer, says):
    """`(1, 2)` parses as an open interval and `(2, 1)` as a pair: a swapped pair is a wrong
    value, not a wrong form (which would also give the order away)."""
    verdict = MathSuite("aime").verify(answer, problem(gold))
    assert not verdict.correct
    assert says in verdict.feedback


@pytest.mark.parametrize(
    ("sample_id", "answer", "says"),
    [
        ("champ-P_Combinatorics_6", r"\frac{", "could not be checked: it could not be read"),
        ("champ-P_Combinatorics_6", r"\text{two to the n}", "it contains words"),
        ("champ-P_Combinatorics_6", r"2^{k-1}", "it uses k, which the problem does not define"),
        ("champ-P_Number-Theory_3", r"376", "wrong form: it is a single expression, but the "
         "answer is a set"),
        ("champ-P_Number-Theory_3", r"376, 625, 1", "wrong number of elements"),
        ("champ-P_Combinatorics_6", r"2^{n}", "Evaluated at sample values of n, it is off by "
         "between 100% and 1000% (relative error)"),  # twice the value: 100% off
        ("aime2024-0", "205", "It is off by between 0.1% and 1%"),  # 1/204
        ("aime2024-0", "-204", "off by between 100% and 1000%"),
        ("hardmath2-boundary_layers-001", r"\frac{3}{1+x} - e^{-x/\epsilon}",
         "Evaluated at sample values of epsilon, x, it is off by between 100% and 1000%"),
        ("hardmath2-nonlinear_pde-001", r"\tanh x", "wrong number of solutions"),
        ("champ-P_Number-Theory_4", "(5, 6)", "not equivalent to the correct answer."),
        ("champ-P_Number-Theory_39", "(0, 2)", "it is an interval or a pair, but the answer is a "
         "set or list of values"),
    ],
)  # fmt: skip
def test_feedback_says_how_the_answer_is_wrong(problems, sample_id, answer, says):
    suite, problem = problems[sample_id]
    verdict = suite.verify(answer, problem)
    assert not verdict.correct
    assert says in verdict.feedback


def test_a_check_past_its_deadline_is_a_wrong_turn_not_a_hang(problems):
    _, problem = problems["hardmath2-boundary_layers-004"]
    hurried = MathSuite("hardmath2", data_path=str(FIXTURE), check_timeout=0.05)
    # an answer whose numeric check takes SymPy over a minute (an infinite series at each sample
    # point), so no warm worker or cache can finish it within the deadline
    verdict = hurried.verify(r"\sum_{k=1}^{\infty} \frac{\sin(k x)}{k^{2} + \epsilon}", problem)
    assert not verdict.correct
    assert "could not be checked within 0.05 seconds" in verdict.feedback
    assert "timed out" in verdict.report
    # the killed worker is replaced: the next check works
    suite, problem = problems["aime2024-0"]
    assert suite.verify("204", problem).correct


def test_extract_takes_the_last_box():
    suite = MathSuite("aime")
    assert suite.extract(r"First \boxed{1}, then finally \boxed{\frac{1}{2}}.") == r"\frac{1}{2}"
    assert suite.extract("The answer is 5.") is None


def test_reference_is_the_worked_solution_where_there_is_one(problems):
    suite, problem = problems["champ-P_Combinatorics_1"]
    reference = suite.reference(problem)
    assert reference.startswith("Worked solution:\n1. Let x_n, y_n, z_n")
    assert "Hints:\n- " in reference and reference.endswith("Final answer: 239")
    suite, problem = problems["aime2024-0"]
    assert suite.reference(problem) == "Final answer: 204"

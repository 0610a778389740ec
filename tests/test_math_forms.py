"""Forms of references and answers, in variants of their own (not taken from any dataset):
LaTeX the release showed the parser misreading, numbers (tiny, huge, exact, decimal; separators,
computer notation), lists, tuples and intervals written as the answer format asks."""

import logging
from pathlib import Path

import pytest

from rl2f_eval.suites.base import Problem
from rl2f_eval.suites.math import MathSuite, bounded

FORMS = Path(__file__).parent / "fixtures" / "hardmath2" / "forms"


@pytest.fixture(scope="module")
def forms():
    suite = MathSuite("hardmath2", data_path=str(FORMS))
    return suite, {str(s.id): Problem.from_sample(s) for s in suite.samples()}


def test_unreadable_references_are_left_out_at_load_with_their_reason(forms):
    suite, problems = forms
    assert suite.excluded == {
        "hardmath2-forms-013": "reference not checkable: the parser cannot read "
        r"'x \\mapsto \\oint e^{x}' (I don't understand this)",
        "hardmath2-forms-014": "reference not checkable: it has no finite value at any sample "
        "point",
    }
    assert len(problems) == 14
    assert all(len(p.metadata["check_points"]) >= 3 for p in problems.values())


class Records(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.WARNING)
        self.messages: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.messages.append(record.getMessage())


def test_terms_no_point_can_check_are_reported(forms):
    _, problems = forms
    assert problems["hardmath2-forms-015"].metadata["unchecked_terms"] == ["log(x, E)/(10**12)"]
    others = [p for i, p in problems.items() if i != "hardmath2-forms-015"]
    assert all(not p.metadata["unchecked_terms"] for p in others)
    records, logger = Records(), logging.getLogger("rl2f_eval.suites.math.suite")
    logger.addHandler(records)
    try:
        MathSuite("hardmath2", data_path=str(FORMS)).samples()  # loaded again: logged again
    finally:
        logger.removeHandler(records)
    assert any(m.startswith("hardmath2-forms-015: at every sample point") for m in records.messages)


def test_a_term_invisible_at_hardmaths_points_gets_its_own_point(forms):
    _, problems = forms
    points = problems["hardmath2-forms-008"].metadata["check_points"]
    assert len(points) == 4
    layer = points[-1]  # near x = -1, where e^{-60(x+1)/epsilon} is not negligible
    assert 60 * (layer["x"] + 1) / layer["epsilon"] < 30


F1 = r"\left(\frac{\cosh 1}{\cosh x}\right)^{1/3} + (2 - \sqrt[3]{\cosh 1})e^{-x/\epsilon}"


@pytest.mark.parametrize(
    ("sample_id", "answer", "correct"),
    [
        ("001", F1, True),
        ("001", F1.replace("1/3", "1/2"), False),
        ("001", r"\frac{1}{2}", False),
        ("002", r"3(1+\sqrt{3})^{\sqrt{3}}e^{-x} + e^{-3x/\epsilon}", True),
        ("002", r"3(1+\sqrt{3})^{\sqrt{2}}e^{-x} + e^{-3x/\epsilon}", False),
        ("003", r"\frac{\max\left(0, 2 - x^2 t^{-2/5}\right)}{t^{1/5}}", True),
        ("003", r"t^{-1/5}\left(2 - \frac{x^2}{t^{2/5}}\right)", False),  # the clipped branch
        ("004", r"\int_0^x \left(2e^{-s^2} + s e^{-s}\right) ds", True),
        ("004", r"\sqrt{\pi}\,\mathrm{erf}(x) + 1 - (1+x)e^{-x}", True),
        ("004", r"2\int_0^x e^{-s^2} ds", False),
        ("005", r"1 + \cos(2)\,\operatorname{erf}\left(\frac{x}{\sqrt{\epsilon}}\right)", True),
        ("005", r"1 + \cos\left(2\operatorname{erf}\left(\frac{x}{\sqrt{\epsilon}}\right)\right)",
         False),
        ("006", r"x + E_{2}\sin x", True),
        ("006", r"x + E_{2}\cos x", False),
        ("006", r"x + e_3 \sin x", False),
        ("007", r"(1+x)^{-1} + \exp(-x/\epsilon)", True),
        ("008", r"\cos x + (2 - \cos 1)e^{-60(1+x)/\epsilon}", True),
        ("008", r"\cos x", False),  # right wherever x and epsilon are in [1, 2]
        ("008", r"\cos x + (2 - \cos 1)e^{-61(1+x)/\epsilon}", False),
        ("009", r"\frac{1}{2}B_{x/4}(1/3, 1/2) + B(1/3, 1/2)", True),
        ("009", r"\frac{1}{2}B_{x/2}(1/3, 1/2) + B(1/3, 1/2)", False),
        ("010", r"\frac{x}{x^2+1}", True),
        ("010", r"\frac{1}{x^2+1}", False),
        ("011", r"x + \frac{I}{2} e^{x}", True),
        ("011", r"x + \frac{i e^{x}}{2}", True),
        ("011", r"x + \frac{e^{x}}{2}", False),
        ("012", r"2\left(\operatorname{sech}(x-t)\right)^{2/3}", True),
        ("012", r"2\left(\operatorname{sech}(x-t)\right)^{3/2}", False),
        ("015", r"5 + 10^{-12}\ln x", True),
        ("016", r"K_1(x) + \frac{\pi}{2} J_{0}(x/\epsilon)", True),
        ("016", r"K_0(x) + \frac{\pi}{2} J_{0}(x/\epsilon)", False),
        ("016", r"\frac{\pi}{2} J_{0}(x/\epsilon)", False),
        # how students finish an asymptotic answer: an order term, a full stop, \mathrm{e}
        ("008", r"\cos x + (2 - \cos 1)\mathrm{e}^{-60(1+x)/\epsilon} + O(\epsilon^2)", True),
        ("008", r"\cos x + O(\epsilon)", False),
        ("010", r"\frac{x}{x^2+1} + \mathcal{O}\left(x^{-3}\right).", True),
        ("010", r"\frac{x}{1+x^2} + \cdots", True),
        ("010", r"\frac{x}{x^2+1} + O(x^{-3}) + \frac{1}{x}", False),
    ],
)  # fmt: skip
def test_answers_to_each_form(forms, sample_id, answer, correct):
    suite, problems = forms
    verdict = suite.verify(answer, problems[f"hardmath2-forms-{sample_id}"])
    assert verdict.correct is correct, (verdict.feedback, verdict.report)


def problem(target: str) -> Problem:
    return Problem(id="p", input="a problem", target=target, metadata={})


@pytest.mark.parametrize(
    ("gold", "answer", "correct"),
    [
        # tiny numbers: relative, not math-verify's 6 decimals
        (r"1.6 \times 10^{-19}", r"1.60 \times 10^{-19}", True),
        (r"1.6 \times 10^{-19}", "1.6e-19", True),
        (r"1.6 \times 10^{-19}", "0.00000000000000000016", True),
        (r"1.6 \times 10^{-19}", r"16 \cdot 10^{-20}", True),
        (r"1.6 \times 10^{-19}", r"1.7 \times 10^{-19}", False),
        (r"1.6 \times 10^{-19}", r"10^{-19}", False),
        (r"1.6 \times 10^{-19}", "0", False),
        ("0.0000047", "0.000005", False),
        ("0.0000047", "0.0000047000001", True),
        (r"\frac{1}{7000000}", "0.0000001", False),
        (r"\frac{1}{7000000}", r"1.5 \times 10^{-7}", False),
        (r"\frac{1}{7000000}", r"1.4285714 \times 10^{-7}", True),
        (r"\frac{1}{7 \cdot 10^{30}}", r"\frac{1}{6 \cdot 10^{30}}", False),
        (r"\frac{2}{9}", r"0.2222222", True),
        (r"\frac{2}{9}", r"0.2222", False),
        # huge and exact numbers
        (r"6.02 \times 10^{23}", "6.02E23", True),
        (r"6.02 \times 10^{23}", "602000000000000000000000", True),
        (r"6.02 \times 10^{23}", r"6.03 \times 10^{23}", False),
        (r"6.02 \times 10^{23}", r"6.02 \times 10^{22}", False),
        ("3000001", "3000002", False),  # exact: however close
        (r"2^{100}", "1267650600228229401496703205376", True),
        (r"2^{100}", "1267650600228229401496703205377", False),
        (r"\sqrt{8}", r"2\sqrt{2}", True),
        (r"\sqrt{8}", r"2.8284271", True),
        (r"\sqrt{8}", r"2.83", False),
        # how else numbers come out of a model: unicode, a bare exponent, a percent sign
        (r"1.6 \times 10^{-19}", "1.6 × 10^{-19}", True),
        (r"1.6 \times 10^{-19}", "1.6·10^-19", True),
        (r"1.6 \times 10^{-19}", "1.6·10^-18", False),
        ("-2718281", "−2 718 281", True),
        ("35", r"35\%", True),
        (r"35\%", "35", True),
        (r"35\%", "0.35", True),
        ("0.35", "35", False),
        ("35", r"36\%", False),
        # separators a student writes
        ("2718281", r"2\,718\,281", True),
        ("2718281", r"2{,}718{,}281", True),
        ("2718281", "2,718,281", True),
        ("2718281", r"2~718~281", True),
        ("2718281", r"2\ 718\ 281", True),
        ("2718281", r"2\,718\,282", False),
        ("12345.5", r"12\,345.5", True),
        ("12,000", "12000", True),  # a reference written that way is the number too
        # lists written as the answer format asks, against a reference in brackets
        ("[-2, 7]", "-2, 7", True),
        ("[-2, 7]", "7, -2", True),
        ("[-2, 7]", r"\{-2, 7\}", True),
        ("[-2, 7]", "x = -2, x = 7", True),
        ("[-2, 7]", "-2, 8", False),
        ("[-2, 7]", "-2", False),
        (r"\{3, 11\}", "[3, 11]", True),
        (r"\{3, 11\}", "11, 3", True),
        ("3, 11", "3, 11, 12", False),
        # commas that separate list items are not thousands separators
        ("1, 234", "1,234", True),
        ("1, 234", "1234", False),
        # tuples, intervals
        ("(4, -1)", "(4, -1)", True),
        ("(4, -1)", "x = 4, y = -1", True),
        ("(4, -1)", "(-1, 4)", False),
        (r"(0, \infty)", r"(0, \infty)", True),
        (r"(0, \infty)", r"[0, \infty)", False),
        (r"[0.0000012, 3]", r"[0.000001, 3]", False),
        (r"\{0.0000012, 3\}", r"\{0.0000012, 3\}", True),
        (r"\{0.0000012, 3\}", r"\{0.000001, 3\}", False),
        ("(0.0000012, 3)", "(0.000001, 3)", False),
    ],
)  # fmt: skip
def test_numbers_and_structures(gold, answer, correct):
    verdict = MathSuite("aime").verify(answer, problem(gold))
    assert verdict.correct is correct, (verdict.feedback, verdict.report)


def test_a_failing_checker_is_a_wrong_turn_never_a_sample_error(forms, monkeypatch):
    suite, problems = forms

    def broken(*args, **kwargs):
        raise RuntimeError("a bug in the checker")

    monkeypatch.setattr(bounded, "run", broken)
    verdict = suite.verify("x", problems["hardmath2-forms-010"])
    assert not verdict.correct
    assert "could not be checked" in verdict.feedback
    assert "a bug in the checker" in verdict.report
    assert suite.leaked("the answer is $x$", problems["hardmath2-forms-010"]) == []

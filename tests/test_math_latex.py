"""String handling of LaTeX answers: boxed extraction, right-hand sides, normalisation, leak
candidates, oracle perturbations."""

import pytest

from rl2f_eval.suites.math.latex import (
    candidates,
    is_structured,
    last_boxed,
    normalise,
    perturbed,
    split_top_level,
    strip_name,
)


@pytest.mark.parametrize(
    ("text", "boxed"),
    [
        (r"so $\boxed{\frac{1}{2}}$.", r"\frac{1}{2}"),
        (r"\boxed{1} then \boxed{e^{x^{2}}}", r"e^{x^{2}}"),  # the last box, nested braces
        (r"\fbox{42}", "42"),
        (r"\boxed 7 is it", "7"),
        (r"\boxed{}", None),
        (r"\boxed{\frac{1}{2}", None),  # cut off mid-answer
        ("no box here: 5", None),
    ],
)
def test_last_boxed(text, boxed):
    assert last_boxed(text) == boxed


@pytest.mark.parametrize(
    ("answer", "rhs"),
    [
        (r"y(x) \sim e^{-x}", "e^{-x}"),
        (r"y_{WKB}(x) \approx \cos x", r"\cos x"),
        (r"u(x, t \rightarrow \infty) \approx 1 - x", "1 - x"),
        (r"I(x)=\frac{1}{x} = 2", "2"),  # a chain: the last side
        (r"y = 3", "3"),
        (r"x=6, y=5", r"x=6, y=5"),  # several assignments stay for math-verify
        (r"(x,y)=(1,2)", r"(x,y)=(1,2)"),
        (r"a \le 3", r"a \le 3"),
        (r"e^{x}", "e^{x}"),
    ],
)
def test_strip_name(answer, rhs):
    assert strip_name(answer) == rhs


def test_normalise_spellings():
    assert normalise(r"sin(x) + \text{erfc}(x) + \operatorname{cosh}(x)") == (
        r"\sin(x) + \erfc(x) + \cosh(x)"
    )
    assert normalise(r"\Bigl(\tfrac12\Bigr)\,\varepsilon") == r"(\frac12) \epsilon"
    assert normalise(r"2 e^{-pi/4}") == r"2 e^{-\pi/4}"
    # formula mode: brackets group, \log is natural, Mathematica's E is e; \sqrt[3] stays
    assert normalise(r"\log[x] E^{x} \sqrt[3]{x}", expressions=True) == r"\ln(x) e^{x} \sqrt[3]{x}"
    assert normalise(r"\log[x]") == r"\log[x]"  # not outside formula mode (intervals)


def test_split_and_structure():
    assert split_top_level(r"f(a, b); g(c)", ";") == ["f(a, b)", " g(c)"]
    assert split_top_level(r"\{1, 2\}, 3", ",") == [r"\{1, 2\}", " 3"]
    assert is_structured(r"\{1, 2\}") and is_structured("1, 2") and is_structured(r"\pm 1")
    assert is_structured(r"\left[ -1, 1\right]") and is_structured("(0, 1)")
    assert not is_structured(r"\frac{n(n-3)}{2}") and not is_structured(r"\binom{n}{4}")


def test_perturbed_answers_change_the_value():
    assert perturbed(r"y(x) \sim e^{-x}") == r"\left(e^{-x}\right) + 1"
    assert perturbed(r"\{1, 4, 9\}") == r"-\frac{7919}{3}"  # sets: a value certainly not in them
    assert perturbed(r"\tanh(x); -\tanh(x)") == r"-\frac{7919}{3}"


def test_candidates_find_math_and_numbers():
    found = {
        c.text: c for c in candidates(r"Check $x = \frac{1}{2}$; step 2 gives 0.5 and \sqrt{3}.")
    }
    assert found[r"$x = \frac{1}{2}$"].in_math
    assert found[r"\frac{1}{2}"].latex == r"\frac{1}{2}"  # the right side of x = ...
    assert found["0.5"].in_math  # "gives 0.5": stated as a value
    assert not found["2"].in_math  # "step 2": a label
    assert r"\sqrt{3}" in found
    cue = {c.text: c.in_math for c in candidates("The answer is 7, not 3 of them.")}
    assert cue == {"7": True, "3": False}


def test_candidates_find_plain_text_math():
    feedback = (
        r"It is 2^(n-1), or n(n-3)/2, or sqrt(2) with 3*2**n; not $x^2$, the n-th well-known "
        "x-axis, 3 (roughly) or step 2."
    )
    found = {c.text: c for c in candidates(feedback)}
    for run in ("2^(n-1)", "n(n-3)/2", "sqrt(2)", "3*2**n"):
        assert found[run].in_math
    assert found["3*2**n"].latex == "3*2^n"
    assert not {"n-th", "well-known", "x-axis", "3 (roughly)", "step 2", "x^2"} & set(found)

"""The string leak guard (`Suite.leaked`) on labelled teacher feedback, one set per suite
(`tests/fixtures/leaks/`, measured by `benchmarks/leak_guard.py`), and on the verifier teacher's
own feedback, which must never trip it."""

from __future__ import annotations

import random
from fractions import Fraction
from pathlib import Path

import pytest

from benchmarks.leak_guard import SUITES, cases, measure
from rl2f_eval.suites.base import Problem, Suite
from rl2f_eval.suites.leaks import value_spans
from rl2f_eval.suites.registry import build_suite

RECALL, FALSE_FLAGS = 0.90, 0.02
PROBLEMS = 40  # at most, per problem set checked for the verifier's own feedback
HARDMATH2 = Path(__file__).parent / "fixtures" / "hardmath2"


@pytest.mark.parametrize("name", SUITES)
def test_labelled_set(name: str) -> None:
    found = cases(name)
    figures, wrong = measure(found)
    assert len(found) >= 100 and figures.leaks >= 40 and figures.innocent >= 40
    shown = "\n".join(f"{c.leak=} {c.problem.id}: {c.text!r} -> {spans}" for c, spans in wrong)
    assert figures.recall >= RECALL, shown
    assert figures.false_flags <= FALSE_FLAGS, shown


def verifier_feedback(suite: Suite, problem: Problem, answers: list[str]) -> list[str]:
    """What the `verifier` teacher says to each wrong completion in `answers`."""
    said = []
    for completion in answers:
        answer = suite.extract(completion)
        if answer is None:
            continue
        verdict = suite.verify(answer, problem)
        if not verdict.correct:
            said.append(verdict.feedback)
    return said


def wrong_completions(
    name: str, suite: Suite, problem: Problem, rng: random.Random, others: list[Problem]
) -> list[str]:
    """The oracle's wrong answer and a few more of the kinds students write: the answers of
    other problems of the set, and for some suites random ones."""
    answers = [suite.wrong_answer_text(problem)]
    answers += [suite.answer_text(other) for other in rng.sample(others, min(6, len(others)))]
    if name == "maze":
        answers += [
            f"ANSWER: {''.join(rng.choices('UDLR', k=rng.randint(1, 14)))}" for _ in range(8)
        ]
        answers += [f"ANSWER: {problem.target[:k]}" for k in range(1, len(problem.target))]
    elif name == "coding":  # a function that runs and returns something wrong
        entry = problem.metadata["entry_point"]
        answers = [
            answers[0],
            f"```python\ndef {entry}(*args, **kwargs):\n    return args[0] if args else None\n```",
        ]
    elif name == "hard_math":  # a wrong number and formula of the kinds students box
        answers = answers[:2] + [f"The answer is $\\boxed{{{a}}}$." for a in ("0", "x")]
    elif name == "arithmetic":
        answers += [str(int(problem.target) + d) for d in (-11, -2, -1, 1, 2, 10, 100)]
    return answers


GENERATED = {  # suite: task arguments of a problem set whose verifier feedback is checked
    "maze": [{"n": 30, "size": 4}, {"n": 10, "size": 7}],
    "arithmetic": [{"n": 40, "ops": "+-*", "max_value": 30}],
    "games": [{"n": 8, "difficulty": level} for level in ("easy", "medium", "hard")],
    "coding": [{"n": 6, "seed": 3}, {"n": 3, "seed": 5, "reveal": "full"}],
    "hard_math": [  # `problems`: the first so many (each check costs)
        {"dataset": "aime", "problems": 12},
        {"dataset": "champ", "problems": 25},
        {"dataset": "hardmath2", "data_path": str(HARDMATH2), "problems": 4},
    ],
    "puzzles": [
        {"families": "mixed", "n": 3, "difficulty": "easy"},
        {
            "families": "knights_knaves,zebra,n_queens,countdown,futoshiki",
            "n": 2,
            "difficulty": "medium",
        },
    ],
}


@pytest.mark.parametrize(
    ("name", "args"), [(name, args) for name, sets in GENERATED.items() for args in sets]
)
def test_verifier_feedback_never_trips_the_guard(name: str, args: dict) -> None:
    args = dict(args)
    limit = args.pop("problems", PROBLEMS)
    suite = build_suite(name, args)
    rng = random.Random(0)
    checked = 0
    problems = [Problem.from_sample(sample) for sample in suite.samples()][:limit]
    for problem in problems:
        kind = problem.metadata.get("game") or problem.metadata.get("family")
        others = [
            p for p in problems if (p.metadata.get("game") or p.metadata.get("family")) == kind
        ]
        answers = wrong_completions(name, suite, problem, rng, [p for p in others if p != problem])
        for feedback in verifier_feedback(suite, problem, answers):
            assert suite.leaked(feedback, problem) == [], (problem.id, feedback)
            checked += 1
    assert checked >= len(problems)


@pytest.mark.parametrize(
    ("text", "value", "spans"),
    [
        (
            r"It is .5, 50%, \tfrac12, 1/2 or one half.",
            "1/2",
            [".5", "50%", r"\tfrac12", "1/2", "one half"],
        ),
        (r"4\,000 and 4,000 and four thousand", "4000", [r"4\,000", "4,000", "four thousand"]),
        (r"1.2e-6 or 1.2 \times 10^{-6}", "3/2500000", ["1.2e-6", r"1.2 \times 10^{-6}"]),
        ("about 0.333, not 0.3", "1/3", ["0.333"]),
        ("It is negative 5, or −5.", "-5", ["negative 5", "−5"]),
        # labels, counts and sample points are not values
        ("See line 12, tests 11 and 12, 3 of 12 tests, out of 12.", "12", []),
        ("Check the base case n = 1 and the value at x = 1.", "1", []),
        ("It is off by between 10% and 50% (relative error).", "1/2", []),
    ],
)
def test_numbers_in_any_notation_but_not_labels(text: str, value: str, spans: list[str]) -> None:
    assert value_spans(text, Fraction(value)) == spans


def test_small_numbers_only_where_stated_as_the_result() -> None:
    assert value_spans("Set the derivative equal to 0; check step 2.", Fraction(0), True) == []
    assert value_spans("So the answer is 0.", Fraction(0), True) == ["0"]
    assert value_spans("The roots are 1 and 2.", Fraction(2), True) == ["2"]

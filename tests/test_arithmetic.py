"""The arithmetic toy suite: its verifier against known-good and known-bad answers."""

from __future__ import annotations

import pytest
from inspect_ai import eval

from rl2f_eval.didactic.task import didactic_task
from rl2f_eval.errors import TaskArgError
from rl2f_eval.suites.arithmetic import ArithmeticSuite
from rl2f_eval.suites.base import Problem


def problems(**args):
    return [Problem.from_sample(s) for s in ArithmeticSuite(**args).samples()]


def test_every_reference_is_accepted_and_off_by_one_rejected():
    suite = ArithmeticSuite(n=3 * 81, ops="+-*")
    for problem in problems(n=3 * 81, ops="+-*"):
        a, op, b = problem.input.removeprefix("What is ").rstrip("?").split()
        value = {"+": int(a) + int(b), "-": int(a) - int(b), "*": int(a) * int(b)}[op]
        assert problem.target == str(value)
        assert suite.verify(suite.extract(suite.answer_text(problem)), problem).correct
        wrong = suite.verify(suite.extract(suite.wrong_answer_text(problem)), problem)
        assert not wrong.correct and "too large" in wrong.feedback


@pytest.mark.parametrize(
    ("reply", "answer"),
    [
        ("7 + 5 = 12", "12"),
        ("The answer is 12.", "12"),
        ("7 - 9 = -2", "-2"),
        ("I think 11, no wait: ANSWER: 12\nThanks!", "12"),
        ("Twelve.", None),
        ("12.5", "12.5"),
    ],
)
def test_the_last_number_is_the_answer(reply, answer):
    assert ArithmeticSuite().extract(reply) == answer


def test_feedback_gives_the_direction_never_the_result():
    suite = ArithmeticSuite()
    problem = Problem(id=1, input="What is 7 + 5?", target="12")
    low, high = suite.verify("9", problem), suite.verify("13.0", problem)
    assert (low.correct, high.correct) == (False, False)
    assert low.feedback == "Your answer 9 is too small."
    assert high.feedback == "Your answer 13 is too large."
    assert "12" not in low.feedback + high.feedback and "12" in low.report
    assert suite.verify("12.0", problem).correct
    assert suite.leaked("The result is 12.", problem) == ["12"]
    assert suite.leaked(low.feedback, problem) == []


def test_problems_are_distinct_seeded_and_stable():
    first = problems(n=81)
    assert len({p.input for p in first}) == 81
    assert [p.input for p in problems(n=81)] == [p.input for p in first]
    assert [p.input for p in problems(n=81, seed=1)] != [p.input for p in first]
    assert len({p.id for p in first}) == 81


@pytest.mark.parametrize("args", [{"n": 82}, {"n": 0}, {"ops": "/"}, {"max_value": 0}])
def test_bad_arguments_fail_in_one_line(args):
    with pytest.raises(TaskArgError):
        ArithmeticSuite(**args)


def test_oracle_mode_validates_the_verifier(tmp_path):
    task = didactic_task(
        ArithmeticSuite(n=12, ops="+-*"), turns=3, teacher="verifier", oracle_turn=2
    )
    [log] = eval(task, log_dir=str(tmp_path), display="none")
    assert log.status == "success", log.error
    means = {s.name: s.metrics["mean"].value for s in log.results.scores if "mean" in s.metrics}
    assert (means["acc_at_1"], means["acc_at_2"], means["acc_at_3"]) == (0.0, 1.0, 1.0)

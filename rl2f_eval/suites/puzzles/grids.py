"""Number grids: Sudoku (9x9), mini Sudoku (4x4) and Futoshiki.

All three are Latin squares with extra rules (boxes; inequality signs) and puzzle-given cells.
The checker tests each rule on the student's grid, so any grid that satisfies them passes, and
the feedback names the broken rule ("Row 3 has two 5s (columns 2 and 7).").
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any, ClassVar

from rl2f_eval.suites.base import Problem, Verdict
from rl2f_eval.suites.puzzles.common import (
    Generated,
    digit_grid,
    grid_leak,
    grid_rows,
    number_word,
    partial_credit,
    rg_dataset,
    rows_text,
    summarise,
)


def duplicates(cells: list[tuple[int, int]], grid: list[list[int]]) -> dict[int, list[int]]:
    """value -> 1-based positions (within `cells`) for every value that occurs more than once."""
    where: dict[int, list[int]] = {}
    for k, (r, c) in enumerate(cells, start=1):
        where.setdefault(grid[r][c], []).append(k)
    return {v: ks for v, ks in sorted(where.items()) if len(ks) > 1}


def _and(ks: list[int]) -> str:
    return ", ".join(map(str, ks[:-1])) + f" and {ks[-1]}"


def latin_issues(grid: list[list[int]], puzzle: list[list[int]], box: int | None) -> list[str]:
    """Broken rules of a Latin-square puzzle: changed givens, repeats in rows, columns, boxes."""
    n = len(grid)
    issues = []
    for r in range(n):
        for c in range(n):
            if puzzle[r][c] and grid[r][c] != puzzle[r][c]:
                issues.append(
                    f"Row {r + 1}, column {c + 1} is given as {puzzle[r][c]} in the puzzle, but "
                    f"your grid has {grid[r][c]} there."
                )
    for r in range(n):
        for v, ks in duplicates([(r, c) for c in range(n)], grid).items():
            issues.append(f"Row {r + 1} has {number_word(len(ks))} {v}s (columns {_and(ks)}).")
    for c in range(n):
        for v, ks in duplicates([(r, c) for r in range(n)], grid).items():
            issues.append(f"Column {c + 1} has {number_word(len(ks))} {v}s (rows {_and(ks)}).")
    if box:
        for br in range(0, n, box):
            for bc in range(0, n, box):
                cells = [(br + i, bc + j) for i in range(box) for j in range(box)]
                for v, ks in duplicates(cells, grid).items():
                    issues.append(
                        f"The {box}x{box} box in rows {br + 1}-{br + box}, columns "
                        f"{bc + 1}-{bc + box} has {number_word(len(ks))} {v}s."
                    )
    return issues


def wrong_grids(solution: list[list[int]], puzzle: list[list[int]]) -> Iterable[list[list[int]]]:
    """Well-formed grids that differ from the solution: two blanks of a row swapped, else one
    blank changed, else one given changed."""
    n = len(solution)
    for r in range(n):
        blanks = [c for c in range(n) if not puzzle[r][c]]
        if len(blanks) >= 2:
            grid = [list(row) for row in solution]
            a, b = blanks[:2]
            grid[r][a], grid[r][b] = grid[r][b], grid[r][a]
            yield grid
    for r in range(n):
        for c in range(n):
            grid = [list(row) for row in solution]
            grid[r][c] = grid[r][c] % n + 1
            yield grid


class _GridFamily(Generated):
    """Shared checking for the Latin-square families."""

    box: int | None = None

    def shape(self, block: str) -> Any | None:
        # a grid with holes left in it is still an answer: the checker names the hole
        rows = grid_rows(block)
        return rows if rows and any(ch.isdigit() for row in rows for ch in row) else None

    def extra_issues(self, grid: list[list[int]], problem: Problem) -> list[str]:
        return []

    def canonical(self, grid: list[list[int]], problem: Problem) -> str:
        """The grid as reasoning-gym writes answers (for its partial-credit scorer)."""
        return rows_text(grid)

    def check(self, block: str, problem: Problem) -> Verdict:
        meta = problem.metadata
        solution, puzzle = meta["solution"], meta["puzzle"]
        grid, error = digit_grid(block, len(solution))
        if grid is None:
            return Verdict(False, error, report=error)
        issues = latin_issues(grid, puzzle, self.box) + self.extra_issues(grid, problem)
        entry = {
            "answer": meta.get("rg_answer", problem.target),
            "metadata": {"solution": solution},
        }
        score = rg_dataset(self.rg_name).score_answer(self.canonical(grid, problem), entry)
        if not issues:
            return Verdict(
                True, "Your grid satisfies every rule.", score=partial_credit(score, True)
            )
        wrong = [
            f"row {r + 1} column {c + 1} should be {solution[r][c]}"
            for r in range(len(grid))
            for c in range(len(grid))
            if grid[r][c] != solution[r][c]
        ]
        report = " ".join(issues) + f" Cells that differ from the solution: {'; '.join(wrong)}."
        return Verdict(False, summarise(issues), report=report, score=partial_credit(score, False))

    def solution_text(self, problem: Problem) -> str:
        return f"The solved grid:\n{rows_text(problem.metadata['solution'])}"

    def wrong_answers(self, problem: Problem) -> Iterable[str]:
        meta = problem.metadata
        return (rows_text(grid) for grid in wrong_grids(meta["solution"], meta["puzzle"]))

    def leaked(self, feedback: str, problem: Problem) -> list[str]:
        given = [[bool(v) for v in row] for row in problem.metadata["puzzle"]]
        return grid_leak(feedback, problem.metadata["solution"], given)


def _board(puzzle: list[list[int]]) -> str:
    return "\n".join(" ".join(str(v) if v else "_" for v in row) for row in puzzle)


class Sudoku(_GridFamily):
    name = "sudoku"
    rg_name = "sudoku"
    side, box = 9, 3
    EMPTY: ClassVar[dict[str, tuple[int, int]]] = {
        "easy": (20, 30),
        "medium": (35, 45),
        "hard": (50, 55),
    }

    def config(self, difficulty: str, size: int | None) -> dict[str, Any]:
        low, high = self.EMPTY[difficulty]
        return {"min_empty": low, "max_empty": high}

    def build(self, entry: dict[str, Any]) -> tuple[str, str, dict[str, Any]]:
        meta = entry["metadata"]
        puzzle = [[int(v) for v in row] for row in meta["puzzle"]]
        solution = [[int(v) for v in row] for row in meta["solution"]]
        n, b = self.side, self.box
        statement = (
            f"Solve this {n}x{n} Sudoku puzzle. Replace every _ with a digit from 1 to {n} so "
            f"that every row, every column and every {b}x{b} box contains each digit from 1 to "
            f"{n} exactly once; keep the digits already given.\n\n{_board(puzzle)}\n\n"
            f"Answer format: after `ANSWER:`, the completed grid as {n} lines of {n} digits "
            "separated by spaces, in the same layout as the puzzle."
        )
        return statement, rows_text(solution), {"puzzle": puzzle, "solution": solution}


class MiniSudoku(Sudoku):
    name = "mini_sudoku"
    rg_name = "mini_sudoku"
    side, box = 4, 2
    EMPTY: ClassVar[dict[str, tuple[int, int]]] = {
        "easy": (4, 6),
        "medium": (8, 10),
        "hard": (11, 12),
    }


class Futoshiki(_GridFamily):
    name = "futoshiki"
    rg_name = "futoshiki"
    size_meaning = "board side"
    sizes = range(4, 10)
    BOARD: ClassVar[dict[str, int]] = {"easy": 4, "medium": 5, "hard": 6}
    LEVEL: ClassVar[dict[str, tuple[int, int]]] = {
        "easy": (0, 1),
        "medium": (1, 2),
        "hard": (2, 3),
    }  # reasoning-gym's difficulty

    def config(self, difficulty: str, size: int | None) -> dict[str, Any]:
        side = size or self.BOARD[difficulty]
        low, high = self.LEVEL[difficulty]
        return {
            "min_board_size": side,
            "max_board_size": side,
            "min_difficulty": low,
            "max_difficulty": high,
        }

    def build(self, entry: dict[str, Any]) -> tuple[str, str, dict[str, Any]]:
        meta = entry["metadata"]
        n = int(meta["board_size"])
        solution = [[int(v) for v in row] for row in meta["solution"]]
        constraints = {((a, b), (c, d)): s for a, b, c, d, s in meta["constraints"]}
        board = rg_dataset(self.rg_name)._puzzle_to_string(meta["puzzle"], constraints)
        statement = (
            f"Solve this {n}x{n} Futoshiki puzzle. Replace every _ with a number from 1 to {n} "
            f"so that every row and every column contains each number from 1 to {n} exactly "
            "once, the numbers already given stay, and every inequality sign between two "
            "neighbouring cells holds: < and > compare cells side by side in a row; ∧ under a "
            "cell means it is smaller than the cell below, ∨ means it is larger.\n\n"
            f"{board}\n\n"
            f"Answer format: after `ANSWER:`, the completed grid as {n} lines of {n} numbers "
            "separated by spaces, without the inequality signs."
        )
        metadata = {
            "puzzle": [[int(v) for v in row] for row in meta["puzzle"]],
            "solution": solution,
            "constraints": [
                [int(a), int(b), int(c), int(d), str(s)] for a, b, c, d, s in meta["constraints"]
            ],
            "rg_answer": str(entry["answer"]),
        }
        return statement, rows_text(solution), metadata

    def extra_issues(self, grid: list[list[int]], problem: Problem) -> list[str]:
        issues = []
        for r1, c1, r2, c2, sign in problem.metadata["constraints"]:
            a, b = grid[r1][c1], grid[r2][c2]
            if (a < b) == (sign == "<") and a != b:
                continue
            relation = "smaller" if sign == "<" else "larger"
            issues.append(
                f"The sign between row {r1 + 1}, column {c1 + 1} and row {r2 + 1}, column "
                f"{c2 + 1} says the first is {relation}, but your grid has {a} and {b}."
            )
        return issues

    def canonical(self, grid: list[list[int]], problem: Problem) -> str:
        constraints = {
            ((r1, c1), (r2, c2)): sign for r1, c1, r2, c2, sign in problem.metadata["constraints"]
        }
        return rg_dataset(self.rg_name)._puzzle_to_string(grid, constraints)

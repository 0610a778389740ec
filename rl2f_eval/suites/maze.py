"""Maze navigation: seeded grid mazes, answers are move strings, checked by walking them.

The verifier simulates the path, so it accepts every legal path to the goal (not only the
generator's); its feedback names the first illegal move and where it happened, or how far from the
goal a legal path ended.
"""

from __future__ import annotations

import random
import re
from collections import deque
from dataclasses import dataclass

from inspect_ai.dataset import Sample

from rl2f_eval.errors import check_bool, check_fraction, check_int
from rl2f_eval.suites.base import Problem, Suite, Verdict, find_normalised
from rl2f_eval.suites.directions import Phrase, cells, phrases

WALL, OPEN, START, GOAL = "#", ".", "S", "G"
MOVES = {"U": (-1, 0), "D": (1, 0), "L": (0, -1), "R": (0, 1)}
_WORDS = {"UP": "U", "DOWN": "D", "LEFT": "L", "RIGHT": "R"}

Cell = tuple[int, int]


@dataclass(frozen=True)
class Maze:
    grid: tuple[str, ...]

    @property
    def start(self) -> Cell:
        return self._find(START)

    @property
    def goal(self) -> Cell:
        return self._find(GOAL)

    def _find(self, mark: str) -> Cell:
        for r, row in enumerate(self.grid):
            if mark in row:
                return r, row.index(mark)
        raise ValueError(f"maze has no {mark!r}")

    def inside(self, cell: Cell) -> bool:
        r, c = cell
        return 0 <= r < len(self.grid) and 0 <= c < len(self.grid[0])

    def is_wall(self, cell: Cell) -> bool:
        return self.grid[cell[0]][cell[1]] == WALL

    def shortest_path(self) -> str:
        """A shortest move string from start to goal (breadth-first search)."""
        start, goal = self.start, self.goal
        previous: dict[Cell, tuple[Cell, str] | None] = {start: None}
        queue = deque([start])
        while queue:
            cell = queue.popleft()
            if cell == goal:
                break
            for move, (dr, dc) in MOVES.items():
                nxt = (cell[0] + dr, cell[1] + dc)
                if self.inside(nxt) and not self.is_wall(nxt) and nxt not in previous:
                    previous[nxt] = (cell, move)
                    queue.append(nxt)
        if goal not in previous:
            raise ValueError("goal unreachable")
        path, cell = [], goal
        while (step := previous[cell]) is not None:
            cell, move = step
            path.append(move)
        return "".join(reversed(path))


@dataclass(frozen=True)
class Walk:
    """The outcome of following a move string from the start."""

    end: Cell
    error: str | None = None
    reached_goal_at: int | None = None  # 1-based move index of the first arrival at the goal


def walk(maze: Maze, moves: str) -> Walk:
    cell, goal, first_goal = maze.start, maze.goal, None  # goal: a property that scans the grid
    for i, move in enumerate(moves, start=1):
        dr, dc = MOVES[move]
        nxt = (cell[0] + dr, cell[1] + dc)
        where = f"row {cell[0] + 1}, column {cell[1] + 1}"
        if not maze.inside(nxt):
            return Walk(cell, f"Move {i} ({move}) from {where} leaves the grid.", first_goal)
        if maze.is_wall(nxt):
            return Walk(cell, f"Move {i} ({move}) from {where} runs into a wall.", first_goal)
        cell = nxt
        if cell == goal and first_goal is None:
            first_goal = i
    return Walk(cell, None, first_goal)


def parse_moves(text: str) -> str | None:
    """'RRDL', 'R, R, D, L', 'right right down left' -> 'RRDL'; None if anything else is there."""
    text = re.sub(r"\b(UP|DOWN|LEFT|RIGHT)\b", lambda m: _WORDS[m.group(1)], text.upper())
    moves = re.sub(r"[\s,;.`*'\"\-→>]+", "", text)
    return moves if moves and set(moves) <= set(MOVES) else None


def generate_maze(rng: random.Random, size: int, loops: float) -> Maze:
    """A `size` x `size`-cell maze drawn on a (2*size+1)-square grid by a randomised depth-first
    search; then a fraction `loops` of the remaining inner walls is knocked down, so that several
    paths (of different lengths) can reach the goal."""
    n = 2 * size + 1
    grid = [[WALL] * n for _ in range(n)]
    stack, seen = [(0, 0)], {(0, 0)}
    grid[1][1] = OPEN
    while stack:
        r, c = stack[-1]
        options = [
            (r + dr, c + dc)
            for dr, dc in MOVES.values()
            if 0 <= r + dr < size and 0 <= c + dc < size and (r + dr, c + dc) not in seen
        ]
        if not options:
            stack.pop()
            continue
        nr, nc = rng.choice(options)
        grid[2 * r + 1 + (nr - r)][2 * c + 1 + (nc - c)] = OPEN
        grid[2 * nr + 1][2 * nc + 1] = OPEN
        seen.add((nr, nc))
        stack.append((nr, nc))
    inner_walls = [
        (r, c)
        for r in range(1, n - 1)
        for c in range(1, n - 1)
        if grid[r][c] == WALL and (r % 2) != (c % 2)  # walls between two cells
    ]
    for r, c in rng.sample(inner_walls, round(loops * len(inner_walls))):
        grid[r][c] = OPEN
    cells = [(2 * r + 1, 2 * c + 1) for r in range(size) for c in range(size)]
    start, goal = rng.sample(cells, 2)
    while abs(start[0] - goal[0]) + abs(start[1] - goal[1]) < size:  # keep the goal a walk away
        start, goal = rng.sample(cells, 2)
    grid[start[0]][start[1]] = START
    grid[goal[0]][goal[1]] = GOAL
    return Maze(tuple("".join(row) for row in grid))


PROMPT = """You are in a grid maze. '#' is a wall, '.' is open floor, 'S' is where you start and \
'G' is the goal. Rows are numbered from 1 at the top, columns from 1 at the left.

{grid}

Each move goes one square: U (up), D (down), L (left) or R (right). Give a sequence of moves that \
walks from S to G without entering a wall or leaving the grid.{shortest}"""


MAX_SIZE = 50
"""Cells per side at most: a 50x50 maze is a prompt of about 10,000 characters (30 ms to make)."""
MAX_MAZES = 100_000
"""Mazes at most (4x4: about 0.3 ms each, a 100,000-sample log): more is a typo, not a study."""


class MazeSuite(Suite):
    """Grid mazes; the answer is a U/D/L/R move string, walked by the verifier (README: maze).

    Args:
        size: cells per side of each maze.
        n: number of mazes.
        seed: the same arguments always give the same mazes and sample ids.
        shortest: also require a shortest path (otherwise any legal path to the goal passes).
        loops: fraction of inner walls removed, so that several paths exist.
    """

    name = "maze"
    answer_format = (
        "Think step by step, then finish with a final line of the form `ANSWER: <moves>`, "
        "for example `ANSWER: RRDDL`."
    )
    slow_verify = False  # a walk of a few dozen moves: well under 0.2 ms (make bench)

    def __init__(
        self, size: int = 4, n: int = 20, seed: int = 0, shortest: bool = False, loops: float = 0.1
    ) -> None:
        self.size = check_int("size", size, 2, MAX_SIZE)  # cells per side
        self.n = check_int("n", n, 1, MAX_MAZES)
        self.seed = check_int("seed", seed, 0)
        self.shortest = check_bool("shortest", shortest)
        self.loops = check_fraction("loops", loops)

    def samples(self) -> list[Sample]:
        samples = []
        for i in range(self.n):
            # string seeds hash deterministically (not by PYTHONHASHSEED): stable ids and mazes
            maze = generate_maze(
                random.Random(f"maze-{self.size}-{self.seed}-{i}"), self.size, self.loops
            )
            path = maze.shortest_path()
            extra = " The path must be a shortest one." if self.shortest else ""
            samples.append(
                Sample(
                    id=f"maze-{self.size}x{self.size}-s{self.seed}-{i}",
                    input=PROMPT.format(grid="\n".join(maze.grid), shortest=extra),
                    target=path,
                    metadata={"grid": list(maze.grid), "shortest_length": len(path)},
                )
            )
        return samples

    def extract(self, completion: str) -> str | None:
        lines = re.findall(r"ANSWER\s*:\s*(.*)", completion, flags=re.IGNORECASE)
        return parse_moves(lines[-1]) if lines else None

    def verify(self, answer: str, problem: Problem) -> Verdict:
        maze = Maze(tuple(problem.metadata["grid"]))
        moves = parse_moves(answer)
        if moves is None:
            return Verdict(False, "Your answer must be a sequence of the letters U, D, L and R.")
        result = walk(maze, moves)
        shortest = problem.metadata["shortest_length"]
        if result.error:
            return Verdict(
                False, result.error, report=f"{result.error} A shortest path has {shortest} moves."
            )
        if result.end != maze.goal:
            distance = abs(result.end[0] - maze.goal[0]) + abs(result.end[1] - maze.goal[1])
            where = f"row {result.end[0] + 1}, column {result.end[1] + 1}"
            if result.reached_goal_at is not None:
                text = (
                    f"Your path reaches the goal at move {result.reached_goal_at} but keeps going "
                    f"and ends at {where}."
                )
            else:
                text = (
                    f"Every move is legal, but the path ends at {where}, {distance} "
                    f"square{'s' if distance > 1 else ''} from the goal (counting only "
                    "up/down/left/right steps)."
                )
            return Verdict(False, text, report=f"{text} A shortest path has {shortest} moves.")
        if self.shortest and len(moves) > shortest:
            text = f"Your path reaches the goal in {len(moves)} moves, but a shorter path exists."
            return Verdict(
                False, text, report=f"{text} The shortest has {shortest} moves.", score=0.5
            )
        return Verdict(True, "Your path reaches the goal.", score=1.0)

    def answer_text(self, problem: Problem) -> str:
        return f"Following the open corridor from S to G.\nANSWER: {problem.target}"

    def wrong_answer_text(self, problem: Problem) -> str:
        # one move short of the goal: well-formed and legal, but wrong
        return f"Following the open corridor from S to G.\nANSWER: {problem.target[:-1] or 'U'}"

    def leaked(self, feedback: str, problem: Problem) -> list[str]:
        """Moves in the feedback that walk from S to G, however they are written: the reference
        path, letter runs (`RRDD`, `R, R, D, D`, `2R 2D`), words with counts ("left twice, up
        twice", "go right three times then down", "down to row 5", "all the way left"), split
        over several sentences, or the cells of a path named in order."""
        maze = Maze(tuple(problem.metadata["grid"]))
        spans = find_normalised(feedback, problem.target)
        for reading in phrases(feedback):
            spans += _walks_to_goal(maze, feedback, reading)
        spans += _cells_to_goal(maze, feedback)
        return list(dict.fromkeys(spans))


def _step(maze: Maze, cell: Cell, phrase: Phrase) -> Cell | None:
    """Where `phrase` takes the walk from `cell`; None if it hits a wall or leaves the grid."""
    if phrase.until is None and not phrase.to_wall:
        for move in phrase.moves * phrase.count:
            dr, dc = MOVES[move]
            cell = (cell[0] + dr, cell[1] + dc)
            if not maze.inside(cell) or maze.is_wall(cell):
                return None
        return cell
    if phrase.moves == "?":  # "go to column 6": whichever way leads there
        axis, index = phrase.until or ("", 0)
        here = cell[axis == "column"]
        if axis not in ("row", "column") or here == index - 1:
            return None
        move = (
            ("D" if index - 1 > here else "U")
            if axis == "row"
            else "R"
            if index - 1 > here
            else "L"
        )
    else:
        move = phrase.moves[-1]
    dr, dc = MOVES[move]
    for _ in range(len(maze.grid) + len(maze.grid[0])):
        if phrase.until is not None:
            axis, index = phrase.until
            if cell == maze.goal if axis == "goal" else (cell[axis == "column"] == index - 1):
                return cell
        nxt = (cell[0] + dr, cell[1] + dc)
        if not maze.inside(nxt) or maze.is_wall(nxt):
            return cell if phrase.to_wall else None
        cell = nxt
    return None


def _walks_to_goal(maze: Maze, text: str, reading: list[Phrase]) -> list[str]:
    """Runs of consecutive phrases that walk from the start to the goal."""
    start, goal, spans = maze.start, maze.goal, []
    for i in range(len(reading)):
        cell: Cell | None = start
        for j in range(i, len(reading)):
            cell = _step(maze, cell, reading[j])
            if cell is None:
                break
            if cell == goal:
                spans.append(text[reading[i].start : reading[j].end])
                break
    return spans


def _cells_to_goal(maze: Maze, text: str) -> list[str]:
    """Cells named in order (two or more) that a walk from the start visits in straight legal
    lines, ending at the goal."""
    named = cells(text)
    start, goal, spans = maze.start, maze.goal, []
    for i in range(len(named)):
        cell = start
        for j in range(i, len(named)):
            target = named[j][0]
            if not _straight(maze, cell, target):
                break
            cell = target
            if cell == goal and j > i:
                spans.append(text[named[i][1] : named[j][2]])
                break
    return spans


def _straight(maze: Maze, a: Cell, b: Cell) -> bool:
    """Whether a straight line of open squares leads from `a` to `b` (or they are the same)."""
    if a[0] != b[0] and a[1] != b[1]:
        return False
    if not maze.inside(b):
        return False
    dr = (b[0] > a[0]) - (b[0] < a[0])
    dc = (b[1] > a[1]) - (b[1] < a[1])
    cell = a
    while cell != b:
        cell = (cell[0] + dr, cell[1] + dc)
        if maze.is_wall(cell):
            return False
    return True

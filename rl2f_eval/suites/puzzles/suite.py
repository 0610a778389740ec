"""The puzzle suite: every family behind one Suite; each problem's metadata names its family,
which checks the answer."""

from __future__ import annotations

from collections.abc import Iterable

from inspect_ai.dataset import Sample

from rl2f_eval.errors import TaskArgError, check_choice
from rl2f_eval.suites.base import Problem, Suite, Verdict
from rl2f_eval.suites.puzzles import MIXED
from rl2f_eval.suites.puzzles.arc import Arc
from rl2f_eval.suites.puzzles.common import DIFFICULTIES, SEED_STRIDE, Family, answer_block
from rl2f_eval.suites.puzzles.countdown import Countdown, Puzzle24
from rl2f_eval.suites.puzzles.grids import Futoshiki, MiniSudoku, Sudoku
from rl2f_eval.suites.puzzles.knights import KnightsKnaves
from rl2f_eval.suites.puzzles.queens import NQueens
from rl2f_eval.suites.puzzles.zebra import Zebra

MAX_PER_FAMILY = 1000
"""Puzzles per family at most: generating takes up to about a second per puzzle (knights and
knaves, hard zebra), so more is a typo, not a study; it also keeps seeds apart (SEED_STRIDE)."""
assert MAX_PER_FAMILY < SEED_STRIDE

FAMILIES: dict[str, Family] = {
    family.name: family
    for family in (
        KnightsKnaves(),
        Zebra(),
        MiniSudoku(),
        Sudoku(),
        Futoshiki(),
        NQueens(),
        Countdown(),
        Puzzle24(),
        Arc(),
    )
}
# the default mix: the generated families (ARC's long prompts and hardness are opt-in)
MIXED_FAMILIES = [name for name in FAMILIES if name != "arc"]


def parse_families(families: str | Iterable[str]) -> list[str]:
    """'mixed' (every generated family), one name, a comma-separated string or a list."""
    if not isinstance(families, str | list | tuple):
        raise TaskArgError(
            f"families must be {MIXED} or names from {', '.join(FAMILIES)}; got {families!r}"
        )
    names = families.split(",") if isinstance(families, str) else list(families)
    names = [str(name).strip() for name in names if str(name).strip()]
    if names == [MIXED] or not names:
        return list(MIXED_FAMILIES)
    for name in names:
        check_choice("families", name, (MIXED, *FAMILIES))
    if MIXED in names:
        raise TaskArgError(
            "families: 'mixed' already means every generated family; list names or use it alone"
        )
    return list(dict.fromkeys(names))


class PuzzleSuite(Suite):
    """Logic puzzles of several families (`rl2f_eval.suites.puzzles.puzzles` documents the
    arguments)."""

    name = "puzzles"
    answer_format = (
        "Think step by step, then give your final answer after `ANSWER:` in the answer format "
        "the puzzle describes (a grid or table goes on the lines right below `ANSWER:`). Write "
        "nothing after the answer."
    )

    def __init__(
        self,
        families: str | Iterable[str] = MIXED,
        n: int = 5,
        difficulty: str = "medium",
        size: int | None = None,
        seed: int = 0,
    ) -> None:
        self.families = [FAMILIES[name] for name in parse_families(families)]
        check_choice("difficulty", difficulty, DIFFICULTIES)
        if not isinstance(n, int) or isinstance(n, bool) or not 1 <= n <= MAX_PER_FAMILY:
            raise TaskArgError(
                f"n (puzzles per family) must be between 1 and {MAX_PER_FAMILY}; got {n!r}"
            )
        if not isinstance(seed, int) or seed < 0:
            raise TaskArgError(f"seed must be a whole number of at least 0; got {seed!r}")
        if size is not None:
            sized = [f for f in self.families if f.sizes is not None]
            if not sized:
                raise TaskArgError(
                    "size does not apply to "
                    + ", ".join(f.name for f in self.families)
                    + " (fixed size); leave it out"
                )
            for family in sized:
                assert family.sizes is not None
                if size not in family.sizes:
                    raise TaskArgError(
                        f"size for {family.name} ({family.size_meaning}) must be between "
                        f"{family.sizes.start} and {family.sizes.stop - 1}; got {size!r}"
                    )
        self.n, self.difficulty, self.size, self.seed = n, difficulty, size, seed

    def samples(self) -> list[Sample]:
        return [
            sample
            for family in self.families
            for sample in family.samples(self.n, self.seed, self.difficulty, self.size)
        ]

    @staticmethod
    def family(problem: Problem) -> Family:
        return FAMILIES[problem.metadata["family"]]

    def extract(self, completion: str) -> str | None:
        """The block after the last `ANSWER:`, if it is written in some family's format (the
        problem's own family checks it against the puzzle in `verify`)."""
        block = answer_block(completion)
        if block is None or not any(f.shape(block) is not None for f in FAMILIES.values()):
            return None
        return block

    def verify(self, answer: str, problem: Problem) -> Verdict:
        return self.family(problem).check(answer, problem)

    def reference(self, problem: Problem) -> str:
        return self.family(problem).solution_text(problem)

    def answer_text(self, problem: Problem) -> str:
        return f"Checking every constraint in turn gives this solution.\nANSWER:\n{problem.target}"

    def wrong_answer_text(self, problem: Problem) -> str:
        for candidate in self.family(problem).wrong_answers(problem):
            if not self.verify(candidate, problem).correct:
                return (
                    f"Checking every constraint in turn gives this solution.\nANSWER:\n{candidate}"
                )
        raise ValueError(f"no wrong answer found for {problem.id}")  # a family bug, not data

    def leaked(self, feedback: str, problem: Problem) -> list[str]:
        return self.family(problem).leaked(feedback, problem)

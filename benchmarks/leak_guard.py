"""Recall and false-flag rate of the string leak guard (`Suite.leaked`) on labelled feedback.

The labelled sets are `tests/fixtures/leaks/<suite>.yaml`: problems (a generated sample by
index, or one written out) with feedback a teacher might write, each labelled `leak` (it
states the answer, in any form) or `innocent`. Items under `heldout_leak` / `heldout_innocent`
were written after the guard was tuned on the rest: their figures are the honest estimate.

    python benchmarks/leak_guard.py                 # the table, every suite
    python benchmarks/leak_guard.py maze --show     # and every miss and false flag
"""

from __future__ import annotations

import argparse
import sys
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

import yaml

from rl2f_eval.suites.base import Problem, Suite
from rl2f_eval.suites.registry import build_suite

SETS = Path(__file__).resolve().parent.parent / "tests" / "fixtures" / "leaks"
SUITES = ("arithmetic", "maze", "puzzles", "coding", "games", "hard_math")
# label: (leaks, held out); `*_2`: written as held out in an earlier round, then tuned on
LABELS = {"leak": (True, False), "innocent": (False, False)}
LABELS |= {f"{k}_2": v for k, v in LABELS.items()}
LABELS |= {f"heldout_{k}": (leak, True) for k, (leak, _) in LABELS.items() if "_" not in k}


@dataclass(frozen=True)
class Case:
    suite: Suite
    problem: Problem
    text: str
    leak: bool
    heldout: bool


@cache
def _suite(name: str, frozen_args: tuple[tuple[str, Any], ...]) -> Suite:
    return build_suite(name, dict(frozen_args))


@cache
def _samples(name: str, frozen_args: tuple[tuple[str, Any], ...]) -> list[Problem]:
    return [Problem.from_sample(s) for s in _suite(name, frozen_args).samples()]


def _freeze(args: dict[str, Any]) -> tuple[tuple[str, Any], ...]:
    return tuple(sorted((k, tuple(v) if isinstance(v, list) else v) for k, v in args.items()))


def cases(name: str) -> list[Case]:
    """The labelled feedback of suite `name`."""
    data = yaml.safe_load((SETS / f"{name}.yaml").read_text(encoding="utf-8"))
    found = []
    for entry in data["problems"]:
        args = _freeze({**data.get("args", {}), **entry.get("args", {})})
        suite = _suite(name, args)
        if "sample" in entry:
            problem = _samples(name, args)[entry["sample"]]
        else:
            written = entry["problem"]
            problem = Problem(
                id=written.get("id"),
                input=written.get("input", ""),
                target=str(written["target"]),
                metadata=written.get("metadata", {}),
            )
        for label, (leak, heldout) in LABELS.items():
            for text in entry.get(label) or []:
                found.append(Case(suite, problem, str(text).strip(), leak, heldout))
    return found


@dataclass(frozen=True)
class Figures:
    leaks: int
    caught: int
    innocent: int
    flagged: int

    @property
    def recall(self) -> float:
        return self.caught / self.leaks if self.leaks else float("nan")

    @property
    def false_flags(self) -> float:
        return self.flagged / self.innocent if self.innocent else float("nan")


def measure(found: list[Case]) -> tuple[Figures, list[tuple[Case, list[str]]]]:
    """The figures, and the cases the guard got wrong with the spans it found."""
    wrong = []
    caught = flagged = 0
    for case in found:
        spans = case.suite.leaked(case.text, case.problem)
        if case.leak:
            caught += bool(spans)
        else:
            flagged += bool(spans)
        if bool(spans) != case.leak:
            wrong.append((case, spans))
    leaks = sum(c.leak for c in found)
    return Figures(leaks, caught, len(found) - leaks, flagged), wrong


def row(name: str, part: str, figures: Figures) -> str:
    return (
        f"| {name} | {part} | {figures.leaks} | {figures.recall:.1%} ({figures.caught}) "
        f"| {figures.innocent} | {figures.false_flags:.1%} ({figures.flagged}) |"
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("suites", nargs="*", default=list(SUITES), help="suites to measure")
    parser.add_argument("--show", action="store_true", help="print every miss and false flag")
    args = parser.parse_args(argv)
    print("| suite | part | leaking | recall (caught) | innocent | false flags (flagged) |")
    print("|---|---|---|---|---|---|")
    misses = []
    for name in args.suites:
        found = cases(name)
        whole, wrong = measure(found)
        heldout, _ = measure([c for c in found if c.heldout])
        print(row(name, "all", whole))
        print(row(name, "held out", heldout))
        misses += [(name, case, spans) for case, spans in wrong]
    if args.show:
        for name, case, spans in misses:
            kind = "MISSED LEAK" if case.leak else f"FALSE FLAG {spans}"
            part = " (held out)" if case.heldout else ""
            target = case.problem.target.replace("\n", " ")
            target = target if len(target) <= 60 else target[:57] + "..."
            print(f"\n--- {name} {case.problem.id} target={target!r}: {kind}{part}")
            print(case.text)
    return 0


if __name__ == "__main__":
    sys.exit(main())

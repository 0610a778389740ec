"""What every suite provides: problems, answer extraction and a verifier.

A suite is data + checking, nothing else. The didactic loop, the teachers and the trainer all talk
to suites through this interface only, so a new domain is one module.
"""

from __future__ import annotations

import re
from abc import ABC, abstractmethod
from collections.abc import Mapping
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Any

from inspect_ai.dataset import Sample


@dataclass(frozen=True)
class Problem:
    """One problem as the verifier and teacher see it (built from an Inspect sample or state)."""

    id: str | int | None
    input: str
    """The problem statement shown to the student."""
    target: str
    """The reference answer (privileged)."""
    metadata: dict[str, Any] = field(default_factory=dict)
    """Anything else the verifier or teacher needs (privileged): solution, tests, maze grid, ..."""

    @classmethod
    def from_sample(cls, sample: Sample) -> Problem:
        return cls(
            id=sample.id,
            input=str(sample.input),
            target=str(sample.target),
            metadata=dict(sample.metadata or {}),
        )


@dataclass(frozen=True)
class Verdict:
    """The verifier's judgement of one extracted answer. Only `correct` decides success."""

    correct: bool
    """A full pass. Partial credit never counts as correct."""
    feedback: str
    """Student-safe explanation (what the `verifier` teacher says); never contains the answer."""
    report: str = ""
    """Privileged detail for the model teacher (may name expected values)."""
    score: float = 0.0
    """Partial credit in [0, 1], reported separately."""


class Suite(ABC):
    """A domain: its problems, how answers are stated and extracted, and how they are checked."""

    name: str = "suite"
    answer_format: str = ""
    """The instruction that tells the student how to state the final answer."""
    slow_verify: bool = True
    """`verify` and `leaked` may take long (sympy, a sandboxed run): the loop runs them in a worker
    thread so other samples proceed. A suite whose checks are always quick (well under a
    millisecond) sets False: they then run inline, saving the thread hop, which costs more."""
    task_metadata: Mapping[str, Any] = MappingProxyType({})
    """Facts about this run of the suite for the log's task metadata (set per instance)."""
    oracle_unavailable: str | None = None
    """Why oracle mode (`-T oracle_turn`) cannot run on these problems; None: it can."""
    task_sandbox: str | None = None
    """The Inspect sandbox the task runs in (`Task(sandbox=...)`; the CLI's `--sandbox` overrides
    it); None: none needed."""
    episode_defaults: Mapping[str, Any] = MappingProxyType({})
    """Episode arguments whose default differs for this suite's task (games: `teacher=verifier`,
    the environment's own answer, as in the paper's agent tasks)."""

    @abstractmethod
    def samples(self) -> list[Sample]:
        """The problems as Inspect samples: `input` = statement, `target` = reference answer,
        `metadata` = privileged material. Ids must be stable across runs."""

    @abstractmethod
    def extract(self, completion: str) -> str | None:
        """The final answer stated in `completion`, or None when the format was not followed."""

    @abstractmethod
    def verify(self, answer: str, problem: Problem) -> Verdict:
        """Check an extracted answer. Must accept every correct answer, not only the reference."""

    def reference(self, problem: Problem) -> str:
        """Privileged material for the model teacher: the worked solution where there is one."""
        solution = problem.metadata.get("solution")
        if solution:
            return f"{solution}\n\nFinal answer: {problem.target}"
        return f"Final answer: {problem.target}"

    @abstractmethod
    def answer_text(self, problem: Problem) -> str:
        """A completion that states the reference answer in the required format (oracle mode)."""

    @abstractmethod
    def wrong_answer_text(self, problem: Problem) -> str:
        """A well-formed completion whose answer the verifier rejects (oracle mode)."""

    def leaked(self, feedback: str, problem: Problem) -> list[str]:
        """Spans of `feedback` that give the reference answer away (the leak guard's suite half).
        Sync, and run in a worker thread (like `verify`): it may do real work.

        The default matches the normalised reference answer as a whole token; suites whose answers
        have equivalent forms (math) or several valid forms (mazes, puzzles) override this.
        """
        return find_normalised(feedback, problem.target)


_SPACE = re.compile(r"\s+")


def normalise(text: str) -> str:
    """Lower-case, collapse whitespace and drop TeX dollars so formatting cannot hide a match."""
    return _SPACE.sub(" ", text.replace("$", "")).strip().lower()


def whole_token(pattern: str) -> re.Pattern[str]:
    """`pattern` matched only as a whole token: "5" must not match inside "15", "5th" or "5.2"."""
    return re.compile(rf"(?<![\w.]){pattern}(?!\w|\.\d)", re.IGNORECASE)


def find_normalised(text: str, needle: str) -> list[str]:
    """Occurrences of `needle` in `text` as a whole token, ignoring case and spacing."""
    needle = normalise(needle)
    if not needle:
        return []
    # spacing and TeX dollars between the parts may differ; spans come from the original text
    pattern = r"[\s$]*".join(re.escape(part) for part in needle.split(" "))
    return [m.group(0) for m in whole_token(pattern).finditer(text)]

"""One didactic episode: its arguments, and the step every turn takes.

`EpisodeArgs` is the one declaration of the five episode arguments (`turns`, `teacher`,
`privileged`, `leak`, `oracle_turn`): their defaults, checks and documentation. The tasks
(`rl2f_eval.tasks`) add them to every suite's own arguments; the solver and training read them
from here.
"""

from __future__ import annotations

from dataclasses import dataclass, fields
from typing import Any

from rl2f_eval.errors import TaskArgError, check_bool, check_choice, check_int
from rl2f_eval.teachers import LEAK_MODES, TEACHERS


@dataclass(frozen=True)
class EpisodeArgs:
    """How a didactic episode runs (`-T name=value`, the same for every task).

    Args:
        turns: maximum student attempts; the episode stops early on success.
        teacher: who writes the feedback after a wrong attempt: model (an LLM teacher holding the
            reference and the verifier's report, bound with --model-role teacher=...; unbound:
            the student model itself), verifier (the suite's programmatic feedback), binary (only
            "incorrect, try again": the control for mere retrying) or self (the student critiques
            its own attempt, with no privileged information).
        privileged: false withholds the reference and the verifier's report from the model
            teacher (the control that shows what privileged information buys).
        leak: what the leak guard does with feedback that gives the answer away: flag (record
            it), redact (also replace the leaking text) or regenerate (ask the teacher again,
            then redact).
        oracle_turn: oracle check mode: an oracle replaces the student, answering wrongly before
            this turn and with the reference from it on (no student model calls); acc@k must be
            0 before it and 1 from it on.
    """

    turns: int = 5
    teacher: str = "model"
    privileged: bool = True
    leak: str = "flag"
    oracle_turn: int | None = None

    def __post_init__(self) -> None:
        check_int("turns", self.turns, 1)
        check_choice("teacher", self.teacher, TEACHERS)
        check_bool("privileged", self.privileged)
        check_choice("leak", self.leak, LEAK_MODES)
        oracle = self.oracle_turn
        if oracle is not None and (
            not isinstance(oracle, int) or isinstance(oracle, bool) or not 1 <= oracle <= self.turns
        ):
            raise TaskArgError(
                f"oracle_turn must be between 1 and turns={self.turns}; got {oracle!r}"
            )

    @classmethod
    def of(cls, args: dict[str, Any]) -> EpisodeArgs:
        """From keyword arguments, with a one-line error for one it does not take."""
        unknown = sorted(set(args) - set(EPISODE_ARGS))
        if unknown:
            raise TaskArgError(
                f"unknown episode argument {unknown[0]!r}; they are {', '.join(EPISODE_ARGS)}"
            )
        return cls(**args)


EPISODE_ARGS = tuple(f.name for f in fields(EpisodeArgs))

"""The didactic metrics, defined once (numpy only, no Inspect).

An episode's score (`turn_scores`) is `acc_at_k` for k = 1..N (solved at or before turn k),
`clean_acc_at_k` (the same, counting only clean solves), `gain`, `aulc` and the turn of first
success.

A solve is *clean* when none of the feedback the student read before the solving turn was
flagged by the leak guard (the suite's string guard, or the LLM leak judge). An episode ends at
its solve, so that is all the feedback of the episode: `clean_acc_at_k` is 1 when the episode was
solved at or before turn k and the student never read flagged feedback, else 0. So
clean_acc_at_1 = acc_at_1, and clean_acc_at_k <= acc_at_k; under `leak=redact` and
`leak=regenerate` the student reads only text that passed the guard and the two are equal, under
`leak=flag` (the default) acc_at_k - clean_acc_at_k is the share solved after the answer was
given away. The leaderboard ranks by clean_acc_at_N.

Every metric of a run is then a ratio of sums over problems, sum(numerator) / sum(denominator)
(`metric_pairs`): a mean is sum(values) / sum(ones), the turn of first success is sum(solved
turns) / sum(solved), the leak rate sum(leaks) / sum(feedback), the fix rate at turn k
sum(newly solved) / sum(still open). The scorer computes
the log's metrics from these pairs (`rl2f_eval.didactic.scoring`); results recompute them on the
problems runs share and resample them (`rl2f_eval.results`), so both report the same numbers.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # numpy is imported when used: the scorer imports this module at task load
    import numpy as np

Pair = tuple["np.ndarray", "np.ndarray"]

COUNTS = ("solved", "solved_turn", "feedback_count", "leak_count")
"""Per-problem columns that are counts (summed over epochs), beside the `score_columns`."""
REQUIRED_COUNTS = ("solved_turn", "feedback_count", "leak_count")
"""The counts every didactic score holds (`solved` is derived from acc@N)."""
REPLY_COUNTS = (
    "replies",
    "format_failures",
    "empty_replies",
    "stop_reasons",
    "truncated_replies",
    "student_tokens",
    "teacher_tokens",
)
"""Per-episode counts of the student's replies (all of them; those with no answer in the
required format; empty ones; those whose model said why they ended, and of those the ones cut
off by the token limit) and of output tokens. Scores written before these existed lack them,
and the metrics they define are then left out."""
REPLY_METRICS = (
    "format_failure_rate",
    "empty_reply_rate",
    "truncated_rate",
    "student_tokens",
    "teacher_tokens",
)
"""Shares of the student's replies, and output tokens per episode (see `metric_pairs`)."""
TRUNCATED_STOP_REASONS = ("max_tokens", "model_length")
"""Inspect's stop reasons for a reply cut off by the output or the context limit."""


def acc_columns(turns: int) -> list[str]:
    return [f"acc_at_{k}" for k in range(1, turns + 1)]


def clean_acc_columns(turns: int) -> list[str]:
    return [f"clean_{name}" for name in acc_columns(turns)]


def score_columns(turns: int) -> list[str]:
    """Per-problem columns that are outcomes (averaged over epochs)."""
    return [*acc_columns(turns), *clean_acc_columns(turns), "gain", "aulc"]


def turn_scores(solved_turn: int | None, max_turns: int, *, clean: bool) -> dict[str, float]:
    """One episode's score: acc@k, clean acc@k, gain, AULC and the turn it was solved at (0:
    unsolved). `clean`: the student read no feedback the leak guard flagged (see above)."""
    solved = solved_turn or 0
    acc = [float(0 < solved <= k) for k in range(1, max_turns + 1)]
    return {
        **{f"acc_at_{k}": value for k, value in enumerate(acc, start=1)},
        **{f"clean_acc_at_{k}": value * clean for k, value in enumerate(acc, start=1)},
        "gain": acc[-1] - acc[0],
        "aulc": sum(acc) / len(acc),
        "solved_turn": float(solved),
    }


def metric_pairs(columns: Mapping[str, np.ndarray], turns: int) -> dict[str, Pair]:
    """(numerator, denominator) per problem of every metric, from per-problem `columns`: the
    `score_columns` and the `COUNTS` (`solved`: episodes solved within the turns)."""
    import numpy as np

    def col(name: str) -> np.ndarray:
        return np.asarray(columns[name], dtype=float)

    ones = np.ones(len(col("solved")))
    pairs = {name: (col(name), ones) for name in score_columns(turns)}
    # turn of first success among solved problems; share of feedback messages flagged as leaks
    pairs["turns_to_solve"] = (col("solved_turn"), col("solved"))
    pairs["leak_rate"] = (col("leak_count"), col("feedback_count"))
    for k in range(2, turns + 1):
        # of the problems still open after turn k-1, the share solved at turn k
        before = col(f"acc_at_{k - 1}")
        pairs[f"fix_rate_at_{k}"] = (col(f"acc_at_{k}") - before, 1 - before)
    if all(name in columns for name in REPLY_COUNTS):
        # shares of all student replies; tokens per episode (`episodes`: summed over epochs)
        replies = col("replies")
        episodes = col("episodes") if "episodes" in columns else ones
        pairs["format_failure_rate"] = (col("format_failures"), replies)
        pairs["empty_reply_rate"] = (col("empty_replies"), replies)
        # of the replies whose stop reason is known (Inspect's hf/ provider gives none)
        pairs["truncated_rate"] = (col("truncated_replies"), col("stop_reasons"))
        pairs["student_tokens"] = (col("student_tokens"), episodes)
        pairs["teacher_tokens"] = (col("teacher_tokens"), episodes)
    return pairs

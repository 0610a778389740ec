"""The per-turn scorer and the learning-curve metrics of a didactic run.

Per sample the score is a dict: `acc_at_k` (solved at or before turn k), `clean_acc_at_k` (the
same, counting only clean solves: no feedback the leak guard flagged was read before the solving
turn; `rl2f_eval.didactic.metrics`), `gain`, `aulc`, and the counts the summary metric needs.
Inspect turns the dict keys into results: `acc_at_1..N`, `clean_acc_at_1..N`, `gain` and `aulc`
with mean and stderr; `didactic_summary` adds `fix_rate_at_2..N`, `turns_to_solve`
(with its stderr), `leak_rate` and the reply metrics (`format_failure_rate`, `empty_reply_rate`,
`truncated_rate`: shares of the student's replies; `student_tokens`, `teacher_tokens`: output
tokens per episode). A metric that is undefined for a run (no unsolved problems
left to fix, nothing solved, no feedback given) is left out rather than reported as 0.
"""

from __future__ import annotations

from inspect_ai.event import ErrorEvent
from inspect_ai.log import transcript
from inspect_ai.scorer import (
    Metric,
    SampleScore,
    Score,
    Scorer,
    Target,
    mean,
    metric,
    scorer,
    stderr,
)
from inspect_ai.solver import TaskState

from rl2f_eval.didactic.metrics import (
    REPLY_METRICS,
    TRUNCATED_STOP_REASONS,
    metric_pairs,
    turn_scores,
)
from rl2f_eval.didactic.store import FORMAT_TEACHER, DidacticStore, TurnRecord


class IncompleteEpisodeError(RuntimeError):
    """An episode cut short by an error reached the scorer (`--score-on-error`)."""


def sample_errored() -> bool:
    """Whether the running sample recorded an error (Inspect logs one before scoring it)."""
    return any(isinstance(event, ErrorEvent) for event in transcript().events)


@metric
def didactic_summary() -> Metric:
    """fix_rate_at_k, turns_to_solve (and its stderr) and leak_rate, as `metric_pairs` defines
    them; a metric undefined for the run (a zero denominator) is left out."""

    def compute(scores: list[SampleScore]) -> dict[str, float | None]:
        # imported here, as Inspect's own stderr metric imports numpy: not at task load.
        # With --epochs Inspect first averages each score key over a problem's epochs; a ratio
        # of those means is still the ratio over all episodes (a mean of ratios would not be).
        import numpy as np

        from rl2f_eval.stats import pooled, ratio_stderr

        values = [s.score.value for s in scores if isinstance(s.score.value, dict)]
        if not values:
            return {}
        turns = sum(key.startswith("acc_at_") for key in values[0])
        columns = {key: np.array([v[key] for v in values], dtype=float) for key in values[0]}
        columns["solved"] = columns[f"acc_at_{turns}"]
        pairs = metric_pairs(columns, turns)
        result: dict[str, float | None] = {}
        for name in [*(f"fix_rate_at_{k}" for k in range(2, turns + 1)), "turns_to_solve"]:
            result[name] = _defined(pooled(pairs[name]))
        result["turns_to_solve_stderr"] = _defined(ratio_stderr(pairs["turns_to_solve"]))
        result["leak_rate"] = _defined(pooled(pairs["leak_rate"]))
        for name in REPLY_METRICS:
            if name in pairs:
                result[name] = _defined(pooled(pairs[name]))
        return result

    return compute


def reply_counts(turns: list[TurnRecord]) -> dict[str, float]:
    """The episode's `REPLY_COUNTS`: replies, those with no answer in the format, empty ones,
    those cut off by a token limit, and output tokens of student and teacher."""
    return {
        "replies": float(len(turns)),
        "format_failures": float(sum(t.answer is None for t in turns)),
        "empty_replies": float(sum(not t.attempt.strip() for t in turns)),
        "stop_reasons": float(sum(t.stop_reason not in (None, "unknown") for t in turns)),
        "truncated_replies": float(sum(t.stop_reason in TRUNCATED_STOP_REASONS for t in turns)),
        "student_tokens": float(sum(t.student_tokens for t in turns)),
        "teacher_tokens": float(sum(t.teacher_tokens for t in turns)),
    }


def _defined(value: float) -> float | None:
    return None if value != value else value  # NaN: undefined for this run


@scorer(
    metrics=[
        {"acc_at_*": [mean(), stderr()]},
        {"clean_acc_at_*": [mean(), stderr()]},
        {"gain": [mean(), stderr()]},
        {"aulc": [mean(), stderr()]},
        didactic_summary(),
    ]
)
def didactic_scorer() -> Scorer:
    """Score a didactic episode from its turn records (the verifier's verdicts, nothing else)."""

    async def score(state: TaskState, target: Target) -> Score:
        store = state.store_as(DidacticStore)
        # read each field once: every store read re-validates it
        turns, solved, max_turns = store.turns, store.solved_turn, store.max_turns
        if solved is None and len(turns) < max_turns and sample_errored():
            # scored only because of --score-on-error: counting an API failure as a wrong answer
            # would bias every metric, so the sample stays unscored and counts as an error. (An
            # episode cut short by a limit, --token-limit etc., is scored: the budget ran out.)
            raise IncompleteEpisodeError(
                f"the sample errored after {len(turns)} of {max_turns} turns (its error "
                "is in the transcript); an errored episode is not scored as unsolved"
            )
        value = turn_scores(solved, max_turns, clean=not any(t.leak_shown for t in turns))
        # feedback that passed the leak guard (format reminders are fixed text, never checked)
        value["feedback_count"] = float(
            sum(t.feedback is not None and t.teacher != FORMAT_TEACHER for t in turns)
        )
        value["leak_count"] = float(sum(t.leak for t in turns))
        value |= reply_counts(turns)
        last = turns[-1] if turns else None
        verdict = f"solved at turn {solved}" if solved else "not solved"
        return Score(
            value=value,
            answer=last.answer if last else None,
            explanation=f"{verdict} ({len(turns)} of {max_turns} turns used)",
        )

    return score

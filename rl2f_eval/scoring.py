"""The per-turn scorer and the learning-curve metrics of a didactic run.

Per sample the score is a dict: `acc_at_k` (solved at or before turn k), `gain`, `aulc`, and the
counts the summary metric needs. Inspect turns the dict keys into results: `acc_at_1..N`, `gain`
and `aulc` with mean and stderr; `didactic_summary` adds `fix_rate_at_2..N`, `turns_to_solve`
(with its stderr) and `leak_rate`. A metric that is undefined for a run (no unsolved problems
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

from rl2f_eval.didactic.store import FORMAT_TEACHER, DidacticStore


def turn_scores(solved_turn: int | None, max_turns: int) -> dict[str, float]:
    solved = solved_turn or 0
    acc = [float(0 < solved <= k) for k in range(1, max_turns + 1)]
    return {
        **{f"acc_at_{k}": value for k, value in enumerate(acc, start=1)},
        "gain": acc[-1] - acc[0],
        "aulc": sum(acc) / len(acc),
        "solved_turn": float(solved),  # 0 = not solved
    }


class IncompleteEpisodeError(RuntimeError):
    """An episode cut short by an error reached the scorer (`--score-on-error`)."""


def sample_errored() -> bool:
    """Whether the running sample recorded an error (Inspect logs one before scoring it)."""
    return any(isinstance(event, ErrorEvent) for event in transcript().events)


@metric
def didactic_summary() -> Metric:
    # Every metric is a ratio of per-problem sums, as in rl2f_eval.results.metrics: with --epochs
    # Inspect first averages each score key over a problem's epochs, and a ratio of those means
    # is still the ratio over all episodes (a mean of per-problem ratios would not be).
    def compute(scores: list[SampleScore]) -> dict[str, float | None]:
        # imported here, as Inspect's own stderr metric imports numpy: not at task load
        import numpy as np

        from rl2f_eval.results.stats import pooled, ratio_stderr

        def ratio(num: list[float], den: list[float], of=pooled) -> float | None:
            value = of((np.array(num, dtype=float), np.array(den, dtype=float)))
            return None if np.isnan(value) else value

        values = [s.score.value for s in scores if isinstance(s.score.value, dict)]
        if not values:
            return {}
        turns = sum(key.startswith("acc_at_") for key in values[0])
        result: dict[str, float | None] = {}
        for k in range(2, turns + 1):
            # of the episodes still open after turn k-1, the share solved at turn k
            before = [v[f"acc_at_{k - 1}"] for v in values]
            fixed = [v[f"acc_at_{k}"] - b for v, b in zip(values, before, strict=True)]
            result[f"fix_rate_at_{k}"] = ratio(fixed, [1 - b for b in before])
        # turn of first success among solved episodes (solved_turn is 0 when unsolved)
        turn_sums = [v["solved_turn"] for v in values]
        solved = [v[f"acc_at_{turns}"] for v in values]
        result["turns_to_solve"] = ratio(turn_sums, solved)
        result["turns_to_solve_stderr"] = ratio(turn_sums, solved, of=ratio_stderr)
        result["leak_rate"] = ratio(
            [v["leak_count"] for v in values], [v["feedback_count"] for v in values]
        )
        return result

    return compute


@scorer(
    metrics=[
        {"acc_at_*": [mean(), stderr()]},
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
        value = turn_scores(solved, max_turns)
        # feedback that passed the leak guard (format reminders are fixed text, never checked)
        value["feedback_count"] = float(
            sum(t.feedback is not None and t.teacher != FORMAT_TEACHER for t in turns)
        )
        value["leak_count"] = float(sum(t.leak for t in turns))
        last = turns[-1] if turns else None
        verdict = f"solved at turn {solved}" if solved else "not solved"
        return Score(
            value=value,
            answer=last.answer if last else None,
            explanation=f"{verdict} ({len(turns)} of {max_turns} turns used)",
        )

    return score

"""One row per problem of a run, and the metrics over those problems.

Outcomes (acc@k, gain, AULC) are averaged over a problem's epochs, counts (solved, solved turns,
feedback, leaks) summed; every metric is then the ratio of per-problem sums that
`rl2f_eval.didactic.metrics` defines for the log, so a row can be restricted to the problems it
shares with other runs and resampled over problems.
"""

from __future__ import annotations

import pandas as pd

from rl2f_eval.didactic.metrics import COUNTS, REPLY_COUNTS, Pair, metric_pairs, score_columns


def problem_table(samples: pd.DataFrame, turns: int) -> pd.DataFrame:
    """One row per problem: outcomes averaged over epochs, counts summed over epochs (the reply
    counts only where every sample has them: logs written before they existed do not)."""
    samples = samples.assign(solved=(samples["solved_turn"] > 0).astype(float), episodes=1.0)
    counts = [*COUNTS, "episodes"]
    if all(c in samples and samples[c].notna().all() for c in REPLY_COUNTS):
        counts += REPLY_COUNTS
    grouped = samples.groupby("problem", sort=True)
    return grouped[score_columns(turns)].mean().join(grouped[counts].sum())


def run_metrics(samples: pd.DataFrame, turns: int) -> dict[str, Pair]:
    """Each metric's (numerator, denominator) per problem of one run's scored samples."""
    problems = problem_table(samples, turns)
    return metric_pairs({name: problems[name].to_numpy() for name in problems}, turns)

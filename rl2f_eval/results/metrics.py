"""Per-problem outcomes of a run, and every didactic metric as a ratio of per-problem sums.

The definitions match `rl2f_eval.scoring` (the numbers in the log), but are recomputed from the
per-sample scores so that a run can be restricted to the problems it shares with others and
resampled over problems.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

COUNTS = ["solved", "solved_turn", "feedback_count", "leak_count"]


def acc_columns(turns: int) -> list[str]:
    return [f"acc_at_{k}" for k in range(1, turns + 1)]


def problem_table(samples: pd.DataFrame, turns: int) -> pd.DataFrame:
    """One row per problem: outcomes averaged over epochs, counts summed over epochs."""
    samples = samples.assign(solved=(samples["solved_turn"] > 0).astype(float))
    grouped = samples.groupby("problem", sort=True)
    means = grouped[[*acc_columns(turns), "gain", "aulc"]].mean()
    return means.join(grouped[COUNTS].sum())


def metric_pairs(problems: pd.DataFrame, turns: int) -> dict[str, tuple[np.ndarray, np.ndarray]]:
    """(numerator, denominator) per problem for each metric; the metric is sum(num) / sum(den)."""
    ones = np.ones(len(problems))

    def col(name: str) -> np.ndarray:
        return problems[name].to_numpy(dtype=float)

    pairs = {name: (col(name), ones) for name in [*acc_columns(turns), "gain", "aulc"]}
    # turn of first success among solved problems; share of feedback messages flagged as leaks
    pairs["turns_to_solve"] = (col("solved_turn"), col("solved"))
    pairs["leak_rate"] = (col("leak_count"), col("feedback_count"))
    for k in range(2, turns + 1):
        # of the problems still open after turn k-1, the share solved at turn k
        before = col(f"acc_at_{k - 1}")
        pairs[f"fix_rate_at_{k}"] = (col(f"acc_at_{k}") - before, 1 - before)
    return pairs

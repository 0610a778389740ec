"""Paired comparison of two runs on the problems both scored (a trained model against its base).

Per turn k: acc@k and clean acc@k (solves that followed no flagged feedback) of each run, the
difference B − A with a paired 95% interval, and a paired test: exact McNemar on the problems
only one run solved by turn k, with the interval that goes with it (exact given those problems:
Clopper-Pearson on B's share of them); per-problem outcomes averaged over epochs fall back to
the paired bootstrap (problems resampled together) and a sign-flip permutation test, which is
McNemar's test on 0/1 outcomes. Gain and AULC get the bootstrap and the sign-flip test too.
p-values are per metric, not adjusted for multiple comparisons. An interval of zero width is
never printed: with a handful of problems, or none solved by only one run, the data cannot
bound the difference, and a note says so.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from rl2f_eval.results.load import Results
from rl2f_eval.results.problems import run_metrics
from rl2f_eval.results.tables import number
from rl2f_eval.stats import (
    CIMethod,
    Estimate,
    mcnemar_exact,
    mcnemar_interval,
    paired_difference,
    pooled,
    seed_for,
    sign_flip_p,
)


class ComparisonError(ValueError):
    """The two runs cannot be compared (not one run each, or no problem in common)."""


@dataclass
class Comparison:
    a: str
    b: str
    n: int
    table: pd.DataFrame
    notes: list[str] = field(default_factory=list)
    ci_text: str = ""

    def markdown(self) -> str:
        lines = [
            "# Paired comparison",
            "",
            f"- A: {self.a}",
            f"- B: {self.b}",
            "",
            f"Paired on the {self.n} problems both runs scored. {self.ci_text}. "
            "Clean acc@k counts only solves that followed no feedback the leak guard flagged. "
            "p: exact McNemar test on acc@k and clean acc@k, paired sign-flip permutation test "
            "on the others "
            "(per metric, not adjusted for multiple comparisons).",
            "",
            "| metric | A | B | B − A [95% CI] | p | test |",
            "|---|---|---|---|---|---|",
        ]
        for _, row in self.table.iterrows():
            d = 2 if row["metric"] == "turns_to_solve" else 3
            diff = f"{row['diff']:+.{d}f}" if not np.isnan(row["diff"]) else "—"
            if not (np.isnan(row["diff_low"]) or np.isnan(row["diff_high"])):
                diff += f" [{row['diff_low']:+.{d}f}, {row['diff_high']:+.{d}f}]"
            elif not np.isnan(row["diff"]):
                diff += " (no interval: see the notes)"
            p = "—" if np.isnan(row["p"]) else f"{row['p']:.4f}"
            cells = [_display(row["metric"]), number(row["a"], d), number(row["b"], d), diff, p]
            lines.append("| " + " | ".join([*cells, row["test"]]) + " |")
        if self.notes:
            lines += ["", "Notes:", "", *(f"- {note}" for note in self.notes)]
        return "\n".join(lines) + "\n"


def _display(metric: str) -> str:
    names = {"aulc": "AULC", "turns_to_solve": "turns to solve", "leak_rate": "leak rate"}
    return names.get(
        metric, metric.replace("clean_acc_at_", "clean acc@").replace("acc_at_", "acc@")
    )


def _single_run(results: Results, name: str) -> pd.Series:
    if len(results.runs) != 1:
        found = "; ".join(
            f"{r.student} / {r.teacher} / {r.turns} turns" for r in results.runs.itertuples()
        )
        raise ComparisonError(
            f"{name} must hold exactly one run (one task, student, teacher and turn limit); "
            f"it holds {len(results.runs)}"
            + (f": {found}" if found else "")
            + ("" if found or not results.notes else f" ({'; '.join(results.notes)})")
        )
    return results.runs.iloc[0]


def _describe(run: pd.Series) -> str:
    return f"{run['student']} · {run['teacher']} ({run['board_label']}, {run['turns']} turns)"


def compare_runs(
    a: Results,
    b: Results,
    method: CIMethod = CIMethod.bootstrap,
    resamples: int = 2000,
    seed: int = 0,
) -> Comparison:
    """Compare run B against run A, problem by problem (see the module docstring)."""
    run_a, run_b = _single_run(a, "A"), _single_run(b, "B")
    notes = [*(f"A: {note}" for note in a.notes), *(f"B: {note}" for note in b.notes)]
    problems_a, problems_b = set(a.samples["problem"]), set(b.samples["problem"])
    shared = problems_a & problems_b
    if not shared:
        raise ComparisonError(
            "A and B share no problem (same sample id and problem text): nothing to pair"
        )
    if problems_a != problems_b:
        notes.append(
            f"A scored {len(problems_a)} problems and B {len(problems_b)}; only the "
            f"{len(shared)} both scored are compared"
        )
    turns = min(int(run_a["turns"]), int(run_b["turns"]))
    if run_a["turns"] != run_b["turns"]:
        notes.append(
            f"A allows {run_a['turns']} turns and B {run_b['turns']}: acc@k and clean acc@k are "
            f"compared up to k = {turns}; gain, AULC, turns to solve and leak rate are not "
            "comparable and left out"
        )
    pairs_a, pairs_b = (
        _pairs(results, int(run["turns"]), shared) for results, run in ((a, run_a), (b, run_b))
    )
    metrics = [f"{acc}_at_{k}" for acc in ("acc", "clean_acc") for k in range(1, turns + 1)]
    if run_a["turns"] == run_b["turns"]:
        metrics += ["gain", "aulc", "turns_to_solve", "leak_rate"]
    rng = seed_for(seed, run_a["run"] + run_b["run"])
    rows = []
    unbounded: list[str] = []
    for metric in metrics:
        estimate = paired_difference(pairs_a[metric], pairs_b[metric], method, resamples, rng)
        value_a, value_b = pooled(pairs_a[metric]), pooled(pairs_b[metric])
        p_value, test, exact = _paired_test(
            metric, pairs_a[metric][0], pairs_b[metric][0], resamples, rng
        )
        if exact is not None:
            estimate = exact
        if not estimate.high > estimate.low:  # zero width (or none): the data cannot bound it
            if not np.isnan(estimate.value):
                unbounded.append(_display(metric))
            estimate = Estimate(estimate.value, np.nan, np.nan)
        rows.append(
            {
                "metric": metric,
                "a": value_a,
                "b": value_b,
                "diff": estimate.value,
                "diff_low": estimate.low,
                "diff_high": estimate.high,
                "p": p_value,
                "test": test,
            }
        )
    if unbounded:
        notes.append(
            f"No interval for {', '.join(unbounded)}: on these {len(shared)} problems B − A "
            "does not vary (too few problems, or none solved by only one run), so the data "
            "cannot bound the difference; compare on more problems"
        )
    ci_text = (
        "95% CI: for acc@k exact given the problems only one run solved (as the McNemar "
        "test); for the others a paired percentile bootstrap over problems "
        f"({resamples} resamples, seed {seed})"
        if method is CIMethod.bootstrap
        else "95% CI: for acc@k exact given the problems only one run solved (as the McNemar "
        "test); for the others ±1.96 standard errors of the paired difference"
    )
    return Comparison(
        _describe(run_a), _describe(run_b), len(shared), pd.DataFrame(rows), notes, ci_text
    )


def _pairs(results: Results, turns: int, problems: set[str]) -> dict:
    samples = results.samples[results.samples["problem"].isin(problems)]
    return run_metrics(samples, turns)


def _paired_test(
    metric: str, a: np.ndarray, b: np.ndarray, resamples: int, rng: np.random.Generator
) -> tuple[float, str, Estimate | None]:
    """p-value, the test's name, and for acc@k on 0/1 outcomes the exact interval that goes
    with the McNemar test (None: use the bootstrap's)."""
    if metric in ("turns_to_solve", "leak_rate"):
        return np.nan, "—", None  # ratios over different subsets of problems: interval only
    binary = np.isin(a, (0, 1)).all() and np.isin(b, (0, 1)).all()
    if metric.startswith(("acc_at_", "clean_acc_at_")) and binary:
        a_only, b_only = int(np.sum((a == 1) & (b == 0))), int(np.sum((a == 0) & (b == 1)))
        low, high = mcnemar_interval(a_only, b_only, len(a))
        exact = Estimate(float(np.mean(b) - np.mean(a)), low, high)
        test = f"McNemar exact (A only {a_only}, B only {b_only})"
        return mcnemar_exact(a_only, b_only), test, exact
    return sign_flip_p(b - a, resamples, rng), "sign-flip permutation", None

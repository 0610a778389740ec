"""Leaderboard rows and learning curves with confidence intervals, one board per task.

Rows of a board are compared like for like: when the runs cover different problems (a smaller
`n`, `--limit`, a cancelled run, errored samples), every row is scored on the problems all of the
board's runs share, and a note says so. A problem is its sample id plus a hash of its text, so two
runs whose same id names different problems are never paired.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import pandas as pd

from rl2f_eval.didactic.metrics import REPLY_METRICS
from rl2f_eval.results.load import Results
from rl2f_eval.results.problems import run_metrics
from rl2f_eval.stats import CIMethod, Estimate, ratio_estimates, seed_for

HEADLINE = ["acc_at_1", "acc_at_n", "clean_acc_at_n", "gain", "aulc", "turns_to_solve", "leak_rate"]
CURVES = ("acc", "clean_acc", "fix_rate")
REPLIES = list(REPLY_METRICS)
"""What the student's replies were like: format failures, empty and truncated replies (shares of
all replies), student and teacher output tokens per episode. Absent from older logs (NaN)."""
UNDEFINED = Estimate(math.nan, math.nan, math.nan)
RUN_COLUMNS = ["task", "student", "teacher", "turns"]


@dataclass
class Summary:
    leaderboard: pd.DataFrame
    """One row per run: labels, n (problems used), n_run, and each headline metric with
    `_low`/`_high` 95% bounds; ranked per task (`_ranked`: clean acc@N first)."""
    curves: pd.DataFrame
    """Long form: one row per run, metric (acc, clean_acc or fix_rate) and turn k, with
    bounds."""
    notes: list[str] = field(default_factory=list)
    method: CIMethod = CIMethod.bootstrap
    resamples: int = 2000
    seed: int = 0

    @property
    def ci_text(self) -> str:
        if self.method is CIMethod.bootstrap:
            return (
                f"95% confidence intervals: percentile bootstrap over problems "
                f"({self.resamples} resamples, seed {self.seed})"
            )
        return "95% confidence intervals: ±1.96 standard errors (delta method for ratios)"


def _flatten(prefix: str, estimate: Estimate) -> dict[str, float]:
    return {prefix: estimate.value, f"{prefix}_low": estimate.low, f"{prefix}_high": estimate.high}


def _problem_sets(results: Results, runs: pd.DataFrame) -> dict[str, set[str]]:
    problems = {run: set(group) for run, group in results.samples.groupby("run")["problem"]}
    return {run: problems.get(run, set()) for run in runs["run"]}


def _board_problems(
    label: str, sets: dict[str, set[str]], shared_only: bool, notes: list[str]
) -> tuple[dict[str, set[str]], bool]:
    """Which problems each row is scored on, and whether the rows are like for like."""
    shared = set.intersection(*sets.values())
    if all(s == shared for s in sets.values()):
        return sets, True
    ids = [{p.split("#")[0] for p in s} for s in sets.values()]
    clashes = len(set.intersection(*ids)) - len({p.split("#")[0] for p in shared})
    if clashes:
        notes.append(
            f"{label}: {clashes} problem ids name different problem texts in different runs; "
            "those problems are never paired"
        )
    sizes = sorted(len(s) for s in sets.values())
    spread = f"{sizes[0]} to {sizes[-1]} problems per run"
    if shared and shared_only:
        notes.append(
            f"{label}: the runs cover different problems ({spread}); every row is scored on "
            f"the {len(shared)} problems all of them share"
        )
        return {run: shared for run in sets}, True
    why = "they share no problem" if not shared else "--all-problems was given"
    notes.append(
        f"{label}: the runs cover different problems ({spread}) and {why}: each row is scored "
        "on its own problems, so the rows are NOT like for like"
    )
    return sets, False


def summarise(
    results: Results,
    method: CIMethod = CIMethod.bootstrap,
    resamples: int = 2000,
    seed: int = 0,
    shared_only: bool = True,
) -> Summary:
    """The leaderboard and the learning curves of every run in `results`."""
    notes = list(results.notes)
    rows: list[dict] = []
    curves: list[dict] = []
    boards = results.runs.groupby("board", sort=False) if not results.runs.empty else []
    for _, board in boards:
        label = board["board_label"].iloc[0]
        sets = _scored_problem_sets(results, board, notes)
        if not sets:
            continue
        used, comparable = _board_problems(label, sets, shared_only, notes)
        for _, run in board[board["run"].isin(sets)].iterrows():
            samples = results.samples[results.samples["run"] == run["run"]]
            samples = samples[samples["problem"].isin(used[run["run"]])]
            scope = {"n_run": len(sets[run["run"]]), "comparable": comparable}
            row, run_curves = _estimates(run, label, samples, scope, method, resamples, seed)
            rows.append(row)
            curves += run_curves
    board = pd.DataFrame(rows)
    if not board.empty and (board["epochs"] > 1).any():
        notes.append(
            "Some runs have several epochs: each problem's outcome is averaged over its epochs "
            "and the bootstrap resamples problems, not epochs."
        )
    return Summary(_ranked(board), pd.DataFrame(curves), notes, method, resamples, seed)


def _scored_problem_sets(
    results: Results, board: pd.DataFrame, notes: list[str]
) -> dict[str, set[str]]:
    """The problems each run of `board` scored; a run that scored none is left out, noted."""
    label = board["board_label"].iloc[0]
    sets = _problem_sets(results, board)
    for run in [run for run, problems in sets.items() if not problems]:
        row = board.set_index("run").loc[run]
        notes.append(f"{label} / {row['student']} / {row['teacher']}: no scored samples; left out")
        del sets[run]
    return sets


def _estimates(
    run: pd.Series,
    label: str,
    samples: pd.DataFrame,
    scope: dict,
    method: CIMethod,
    resamples: int,
    seed: int,
) -> tuple[dict, list[dict]]:
    """One run's leaderboard row and curve points, from the samples it is scored on; `scope`:
    how many problems the run scored in all (`n_run`), and whether the board is like for like."""
    turns = int(run["turns"])
    pairs = run_metrics(samples, turns)
    pairs["acc_at_n"] = pairs[f"acc_at_{turns}"]
    pairs["clean_acc_at_n"] = pairs[f"clean_acc_at_{turns}"]
    estimates = ratio_estimates(pairs, method, resamples, seed_for(seed, run["run"]))
    labels = {"task": label, **{c: run[c] for c in RUN_COLUMNS[1:]}}
    row = {
        **labels,
        "n": samples["problem"].nunique(),
        "n_run": scope["n_run"],
        "epochs": int(samples.groupby("problem").size().max()),
        **{
            k: v
            for m in [*HEADLINE, *REPLIES]
            for k, v in _flatten(m, estimates.get(m, UNDEFINED)).items()
        },
        "comparable": scope["comparable"],
        "logs": " ".join(run["logs"]),
        "run": run["run"],
    }
    curves = [
        {**labels, "metric": metric, "k": k, "value": e.value}
        | {"low": e.low, "high": e.high, "run": run["run"]}
        for k in range(1, turns + 1)
        for metric in CURVES
        if not (metric == "fix_rate" and k == 1)
        for e in [estimates[f"{metric}_at_{k}"]]
    ]
    return row, curves


def _ranked(board: pd.DataFrame) -> pd.DataFrame:
    """By task, then best clean acc@N first: a row never ranks higher for solves that followed
    feedback giving the answer away. Ties go to the lower leak rate (none given counts as 0),
    then the better acc@1; never to raw acc@N, whose excess over clean acc@N is leaked solves."""
    if board.empty:
        return board
    return (
        board.assign(_leaks=board["leak_rate"].fillna(0))
        .sort_values(
            ["task", "clean_acc_at_n", "_leaks", "acc_at_1", "student", "teacher"],
            ascending=[True, False, True, False, True, True],
            na_position="last",
            kind="stable",
        )
        .drop(columns="_leaks")
        .reset_index(drop=True)
    )

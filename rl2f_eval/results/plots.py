"""Per-turn learning curves (acc@k and clean acc@k against k) and fix rates, one figure per task
and metric, PNG and SVG.

Uses matplotlib's object API on the Agg canvas: no pyplot state, no display needed.
"""

from __future__ import annotations

import hashlib
import re
from collections import Counter
from pathlib import Path

import pandas as pd
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure

from rl2f_eval.results.boards import Summary

FORMATS = ("png", "svg")
MARKERS = "osD^vP*X"
YLABELS = {
    "acc": "acc@k: share solved by turn k",
    "clean_acc": "clean acc@k: solved by turn k, cleanly",
    "fix_rate": "fix rate: share of open problems solved at turn k",
}
TITLES = {
    "acc": "learning curves",
    "clean_acc": "clean learning curves",
    "fix_rate": "fix rate per turn",
}


def slug(text: str) -> str:
    return re.sub(r"[^A-Za-z0-9._-]+", "_", text).strip("_") or "task"


def file_names(boards: list[str]) -> dict[str, str]:
    """A file name per board label: its slug, plus a short hash of the label where two labels
    share a slug (`arithmetic (ops=+)`, `arithmetic (ops=*)`): no figure overwrites another."""
    slugs = {board: slug(board) for board in boards}
    repeated = Counter(slugs.values())
    return {
        board: name
        if repeated[name] == 1
        else f"{name}-{hashlib.sha1(board.encode()).hexdigest()[:8]}"
        for board, name in slugs.items()
    }


def _figure(task: str, curves: pd.DataFrame, metric: str, ci_text: str) -> Figure:
    runs = list(dict.fromkeys(curves["run"]))
    legend_rows = len(runs) if len(runs) > 4 else (len(runs) + 1) // 2
    figure = Figure(figsize=(7, 4 + 0.25 * legend_rows), layout="constrained")
    FigureCanvasAgg(figure)
    axes = figure.add_subplot()
    # dodge the lines a little (at most ±0.1 turn) so identical curves stay visible
    step = min(0.04, 0.2 / max(len(runs) - 1, 1))
    for i, run in enumerate(runs):
        line = curves[curves["run"] == run].sort_values("k")
        first = line.iloc[0]
        x = line["k"] + (i - (len(runs) - 1) / 2) * step
        label = f"{first['student']} · {first['teacher']} ({first['turns']} turns)"
        plotted = axes.plot(x, line["value"], marker=MARKERS[i % len(MARKERS)], label=label)
        axes.fill_between(x, line["low"], line["high"], alpha=0.15, color=plotted[0].get_color())
    turns = int(curves["k"].max())
    axes.set_xticks(range(int(curves["k"].min()), turns + 1))
    axes.set_ylim(-0.03, 1.03)
    axes.set_xlabel("turn k")
    axes.set_ylabel(YLABELS[metric])
    axes.set_title(f"{task}: {TITLES[metric]}")
    axes.grid(alpha=0.3)
    # below the axes, where it cannot hide a curve
    figure.legend(
        loc="outside lower center",
        fontsize=8,
        ncols=1 if len(runs) > 4 else 2,
        title=f"bands: {ci_text}",
        title_fontsize=7,
    )
    return figure


def write_curves(summary: Summary, out: Path) -> list[Path]:
    """Write `curves/<task>.{png,svg}`, `<task>_clean_acc.{png,svg}` (clean acc@k: solves that
    followed no flagged feedback), `<task>_fix_rate.{png,svg}` and `curves.csv`."""
    folder = out / "curves"
    folder.mkdir(parents=True, exist_ok=True)
    written: list[Path] = []
    if summary.curves.empty:
        return written
    names = file_names(sorted(set(map(str, summary.curves["task"]))))
    for task, curves in summary.curves.groupby("task", sort=True):
        for metric, suffix in (("acc", ""), ("clean_acc", "_clean_acc"), ("fix_rate", "_fix_rate")):
            data = curves[(curves["metric"] == metric) & curves["value"].notna()]
            if data.empty:
                continue
            figure = _figure(str(task), data, metric, summary.ci_text)
            for fmt in FORMATS:
                path = folder / f"{names[str(task)]}{suffix}.{fmt}"
                figure.savefig(path, dpi=150)
                written.append(path)
    table = out / "curves.csv"
    summary.curves.to_csv(table, index=False)
    return [*written, table]

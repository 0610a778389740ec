"""Per-turn learning curves (acc@k and clean acc@k against k) and fix rates, one figure per task
and metric, PNG and SVG.

Up to `MAX_LINES` runs share one panel. More are drawn in panels, one per teacher (split when
a teacher has more students than `MAX_LINES`), each student in the same colour and marker in
every panel, with one legend of the students beside the panels: a 13 x 13 grid stays readable.
The legend stands outside the axes, so it never hides a curve or outgrows the plot.

Uses matplotlib's object API on the Agg canvas: no pyplot state, no display needed.
"""

from __future__ import annotations

import hashlib
import math
import re
from collections import Counter
from pathlib import Path

import matplotlib as mpl
import numpy as np
import pandas as pd
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure

from rl2f_eval.results.boards import Summary

FORMATS = ("png", "svg")
MARKERS = "osD^vP*Xhp<>"
MAX_LINES = 6
"""Runs drawn in one panel at most; beyond, the figure has one panel per teacher."""
PANEL_COLUMNS = 3
YLABELS = {
    "acc": "acc@k: share solved by turn k",
    "clean_acc": "clean acc@k: solved by turn k, cleanly",
    "fix_rate": "fix rate: share of open problems\nsolved at turn k",
}
TITLES = {
    "acc": "learning curves",
    "clean_acc": "clean learning curves",
    "fix_rate": "fix rate per turn",
}
FILE_SUFFIXES = {
    "acc": "_acc_by_turn",
    "clean_acc": "_clean_acc_by_turn",
    "fix_rate": "_fix_rate_by_turn",
}
CSV_NAME = "curves_by_turn.csv"


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


def _label(row: pd.Series, with_teacher: bool) -> str:
    text = f"{row['student']} · {row['teacher']}" if with_teacher else str(row["student"])
    return f"{text} ({row['turns']} turns)"


Panel = tuple[str, list[str]] | None
"""(title, run ids) of a panel; None: an empty place in the grid of panels."""


def panels(runs: pd.DataFrame) -> tuple[list[Panel], int]:
    """The panels in reading order and how many columns they fill; `runs`: one row per run
    (student, teacher, turns). A teacher with more than `MAX_LINES` students gets a row of
    panels of its own, its students shared out evenly."""
    ids = list(runs["run"])
    if len(ids) <= MAX_LINES:
        return [("", ids)], 1
    several_limits = runs["turns"].nunique() > 1
    groups = []
    for (teacher, turns), group in runs.groupby(["teacher", "turns"], sort=True):
        title = f"teacher: {teacher}" + (f" ({turns} turns)" if several_limits else "")
        count = math.ceil(len(group) / MAX_LINES)
        chunks = [list(chunk) for chunk in np.array_split(np.array(group["run"]), count)]
        groups.append(
            [
                (title + (f" [{i}/{count}]" if count > 1 else ""), chunk)
                for i, chunk in enumerate(chunks, start=1)
            ]
        )
    widest = max(len(group) for group in groups)
    if widest == 1:
        flat: list[Panel] = [group[0] for group in groups]
        return flat, min(PANEL_COLUMNS, len(flat))
    rows: list[Panel] = []
    for group in groups:  # one row per teacher
        rows += [*group, *[None] * (widest - len(group))]
    return rows, widest


def _styles(keys: list[str]) -> dict[str, tuple[object, str]]:
    """A colour and marker per key, distinct for up to 20 keys (then colours repeat with
    other markers)."""
    colours = mpl.colormaps["tab10" if len(keys) <= 10 else "tab20"].colors
    return {
        key: (colours[i % len(colours)], MARKERS[(i // len(colours) + i) % len(MARKERS)])
        for i, key in enumerate(keys)
    }


def _draw(axes, line: pd.DataFrame, offset: float, colour, marker: str, metric: str) -> object:
    """One run: a line with a 95% band (acc@k, clean acc@k); points with 95% whiskers where a
    band cannot show (the fix rate, a per-turn share; a curve of one point)."""
    x = line["k"].to_numpy(dtype=float) + offset
    value = line["value"].to_numpy(dtype=float)
    if metric != "fix_rate" and len(line) > 1:
        (handle,) = axes.plot(x, value, marker=marker, color=colour, markersize=5)
        axes.fill_between(x, line["low"], line["high"], alpha=0.15, color=colour)
        return handle
    low = np.nan_to_num(value - line["low"].to_numpy(dtype=float), nan=0.0)
    high = np.nan_to_num(line["high"].to_numpy(dtype=float) - value, nan=0.0)
    drawn = axes.errorbar(
        x, value, yerr=[np.maximum(low, 0), np.maximum(high, 0)], fmt=f"{marker}-",
        color=colour, capsize=3, markersize=5, linewidth=1,
    )  # fmt: skip
    return drawn.lines[0]


def _figure(task: str, curves: pd.DataFrame, metric: str, ci_text: str) -> Figure:
    runs = curves.drop_duplicates("run")[["run", "student", "teacher", "turns"]]
    layout, columns = panels(runs)
    faceted = len(layout) > 1
    # faceted: a colour per student, the same in every panel; one panel: a colour per run
    keys = list(dict.fromkeys(runs["student"] if faceted else runs["run"]))
    styles = _styles(keys)
    rows = math.ceil(len(layout) / columns)
    legend_width = 3.2 if not faceted else 2.6
    figure = Figure(
        figsize=(4.4 * columns + legend_width + (2.6 if not faceted else 0), 3.3 * rows + 0.8),
        layout="constrained",
    )
    FigureCanvasAgg(figure)
    grid = figure.subplots(rows, columns, squeeze=False, sharex=True, sharey=True)
    k_min, k_max = int(curves["k"].min()), int(curves["k"].max())
    legend: dict[str, object] = {}
    for panel, axes in zip(layout, grid.flat, strict=False):
        if panel is None:
            continue
        title, ids = panel
        # dodge the lines a little (at most ±0.1 turn) so identical curves stay visible
        step = min(0.04, 0.2 / max(len(ids) - 1, 1))
        for i, run in enumerate(ids):
            line = curves[curves["run"] == run].sort_values("k")
            first = line.iloc[0]
            key = first["student"] if faceted else run
            colour, marker = styles[key]
            offset = (i - (len(ids) - 1) / 2) * step
            handle = _draw(axes, line, offset, colour, marker, metric)
            legend.setdefault(_label(first, with_teacher=not faceted), handle)
        axes.set_title(title, fontsize=9)
        axes.grid(alpha=0.3)
    for index, axes in enumerate(grid.flat):
        if index >= len(layout) or layout[index] is None:
            axes.set_visible(False)
    for axes in grid.flat:
        axes.set_xticks(range(k_min, k_max + 1))
        axes.set_xlim(k_min - 0.5, k_max + 0.5)  # one turn (fix rate at 2 turns) is not squashed
        axes.set_ylim(-0.03, 1.03)
    for axes in grid[-1, :]:
        axes.set_xlabel("turn k")
    for axes in grid[:, 0]:
        axes.set_ylabel(YLABELS[metric])
    figure.suptitle(f"{task}: {TITLES[metric]}")
    figure.legend(
        list(legend.values()),
        list(legend.keys()),
        loc="outside right upper",
        fontsize=8,
        title=("students (colour)" if faceted else "runs")
        + f"\nbands: {ci_text.removeprefix('95% confidence intervals: ')}",
        title_fontsize=7,
        alignment="left",
    )
    return figure


def write_curves(summary: Summary, out: Path) -> list[Path]:
    """Write `curves/<task>_acc_by_turn.{png,svg}`, `curves/<task>_clean_acc_by_turn.{png,svg}`
    (clean acc@k: solves that followed no flagged feedback),
    `curves/<task>_fix_rate_by_turn.{png,svg}` and `curves/curves_by_turn.csv`."""
    folder = out / "curves"
    folder.mkdir(parents=True, exist_ok=True)
    written: list[Path] = []
    if summary.curves.empty:
        return written
    names = file_names(sorted(set(map(str, summary.curves["task"]))))
    for task, curves in summary.curves.groupby("task", sort=True):
        for metric, suffix in FILE_SUFFIXES.items():
            data = curves[(curves["metric"] == metric) & curves["value"].notna()]
            if data.empty:
                continue
            figure = _figure(str(task), data, metric, summary.ci_text)
            for fmt in FORMATS:
                path = folder / f"{names[str(task)]}{suffix}.{fmt}"
                figure.savefig(path, dpi=150)
                written.append(path)
    table = folder / CSV_NAME
    summary.curves.to_csv(table, index=False)
    return [*written, table]

"""A student x teacher grid from a leaderboard: one table and one heatmap per task and metric.

Rows are students, columns teachers (as the leaderboard labels them; the "model: " of a model
teacher is dropped), cells a leaderboard metric: by default clean acc@N and gain, each on the
problems the task's runs share. Markdown shows values; the CSV (long form: one line per pair)
holds the 95% interval bounds and `n`. The heatmap writes each value in its cell, with sizes that
grow with the grid, so a 13 x 13 grid stays readable.
"""

from __future__ import annotations

import math
from pathlib import Path

import matplotlib as mpl
import numpy as np
import pandas as pd
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure

from rl2f_eval.results.boards import Summary
from rl2f_eval.results.plots import FORMATS, file_names
from rl2f_eval.results.tables import COLUMNS, number

GRID_METRICS = ("clean_acc_at_n", "gain")
"""The grid's default cells: clean acc@N (a solve after flagged feedback does not count, so no
teacher ranks high by giving answers away) and gain."""


class GridError(ValueError):
    """The leaderboard cannot make the grid asked for (an unknown metric)."""


def teacher_label(teacher: str) -> str:
    return teacher.removeprefix("model: ")


def _header(metric: str) -> str:
    return COLUMNS.get(metric, (metric, 3))[0]


def _decimals(metric: str) -> int:
    return COLUMNS.get(metric, (metric, 3))[1]


def check_metrics(summary: Summary, metrics: tuple[str, ...]) -> None:
    board = summary.leaderboard
    unknown = [m for m in metrics if m not in board or f"{m}_low" not in board]
    if unknown:
        known = [c for c in board if f"{c}_low" in board]
        raise GridError(f"no metric {unknown[0]!r}; the leaderboard has {', '.join(known)}")


def grid_frame(rows: pd.DataFrame, metrics: tuple[str, ...]) -> pd.DataFrame:
    """Long form, one line per (student, teacher) of one board: each metric with its bounds."""
    several_limits = rows["turns"].nunique() > 1
    frame = pd.DataFrame(
        {
            "student": rows["student"],
            "teacher": [
                teacher_label(t) + (f" ({turns} turns)" if several_limits else "")
                for t, turns in zip(rows["teacher"], rows["turns"], strict=True)
            ],
            "turns": rows["turns"],
            "n": rows["n"],
        }
    )
    for metric in metrics:
        for suffix in ("", "_low", "_high"):
            frame[metric + suffix] = rows[metric + suffix].to_numpy()
    return frame.reset_index(drop=True)


def _ordered(found: pd.Series, order: list[str] | None) -> list[str]:
    """`order`'s labels that occur first, then the others as they first appear."""
    seen = list(dict.fromkeys(found))
    first = [label for label in order or [] if label in seen]
    return [*first, *(label for label in seen if label not in first)]


def pivot(
    frame: pd.DataFrame, metric: str, order: tuple[list[str], list[str]] | None = None
) -> pd.DataFrame:
    """Students x teachers; `order`: (students, teachers) as the grid named them."""
    table = frame.pivot_table(index="student", columns="teacher", values=metric, dropna=False)
    students, teachers = order or (None, None)
    return table.reindex(
        index=_ordered(frame["student"], students), columns=_ordered(frame["teacher"], teachers)
    )


def grid_markdown(
    task: str,
    frame: pd.DataFrame,
    metrics: tuple[str, ...],
    order: tuple[list[str], list[str]] | None = None,
) -> str:
    parts = [f"## {task}", ""]
    sizes = sorted(set(frame["n"]))
    n = str(sizes[0]) if len(sizes) == 1 else f"{sizes[0]} to {sizes[-1]}"
    parts.append(
        f"Rows: students; columns: teachers. n = {n} problems per pair. "
        "95% intervals are in the CSV; — where a pair has no run."
    )
    for metric in metrics:
        table = pivot(frame, metric, order)
        headers = [f"{_header(metric)}: student \\ teacher", *table.columns]
        lines = ["| " + " | ".join(headers) + " |", "|" + "---|" * len(headers)]
        for student, values in table.iterrows():
            cells = [str(student), *(number(v, _decimals(metric)) for v in values)]
            lines.append("| " + " | ".join(c.replace("|", "\\|") for c in cells) + " |")
        parts += ["", f"### {_header(metric)}", "", *lines]
    return "\n".join(parts)


def heatmap(task: str, table: pd.DataFrame, metric: str) -> Figure:
    """One metric's grid as a heatmap, its value written in every cell."""
    rows, columns = table.shape
    cell = 0.62  # inches: room for "0.83" at 8 pt
    longest_row = max((len(str(s)) for s in table.index), default=1)
    longest_column = max((len(str(t)) for t in table.columns), default=1)
    width = columns * cell + min(longest_row, 40) * 0.075 + 2.0
    height = rows * cell + min(longest_column, 45) * 0.075 + 1.6
    figure = Figure(figsize=(max(width, 4.5), max(height, 3.5)), layout="constrained")
    FigureCanvasAgg(figure)
    axes = figure.add_subplot()
    values = table.to_numpy(dtype=float)
    low, high = (-1.0, 1.0) if np.nanmin(values, initial=0) < 0 else (0.0, 1.0)
    colours = mpl.colormaps["RdBu" if low < 0 else "viridis"].with_extremes(bad="#dddddd")
    image = axes.imshow(np.ma.masked_invalid(values), cmap=colours, vmin=low, vmax=high)
    for (i, j), value in np.ndenumerate(values):
        if math.isnan(value):
            axes.text(j, i, "—", ha="center", va="center", fontsize=8, color="#555555")
            continue
        shade = colours((value - low) / (high - low))
        light = 0.299 * shade[0] + 0.587 * shade[1] + 0.114 * shade[2] > 0.5
        axes.text(
            j, i, f"{value:.2f}", ha="center", va="center", fontsize=8,
            color="black" if light else "white",
        )  # fmt: skip
    axes.set_xticks(range(columns), [str(t) for t in table.columns], fontsize=8)
    axes.set_yticks(range(rows), [str(s) for s in table.index], fontsize=8)
    axes.tick_params(axis="x", labelrotation=90)  # upright columns never overlap
    axes.set_xlabel("teacher")
    axes.set_ylabel("student")
    axes.set_title(f"{task}: {_header(metric)} per student and teacher", fontsize=10)
    figure.colorbar(image, ax=axes, shrink=0.8, label=_header(metric))
    return figure


def write_grid(
    summary: Summary,
    out: Path,
    metrics: tuple[str, ...] = GRID_METRICS,
    order: tuple[list[str], list[str]] | None = None,
) -> list[Path]:
    """Per task: `grid/TASK_grid.md`, `grid/TASK_grid.csv` and for each metric
    `grid/TASK_METRIC_heatmap.{png,svg}`; `order`: (students, teachers) labels in the order to
    show them (others follow)."""
    check_metrics(summary, metrics)
    folder = out / "grid"
    folder.mkdir(parents=True, exist_ok=True)
    written: list[Path] = []
    board = summary.leaderboard
    names = file_names(sorted(set(map(str, board["task"]))))
    for task, rows in board.groupby("task", sort=True):
        name, frame = names[str(task)], grid_frame(rows, metrics)
        students, teachers = order or (None, None)
        rank = {
            "student": {s: i for i, s in enumerate(_ordered(frame["student"], students))},
            "teacher": {t: i for i, t in enumerate(_ordered(frame["teacher"], teachers))},
        }
        frame = frame.sort_values(["student", "teacher"], key=lambda c: c.map(rank[c.name]))
        markdown, csv = folder / f"{name}_grid.md", folder / f"{name}_grid.csv"
        markdown.write_text(grid_markdown(str(task), frame, metrics, order) + "\n")
        frame.to_csv(csv, index=False)
        written += [markdown, csv]
        for metric in metrics:
            figure = heatmap(str(task), pivot(frame, metric, order), metric)
            for fmt in FORMATS:
                path = folder / f"{name}_{metric}_heatmap.{fmt}"
                figure.savefig(path, dpi=150)
                written.append(path)
    return written

"""Render a Summary as the leaderboard: Markdown for people, CSV for programs."""

from __future__ import annotations

import math
from pathlib import Path

import pandas as pd

from rl2f_eval.results.boards import Summary

COLUMNS = {  # metric -> (header, decimals)
    "acc_at_1": ("acc@1", 3),
    "acc_at_n": ("acc@N", 3),
    "clean_acc_at_n": ("clean acc@N", 3),
    "gain": ("gain", 3),
    "aulc": ("AULC", 3),
    "turns_to_solve": ("turns to solve", 2),
    "leak_rate": ("leak rate", 3),
}
REPLY_COLUMNS = {  # the second table: what the replies were like (values; intervals in the CSV)
    "format_failure_rate": ("format failures", 3),
    "empty_reply_rate": ("empty", 3),
    "truncated_rate": ("truncated", 3),
    "student_tokens": ("student tokens / episode", 1),
    "teacher_tokens": ("teacher tokens / episode", 1),
}
REPLY_NOTE = (
    "The same rows' replies: format failures (no answer in the required format) and empty "
    "replies as shares of all the student's replies, truncated ones (cut off by the token "
    "limit: an API's finish_reason=length) as a share of those whose model said why they "
    "ended; output tokens per episode of student and teacher. — where a log predates these "
    "counts, or no reply's stop reason is known."
)


def number(value: float, decimals: int) -> str:
    return "—" if value is None or math.isnan(value) else f"{value:.{decimals}f}"


def cell(row: pd.Series, metric: str, decimals: int) -> str:
    """`value [low, high]`, or the value alone when no interval exists (too few problems)."""
    value, low, high = row[metric], row[f"{metric}_low"], row[f"{metric}_high"]
    if math.isnan(value):
        return "—"
    if math.isnan(low) or math.isnan(high):
        return number(value, decimals)
    return f"{number(value, decimals)} [{number(low, decimals)}, {number(high, decimals)}]"


def markdown_table(rows: pd.DataFrame) -> str:
    """The headline table: each metric with its interval."""
    return _table(rows, {m: (h, d, cell) for m, (h, d) in COLUMNS.items()})


def replies_table(rows: pd.DataFrame) -> str:
    """The replies table, same rows and ranks: values only."""
    return _table(
        rows,
        {m: (h, d, lambda row, m, d: number(row[m], d)) for m, (h, d) in REPLY_COLUMNS.items()},
    )


def _table(rows: pd.DataFrame, columns: dict) -> str:
    headers = ["#", "student", "teacher", "turns", "n", *(h for h, _, _ in columns.values())]
    lines = ["| " + " | ".join(headers) + " |", "|" + "---|" * len(headers)]
    for rank, (_, row) in enumerate(rows.iterrows(), start=1):
        n = str(row["n"]) if row["n"] == row["n_run"] else f"{row['n']} of {row['n_run']}"
        cells = [str(rank), row["student"], row["teacher"], str(row["turns"]), n]
        cells += [show(row, metric, decimals) for metric, (_, decimals, show) in columns.items()]
        lines.append("| " + " | ".join(c.replace("|", "\\|") for c in cells) + " |")
    return "\n".join(lines)


def leaderboard_markdown(summary: Summary, sources: list[str]) -> str:
    parts = [
        "# rl2f-eval leaderboard",
        "",
        f"From the didactic logs under {', '.join(f'`{s}`' for s in sources)}. "
        "One row per task, student, teacher and turn limit, best clean acc@N first: accuracy "
        "after the last turn counting only clean solves, those that followed no feedback the "
        "leak guard flagged (ties: lower leak rate, then acc@1). "
        "`n` is the number of problems the row is scored on. "
        f"{summary.ci_text}.",
    ]
    if summary.leaderboard.empty:
        parts += ["", "No scored didactic runs were found."]
    for task, rows in summary.leaderboard.groupby("task", sort=True):
        parts += ["", f"## {task}", ""]
        if not rows["comparable"].all():
            parts += ["Rows on this board are **not like for like** (see the notes).", ""]
        parts.append(markdown_table(rows))
        if any(m in rows for m in REPLY_COLUMNS):
            parts += ["", REPLY_NOTE, "", replies_table(rows)]
    if summary.notes:
        parts += ["", "## Notes", "", *(f"- {note}" for note in summary.notes)]
    return "\n".join(parts) + "\n"


def write_leaderboard(summary: Summary, out: Path, sources: list[str]) -> list[Path]:
    out.mkdir(parents=True, exist_ok=True)
    markdown, csv = out / "leaderboard.md", out / "leaderboard.csv"
    markdown.write_text(leaderboard_markdown(summary, sources))
    summary.leaderboard.to_csv(csv, index=False)
    return [markdown, csv]

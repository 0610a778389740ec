"""The `rl2f-eval` command line (installed as a console script).

Every command is a plain function with typer annotations, registered with one line below. Keep a
command's heavy imports (torch, Inspect, pandas) inside its body so that `--help` stays fast.
"""

from __future__ import annotations

import typer

from rl2f_eval.results import commands as results
from rl2f_eval.train import cli as train

app = typer.Typer(
    name="rl2f-eval",
    help="Tables, learning curves, comparisons and transcripts from rl2f-eval's Inspect logs, "
    "and RL2F training. Run evaluations with `inspect eval tasks/<suite>.py`; then point these "
    "commands at the logs.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    rich_markup_mode="markdown",
)

app.command()(results.leaderboard)
app.command()(results.curves)
app.command()(results.compare)
app.command()(results.export)
train.register(app)  # train, merge-adapter, repro

if __name__ == "__main__":
    app()

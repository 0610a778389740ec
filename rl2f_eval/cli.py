"""The `rl2f-eval` command line (installed as a console script).

Every command is a plain function with typer annotations, registered with one line below. Keep a
command's heavy imports (torch, Inspect, pandas) inside its body so that `--help` stays fast.
"""

from __future__ import annotations

from typing import Annotated

import typer

from rl2f_eval import grid
from rl2f_eval.repro.cli import repro_command
from rl2f_eval.results import commands as results
from rl2f_eval.train import cli as train

app = typer.Typer(
    name="rl2f-eval",
    help="Tables, learning curves, comparisons and transcripts from rl2f-eval's Inspect logs, "
    "student x teacher grids, and RL2F training. Run evaluations with `inspect eval "
    "rl2f_eval/<task>` (`rl2f-eval tasks` lists the tasks and their arguments), or a whole grid "
    "with `rl2f-eval grid`; then point these commands at the logs.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    rich_markup_mode="markdown",
)


@app.command()
def tasks(
    name: Annotated[str | None, typer.Argument(help="A task: show its arguments.")] = None,
) -> None:
    """The evaluation tasks (`inspect eval rl2f_eval/<task>`), or one task's arguments."""
    from rl2f_eval.tasks import describe

    try:
        typer.echo(describe(name))
    except KeyError as error:
        typer.echo(f"error: {error.args[0]}", err=True)
        raise typer.Exit(2) from None


app.command()(results.leaderboard)
app.command()(results.curves)
app.command()(results.compare)
app.command()(results.export)
app.command()(grid.grid)
train.register(app)  # train, merge-adapter
app.command("repro")(repro_command)

if __name__ == "__main__":
    app()

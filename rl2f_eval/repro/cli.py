"""`rl2f-eval repro CONFIG`: RL2F against single-turn RL from one base checkpoint."""

from __future__ import annotations

import shlex
from pathlib import Path
from typing import Annotated

import typer


def repro_command(
    config: Annotated[
        Path, typer.Argument(help="Repro YAML (see configs/repro/ and README: Training).")
    ],
    overwrite: Annotated[
        bool, typer.Option(help="Start over: delete this repro's runs (not other repros).")
    ] = False,
    parallel: Annotated[
        int | None,
        typer.Option(min=1, help="Jobs side by side (override the config's `parallel`)."),
    ] = None,
    check: Annotated[
        bool, typer.Option(help="Validate the config, show the arms and jobs, and exit.")
    ] = False,
    report_only: Annotated[
        bool, typer.Option("--report-only", help="Only rewrite the results from what finished.")
    ] = False,
) -> None:
    """Train RL2F and single-turn RL (and optionally RL2F + critique prediction) from one base
    checkpoint on the same budget, evaluate every arm and the base on the same held-out problems
    with the same N turns and teacher, and compare them.

    Resumable: run the same command again after an interruption; finished trainings and
    evaluations are kept, an interrupted training resumes from its last checkpoint.

    Writes runs/repro/NAME/ (arms, Inspect logs, job logs) and results/repro/NAME/:
    summary.json and summary.md, compare/*.md (paired comparisons), curves.png/.svg.
    """
    from rl2f_eval.repro.config import load_repro_config
    from rl2f_eval.repro.pipeline import ReproError, prepare, run_jobs, say_stderr
    from rl2f_eval.train.config import TrainConfigError

    command = shlex.join(
        ["rl2f-eval", "repro", str(config)] + (["--parallel", str(parallel)] if parallel else [])
    )
    try:
        cfg = load_repro_config(config, parallel=parallel)
        arms = cfg.arm_configs()
        rl2f = arms["rl2f"]
        from rl2f_eval.train.config import split_problems

        suite, train, _, held_out = split_problems(rl2f)
        say_stderr(
            f"repro {cfg.name}: {suite.name}, {len(train)} training problems, {len(held_out)} "
            f"held out, {cfg.turns} turns, teacher {rl2f.teacher.name}; arms "
            + ", ".join(
                f"{arm} ({c.turns} turn{'s' if c.turns > 1 else ''}, {c.steps} steps of "
                f"{c.batch}x{c.generations})"
                for arm, c in arms.items()
            )
            + f"; {cfg.parallel} at a time -> {cfg.run_dir}, {cfg.out_dir}"
        )
        if check:
            return
        plan = prepare(cfg, overwrite=overwrite)
        if not report_only:
            run_jobs(plan)
        from rl2f_eval.repro.report import summary_markdown, write_report

        summary = write_report(plan, command)
    except (TrainConfigError, ReproError) as error:
        typer.echo(f"error: {error}", err=True)
        raise typer.Exit(2) from None
    typer.echo(summary_markdown(summary))
    typer.echo(f"wrote {cfg.out_dir / 'summary.json'} and {cfg.out_dir}", err=True)

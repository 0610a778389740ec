"""`rl2f-eval train` and `merge-adapter` (typer commands; torch loads only when run).

Registered on the main app with `register(app)`.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer


def train_command(
    config: Annotated[
        Path,
        typer.Option(
            "--config", "-c", help="YAML training config (see configs/train/ and README)."
        ),
    ],
    steps: Annotated[int | None, typer.Option(help="Override the config's `steps`.")] = None,
    output_dir: Annotated[
        Path | None, typer.Option("--output-dir", "-o", help="Override `output_dir`.")
    ] = None,
    resume: Annotated[
        bool, typer.Option(help="Continue the run in output_dir from its last checkpoint.")
    ] = False,
    overwrite: Annotated[
        bool, typer.Option(help="Replace a finished or crashed run in output_dir.")
    ] = False,
    check: Annotated[
        bool,
        typer.Option(help="Validate the config, show the problem split and exit (no model)."),
    ] = False,
) -> None:
    """Fine-tune an open checkpoint with RL (GRPO via TRL) on multi-turn didactic episodes.

    Writes to output_dir:

    - metrics.jsonl: per step reward, acc_at_1, acc_at_n, kl, tokens_per_s; per eval acc_at_k
    - eval/: held-out transcripts
    - checkpoints/: resumable, every save_every steps
    - final/: merged checkpoint and/or LoRA adapter; final/export.json: the inspect eval
      commands that reproduce the held-out evaluation
    """
    # imported here: the config pulls in Inspect, and `rl2f-eval --help` should answer at once
    from rl2f_eval.train.config import TrainConfigError, load_config, split_problems

    try:
        cfg = load_config(config, steps=steps, output_dir=output_dir)
        suite, train, _, held_out = split_problems(cfg)
        typer.echo(
            f"{suite.name}: {len(train)} training problems, {len(held_out)} held out; "
            f"{cfg.turns} turns, teacher {cfg.teacher.name}, {cfg.steps} steps of "
            f"{cfg.batch}x{cfg.generations} episodes -> {cfg.output_dir}",
            err=True,
        )
        if check:
            return
        from rl2f_eval.train.run import train

        result = train(cfg, resume=resume, overwrite=overwrite)
    except TrainConfigError as error:
        typer.echo(f"error: {error}", err=True)
        raise typer.Exit(2) from None
    if result.evaluations:
        first, last = result.evaluations[0], result.evaluations[-1]
        turns = cfg.eval.turns
        typer.echo(
            f"held-out acc@1 {first['acc_at_1']:.3f} -> {last['acc_at_1']:.3f}, "
            f"acc@{turns} {first[f'acc_at_{turns}']:.3f} -> {last[f'acc_at_{turns}']:.3f} "
            f"(step {first['step']} -> {last['step']})"
        )
    for kind, path in result.exported.items():
        typer.echo(f"{kind}: {path}")
    typer.echo(f"metrics: {result.metrics_log} ({result.seconds:.0f} s)")


def merge_adapter_command(
    checkpoint: Annotated[Path, typer.Argument(help="A LoRA checkpoint directory.")],
    out: Annotated[Path, typer.Argument(help="Where to write the merged checkpoint.")],
) -> None:
    """Fold a LoRA checkpoint (e.g. output_dir/checkpoints/checkpoint-50) into a full
    checkpoint that `--model hf/local -M model_path=OUT` or `--model vllm/OUT` evaluates."""
    from rl2f_eval.train.export import merge_checkpoint

    try:
        typer.echo(str(merge_checkpoint(checkpoint, out)))
    except FileNotFoundError as error:
        typer.echo(f"error: {error}", err=True)
        raise typer.Exit(2) from None


def register(app: typer.Typer) -> None:
    app.command("train")(train_command)
    app.command("merge-adapter")(merge_adapter_command)

"""The results commands of `rl2f-eval`: leaderboard, curves, compare, export.

Heavy imports (Inspect, pandas, matplotlib) happen inside the commands, so `--help` stays fast.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from rl2f_eval.stats import CIMethod

if TYPE_CHECKING:
    from rl2f_eval.results.boards import Summary
    from rl2f_eval.results.select import Selection

LogDirs = Annotated[
    list[Path],
    typer.Option(
        "--log-dir",
        "-l",
        help="A log directory (searched recursively) or log file; repeat for several.",
    ),
]
Out = Annotated[Path, typer.Option("--out", "-o", help="Folder to write the outputs to.")]
CI = Annotated[
    CIMethod,
    typer.Option(
        "--ci",
        help="95% intervals by bootstrap over problems, or ±1.96 standard errors.",
        case_sensitive=False,
    ),
]
Resamples = Annotated[int, typer.Option(min=100, help="Bootstrap resamples.")]
Seed = Annotated[int, typer.Option(help="Seed of the bootstrap and permutation draws.")]
AllProblems = Annotated[
    bool,
    typer.Option(
        "--all-problems",
        help="Score each row on all of its own problems, even where the runs of a task cover "
        "different problems (the table then says the rows are not like for like). "
        "Default: every row of a task is scored on the problems all its runs share.",
    ),
]
CompleteOnly = Annotated[
    bool,
    typer.Option(
        "--complete-only",
        help="Leave out logs of runs that did not finish (cancelled, error, still running). "
        "Default: their scored samples count, with a note.",
    ),
]


FILTER_HELP = (
    "Repeat for several. A pattern (shell wildcards: * ?) matches a label as the table prints "
    "it or the name inside it"
)
Tasks = Annotated[
    list[str] | None,
    typer.Option(
        "--task", "-t", help=f"Only these tasks (`maze`, `maze (size=5)`). {FILTER_HELP}."
    ),
]
Students = Annotated[
    list[str] | None,
    typer.Option("--student", help=f"Only these students (`openai/*`). {FILTER_HELP}."),
]
Teachers = Annotated[
    list[str] | None,
    typer.Option(
        "--teacher",
        help=f"Only these teachers (`verifier`, `anthropic/claude-sonnet-5-5`). {FILTER_HELP}.",
    ),
]


def _selection(task: list[str] | None, student: list[str] | None, teacher: list[str] | None):
    from rl2f_eval.results.select import Selection

    return Selection(tuple(task or ()), tuple(student or ()), tuple(teacher or ()))


def _track(files: list[str]) -> Iterable[str]:
    """A progress bar on stderr while logs are read (gone once done)."""
    from rich.console import Console
    from rich.progress import track

    return track(files, description="reading logs", console=Console(stderr=True), transient=True)


def _fail(message: str) -> typer.Exit:
    typer.secho(f"error: {message}", err=True, fg=typer.colors.RED)
    return typer.Exit(2)


def _summary(
    log_dir: list[Path],
    ci: CIMethod,
    resamples: int,
    seed: int,
    all_problems: bool,
    complete_only: bool,
    selection: Selection | None = None,
) -> Summary:
    from rl2f_eval.results.boards import summarise
    from rl2f_eval.results.load import load_results
    from rl2f_eval.results.select import NothingSelected, Selection, select

    try:
        results = load_results(log_dir, include_incomplete=not complete_only, track=_track)
        results = select(results, selection or Selection())
    except (FileNotFoundError, NothingSelected) as error:
        raise _fail(str(error)) from None
    summary = summarise(results, ci, resamples, seed, shared_only=not all_problems)
    if summary.leaderboard.empty:
        for note in summary.notes:
            typer.echo(f"note: {note}", err=True)
        raise _fail(f"no scored didactic runs under {', '.join(map(str, log_dir))}")
    return summary


def _written(paths: list[Path]) -> None:
    for path in paths:
        typer.echo(f"wrote {path}", err=True)


def leaderboard(
    log_dir: LogDirs = [Path("logs")],  # noqa: B006 (typer reads the default, never mutates it)
    out: Out = Path("results"),
    ci: CI = CIMethod.bootstrap,
    resamples: Resamples = 2000,
    seed: Seed = 0,
    all_problems: AllProblems = False,
    complete_only: CompleteOnly = False,
    task: Tasks = None,
    student: Students = None,
    teacher: Teachers = None,
) -> None:
    """Leaderboard of every didactic run: one row per task, student, teacher and turn limit.

    Columns: n, acc@1, acc@N, clean acc@N, gain, AULC, turns to solve and leak rate, each with a
    95% confidence interval. Rows are ranked by clean acc@N (solves that followed no feedback the
    leak guard flagged), then lower leak rate, then acc@1: never by solves the teacher gave away.
    A second table per task shows the same rows' replies: format failures and empty replies
    (shares of all replies), truncated replies (of those whose stop reason is known), student
    and teacher output tokens per episode. Writes OUT/leaderboard.md and OUT/leaderboard.csv
    (every column, with interval bounds) and prints the Markdown.
    """
    from rl2f_eval.results.tables import leaderboard_markdown, write_leaderboard

    selection = _selection(task, student, teacher)
    summary = _summary(log_dir, ci, resamples, seed, all_problems, complete_only, selection)
    sources = [str(p) for p in log_dir]
    typer.echo(leaderboard_markdown(summary, sources))
    _written(write_leaderboard(summary, out, sources))


def curves(
    log_dir: LogDirs = [Path("logs")],  # noqa: B006
    out: Out = Path("results"),
    ci: CI = CIMethod.bootstrap,
    resamples: Resamples = 2000,
    seed: Seed = 0,
    all_problems: AllProblems = False,
    complete_only: CompleteOnly = False,
    task: Tasks = None,
    student: Students = None,
    teacher: Teachers = None,
) -> None:
    """Per-turn learning curves: acc@k against k, one line per student and teacher, per task.

    Writes `OUT/curves/TASK_acc_by_turn.png` and `.svg` (with 95% bands),
    `OUT/curves/TASK_clean_acc_by_turn.png` and `.svg` (clean acc@k: only solves that followed no
    feedback the leak guard flagged), `OUT/curves/TASK_fix_rate_by_turn.png` and `.svg` (of the
    problems still open after turn k-1, the share solved at turn k, with 95% intervals), and the
    numbers behind them in `OUT/curves/curves_by_turn.csv`. More than six runs of a task are
    drawn in panels, one per teacher (six students at most per panel), each student in the same
    colour in every panel, the legend beside them; `--student`/`--teacher` draw fewer. Where two
    task names give the same file name (say `arithmetic (ops=+)` and `arithmetic (ops=*)`), each
    gets a short hash of its name appended.
    """
    from rl2f_eval.results.plots import write_curves

    selection = _selection(task, student, teacher)
    summary = _summary(log_dir, ci, resamples, seed, all_problems, complete_only, selection)
    for note in summary.notes:
        typer.echo(f"note: {note}", err=True)
    _written(write_curves(summary, out))


def compare(
    a: Annotated[
        Path,
        typer.Argument(
            metavar="A", help="Run A (the baseline): a log file, or a folder of one run's logs."
        ),
    ],
    b: Annotated[
        Path, typer.Argument(metavar="B", help="Run B: a log file or a folder, as for A.")
    ],
    out: Annotated[
        Path | None,
        typer.Option("--out", "-o", help="Also write the Markdown here, and a CSV next to it."),
    ] = None,
    ci: CI = CIMethod.bootstrap,
    resamples: Resamples = 2000,
    seed: Seed = 0,
) -> None:
    """Paired comparison of run B against run A on the problems both scored.

    Per turn k: acc@k and clean acc@k (only solves that followed no flagged feedback) of each,
    the difference B − A with a paired 95% interval and an exact McNemar test; gain and AULC
    with a paired sign-flip permutation test; turns to solve and leak rate with intervals. Like
    a paper's table of a trained model against its base.
    """
    from rl2f_eval.results.compare import ComparisonError, compare_runs
    from rl2f_eval.results.load import load_results

    try:
        runs = load_results([a], track=_track), load_results([b], track=_track)
        comparison = compare_runs(*runs, ci, resamples, seed)
    except (FileNotFoundError, ComparisonError) as error:
        raise _fail(str(error)) from None
    markdown = comparison.markdown()
    typer.echo(markdown)
    if out is not None:
        out.parent.mkdir(parents=True, exist_ok=True)
        out.write_text(markdown)
        comparison.table.to_csv(out.with_suffix(".csv"), index=False)
        _written([out, out.with_suffix(".csv")])


def export(
    log_dir: LogDirs = [Path("logs")],  # noqa: B006
    out: Annotated[Path, typer.Option("--out", "-o", help="The JSONL file to write.")] = Path(
        "results/transcripts.jsonl"
    ),
    solved_only: Annotated[
        bool, typer.Option("--solved-only", help="Only episodes the student solved.")
    ] = False,
) -> None:
    """Student-only transcripts as JSONL chat records, for training and analysis.

    One record per scored sample: {"messages": [{"role", "content"}, ...], "task", "sample_id",
    "epoch", "student", "teacher", "turns", "solved_turn" (null if unsolved), "leak_count", "log"}.
    The messages are what the student saw and said (problem, attempts, feedback); teacher
    prompts, reference answers and verifier reports are never included, and oracle runs
    (-T oracle_turn=K) are skipped. A sample in several logs of one run (inspect eval-retry) is
    exported once, from the newest log. Feedback the leak guard flagged is kept as the student
    saw it: filter on leak_count to drop such episodes.
    """
    from rl2f_eval.results.export import export_transcripts

    def progress(name: str, count: int) -> None:
        typer.echo(f"{name}: {count} records", err=True)

    try:
        report = export_transcripts(log_dir, out, solved_only, progress)
    except FileNotFoundError as error:
        raise _fail(str(error)) from None
    for note in report.notes:
        typer.echo(f"note: {note}", err=True)
    typer.echo(f"wrote {report.records} records to {out}", err=True)

"""Didactic Inspect logs -> pandas: one row per scored sample, one row per log, and notes.

Only log headers and sample summaries (ids, score dicts, errors) are read, through
`inspect_ai.analysis.samples_df`, never transcripts: thousands of samples load in seconds. A log
that cannot be read, comes from another kind of task, or did not finish becomes a note, not a crash.

Every log belongs to a *run* (one leaderboard row: task, student, teacher, turns) and every run to
a *board* (one task on one problem set). Logs of the same run are merged; a problem scored in
several of them counts once, from the newest log.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd
from inspect_ai.analysis import SampleColumn, samples_df
from inspect_ai.log import (
    EvalLog,
    EvalSample,
    EvalSampleSummary,
    list_eval_logs,
    read_eval_log,
)

from rl2f_eval.didactic.metrics import REQUIRED_COUNTS, acc_columns

SCORER = "didactic_scorer"
# Task args that set up the episode (turns, teacher, privileged, leak, ...) tell runs apart; all
# other task args choose the problems and so name the board. A log names its episode args in its
# task metadata (`episode`), so a new one cannot silently split a board; these are the ones of
# logs written before it did.
EARLIER_EPISODE_ARGS = frozenset({"turns", "teacher", "privileged", "leak", "oracle_turn"})
# Task args that only choose how many problems: runs that differ only here share a board and row.
COUNT_ARGS = frozenset({"n"})
# Episode args that change how a run is made, not what it measures: runs that differ only here
# share a row (a cached teacher's feedback is the feedback it gave).
SETTING_ARGS = frozenset({"teacher_cache"})
STATUS_TEXT = {
    "started": "has not finished (still running, or stopped without a trace)",
    "cancelled": "was cancelled",
    "error": "failed",
}


@dataclass
class Results:
    samples: pd.DataFrame
    """One row per scored sample: board, run, log (its file), id, epoch, problem (id + text
    hash), score keys. A sample scored in several logs of its run appears once, from the newest."""
    runs: pd.DataFrame
    """One row per run: board, run, task, student, teacher, turns, logs."""
    notes: list[str] = field(default_factory=list)
    """What a reader must know: skipped logs, incomplete runs, errored or duplicate samples."""


def didactic_score(sample: EvalSample | EvalSampleSummary) -> dict[str, Any] | None:
    """The didactic scorer's score dict of a sample (or its summary); None if it has none."""
    for name, score in (sample.scores or {}).items():
        if name.split("/")[-1] == SCORER and isinstance(score.value, dict):
            return dict(score.value)
    return None


def _problem_hash(sample: EvalSampleSummary) -> str:
    # the summary's input, which Inspect cuts at 5,120 characters: reading whole samples to hash
    # all of it would cost the quick load; two problems that share an id and those characters
    # but differ later would pair (a suite's ids name its problems, so this takes a bad dataset)
    text = sample.input if isinstance(sample.input, str) else repr(sample.input)
    return hashlib.sha1(text.encode()).hexdigest()[:12]


SAMPLE_COLUMNS = [
    SampleColumn("id", path="id", required=True, type=str),
    SampleColumn("epoch", path="epoch", required=True, type=int),
    SampleColumn("error", path="error", default=""),
    SampleColumn("problem_hash", path=_problem_hash),
    SampleColumn("score_*", path=didactic_score),
]


def log_files(paths: Iterable[str | Path]) -> list[str]:
    """Every Inspect log under `paths` (directories are searched recursively), oldest first."""
    found: list[str] = []
    for path in map(Path, paths):
        if path.is_dir():
            infos = reversed(list_eval_logs(str(path)))
            found += [info.name.removeprefix("file://") for info in infos]
        elif path.is_file():
            found.append(str(path))
        else:
            raise FileNotFoundError(f"no such log file or directory: {path}")
    return found


def _render(value: Any) -> str:
    return value if isinstance(value, str) else json.dumps(value, sort_keys=True)


def _model_details(prefix: str, model: str, args: Mapping[str, Any], config: Any) -> dict:
    """A model's identity: name, -M args and non-default generation settings."""
    settings = config.model_dump(exclude_none=True) if config is not None else {}
    return {
        prefix: model,
        **{f"{prefix} -M {k}": _render(v) for k, v in sorted((args or {}).items())},
        **{f"{prefix} --{k.replace('_', '-')}": _render(v) for k, v in sorted(settings.items())},
    }


def episode_arg_names(log: EvalLog) -> frozenset[str]:
    """The task args of `log` that set up the episode (as its task recorded them)."""
    metadata = log.eval.metadata if isinstance(log.eval.metadata, dict) else {}
    episode = metadata.get("episode")
    return frozenset(episode) if isinstance(episode, dict) else EARLIER_EPISODE_ARGS


class NotADidacticRun(ValueError):
    """A log whose header does not describe a run the results can read (one-line reason)."""


def _turns(args: Mapping[str, Any]) -> int:
    turns = args.get("turns")
    if isinstance(turns, bool) or not isinstance(turns, int) or turns < 1:
        raise NotADidacticRun(f"its turn limit is {turns!r}, not a whole number of at least 1")
    return turns


def bound_role(log: EvalLog, name: str) -> tuple[Any, str | None]:
    """The model bound to the log's role `name` (None: unbound), and a note when the role was a
    list: Inspect ran the first model (rl2f-eval refuses a list-valued teacher role since)."""
    role = (log.eval.model_roles or {}).get(name)
    if not isinstance(role, list):
        return role, None
    if not role:
        return None, f"its {name} role is an empty list; read as unbound"
    names = ", ".join(str(getattr(r, "model", r)) for r in role)
    return role[0], (
        f"its {name} role names {len(role)} models ({names}); Inspect gave every {name} "
        f"call to the first, {role[0].model}, so the row is labelled with it"
    )


def teacher_role(log: EvalLog) -> tuple[Any, str | None]:
    return bound_role(log, "teacher")


def run_identity(log: EvalLog) -> dict[str, Any]:
    """Board, run identity and display labels of one log (from its header only); raises
    `NotADidacticRun` when the header cannot say them."""
    spec = log.eval
    args = dict(spec.task_args or {})
    task = spec.task.split("/")[-1]
    episode_args = episode_arg_names(log)
    board_args = {
        k: _render(v) for k, v in sorted(args.items()) if k not in episode_args | COUNT_ARGS
    }
    turns = _turns(args)
    oracle_turn = args.get("oracle_turn")
    mode = _render(args.get("teacher", "?"))
    if oracle_turn is not None:
        student, student_details = f"oracle (right from turn {oracle_turn})", {}
    else:
        student = spec.model
        student_details = _model_details(
            "student", spec.model, spec.model_args, spec.model_generate_config
        )
    teacher_details: dict[str, Any] = {"teacher": mode}
    teacher = mode
    if mode == "model":
        role, _ = teacher_role(log)
        if role is not None:
            teacher_details |= _model_details("teacher", role.model, role.args, role.config)
            teacher = f"model: {role.model}"
        else:
            teacher = "model: the student"
        if args.get("privileged", True) is False:
            teacher += ", unprivileged"
    if args.get("leak", "flag") != "flag":
        teacher += f", leak={args['leak']}"
    if args.get("leak_judge") is True:
        judge, _ = bound_role(log, "judge")
        if judge is not None:
            teacher_details |= _model_details("judge", judge.model, judge.args, judge.config)
        teacher += f", leak judge: {judge.model if judge is not None else 'the teacher'}"
    teacher_details |= {
        k: _render(v)
        for k, v in args.items()
        if k in episode_args and k != "teacher" and k not in SETTING_ARGS
    }
    board = {"task": task, **board_args}
    identity = {**board, **student_details, **teacher_details, "turns": turns}
    return {
        "board": json.dumps(board, sort_keys=True),
        "run": json.dumps(identity, sort_keys=True),
        "task": task,
        "board_args": board_args,
        "student": student,
        "teacher": teacher,
        "turns": turns,
        "details": {**student_details, **teacher_details},
    }


def is_didactic(log: EvalLog) -> bool:
    return any(scorer.name.split("/")[-1] == SCORER for scorer in log.eval.scorers or [])


def _label(details: Mapping[str, Any], keys: Iterable[str]) -> str:
    return ", ".join(f"{k.split(' ', 1)[-1]}={details.get(k, '-')}" for k in sorted(keys))


def _differing(dicts: pd.Series) -> list[str]:
    """The keys whose values differ between the dicts."""
    keys = sorted({k for d in dicts for k in d})
    return [k for k in keys if len({_render(d.get(k)) for d in dicts}) > 1]


def _disambiguate(runs: pd.DataFrame) -> pd.DataFrame:
    """Make labels unique: boards by their differing task args, runs by their differing details."""
    runs = runs.copy()
    runs["board_label"] = runs["task"]
    for _, group in runs.groupby("task"):
        differing = _differing(group.drop_duplicates("board")["board_args"])
        for index, row in group.iterrows():
            if differing:
                runs.at[index, "board_label"] += f" ({_label(row['board_args'], differing)})"
    for _, group in runs.groupby(["board", "student", "teacher", "turns"]):
        differing = _differing(group.drop_duplicates("run")["details"])
        student_keys = [k for k in differing if k.startswith("student")]
        teacher_keys = [k for k in differing if not k.startswith("student")]
        for index, row in group.iterrows():
            if student_keys:
                runs.at[index, "student"] += f" ({_label(row['details'], student_keys)})"
            if teacher_keys:
                runs.at[index, "teacher"] += f" ({_label(row['details'], teacher_keys)})"
    return runs


def load_results(
    paths: Iterable[str | Path],
    include_incomplete: bool = True,
    track: Callable[[list[str]], Iterable[str]] = iter,
) -> Results:
    """Read every didactic log under `paths` into a `Results` (see the module docstring).

    `track` wraps the list of log files, e.g. in a progress bar."""
    notes: list[str] = []
    logs: list[dict[str, Any]] = []
    frames: list[pd.DataFrame] = []
    for location in track(log_files(paths)):
        read = _read_log(location, include_incomplete, notes)
        if read is not None:
            logs.append(read[0])
            frames.append(read[1])
    if not logs:
        return Results(pd.DataFrame(), pd.DataFrame(), notes)
    runs = _runs(_disambiguate(pd.DataFrame(logs)))
    return Results(_newest_samples(frames, runs, notes), runs, notes)


def _read_log(
    location: str, include_incomplete: bool, notes: list[str]
) -> tuple[dict[str, Any], pd.DataFrame] | None:
    """One log's row (its run identity) and its scored samples; None, with a note, when the
    log is skipped."""
    name = Path(location).name
    try:
        header = read_eval_log(location, header_only=True)
    except Exception as error:  # a truncated or foreign file must not stop the others
        notes.append(f"{name}: skipped, not a readable Inspect log ({error!s:.200})")
        return None
    if not is_didactic(header):
        notes.append(f"{name}: skipped, not a didactic task (no {SCORER})")
        return None
    if header.status != "success" and not include_incomplete:
        status = STATUS_TEXT.get(header.status, header.status)
        notes.append(f"{name}: skipped, the run {status}")
        return None
    try:
        identity = run_identity(header)
    except NotADidacticRun as error:
        notes.append(f"{name}: skipped, {error}")
        return None
    try:
        frame = samples_df(header, columns=SAMPLE_COLUMNS, quiet=True)
    except Exception as error:
        notes.append(f"{name}: skipped, its samples could not be read ({error!s:.200})")
        return None
    if frame.empty:  # started, cancelled or failed before any sample finished
        status = STATUS_TEXT.get(header.status, f"ended with status {header.status}")
        notes.append(f"{name}: no samples yet (the run {status}); skipped")
        return None
    for role in ("teacher", "judge"):
        if (role_note := bound_role(header, role)[1]) is not None:
            notes.append(f"{name}: {role_note}")
    scored = _scored(name, header, frame, identity["turns"], notes)
    created = pd.Timestamp(header.eval.created)
    row = {**identity, "log": location, "created": created, "status": header.status}
    scored = scored.rename(columns=lambda c: c.removeprefix("score_"))
    scored = scored.drop(columns=["error", "sample_id", "eval_id"], errors="ignore")
    scored = with_clean_acc(scored, str((header.eval.task_args or {}).get("leak", "flag")))
    return row, scored.assign(
        run=identity["run"], board=identity["board"], log=location, created=created
    )


def _has_scores(frame: pd.DataFrame, turns: int) -> pd.Series:
    """Which samples hold a number for every score key a run of `turns` turns needs (clean
    acc@k is derived where a log predates it: `with_clean_acc`)."""
    needed = [f"score_{key}" for key in [*acc_columns(turns), "gain", "aulc", *REQUIRED_COUNTS]]
    if any(column not in frame for column in needed):
        return pd.Series(False, index=frame.index)
    values = frame[needed].apply(pd.to_numeric, errors="coerce")
    return values.notna().all(axis=1)


def with_clean_acc(scored: pd.DataFrame, leak: str) -> pd.DataFrame:
    """`scored` with `clean_acc_at_k` (`rl2f_eval.didactic.metrics`) for logs scored before it
    existed, derived exactly from their counts: the leak guard was then the string guard alone,
    and the student read flagged feedback exactly when a `leak=flag` run flagged any (`redact`
    and `regenerate` showed only text that passed the guard)."""
    acc = [c for c in scored if c.startswith("acc_at_")]
    if scored.empty or all(
        f"clean_{c}" in scored and scored[f"clean_{c}"].notna().all() for c in acc
    ):
        return scored
    clean = (scored["leak_count"] == 0).astype(float) if leak == "flag" else 1.0
    # a log can hold both (`inspect eval-retry` of an older log keeps its finished samples)
    derived = {f"clean_{c}": scored[c] * clean for c in acc}
    return scored.assign(
        **{k: scored[k].fillna(v) if k in scored else v for k, v in derived.items()}
    )


def _scored(
    name: str, header: EvalLog, frame: pd.DataFrame, turns: int, notes: list[str]
) -> pd.DataFrame:
    """The samples of `frame` that were scored; notes on an unfinished run, errored samples
    and samples whose scores do not fit the run's turn limit."""
    failed = frame.get("error", pd.Series("", index=frame.index)).fillna("") != ""
    errored = frame[failed]
    has_score = _has_scores(frame, turns)
    scored = frame[~failed & has_score]
    misfit = int((~failed & ~has_score).sum())
    if misfit:
        notes.append(
            f"{name}: {misfit} samples are left out: their scores lack the didactic scorer's "
            f"keys for {turns} turns (another scorer, an older version, or an edited log)"
        )
    if header.status != "success":
        total = len(header.eval.dataset.sample_ids or []) * (header.eval.config.epochs or 1)
        status = STATUS_TEXT.get(header.status, header.status)
        notes.append(
            f"{name}: the run {status} ({len(scored)} of {total or '?'} samples scored); "
            "the scored samples are included"
        )
    if len(errored):
        first = str(errored["error"].iloc[0]).splitlines()[0][:160]
        notes.append(
            f"{name}: {len(errored)} errored samples are left out, as Inspect leaves them "
            f"out of its metrics (first error: {first})"
        )
    return scored


def _runs(per_log: pd.DataFrame) -> pd.DataFrame:
    """One row per run from the rows of its logs (oldest first)."""
    return (
        per_log.sort_values("created")
        .groupby("run", sort=False)
        .agg(
            board=("board", "first"),
            board_label=("board_label", "first"),
            task=("task", "first"),
            student=("student", "first"),
            teacher=("teacher", "first"),
            turns=("turns", "first"),
            logs=("log", list),
            status=("status", list),
        )
        .reset_index()
    )


def _newest_samples(
    frames: list[pd.DataFrame], runs: pd.DataFrame, notes: list[str]
) -> pd.DataFrame:
    """Every scored sample once: a sample in several logs of its run counts from the newest."""
    samples = pd.concat(frames, ignore_index=True).sort_values("created", kind="stable")
    samples["problem"] = samples["id"] + "#" + samples["problem_hash"]
    duplicated = samples.duplicated(["run", "id", "epoch"], keep="last")
    for run, count in samples[duplicated].groupby("run").size().items():
        row = runs.set_index("run").loc[run]
        notes.append(
            f"{row['board_label']} / {row['student']} / {row['teacher']}: {count} samples appear "
            f"in more than one of its {len(row['logs'])} logs; the newest log's result is used"
        )
    return samples[~duplicated].drop(columns=["created"]).reset_index(drop=True)

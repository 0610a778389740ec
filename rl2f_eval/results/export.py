"""Student-only transcripts as JSONL chat records, for training and analysis.

A record holds what the student saw and said: the problem, its attempts and the feedback it was
given (`sample.messages`, which the didactic loop keeps to the student's conversation). Teacher
prompts (they quote the reference solution and the verifier's report) and the sample store
(verifier reports, feedback before the leak guard) are never read, and neither are the target or
the sample metadata, which may hold the reference answer. Logs of oracle runs (`-T oracle_turn=K`)
are skipped: their assistant turns are the reference answers.

A sample scored in several logs of one run (`inspect eval-retry` copies the finished samples into
its new log) is exported once, from the newest log, as the leaderboard counts it.
"""

from __future__ import annotations

import json
import os
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from inspect_ai.log import EvalSample, read_eval_log, read_eval_log_samples

from rl2f_eval.results.load import (
    didactic_score,
    is_didactic,
    load_results,
    log_files,
    run_identity,
)

# never loaded: the store holds privileged verifier reports; events hold the teacher's calls
EXCLUDED_FIELDS = {"store", "events"}


@dataclass
class ExportReport:
    records: int = 0
    notes: list[str] = field(default_factory=list)


def student_messages(sample: EvalSample) -> list[dict[str, str]]:
    return [{"role": m.role, "content": m.text} for m in sample.messages]


def newest_copies(files: list[str]) -> dict[str, set[tuple[str, int]]]:
    """Per log the leaderboard reads, the (sample id, epoch) it counts from that log: a scored
    sample missing there has a newer copy in another log of its run (see `load_results`)."""
    results = load_results(files)
    kept: dict[str, set[tuple[str, int]]] = {}
    for logs in results.runs.get("logs", []):
        kept |= {location: set() for location in logs}
    if not results.samples.empty:
        for location, group in results.samples.groupby("log"):
            kept[str(location)] = set(zip(group["id"], group["epoch"].astype(int), strict=True))
    return kept


def _records(
    location: str,
    solved_only: bool,
    report: ExportReport,
    kept: set[tuple[str, int]] | None,
) -> Iterable[dict[str, Any]]:
    """`kept`: the samples to export from this log (None: every scored one)."""
    name = Path(location).name
    header = read_eval_log(location, header_only=True)
    if not is_didactic(header):
        report.notes.append(f"{name}: skipped, not a didactic task")
        return
    oracle_turn = (header.eval.task_args or {}).get("oracle_turn")
    if oracle_turn is not None:
        report.notes.append(
            f"{name}: skipped, an oracle run (oracle_turn={oracle_turn}): its attempts are the "
            "reference answers"
        )
        return
    identity = run_identity(header)
    errored = unscored = superseded = 0
    samples = read_eval_log_samples(
        location,
        all_samples_required=False,
        resolve_attachments=True,
        exclude_fields=EXCLUDED_FIELDS,
    )
    for sample in samples:
        if sample.error is not None:
            errored += 1
            continue
        if (score := didactic_score(sample)) is None:
            unscored += 1
            continue
        if kept is not None and (str(sample.id), int(sample.epoch)) not in kept:
            superseded += 1
            continue
        solved_turn = int(score.get("solved_turn", 0)) or None
        if solved_only and solved_turn is None:
            continue
        yield {
            "messages": student_messages(sample),
            "task": identity["task"],
            "sample_id": str(sample.id),
            "epoch": sample.epoch,
            "student": identity["student"],
            "teacher": identity["teacher"],
            "turns": identity["turns"],
            "solved_turn": solved_turn,
            # feedback the leak guard flagged stays as the student saw it (unless leak=redact)
            "leak_count": int(score.get("leak_count", 0)),
            "log": name,
        }
    if header.status != "success":
        report.notes.append(f"{name}: the run's status is {header.status}; exported what it has")
    if errored or unscored:
        report.notes.append(f"{name}: left out {errored} errored and {unscored} unscored samples")
    if superseded:
        report.notes.append(
            f"{name}: left out {superseded} samples that a newer log of the same run also holds "
            "(the newest copy is exported)"
        )


def export_transcripts(
    paths: Iterable[str | Path],
    out: Path,
    solved_only: bool = False,
    progress: Callable[[str, int], None] | None = None,
) -> ExportReport:
    """Write one JSONL record per scored sample of every didactic log under `paths` to `out`."""
    report = ExportReport()
    out.parent.mkdir(parents=True, exist_ok=True)
    partial = out.with_name(out.name + ".partial")
    files = log_files(paths)
    kept = newest_copies(files)
    with partial.open("w") as file:
        for location in files:
            before = report.records
            try:
                for record in _records(location, solved_only, report, kept.get(location)):
                    file.write(json.dumps(record, ensure_ascii=False) + "\n")
                    report.records += 1
            except Exception as error:  # one unreadable log must not lose the others
                done = report.records - before
                report.notes.append(
                    f"{Path(location).name}: reading stopped after {done} records ({error!s:.200})"
                )
            if progress:
                progress(Path(location).name, report.records - before)
    os.replace(partial, out)  # the file appears complete or not at all
    return report

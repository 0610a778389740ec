"""Student-only transcripts as JSONL chat records, for training and analysis.

A record holds what the student saw and said: the problem, its attempts and the feedback it was
given (`sample.messages`, which the didactic loop keeps to the student's conversation). Teacher
prompts (they quote the reference solution and the verifier's report) and the sample store
(verifier reports, feedback before the leak guard) are never read, and neither are the target or
the sample metadata, which may hold the reference answer.
"""

from __future__ import annotations

import json
import os
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from inspect_ai.log import EvalSample, read_eval_log, read_eval_log_samples

from rl2f_eval.results.load import SCORER, is_didactic, log_files, run_identity

# never loaded: the store holds privileged verifier reports; events hold the teacher's calls
EXCLUDED_FIELDS = {"store", "events"}


@dataclass
class ExportReport:
    records: int = 0
    notes: list[str] = field(default_factory=list)


def student_messages(sample: EvalSample) -> list[dict[str, str]]:
    return [{"role": m.role, "content": m.text} for m in sample.messages]


def _score(sample: EvalSample) -> dict | None:
    for name, score in (sample.scores or {}).items():
        if name.split("/")[-1] == SCORER and isinstance(score.value, dict):
            return score.value
    return None


def _records(location: str, solved_only: bool, report: ExportReport) -> Iterable[dict[str, Any]]:
    name = Path(location).name
    header = read_eval_log(location, header_only=True)
    if not is_didactic(header):
        report.notes.append(f"{name}: skipped, not a didactic task")
        return
    identity = run_identity(header)
    errored = unscored = 0
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
        if (score := _score(sample)) is None:
            unscored += 1
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
    with partial.open("w") as file:
        for location in log_files(paths):
            before = report.records
            try:
                for record in _records(location, solved_only, report):
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

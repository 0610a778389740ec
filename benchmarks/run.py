"""Run the benchmarks and write results/bench.md (and bench.json): `make bench`, or

    python -m benchmarks [--only overhead,profile,concurrency,verifiers,embedded] [--quick]

Every figure is printed as it is measured. Absolute times depend on the machine and its load
(recorded with each section); the ratios (to Inspect's own floor, to the ideal bound) are what
compares across runs.
"""

from __future__ import annotations

import argparse
import dataclasses
import datetime
import json
import os
import platform
import subprocess
import sys
from importlib.metadata import version
from pathlib import Path
from typing import Any

from benchmarks import embedded, harness, verifiers

SECTIONS = ("overhead", "profile", "concurrency", "verifiers", "embedded")
ROOT = Path(__file__).resolve().parent.parent


def ints(text: str) -> list[int]:
    return [int(part) for part in text.split(",") if part]


def floats(text: str) -> list[float]:
    return [float(part) for part in text.split(",") if part]


NO_CONCLUSION = (
    "**No conclusion drawn**: the calibration loop had only {share:.0%} of a core (it waited "
    "for one the rest of the time), so the machine was loaded and these times measure the other "
    "processes as much as the harness. The numbers are recorded; judge them only after a rerun "
    "on a quiet machine."
)


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog="python -m benchmarks",
        description="Benchmark the rl2f-eval harness; writes a Markdown report.",
    )
    parser.add_argument(
        "--only", default=",".join(SECTIONS), help=f"comma-separated subset of {SECTIONS}"
    )
    parser.add_argument("--out", default="results/bench.md", help="report path (and .json)")
    parser.add_argument("--samples", type=ints, default=[250, 500, 1000], help="overhead sizes")
    parser.add_argument(
        "--teachers", default="verifier,model", help="overhead: teachers (model = scripted)"
    )
    parser.add_argument("--profile-samples", type=int, default=250)
    parser.add_argument("--concurrency-samples", type=int, default=200)
    parser.add_argument(
        "--connections",
        type=ints,
        default=[8, 32, 64],
        help="concurrency: max_connections settings (the sequential baseline always runs)",
    )
    parser.add_argument(
        "--latency",
        type=floats,
        default=[0.2],
        help="seconds per model call; several (0.2,2) give a concurrency table each",
    )
    parser.add_argument(
        "--single-connection-samples",
        type=int,
        default=20,
        help="samples of the sequential baseline, one sample at a time (200 would take 360 s "
        "of pure latency at 0.2 s per call)",
    )
    parser.add_argument("--embedded-samples", type=int, default=8)
    parser.add_argument("--embedded-connections", type=ints, default=[1, 8])
    parser.add_argument("--embedded-max-tokens", type=int, default=32)
    parser.add_argument(
        "--embedded-threads", type=int, default=0, help="torch threads (0: torch's default)"
    )
    parser.add_argument("--quick", action="store_true", help="tiny sizes: a smoke run")
    args = parser.parse_args(argv)
    args.only = [s for s in args.only.split(",") if s]
    unknown = set(args.only) - set(SECTIONS)
    if unknown:
        parser.error(f"--only takes {', '.join(SECTIONS)}; got {', '.join(sorted(unknown))}")
    if args.quick:
        args.samples, args.profile_samples = [10, 20], 10
        args.concurrency_samples, args.single_connection_samples = 16, 4
        args.connections, args.latency = [8], [0.02]
        args.embedded_samples, args.embedded_connections = 2, [1, 2]
        args.embedded_max_tokens = 8
    return args


# --- the machine and the code measured ------------------------------------------------------------


def git(*args: str) -> str:
    try:
        return subprocess.run(
            ["git", *args], cwd=ROOT, capture_output=True, text=True, check=True
        ).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        return "unknown"


def machine() -> dict[str, Any]:
    cpu = platform.processor() or "unknown"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
        mem_kb = next(
            int(line.split()[1])
            for line in Path("/proc/meminfo").read_text().splitlines()
            if line.startswith("MemTotal")
        )
        memory = f"{mem_kb / 2**20:.1f} GiB"
    except (OSError, StopIteration):
        memory = "unknown"
    return {
        "cpu": cpu,
        "cores": os.cpu_count(),
        "memory": memory,
        "os": platform.platform(),
        "python": platform.python_version(),
        "inspect_ai": version("inspect-ai"),
        "torch": version("torch"),
        "commit": git("rev-parse", "--short", "HEAD"),
        "dirty": bool(git("status", "--porcelain", "--untracked-files=no")),
        "date": datetime.datetime.now(datetime.UTC).strftime("%Y-%m-%d %H:%M UTC"),
    }


def load() -> str:
    return " / ".join(f"{x:.2f}" for x in os.getloadavg())


def describe(calibration: harness.Calibration) -> str:
    return (
        f"{calibration.wall_ms:.0f} ms wall, {calibration.cpu_ms:.0f} ms CPU, "
        f"{calibration.cpu_share:.0%} of a core"
    )


# --- the report --------------------------------------------------------------------------------


def table(header: list[str], rows: list[list[Any]]) -> list[str]:
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    lines += ["| " + " | ".join(str(cell) for cell in row) + " |" for row in rows]
    return [*lines, ""]


def overhead_section(result: dict[str, Any], conditions: str, loaded: float | None) -> list[str]:
    runs: list[harness.Run] = result["runs"]
    floors: dict[int, harness.Run] = result["floors"]
    lines = [
        "## 1. Harness overhead (instant scripted model)",
        "",
        f"Maze {harness.MAZE_SIZE}x{harness.MAZE_SIZE}, {harness.TURNS} turns, the student "
        "always wrong (every sample plays every turn); `teacher=model` adds a scripted teacher "
        "call per feedback. Wall time covers the whole `eval()` call with the log written. "
        + conditions,
        "",
    ]
    rows = []
    for run in runs:
        base = next(r for r in runs if r.teacher == run.teacher)
        per_turn = run.cpu / run.turns
        rows.append(
            [
                run.teacher,
                run.samples,
                run.turns,
                run.calls,
                f"{run.wall:.1f}",
                f"{run.samples / run.wall:.1f}",
                f"{1000 * run.wall / run.turns:.2f}",
                f"{1000 * per_turn:.2f}",
                f"{per_turn / (base.cpu / base.turns):.2f}",
            ]
        )
    lines += table(
        [
            "teacher",
            "samples",
            "turns",
            "model calls",
            "wall s",
            "episodes/s",
            "ms/turn (wall)",
            "ms/turn (CPU)",
            "CPU per turn vs smallest run",
        ],
        rows,
    )
    lines += [
        "The last column is the linearity check: 1.00 means the time per turn does not grow "
        "with the number of samples. It uses CPU time, which other processes on a shared "
        "machine disturb far less than wall time (wall > CPU means this process waited for a "
        "core).",
        "",
        "**Inspect's own floor**: the same scripted model called the same number of times per "
        "sample by a bare Inspect solver (no verifier, teacher, leak guard or store) and a "
        "constant scorer:",
        "",
    ]
    floor_rows = [
        [
            calls,
            run.samples,
            f"{1000 * run.cpu / run.calls:.2f}",
            f"{1000 * run.wall / run.calls:.2f}",
        ]
        for calls, run in floors.items()
    ]
    lines += table(["calls/sample", "samples", "ms CPU per call", "ms wall per call"], floor_rows)
    split_rows = []
    for run in runs:
        if run.samples != max(r.samples for r in runs):
            continue
        calls_per_sample = run.calls // run.samples
        floor = floors.get(calls_per_sample)
        if floor is None:
            continue
        inspect_ms = 1000 * floor.cpu / floor.calls * run.calls / run.turns
        total_ms = 1000 * run.cpu / run.turns
        split_rows.append(
            [
                run.teacher,
                f"{total_ms:.2f}",
                f"{inspect_ms:.2f}",
                f"{total_ms - inspect_ms:.2f}",
                f"{(total_ms - inspect_ms) / total_ms:.0%}",
            ]
        )
    lines += [
        "Per student turn (CPU), split into Inspect's floor and the rest (our code and what it "
        "asks of Inspect: spans, store writes, the teacher's prompt):",
        "",
    ]
    lines += table(["teacher", "ms/turn total", "Inspect floor", "ours", "ours share"], split_rows)
    largest = [r for r in runs if r.samples == max(x.samples for x in runs)]
    worst = max(1000 * r.wall / r.turns for r in largest)
    verdict = (
        NO_CONCLUSION.format(share=loaded)
        if loaded is not None
        else f"**Target** (harness time per turn under 5 ms, wall, at {largest[0].samples} "
        f"samples): {'met' if worst < 5 else 'not met'} (worst {worst:.2f} ms/turn)."
    )
    lines += [
        verdict,
        "",
        "Without Inspect's realtime sample buffer (`--no-log-realtime`: no live view in "
        "`inspect view` and no recovery of unflushed samples after a crash; finished samples "
        "are still flushed to the log and `eval-retry` still resumes):",
        "",
    ]
    lines += table(
        ["run", "samples", "ms/turn (wall)", "ms/turn (CPU)", "ms CPU per call"],
        [
            [
                f"didactic, teacher={r.teacher}" if r.teacher != "-" else "Inspect floor",
                r.samples,
                f"{1000 * r.wall / r.turns:.2f}",
                f"{1000 * r.cpu / r.turns:.2f}",
                f"{1000 * r.cpu / r.calls:.2f}",
            ]
            for r in result["no_realtime"]
        ],
    )
    return lines


def profile_section(result: dict[str, Any], conditions: str) -> list[str]:
    run: harness.Run = result["run"]
    total = result["total"]
    lines = [
        "### Profile (cProfile, self time by package)",
        "",
        f"`teacher=model`, {run.samples} samples, {run.turns} turns; cProfile itself slows the "
        "run, so only the shares matter. " + conditions,
        "",
    ]
    lines += table(
        ["package", "self time s", "share"],
        [[name, f"{t:.2f}", f"{t / total:.0%}"] for name, t in result["groups"]],
    )
    lines += [
        "What our code calls outside itself, by cumulative time (model calls are the student's "
        "`generate` and the teacher's `Model.generate`; the rest is bookkeeping we ask for):",
        "",
    ]
    lines += table(
        ["called from rl2f_eval", "cumulative s", "per turn ms"],
        [
            [f"`{name}`", f"{t:.2f}", f"{1000 * t / run.turns:.2f}"]
            for t, name in result["calls_out"]
        ],
    )
    return lines


def concurrency_section(
    rows: list[dict[str, Any]], conditions: str, loaded: float | None
) -> list[str]:
    latencies = sorted({row["latency"] for row in rows})
    lines = [
        "## 2. Concurrency (every model call sleeps a fixed latency)",
        "",
        f"Student and teacher are scripted models sleeping a fixed time per call; the student is "
        f"always wrong, so a sample is {2 * harness.TURNS - 1} sequential calls "
        f"({harness.TURNS} student, {harness.TURNS - 1} teacher). The first row is the "
        "**sequential baseline**: one sample at a time and one call at a time, as MINT's own "
        "harness runs (`max_connections` = `max_samples` = 1, on fewer samples); *speed-up* is "
        "each row's episodes per second over the baseline's. Student and teacher share one "
        "connection pool (`max_connections` bounds them together; the peak column is measured). "
        "**Bound** = total calls x latency / max_connections (never below one sample's chain). "
        "Inspect also caps open samples at `max_samples` (default: max_connections); equal-length "
        "samples then run in waves, a second bound (**wave bound**), so each setting also runs "
        "with every sample open, and from 32 connections on also with `--no-log-realtime`. "
        "*Wall* is the whole `eval()` call (start-up and log included); *samples* is first sample "
        "start to last sample end; *CPU* is this process's CPU time: when it approaches the wall "
        "time, the single event loop is saturated and the harness, not the latency, sets the "
        "pace. " + conditions,
        "",
    ]
    for latency in latencies:
        lines += _latency_table([r for r in rows if r["latency"] == latency], latency, loaded)
    return lines


def _latency_table(rows: list[dict[str, Any]], latency: float, loaded: float | None) -> list[str]:
    baseline = next((row for row in rows if row["sequential"]), None)
    lines = [f"### {1000 * latency:.0f} ms per call", ""]
    table_rows = []
    for row in rows:
        run: harness.Run = row["run"]
        label = "sequential" if row["sequential"] else row["connections"]
        speed = f"{harness.speedup(row, baseline):.1f}x" if baseline else "—"
        table_rows.append(
            [
                label,
                row["max_samples"],
                "on" if run.realtime else "off",
                run.samples,
                run.calls,
                f"{row['bound']:.1f}",
                f"{row['wave_bound']:.1f}",
                f"{run.wall:.1f}",
                f"**{run.wall / row['bound']:.2f}**",
                f"{run.sample_wall / row['bound']:.2f}",
                speed,
                f"{run.cpu:.1f}",
                f"{1000 * run.cpu / run.calls:.1f}",
                run.peak_in_flight,
            ]
        )
    lines += table(
        [
            "max_connections",
            "max_samples",
            "realtime log",
            "samples",
            "calls",
            "bound s",
            "wave bound s",
            "wall s",
            "wall / bound",
            "samples / bound",
            "speed-up vs sequential",
            "CPU s",
            "CPU ms/call",
            "peak in flight",
        ],
        table_rows,
    )
    if loaded is not None:
        return [*lines, NO_CONCLUSION.format(share=loaded), ""]
    best: dict[int, float] = {}
    for row in rows:
        ratio = row["run"].wall / row["bound"]
        best[row["connections"]] = min(best.get(row["connections"], ratio), ratio)
    verdicts = [
        f"{c}: {'met' if best[c] <= 1.15 else 'not met'} ({best[c]:.2f})"
        for c in (32, 64)
        if c in best
    ]
    if verdicts:
        lines += [
            "**Target** (wall within 1.15x of the bound at 32 and 64 connections, best setting): "
            + "; ".join(verdicts)
            + ".",
            "",
        ]
    if baseline is not None and len(rows) > 1:
        fastest = max(
            (r for r in rows if r is not baseline), key=lambda r: harness.speedup(r, baseline)
        )
        lines += [
            f"Against one sample at a time (MINT's regime), the fastest setting "
            f"(max_connections {fastest['connections']}, max_samples {fastest['max_samples']}"
            f"{'' if fastest['run'].realtime else ', no realtime log'}) finished episodes "
            f"**{harness.speedup(fastest, baseline):.1f}x** faster.",
            "",
        ]
    busiest = max(rows, key=lambda row: row["connections"])["run"]
    cpu_per_call = busiest.cpu / busiest.calls
    lines += [
        f"Each model call costs the harness about {1000 * cpu_per_call:.1f} ms of CPU on its one "
        f"event loop (at {busiest.peak_in_flight} in flight), so one process keeps at most about "
        f"latency / {1000 * cpu_per_call:.1f} ms calls in flight: "
        f"~{latency / cpu_per_call:.0f} at {1000 * latency:.0f} ms latency, "
        f"~{2.0 / cpu_per_call:.0f} at 2 s (a typical API call). Past that, the harness sets "
        "the pace, not the model.",
        "",
    ]
    return lines


def verifier_section(rows: list[verifiers.Throughput], conditions: str) -> list[str]:
    lines = [
        "## 3. Verifier throughput",
        "",
        "Each suite's oracle right and wrong completions, extracted and verified in a loop (one "
        'thread). The correctness pass comes first and is timed on its own ("first pass": cold; '
        "the math suite then answers repeated checks from a cache, which the loop measures). Add a "
        "suite with one line in `benchmarks/verifiers.py`. " + conditions,
        "",
    ]
    lines += table(
        [
            "suite",
            "answers/s",
            "µs per answer",
            "µs per answer, first pass",
            "right accepted",
            "wrong rejected",
        ],
        [
            [
                r.label,
                f"{r.per_second:,.0f}",
                f"{1e6 / r.per_second:.1f}",
                f"{1e6 * r.first_pass_seconds / (2 * r.problems):,.1f}",
                f"{r.right_accepted}/{r.problems}",
                f"{r.wrong_rejected}/{r.problems}",
            ]
            for r in rows
        ],
    )
    return lines


def sandbox_section(cost: dict[str, Any], conditions: str) -> list[str]:
    return [
        "### Sandbox per-run cost (coding)",
        "",
        f"Median of {cost['runs']} sequential runs of a trivial program: bare interpreter start "
        f"(`python -I -S -c pass`) {cost['bare_ms']:.0f} ms; the same in the sandbox "
        f"({', '.join(cost['layers'])}) {cost['sandbox_ms']:.0f} ms, "
        f"{cost['sandbox_ms'] / cost['bare_ms']:.1f}x. " + conditions,
        "",
    ]


def embedded_section(
    runs: list[embedded.EmbeddedRun], args: argparse.Namespace, conditions: str
) -> list[str]:
    lines = [
        "## 4. Embedded model (SmolLM2-135M, CPU)",
        "",
        f"Maze 2x2, {args.embedded_samples} samples, up to 2 turns, `teacher=verifier` (only the "
        f"student generates), greedy, `--max-tokens {args.embedded_max_tokens}`. Tokens are the "
        "replies re-tokenised (the embedded provider reports the same; Inspect's hf/ provider "
        "would count the batch's longest reply for each). Model load and a "
        "one-reply warm-up eval: "
        f"{runs[0].load:.1f} s (not in the times); torch threads: {runs[0].threads}. Inspect's "
        "HF provider collects a batch until it is full or no request came for 2 s, and polls "
        "each reply once a second: both show in small runs. " + conditions,
        "",
    ]
    base = runs[0]
    lines += table(
        [
            "max_connections",
            "replies",
            "tokens",
            "provider-counted tokens",
            "wall s",
            "tokens/s",
            "episodes/min",
            "speed-up vs first",
        ],
        [
            [
                r.connections,
                r.turns,
                r.tokens,
                r.reported_tokens,
                f"{r.wall:.1f}",
                f"{r.tokens_per_second:.1f}",
                f"{r.episodes_per_minute:.1f}",
                f"{r.tokens_per_second / base.tokens_per_second:.2f}",
            ]
            for r in runs
        ],
    )
    return lines


def jsonable(value: Any) -> Any:
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {k: jsonable(v) for k, v in dataclasses.asdict(value).items()}
    if isinstance(value, dict):
        return {str(k): jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [jsonable(v) for v in value]
    return value


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    info = machine()
    command = "python -m benchmarks " + " ".join(argv if argv is not None else sys.argv[1:])
    print(f"rl2f-eval benchmarks at {info['commit']} on {info['cpu']} x{info['cores']}", flush=True)
    sections: list[list[str]] = []
    raw: dict[str, Any] = {"machine": info, "command": command}

    loaded_sections: list[str] = []

    def measured(name: str, fn, *fn_args, **fn_kwargs):
        """Run one section between two calibrations; the lower CPU share of the two says
        whether the machine was loaded (then `loaded` is that share, else None)."""
        before_cal, before = harness.calibration(), load()
        print(f"{name} (load {before}; {describe(before_cal)})", flush=True)
        value = fn(*fn_args, **fn_kwargs)
        after_cal = harness.calibration()
        share = min(before_cal.cpu_share, after_cal.cpu_share)
        loaded = share if share < harness.QUIET_CPU_SHARE else None
        if loaded is not None:
            loaded_sections.append(name)
        conditions = (
            f"Load average (1/5/15 min) before: {before}; after: {load()}. Calibration loop "
            f"(fixed pure-Python work, best of 7; lower is faster) before: "
            f"{describe(before_cal)}; after: {describe(after_cal)}"
            + (" (**loaded**)." if loaded is not None else ".")
        )
        raw[name] = {
            "conditions": conditions,
            "calibration_ms": before_cal.wall_ms,
            "calibration": [jsonable(before_cal), jsonable(after_cal)],
            "loaded": loaded is not None,
            "result": jsonable(value),
        }
        return value, conditions, loaded

    if "overhead" in args.only:
        value, conditions, loaded = measured(
            "overhead", harness.overhead, args.samples, args.teachers.split(",")
        )
        sections.append(overhead_section(value, conditions, loaded))
    if "profile" in args.only:
        value, conditions, _ = measured("profile", harness.profile_overhead, args.profile_samples)
        sections.append(profile_section(value, conditions))
    if "concurrency" in args.only:
        value, conditions, loaded = measured(
            "concurrency",
            lambda: [
                row
                for latency in args.latency
                for row in harness.concurrency(
                    args.concurrency_samples,
                    args.connections,
                    latency,
                    args.single_connection_samples,
                )
            ],
        )
        sections.append(concurrency_section(value, conditions, loaded))
    if "verifiers" in args.only:
        value, conditions, _ = measured("verifiers", verifiers.throughput)
        sections.append(verifier_section(value, conditions))
        value, conditions, _ = measured("sandbox", verifiers.sandbox_cost)
        sections.append(sandbox_section(value, conditions))
    if "embedded" in args.only:
        value, conditions, _ = measured(
            "embedded",
            embedded.embedded,
            args.embedded_connections,
            n=args.embedded_samples,
            max_tokens=args.embedded_max_tokens,
            threads=args.embedded_threads,
        )
        sections.append(embedded_section(value, args, conditions))

    dirty = " (with uncommitted changes)" if info["dirty"] else ""
    header = [
        "# rl2f-eval benchmarks",
        "",
        f"Measured {info['date']} at commit `{info['commit']}`{dirty} on {info['cpu']}, "
        f"{info['cores']} cores, {info['memory']} RAM ({info['os']}); Python {info['python']}, "
        f"inspect-ai {info['inspect_ai']}, torch {info['torch']}.",
        "",
        f"Command: `{command.strip()}`. The machine may be shared: each section records the load "
        "average and a calibration loop before and after it; compare ratios across runs rather "
        "than absolute times.",
        "",
    ]
    if loaded_sections:
        header += [
            f"> **Measured on a loaded machine** ({', '.join(loaded_sections)}): a calibration "
            f"loop had less than {harness.QUIET_CPU_SHARE:.0%} of a core, so no target is judged "
            "and no conclusion is drawn there. Rerun on a quiet machine.",
            "",
        ]
    out = Path(args.out)
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text("\n".join(header + [line for section in sections for line in section]))
    out.with_suffix(".json").write_text(json.dumps(raw, indent=2, default=str))
    print(f"Report written to {out} (raw numbers in {out.with_suffix('.json')})")
    return 0

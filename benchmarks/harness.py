"""What the harness costs: its own time per turn (instant model), and how close it comes to the
ideal wall time when every model call takes a fixed latency (concurrency).

Both run the real didactic task on the maze suite with the scripted model (student and, for
`teacher=model`, a second scripted model as the teacher), in process, writing a real log.
"""

from __future__ import annotations

import cProfile
import math
import pstats
import tempfile
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from inspect_ai import Task, eval
from inspect_ai.dataset import MemoryDataset
from inspect_ai.log import EvalLog
from inspect_ai.model import ChatMessageUser, Model, get_model
from inspect_ai.scorer import Score, Scorer, Target, scorer
from inspect_ai.solver import Generate, Solver, TaskState, solver

from rl2f_eval.didactic.task import didactic_task
from rl2f_eval.models.scripted import answer_records
from rl2f_eval.suites.base import Suite
from rl2f_eval.suites.registry import build_suite

TURNS = 5
MAZE_SIZE = 4


def suite(n: int) -> Suite:
    return build_suite("maze", {"size": MAZE_SIZE, "n": n, "seed": 0})


class InFlight:
    """Counts model calls in flight across the student and teacher models (peak concurrency)."""

    def __init__(self) -> None:
        self.now = self.peak = self.calls = 0

    def wrap(self, model: Model) -> Model:
        generate: Callable[..., Awaitable[Any]] = model.api.generate

        async def counted(*args: Any, **kwargs: Any) -> Any:
            self.now += 1
            self.calls += 1
            self.peak = max(self.peak, self.now)
            try:
                return await generate(*args, **kwargs)
            finally:
                self.now -= 1

        model.api.generate = counted  # type: ignore[method-assign]
        return model


@dataclass
class Run:
    """One timed evaluation."""

    samples: int
    teacher: str
    turns: int  # student turns actually played (the loop's unit of work)
    calls: int  # model calls (student + teacher)
    wall: float  # seconds for the whole eval() call, start-up and log writing included
    cpu: float  # CPU seconds of this process (all threads) over the same span
    sample_wall: float  # first sample start to last sample end
    peak_in_flight: int
    errors: int
    realtime: bool = True  # Inspect's per-event sample buffer (live view, crash recovery)


def timed_eval(task: Task, student: Model, counter: InFlight, **eval_args: Any) -> Run:
    with tempfile.TemporaryDirectory(prefix="rl2f-bench-") as log_dir:
        cpu0, wall0 = time.process_time(), time.perf_counter()
        [log] = eval(task, model=student, log_dir=log_dir, display="none", **eval_args)
        wall, cpu = time.perf_counter() - wall0, time.process_time() - cpu0
        if log.status != "success":
            raise RuntimeError(f"benchmark run failed: {log.error}")
        run = summarise(log, task, counter, wall, cpu)
        run.realtime = eval_args.get("log_realtime", True) is not False
        return run


def summarise(log: EvalLog, task: Task, counter: InFlight, wall: float, cpu: float) -> Run:
    return Run(
        samples=len(log.samples or []),
        # the didactic task records its episode arguments under `episode`; the floor has none
        teacher=str((task.metadata or {}).get("episode", {}).get("teacher", "-")),
        turns=student_turns(log),
        calls=counter.calls,
        wall=wall,
        cpu=cpu,
        sample_wall=sample_span(log),
        peak_in_flight=counter.peak,
        errors=sum(bool(s.error) for s in log.samples or []),
    )


def student_turns(log: EvalLog) -> int:
    turns = 0
    for sample in log.samples or []:
        records = sample.store.get("DidacticStore:turns")
        turns += len(records) if records is not None else TURNS
    return turns


def sample_span(log: EvalLog) -> float:
    starts = [when(s.started_at) for s in log.samples or [] if s.started_at]
    ends = [when(s.completed_at) for s in log.samples or [] if s.completed_at]
    if not starts or not ends:
        return float("nan")
    return (max(ends) - min(starts)).total_seconds()


def when(stamp: str | datetime) -> datetime:
    return stamp if isinstance(stamp, datetime) else datetime.fromisoformat(stamp)


def didactic_run(
    n: int, teacher: str, latency: float = 0.0, profile: cProfile.Profile | None = None, **eval_args
) -> Run:
    """The didactic task on `n` mazes, the student always wrong: every sample plays all turns."""
    s = suite(n)
    records = answer_records(s, s.samples())
    counter = InFlight()
    student = counter.wrap(
        get_model(
            "scripted/student", answers=records, script="wrong", latency=latency, memoize=False
        )
    )
    roles = {}
    if teacher == "model":
        roles["teacher"] = counter.wrap(
            get_model("scripted/teacher", answers=records, latency=latency, memoize=False)
        )
    task = didactic_task(s, turns=TURNS, teacher=teacher)
    if profile is None:
        return timed_eval(task, student, counter, model_roles=roles or None, **eval_args)
    profile.enable()
    try:
        return timed_eval(task, student, counter, model_roles=roles or None, **eval_args)
    finally:
        profile.disable()


@solver
def plain_turns(turns: int) -> Solver:
    """Inspect alone: `turns` generate calls per sample, no verifier, teacher, guard or store."""

    async def solve(state: TaskState, generate: Generate) -> TaskState:
        for _ in range(turns):
            state = await generate(state)
            state.messages.append(ChatMessageUser(content="Your answer is incorrect. Try again."))
        return state

    return solve


@scorer(metrics=[])
def constant() -> Scorer:
    async def score(state: TaskState, target: Target) -> Score:
        return Score(value=0)

    return score


def inspect_floor_run(n: int, calls_per_sample: int, **eval_args: Any) -> Run:
    """The same model calls through Inspect with none of our code: Inspect's own cost."""
    s = suite(n)
    counter = InFlight()
    student = counter.wrap(
        get_model(
            "scripted/student",
            answers=answer_records(s, s.samples()),
            script="wrong",
            memoize=False,
        )
    )
    task = Task(
        dataset=MemoryDataset(s.samples()), solver=plain_turns(calls_per_sample), scorer=constant()
    )
    return timed_eval(task, student, counter, **eval_args)


# --- 1. harness overhead ------------------------------------------------------------------------


def overhead(sizes: list[int], teachers: list[str]) -> dict[str, Any]:
    """Per-turn time with an instant model, at several sample counts, against Inspect's floor."""
    rows = []
    for teacher in teachers:
        for n in sizes:
            run = didactic_run(n, teacher)
            rows.append(run)
            print(
                f"  overhead teacher={teacher:8} n={n:5}: {run.wall:6.1f} s wall, "
                f"{1000 * run.wall / run.turns:5.2f} ms/turn wall, "
                f"{1000 * run.cpu / run.turns:5.2f} ms/turn CPU, "
                f"{run.samples / run.wall:6.1f} episodes/s",
                flush=True,
            )
    n = max(sizes)
    floors = {}
    for calls in sorted({TURNS, 2 * TURNS - 1}):  # student only; student + teacher
        floors[calls] = inspect_floor_run(n, calls)
        print(f"  inspect floor {calls} calls/sample n={n}: {per_call(floors[calls])}", flush=True)
    # Inspect's per-event sample buffer (--no-log-realtime turns it off) is a large share
    no_realtime = [
        didactic_run(n, teachers[0], log_realtime=False),
        inspect_floor_run(n, TURNS, log_realtime=False),
    ]
    for run in no_realtime:
        print(f"  --no-log-realtime teacher={run.teacher} n={n}: {per_call(run)}", flush=True)
    return {"runs": rows, "floors": floors, "no_realtime": no_realtime}


def per_call(run: Run) -> str:
    return (
        f"{1000 * run.cpu / run.calls:5.2f} ms CPU per model call, "
        f"{1000 * run.cpu / run.turns:5.2f} ms CPU per turn"
    )


def profile_overhead(n: int, teacher: str = "model", top: int = 12) -> dict[str, Any]:
    """Where the time goes: cProfile self time grouped by package, and what our code calls
    outside itself (Inspect's generate, spans, store; the thread hop), by cumulative time."""
    profile = cProfile.Profile()
    run = didactic_run(n, teacher, profile=profile)
    stats = pstats.Stats(profile).stats  # type: ignore[attr-defined]
    groups: dict[str, float] = {}
    calls_out: dict[str, float] = {}
    total = 0.0
    for (filename, line, name), (_, _, tottime, _, callers) in stats.items():
        total += tottime
        group = package_of(filename, name)
        groups[group] = groups.get(group, 0.0) + tottime
        if group == "rl2f_eval (ours)":
            continue
        for (caller_file, _, _), (_, _, _, cumtime) in callers.items():
            if package_of(caller_file) == "rl2f_eval (ours)":
                label = f"{short_path(filename)}:{line} {name}"
                if name in ("__aenter__", "__aexit__"):  # our one `async with`: the turn span
                    label = f"span() {name} (the per-turn span)"
                calls_out[label] = calls_out.get(label, 0.0) + cumtime
    return {
        "run": run,
        "total": total,
        "groups": sorted(groups.items(), key=lambda kv: -kv[1]),
        "calls_out": sorted(((t, label) for label, t in calls_out.items()), reverse=True)[:top],
    }


def short_path(filename: str) -> str:
    for marker in ("site-packages/", "python3.11/"):
        if marker in filename:
            return filename.split(marker)[-1]
    return filename


def package_of(filename: str, name: str = "") -> str:
    if filename == "~":  # C functions: classify by what they belong to
        for marker, label in (
            ("sqlite3", "sqlite (Inspect's realtime sample buffer)"),
            ("pydantic_core", "pydantic"),
        ):
            if marker in name:
                return label
        return "builtins (C)"
    for marker, label in (
        ("/rl2f_eval/models/scripted", "scripted test model"),
        ("/rl2f_eval/", "rl2f_eval (ours)"),
        ("/inspect_ai/log/_recorders/buffer", "sqlite (Inspect's realtime sample buffer)"),
        ("/inspect_ai/", "inspect_ai"),
        ("/pydantic", "pydantic"),
        ("/copy.py", "copy.deepcopy (Inspect's events)"),
        ("/anyio/", "anyio"),
        ("/asyncio/", "asyncio"),
        ("importlib", "start-up (imports, YAML, source inspection)"),
        ("/yaml/", "start-up (imports, YAML, source inspection)"),
        ("/tokenize.py", "start-up (imports, YAML, source inspection)"),
        ("/inspect.py", "start-up (imports, YAML, source inspection)"),
        ("/zipfile", "zipfile (log writing)"),
        ("/json", "json"),
    ):
        if marker in filename:
            return label
    return "other (stdlib, libraries)"


@dataclass(frozen=True)
class Calibration:
    """A fixed pure-Python workload, timed: how fast this machine ran Python, and whether this
    process had a core to itself while it did."""

    wall_ms: float
    """Best wall time of the repeats."""
    cpu_ms: float
    """CPU time of that repeat (the work itself: little disturbed by other processes)."""
    cpu_share: float
    """CPU time / wall time over all repeats: about 1 on a quiet machine; below it, the loop
    waited for a core, and so does everything measured alongside it."""

    @property
    def loaded(self) -> bool:
        return self.cpu_share < QUIET_CPU_SHARE


QUIET_CPU_SHARE = 0.9
"""Below this share of a core for a single-threaded loop, the machine is loaded: other
processes take turns on the cores, and wall times measure them as much as the harness."""


def calibration(repeats: int = 7) -> Calibration:
    """Time a fixed pure-Python workload `repeats` times (see `Calibration`)."""
    best, best_cpu, walls, cpus = float("inf"), 0.0, 0.0, 0.0
    for _ in range(repeats):
        start, cpu_start = time.perf_counter(), time.process_time()
        total = 0
        for i in range(300_000):
            total += len(str(i * i)) % 7
        wall, cpu = time.perf_counter() - start, time.process_time() - cpu_start
        walls, cpus = walls + wall, cpus + cpu
        if wall < best:
            best, best_cpu = wall, cpu
    return Calibration(1000 * best, 1000 * best_cpu, min(1.0, cpus / walls))


# --- 2. concurrency -----------------------------------------------------------------------------


def ideal_bound(calls: int, latency: float, concurrency: int, calls_per_sample: int) -> float:
    """The brief's bound, total calls x latency / concurrency, but never below one sample's
    chain of sequential calls."""
    return max(calls * latency / concurrency, calls_per_sample * latency)


def sample_wave_bound(n: int, latency: float, max_samples: int, calls_per_sample: int) -> float:
    """With at most `max_samples` samples open and equal-length samples, they run in waves."""
    return math.ceil(n / max_samples) * calls_per_sample * latency


def concurrency(
    n: int, connections: list[int], latency: float, small_n: int
) -> list[dict[str, Any]]:
    """Wall time at each max_connections (the teacher a second scripted model, the same latency),
    against the ideal bound. First the **sequential baseline**: one sample at a time, one call
    at a time (max_connections = max_samples = 1, as MINT's harness runs), on `small_n` samples
    to keep it short; every other row's speed-up is per episode against it. Beyond Inspect's
    defaults, each setting also runs with every sample open (max_samples = samples), and from
    32 connections on also without Inspect's realtime sample buffer."""
    calls_per_sample = 2 * TURNS - 1
    settings: list[tuple[int, int, dict[str, Any]]] = [(1, small_n, {"max_samples": 1})]
    for c in connections:
        if c == 1:
            continue  # the sequential baseline
        settings.append((c, n, {}))  # Inspect's default max_samples = max_connections
        if n > c:
            settings.append((c, n, {"max_samples": n}))
            if c >= 32:
                settings.append((c, n, {"max_samples": n, "log_realtime": False}))
    rows = []
    for c, samples, variant in settings:
        run = didactic_run(samples, "model", latency=latency, max_connections=c, **variant)
        max_samples = variant.get("max_samples", c)
        bound = ideal_bound(run.calls, latency, c, calls_per_sample)
        row = {
            "connections": c,
            "max_samples": max_samples,
            "sequential": c == 1 and max_samples == 1,
            "latency": latency,
            "run": run,
            "bound": bound,
            "wave_bound": sample_wave_bound(samples, latency, max_samples, calls_per_sample),
        }
        rows.append(row)
        print(
            f"  concurrency latency={latency}s c={c:3} max_samples={max_samples:4} n={samples}"
            f"{'' if run.realtime else ' no-realtime'}: {run.wall:6.1f} s wall "
            f"(samples {run.sample_wall:6.1f} s), bound {bound:6.1f} s, "
            f"ratio {run.wall / bound:5.2f} (samples {run.sample_wall / bound:5.2f}), "
            f"CPU {run.cpu:5.1f} s, peak in flight {run.peak_in_flight}",
            flush=True,
        )
    return rows


def speedup(row: dict[str, Any], baseline: dict[str, Any]) -> float:
    """Episodes per second of `row` over the sequential baseline's (they differ in samples)."""
    run, base = row["run"], baseline["run"]
    return (run.samples / run.wall) / (base.samples / base.wall)

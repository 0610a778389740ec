"""`rl2f-eval repro`: RL2F against single-turn RL from one base checkpoint, end to end.

The work is a list of jobs, each resumable on its own:

- `train ARM`: one arm's training run in `runs/repro/NAME/ARM` (`rl2f_eval.train`). Done when
  it exported (`final/export.json`); an interrupted run resumes from its last checkpoint.
- `eval NAME`: `inspect eval` of one checkpoint on the held-out problems, N turns, greedy
  student, the teacher's calls cached (`run.TEACHER_CACHE`): `base`, `rl2f`, `single_turn` with
  the config's teacher; `base_self` and `critique_self` with `teacher=self` when there is a
  critique arm. Done when its log finished; an unfinished log is removed and the job reruns.
- the report (`report.py`): rewritten from the logs and metrics at the end of every repro.

With `parallel` > 1 jobs run side by side in worker processes (`python -m
rl2f_eval.repro job ...`, one torch thread each) and their output goes to
`runs/repro/NAME/jobs/JOB.log`; progress is printed here. With 1 they run in this process.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import shlex
import shutil
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from rl2f_eval.repro.config import ReproConfig
from rl2f_eval.train.config import TrainConfig, TrainConfigError, split_problems

EVALS: dict[str, tuple[str | None, str | None]] = {
    # name: (arm whose export is evaluated, None = the base checkpoint; teacher override)
    "base": (None, None),
    "rl2f": ("rl2f", None),
    "single_turn": ("single_turn", None),
    "base_self": (None, "self"),
    "critique_self": ("critique", "self"),
}
CONFIG_FILE = "repro.yaml"
PROGRESS_EVERY = 60.0  # seconds between progress lines while workers run


class ReproError(RuntimeError):
    """A job failed or the run directory belongs to another config (one-line message)."""


Say = Callable[[str], None]


def say_stderr(line: str) -> None:
    print(line, file=sys.stderr, flush=True)


@dataclass
class Job:
    name: str
    needs: list[str]
    done: Callable[[], bool]
    run: Callable[[], None]
    progress: Callable[[], str | None] = lambda: None
    log: Path | None = None
    """Where a worker process writes its output."""


@dataclass
class Plan:
    config: ReproConfig
    arms: dict[str, TrainConfig]
    jobs: list[Job] = field(default_factory=list)

    @property
    def run_dir(self) -> Path:
        return self.config.run_dir

    def evals(self) -> list[str]:
        return [name for name, (arm, _) in EVALS.items() if self._applies(name, arm)]

    def _applies(self, name: str, arm: str | None) -> bool:
        if name == "base_self":
            return "critique" in self.arms
        return arm is None or arm in self.arms

    def log_dir(self, name: str) -> Path:
        return self.run_dir / "logs" / name

    def checkpoint(self, arm: str | None) -> str:
        """The checkpoint an evaluation loads: the base, or an arm's merged export."""
        if arm is None:
            return self.arms["rl2f"].model_path()
        return str(self.arms[arm].output_dir / "final" / "merged")


# --- the run directory ----------------------------------------------------------------------


def prepare(config: ReproConfig, overwrite: bool = False) -> Plan:
    """Check the run directory belongs to this config (or start it afresh) and plan the jobs."""
    arms = config.arm_configs()
    _, train, _, held_out = split_problems(arms["rl2f"])  # a bad split fails here
    stored = config.run_dir / CONFIG_FILE
    settings = config.model_dump(mode="json")
    # the problems themselves, not only the config: a suite whose code changed between two
    # runs (a new prompt) would otherwise pair arms that never saw the same problems
    settings["problems"] = problem_fingerprint(train, held_out)
    if stored.exists() and not overwrite:
        previous = yaml.safe_load(stored.read_text())
        changed = sorted(k for k in {*previous, *settings} if previous.get(k) != settings.get(k))
        changed = [k for k in changed if k != "parallel"]  # how fast, not what
        if changed:
            raise ReproError(
                f"{config.run_dir} holds a repro of another config or other problems (it "
                f"differs in {', '.join(changed)}): pass --overwrite to start over, or choose "
                "another name"
            )
    if overwrite:
        shutil.rmtree(config.run_dir, ignore_errors=True)
    config.run_dir.mkdir(parents=True, exist_ok=True)
    stored.write_text(yaml.safe_dump(settings, sort_keys=False))
    return _planned(config, arms)


def problem_fingerprint(*groups: list[Any]) -> str:
    """A hash of the problems' ids and statements, in order."""
    digest = hashlib.sha1()
    for group in groups:
        for problem in group:
            digest.update(f"{problem.id}\0{problem.input}\0".encode())
        digest.update(b"\1")
    return digest.hexdigest()[:16]


def load_plan(run_dir: Path) -> Plan:
    """The plan of an existing run directory (what a worker process rebuilds)."""
    settings = yaml.safe_load((run_dir / CONFIG_FILE).read_text())
    settings.pop("problems", None)
    config = ReproConfig.model_validate(settings)
    return _planned(config, config.arm_configs())


def _planned(config: ReproConfig, arms: dict[str, TrainConfig]) -> Plan:
    # trainings first: they are the long jobs, and most evaluations wait for them
    plan = Plan(config, arms)
    plan.jobs = [_warmup_job(plan)] if config.warmup is not None else []
    plan.jobs += [_train_job(plan, arm) for arm in arms]
    plan.jobs += [_eval_job(plan, name) for name in plan.evals()]
    return plan


def _warmup_job(plan: Plan) -> Job:
    from rl2f_eval.train.warmup import warm_up

    config, out = plan.config, plan.config.warm_base
    assert config.warmup is not None

    def done() -> bool:
        return (out / "warmup.json").exists()

    def run() -> None:
        warm_up(config.base_config(), config.warmup, out, say=say_stderr)

    return Job("warmup", [], done, run, log=plan.run_dir / "jobs" / "warmup.log")


def _base_needs(plan: Plan) -> list[str]:
    return ["warmup"] if plan.config.warmup is not None else []


# --- training jobs --------------------------------------------------------------------------


def _train_job(plan: Plan, arm: str) -> Job:
    config = plan.arms[arm]
    out = config.output_dir

    def done() -> bool:
        return (out / "final" / "export.json").exists()

    def run() -> None:
        from transformers.trainer_utils import get_last_checkpoint

        from rl2f_eval.train.run import train

        folder = out / "checkpoints"
        last = get_last_checkpoint(str(folder)) if folder.is_dir() else None
        if last is not None:
            say_stderr(f"train {arm}: resuming from {last}")
        train(config, resume=last is not None, overwrite=last is None)

    def progress() -> str | None:
        return training_progress(out, config.steps)

    log = plan.run_dir / "jobs" / f"train-{arm}.log"
    return Job(f"train {arm}", _base_needs(plan), done, run, progress, log)


def metrics(out: Path) -> tuple[dict[int, dict[str, Any]], dict[int, dict[str, Any]]]:
    """(train records, eval records) of a run's metrics.jsonl by step; a step logged twice
    (a resumed run repeats the steps after its last checkpoint) keeps its last record."""
    train: dict[int, dict[str, Any]] = {}
    evals: dict[int, dict[str, Any]] = {}
    path = out / "metrics.jsonl"
    if path.exists():
        for line in path.read_text().splitlines():
            try:
                record = json.loads(line)
            except json.JSONDecodeError:  # a line cut by a crash
                continue
            (train if record.get("kind") == "train" else evals)[int(record["step"])] = record
    return train, evals


def training_progress(out: Path, steps: int) -> str | None:
    train, evals = metrics(out)
    if not train:
        return None
    step = max(train)
    recent = [train[s] for s in sorted(train)[-5:]]
    reward = sum(r.get("reward", 0.0) for r in recent) / len(recent)
    seconds = sum(r.get("step_time", 0.0) for r in recent) / len(recent)
    line = f"step {step}/{steps}, reward {reward:.2f} (last {len(recent)} steps)"
    if evals:
        last = evals[max(evals)]
        accs = sorted(k for k in last if k.startswith("acc_at_"))
        first, final = accs[0], accs[-1]
        line += (
            f", held-out {first.replace('_at_', '@')} {last[first]:.2f} "
            f"{final.replace('_at_', '@')} {last[final]:.2f} at step {last['step']}"
        )
    if seconds:
        line += f"; {seconds:.0f} s/step, about {seconds * (steps - step) / 60:.0f} min left"
    return line


# --- evaluation jobs ------------------------------------------------------------------------


def _eval_job(plan: Plan, name: str) -> Job:
    arm, _ = EVALS[name]
    log_dir = plan.log_dir(name)
    needs = _base_needs(plan) if arm is None else [f"train {arm}"]

    def done() -> bool:
        return finished_log(log_dir) is not None

    def run() -> None:
        evaluate(plan, name)

    return Job(f"eval {name}", needs, done, run, log=plan.run_dir / "jobs" / f"eval-{name}.log")


def finished_log(log_dir: Path) -> Path | None:
    """The log of a finished evaluation in `log_dir`, if there is one."""
    if not log_dir.is_dir():
        return None
    from inspect_ai.log import list_eval_logs, read_eval_log

    for info in list_eval_logs(str(log_dir)):
        path = info.name.removeprefix("file://")
        try:
            if read_eval_log(path, header_only=True).status == "success":
                return Path(path)
        except Exception:  # a truncated log of a killed run
            continue
    return None


def evaluation_spec(plan: Plan, name: str) -> dict[str, Any]:
    """Everything an evaluation runs with: task, -T args, model, -M args, teacher role, sample
    ids, and the `inspect eval` command line that reproduces it."""
    from rl2f_eval.train.run import held_out_eval, vllm_server

    arm, teacher = EVALS[name]
    config = plan.arms["rl2f"]
    _, _, _, held_out = split_problems(config)
    spec = held_out_eval(config, teacher)
    if spec is None:
        raise ValueError(
            f"repro evaluates with inspect eval, which runs registered suites only; "
            f"{config.suite.name!r} is not one (rl2f_eval/suites/registry.py)"
        )
    checkpoint = plan.checkpoint(arm)
    evaluation = plan.config.evaluation
    if evaluation.provider == "hf":
        from rl2f_eval.train.trl_adapter import training_dtype

        # every checkpoint in the training precision, the base too: bf16 and fp32 can differ in
        # a greedy choice, which would then count as the arm's effect
        dtype = str(training_dtype(config)).removeprefix("torch.")
        model = "hf/local"
        model_args = {"model_path": checkpoint, "do_sample": False, "dtype": dtype}
        generate: dict[str, Any] = {}
    else:
        model, model_args = f"vllm/{checkpoint}", vllm_server(config)
        generate = {"temperature": 0.0}
    model_args |= evaluation.model_args
    ids = [str(p.id) for p in held_out]
    options = [
        f"-M {shlex.quote(f'{k}={v if isinstance(v, str) else json.dumps(v)}')}"
        for k, v in model_args.items()
    ]
    options += [f"--{k.replace('_', '-')} {v}" for k, v in generate.items()]
    command = (
        f"inspect eval {spec.command()} --model {shlex.quote(model)} {' '.join(options)} "
        f"--sample-id {shlex.quote(','.join(ids))} --log-dir {shlex.quote(str(plan.log_dir(name)))}"
    )
    return {
        "task": spec.task,
        "task_args": spec.args,
        "teacher": spec.teacher,
        "max_tokens": spec.max_tokens,
        "model": model,
        "model_args": model_args,
        "generate": generate,
        "sample_ids": ids,
        "checkpoint": checkpoint,
        "command": command,
    }


def evaluate(plan: Plan, name: str) -> Path:
    """Run one evaluation with Inspect; returns its log."""
    spec = evaluation_spec(plan, name)
    log_dir = plan.log_dir(name)
    shutil.rmtree(log_dir, ignore_errors=True)  # an unfinished log of an interrupted run
    roles = {"teacher": role_model(spec["teacher"])} if spec["teacher"] else None
    local = Path(spec["checkpoint"]).is_dir()
    with hub_offline(local):
        log = _inspect_eval(spec, roles, log_dir)
    if log.status != "success":
        raise ReproError(f"eval {name} ended with status {log.status}: {log.error}")
    return Path(log.location)


@contextlib.contextmanager
def hub_offline(offline: bool) -> Iterator[None]:
    """Inspect looks `hf/local` up by its name before loading `model_path`, which asks the
    Hugging Face hub for a model called "local": offline, every evaluation would wait through
    its retries (about a minute). A local checkpoint needs no hub, so the lookup is kept off it
    (huggingface_hub reads this flag when called, not only at import)."""
    if not offline:
        yield
        return
    from huggingface_hub import constants

    before = constants.HF_HUB_OFFLINE
    constants.HF_HUB_OFFLINE = True
    try:
        yield
    finally:
        constants.HF_HUB_OFFLINE = before


def _inspect_eval(spec: dict[str, Any], roles: dict[str, Any] | None, log_dir: Path) -> Any:
    from inspect_ai import eval as inspect_eval

    [log] = inspect_eval(
        task_path(spec["task"]),
        task_args=spec["task_args"],
        model=spec["model"],
        model_args=spec["model_args"],
        model_roles=roles,
        max_tokens=spec["max_tokens"],
        sample_id=spec["sample_ids"],
        log_dir=str(log_dir),
        display="none",
        **spec["generate"],
    )
    return log


def role_model(role: dict[str, Any]) -> Any:
    """An Inspect model from a role binding (`run.teacher_role`), as `--model-role` builds it."""
    from inspect_ai.model import GenerateConfig, get_model

    settings = dict(role)
    model = settings.pop("model")
    model_args = settings.pop("model_args", {})
    return get_model(model, config=GenerateConfig(**settings), memoize=False, **model_args)


def task_path(task: str) -> str:
    """A task file named relative to the repository root, found from any working directory."""
    if Path(task).exists():
        return task
    root = Path(__file__).resolve().parents[3]
    return str(root / task) if (root / task).exists() else task


# --- running the jobs -----------------------------------------------------------------------


def run_jobs(plan: Plan, say: Say = say_stderr, progress_every: float = PROGRESS_EVERY) -> None:
    """Run every job not yet done, in order, `parallel` at a time (see the module docstring)."""
    finished = {job.name for job in plan.jobs if job.done()}
    for job in plan.jobs:
        if job.name in finished:
            say(f"{job.name}: done earlier, kept")
    todo = [job for job in plan.jobs if job.name not in finished]
    if plan.config.parallel == 1:
        for job in todo:
            say(f"{job.name}: started")
            started = time.perf_counter()
            job.run()
            say(f"{job.name}: finished in {time.perf_counter() - started:.0f} s")
        return
    _run_workers(plan, todo, finished, say, progress_every)


def _run_workers(
    plan: Plan, todo: list[Job], finished: set[str], say: Say, progress_every: float
) -> None:
    running: dict[str, tuple[subprocess.Popen[bytes], float]] = {}
    failed: list[str] = []
    last_progress = time.monotonic()
    env = {**os.environ, "OMP_NUM_THREADS": os.environ.get("OMP_NUM_THREADS", "1")}
    while todo or running:
        for job in list(todo):
            if failed or len(running) >= plan.config.parallel:
                break
            if all(need in finished for need in job.needs):
                assert job.log is not None
                job.log.parent.mkdir(parents=True, exist_ok=True)
                command = [sys.executable, "-m", "rl2f_eval.repro", "job"]
                command += [str(plan.run_dir), job.name]
                with job.log.open("ab") as log:
                    process = subprocess.Popen(command, stdout=log, stderr=log, env=env)
                running[job.name] = (process, time.monotonic())
                todo.remove(job)
                say(f"{job.name}: started (output: {job.log})")
        if failed and not running:
            break
        if not running and todo:  # nothing can start: a need failed or never ran
            break
        time.sleep(1.0)
        for name, (process, started) in list(running.items()):
            if process.poll() is None:
                continue
            del running[name]
            minutes = (time.monotonic() - started) / 60
            if process.returncode == 0:
                finished.add(name)
                say(f"{name}: finished in {minutes:.1f} min")
            else:
                failed.append(name)
                say(f"{name}: FAILED (exit {process.returncode}); see {_job(plan, name).log}")
        if running and time.monotonic() - last_progress >= progress_every:
            last_progress = time.monotonic()
            for name, (_, started) in running.items():
                line = _job(plan, name).progress()
                minutes = (time.monotonic() - started) / 60
                say(f"{name}: {line or 'running'} ({minutes:.0f} min so far)")
    if failed:
        raise ReproError(
            f"{', '.join(failed)} failed (see {_job(plan, failed[0]).log}); rerun the same "
            "command to resume: finished jobs are kept"
        )


def _job(plan: Plan, name: str) -> Job:
    return next(job for job in plan.jobs if job.name == name)


def run_job(run_dir: Path, name: str) -> None:
    """One job in this process (what a worker process runs)."""
    plan = load_plan(run_dir)
    try:
        job = _job(plan, name)
    except StopIteration:
        raise TrainConfigError(f"no job {name!r} in {run_dir}") from None
    job.run()

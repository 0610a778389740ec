"""One training run: problems -> GRPO on didactic episodes -> exported checkpoint."""

from __future__ import annotations

import json
import os
import shlex
import shutil
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from rl2f_eval.suites.base import Problem
from rl2f_eval.suites.registry import task_name
from rl2f_eval.teachers import Teacher, make_teacher
from rl2f_eval.teachers.strategies import TEACHER_CACHE_EXPIRY, teacher_cache_policy
from rl2f_eval.train.config import (
    LoraSpec,
    TeacherSpec,
    TrainConfig,
    TrainConfigError,
    split_problems,
)

RUN_FILES = ("metrics.jsonl", "eval", "final", "checkpoints", "config.yaml")


@dataclass
class TrainResult:
    output_dir: Path
    exported: dict[str, Path]
    evaluations: list[dict[str, Any]]
    """The held-out evaluations, in order (the first is the untrained model)."""
    metrics_log: Path
    seconds: float


TEACHER_CACHE: dict[str, Any] = {"expiry": TEACHER_CACHE_EXPIRY, "per_epoch": False}
"""Inspect's model-output cache policy of evaluation teacher calls: kept a year (an explicit
expiry: a log records `None` as the default week) and shared by every epoch, so a held-out
attempt gets the same feedback in every evaluation, arm and rerun, in training and in `inspect
eval` of the exports alike (the cache key is the call, not the process). Training rollouts are
never cached: they sample."""


def build_teacher(spec: TeacherSpec, cache: bool = False) -> Teacher:
    """The teacher `spec` describes; `cache`: its model calls go through TEACHER_CACHE."""
    model = None
    if spec.name in ("model", "self"):
        from inspect_ai.model import GenerateConfig, get_model

        generate = GenerateConfig(
            max_tokens=spec.max_tokens,
            temperature=spec.temperature,
            cache=teacher_cache_policy(True) if cache else None,
        )
        model = get_model(spec.model, base_url=spec.base_url, config=generate, **spec.model_args)
    return make_teacher(spec.name, privileged=spec.privileged, model=model)


def lora_config(spec: LoraSpec | None) -> Any:
    if spec is None:
        return None
    from peft import LoraConfig

    return LoraConfig(
        r=spec.r,
        lora_alpha=spec.alpha,
        lora_dropout=spec.dropout,
        target_modules=spec.target_modules,
        task_type="CAUSAL_LM",
    )


def _task_arg(name: str, value: Any) -> str:
    """`-T name=value`, quoted for the shell, the value as YAML that Inspect reads back as it is
    (`+` stays bare; `*`, a YAML alias, becomes `"*"`)."""
    text = value if isinstance(value, str) else json.dumps(value)
    try:
        same = yaml.safe_load(text) == value
    except yaml.YAMLError:
        same = False
    return f"-T {shlex.quote(f'{name}={text if same else json.dumps(value)}')}"


def teacher_role(spec: TeacherSpec) -> dict[str, Any]:
    """The `teacher` model role as training's held-out evaluation built it: model, base URL,
    model args, generation settings and the cache policy (Inspect's inline role syntax, where
    `model_args.base_url` reaches `get_model(base_url=...)`)."""
    role: dict[str, Any] = {"model": spec.model}
    model_args = {**spec.model_args, **({"base_url": spec.base_url} if spec.base_url else {})}
    if model_args:
        role["model_args"] = model_args
    role["max_tokens"] = spec.max_tokens
    if spec.temperature is not None:
        role["temperature"] = spec.temperature
    role["cache"] = TEACHER_CACHE
    return role


@dataclass(frozen=True)
class HeldOutEval:
    """The held-out evaluation as `inspect eval` runs it, all but the student model: the task,
    its -T arguments (suite, turns, teacher, privileged, leak), the teacher's role binding and
    the student's max tokens. Greedy decoding is per provider (`export.eval_commands`)."""

    task: str
    args: dict[str, Any]
    teacher: dict[str, Any] | None
    """The `teacher` model role (None: the teacher needs no model, or is the student itself)."""
    max_tokens: int

    def command(self) -> str:
        parts = [self.task, *(_task_arg(k, v) for k, v in self.args.items())]
        if self.teacher is not None:
            role = json.dumps(self.teacher, separators=(",", ":"))
            parts.append(f"--model-role {shlex.quote('teacher=' + role)}")
        parts.append(f"--max-tokens {self.max_tokens}")
        return " ".join(parts)


def held_out_eval(config: TrainConfig, teacher: str | None = None) -> HeldOutEval | None:
    """How `inspect eval` reproduces the held-out evaluation, on the registered task
    (`rl2f_eval/<suite>`); `teacher` overrides the config's teacher by name (e.g. `self`: the
    evaluated model critiques itself). None for a suite given as `package.module:Class`: no task
    runs it."""
    task = task_name(config.suite.name)
    if task is None:
        return None
    spec = config.teacher
    name = teacher or spec.name
    args = {**config.suite.args, **config.eval.suite_args}
    args |= {"turns": config.eval.turns, "teacher": name}
    if name == "model" and not spec.privileged:  # only the model teacher reads it
        args["privileged"] = False
    if spec.leak != "flag":
        args["leak"] = spec.leak
    role = teacher_role(spec) if name == "model" else None
    return HeldOutEval(task, args, role, config.max_tokens)


def task_spec(config: TrainConfig) -> str | None:
    """`held_out_eval` as the part of an `inspect eval` command line after `inspect eval`
    (greedy decoding is per provider: `rl2f_eval.train.export.eval_commands`); None when no
    registered task runs the suite."""
    spec = held_out_eval(config)
    return spec.command() if spec else None


def vllm_server(config: TrainConfig) -> dict[str, Any]:
    """`vllm serve` arguments of the exported `vllm/` commands: a GPU share that fits beside the
    teacher's server, and training's context length when it had one."""
    server: dict[str, Any] = {"gpu_memory_utilization": config.vllm.eval_gpu_memory_utilization}
    if config.vllm.max_model_length:
        server["max_model_len"] = config.vllm.max_model_length
    return server


def eval_notes(config: TrainConfig) -> list[str]:
    """What a reader of export.json must know to reproduce the held-out evaluation."""
    notes = [
        "Each command decodes greedily with the training config's max_tokens, as the held-out "
        "evaluation during training did (hf: -M do_sample=false; vllm: --temperature 0)."
    ]
    if task_name(config.suite.name) is None:
        notes.append(
            f"The suite {config.suite.name} is not registered, so no inspect eval command runs "
            "it: add it to rl2f_eval/suites/registry.py (README: Adding a suite)."
        )
    teacher = config.teacher
    if teacher.name == "model" and teacher.base_url:
        notes.append(
            f"The teacher ({teacher.model}) is reached at {teacher.base_url}: start that server "
            "first (scripts/train-gpu.sh does so for training)."
        )
    if teacher.name == "self":
        notes.append(
            f"teacher=self: during training the critic was teacher.model ({teacher.model}); "
            "in inspect eval the self teacher is the evaluated model, so these commands measure "
            "the export's own self-critique, not the training-time setting. Inspect has no way "
            "to bind another model to the self teacher."
        )
    return notes


def prepare_output(config: TrainConfig, resume: bool, overwrite: bool) -> None:
    out = config.output_dir
    if resume:
        from transformers.trainer_utils import get_last_checkpoint

        folder = out / "checkpoints"
        if not folder.is_dir() or get_last_checkpoint(str(folder)) is None:
            raise TrainConfigError(
                f"nothing to resume in {folder}: checkpoints are saved every `save_every` steps"
            )
    existing = [name for name in RUN_FILES if (out / name).exists()]
    if existing and not (resume or overwrite):
        raise TrainConfigError(
            f"{out} already holds a run ({', '.join(existing)}): pass --resume to continue it, "
            "--overwrite to replace it, or choose another output_dir"
        )
    if overwrite and not resume:
        for name in existing:
            target = out / name
            shutil.rmtree(target) if target.is_dir() else target.unlink()
    out.mkdir(parents=True, exist_ok=True)
    (out / "config.yaml").write_text(
        yaml.safe_dump(config.model_dump(mode="json"), sort_keys=False)
    )


@dataclass
class TrainingRun:
    """A built run: the trainer and everything bound to it (`build`); `train` runs it."""

    config: TrainConfig
    trainer: Any
    monitor: Any
    runners: dict[str, Any]
    """"train" and "eval" EpisodeRunners."""
    held_out: list[Problem]
    base_model: str
    task: str | None
    """The `inspect eval` task spec of the held-out evaluation (`task_spec`)."""

    def evaluate(self) -> list[Any]:
        """Held-out episodes with the current weights, greedy (what the periodic eval runs), on
        the first `eval.during` held-out problems when it is set."""
        from rl2f_eval.train.trl_adapter import backend_generate, greedy

        with greedy(self.trainer):
            problems = self.held_out[: self.config.eval.during or None]
            return self.runners["eval"].run(problems, backend_generate(self.trainer))

    def export(self) -> dict[str, Path]:
        from rl2f_eval.train.export import export_model

        return export_model(
            self.trainer.accelerator.unwrap_model(self.trainer.model),
            self.trainer.processing_class,
            self.config.output_dir / "final",
            self.config.export,
            base=self.base_model,
            task=self.task,
            held_out_ids=[str(p.id) for p in self.held_out],
            notes=eval_notes(self.config),
            vllm_server=vllm_server(self.config),
        )


def build(
    config: TrainConfig,
    resume: bool = False,
    overwrite: bool = False,
    say: Callable[[str], None] | None = None,
) -> TrainingRun:
    """Load the model, build problems, teacher, trainer and monitor; nothing trained yet."""
    # heavy imports here: `rl2f-eval --help` and config checks stay fast
    from datasets import Dataset
    from transformers import AutoModelForCausalLM, AutoTokenizer

    from rl2f_eval.train.chat import ChatTokens
    from rl2f_eval.train.monitor import TrainingMonitor
    from rl2f_eval.train.rewards import reward_function
    from rl2f_eval.train.rollout import BackgroundLoop, EpisodeRunner, first_message
    from rl2f_eval.train.trl_adapter import (
        DidacticGRPOTrainer,
        end_ids,
        grpo_config,
        require_vllm,
        rollout_func,
        training_dtype,
    )

    require_vllm(config.vllm.mode)
    suite, train_problems, held_out_suite, held_out = split_problems(config)
    args = grpo_config(config)
    teacher = build_teacher(config.teacher)
    eval_teacher = build_teacher(config.teacher, cache=True)
    prepare_output(config, resume, overwrite)
    os.environ.setdefault("TRL_EXPERIMENTAL_SILENCE", "1")  # trl is pinned; see trl_adapter

    path = config.model_path()
    tokenizer = AutoTokenizer.from_pretrained(path)
    model = AutoModelForCausalLM.from_pretrained(path, dtype=training_dtype(config))
    by_prompt = {first_message(suite, p): p for p in train_problems}
    runners: dict[str, EpisodeRunner] = {}
    monitor = TrainingMonitor(config.output_dir, config.eval.every, say)
    trainer = DidacticGRPOTrainer(
        model=model,
        reward_funcs=reward_function(config.reward, config.discount),
        args=args,
        train_dataset=Dataset.from_list([{"prompt": text} for text in by_prompt]),
        processing_class=tokenizer,
        peft_config=lora_config(config.lora),
        rollout_func=rollout_func(lambda: runners["train"], by_prompt, config.critique > 0),
        callbacks=[monitor],
        critique_weight=config.critique,
        critique_chunk=config.critique_chunk,
    )
    chat = ChatTokens(trainer.processing_class, end_ids(trainer))
    loop = BackgroundLoop()
    leak, limit = config.teacher.leak, config.context_limit()
    runners["train"] = EpisodeRunner(suite, chat, teacher, config.turns, leak, loop, limit)
    eval_turns = config.eval.turns
    runners["eval"] = EpisodeRunner(
        held_out_suite, chat, eval_teacher, eval_turns, leak, loop, limit
    )
    run = TrainingRun(config, trainer, monitor, runners, held_out, path, task_spec(config))
    monitor.bind(
        run.evaluate if held_out else None,
        eval_turns,
        runners["train"].stats,
        at_start=config.eval.at_start,
    )
    return run


def finished_checkpoint(config: TrainConfig) -> str | None:
    """The run's last checkpoint when it holds every step of the run, else None."""
    from transformers.trainer_utils import get_last_checkpoint

    folder = config.output_dir / "checkpoints"
    last = get_last_checkpoint(str(folder)) if folder.is_dir() else None
    if last is None:
        return None
    state = json.loads((Path(last) / "trainer_state.json").read_text())
    return last if state.get("global_step", 0) >= config.steps else None


def train(
    config: TrainConfig,
    resume: bool = False,
    overwrite: bool = False,
    say: Callable[[str], None] | None = None,
) -> TrainResult:
    """Train as `config` says; evaluation and metrics stream to `config.output_dir`."""
    started = time.perf_counter()
    run = build(config, resume, overwrite, say)
    finished = finished_checkpoint(config) if resume else None
    if finished is not None:
        # all steps were trained before the run stopped: Trainer would train one step too many
        # when resumed from its final checkpoint, so its weights are only loaded
        from rl2f_eval.train.trl_adapter import load_checkpoint

        load_checkpoint(run.trainer, finished)
        if config.steps not in run.monitor.logged_evaluations():
            run.monitor.evaluate(config.steps)
    else:
        run.trainer.train(resume_from_checkpoint=True if resume else None)
    exported = run.export()
    return TrainResult(
        output_dir=config.output_dir,
        exported=exported,
        evaluations=run.monitor.evaluations,
        metrics_log=run.monitor.log_path,
        seconds=time.perf_counter() - started,
    )

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


def build_teacher(spec: TeacherSpec) -> Teacher:
    model = None
    if spec.name in ("model", "self"):
        from inspect_ai.model import GenerateConfig, get_model

        generate = GenerateConfig(max_tokens=spec.max_tokens, temperature=spec.temperature)
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


def teacher_role(spec: TeacherSpec) -> str:
    """`--model-role teacher=...` binding the teacher model as training built it: model, base
    URL, model args and generation settings (Inspect's inline YAML/JSON role syntax, where
    `model_args.base_url` reaches `get_model(base_url=...)`)."""
    role: dict[str, Any] = {"model": spec.model}
    model_args = {**spec.model_args, **({"base_url": spec.base_url} if spec.base_url else {})}
    if model_args:
        role["model_args"] = model_args
    role["max_tokens"] = spec.max_tokens
    if spec.temperature is not None:
        role["temperature"] = spec.temperature
    return f"--model-role {shlex.quote('teacher=' + json.dumps(role, separators=(',', ':')))}"


def task_spec(config: TrainConfig) -> str | None:
    """Everything of `inspect eval` but the student model that reproduces the held-out
    evaluation: the registered task (`rl2f_eval/<suite>`) with its -T arguments (suite, turns,
    teacher, privileged, leak), the teacher's role binding and the student's `--max-tokens`.
    Greedy decoding is per provider (`rl2f_eval.train.export.eval_commands`). None for a suite
    given as `package.module:Class`: no task runs it."""
    task = task_name(config.suite.name)
    if task is None:
        return None
    teacher = config.teacher
    args = {**config.suite.args, **config.eval.suite_args}
    args |= {"turns": config.eval.turns or config.turns, "teacher": teacher.name}
    if teacher.name == "model" and not teacher.privileged:  # only the model teacher reads it
        args["privileged"] = False
    if teacher.leak != "flag":
        args["leak"] = teacher.leak
    parts = [task, *(_task_arg(k, v) for k, v in args.items())]
    if teacher.name == "model":
        parts.append(teacher_role(teacher))
    parts.append(f"--max-tokens {config.max_tokens}")
    return " ".join(parts)


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
        """Held-out episodes with the current weights, greedy (what the periodic eval runs)."""
        from rl2f_eval.train.trl_adapter import backend_generate, greedy

        with greedy(self.trainer):
            return self.runners["eval"].run(self.held_out, backend_generate(self.trainer))

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
    )
    chat = ChatTokens(trainer.processing_class, end_ids(trainer))
    loop = BackgroundLoop()
    leak = config.teacher.leak
    runners["train"] = EpisodeRunner(suite, chat, teacher, config.turns, leak, loop)
    eval_turns = config.eval.turns or config.turns
    runners["eval"] = EpisodeRunner(held_out_suite, chat, teacher, eval_turns, leak, loop)
    run = TrainingRun(config, trainer, monitor, runners, held_out, path, task_spec(config))
    monitor.bind(run.evaluate if held_out else None, eval_turns, runners["train"].stats)
    return run


def train(
    config: TrainConfig,
    resume: bool = False,
    overwrite: bool = False,
    say: Callable[[str], None] | None = None,
) -> TrainResult:
    """Train as `config` says; evaluation and metrics stream to `config.output_dir`."""
    started = time.perf_counter()
    run = build(config, resume, overwrite, say)
    run.trainer.train(resume_from_checkpoint=True if resume else None)
    exported = run.export()
    return TrainResult(
        output_dir=config.output_dir,
        exported=exported,
        evaluations=run.monitor.evaluations,
        metrics_log=run.monitor.log_path,
        seconds=time.perf_counter() - started,
    )

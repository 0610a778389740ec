"""The training configuration (a YAML file), validated up front with one-line errors.

Every field, its default and meaning is documented in README.md (## Training) and in the example
configs under configs/train/.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from rl2f_eval.errors import TaskArgError
from rl2f_eval.suites import registry
from rl2f_eval.suites.base import Problem, Suite

EMBEDDED = "embedded/smollm2"
EVAL_TURNS = 5
"""Turns of the held-out evaluation unless `eval.turns` sets them: `inspect eval`'s default, and
deliberately not the training turns, so that a single-turn baseline (`turns: 1`) is measured on
what feedback buys it, with the same N as the multi-turn run it is compared with."""


class TrainConfigError(ValueError):
    """The training configuration is invalid (the message names the field)."""


class _Spec(BaseModel):
    model_config = ConfigDict(extra="forbid")


class SuiteSpec(_Spec):
    name: str
    args: dict[str, Any] = Field(default_factory=dict)


class TeacherSpec(_Spec):
    name: Literal["verifier", "binary", "model", "self"] = "verifier"
    model: str | None = None
    """Inspect model for the `model` and `self` teachers, e.g. `vllm/Qwen/Qwen2.5-7B-Instruct`,
    `openai-api/local/NAME` or `hf/local`."""
    base_url: str | None = None
    model_args: dict[str, Any] = Field(default_factory=dict)
    max_tokens: int = Field(256, ge=1)
    temperature: float | None = None
    privileged: bool = True
    leak: Literal["flag", "redact", "regenerate"] = "flag"

    @model_validator(mode="after")
    def _needs_model(self) -> TeacherSpec:
        if self.name in ("model", "self") and not self.model:
            raise ValueError(
                f"the {self.name} teacher needs `model:` (an Inspect model such as "
                "vllm/Qwen/Qwen2.5-7B-Instruct); during training there is no role binding"
            )
        return self


class LoraSpec(_Spec):
    r: int = Field(16, ge=1)
    alpha: int = Field(32, ge=1)
    dropout: float = Field(0.0, ge=0.0, lt=1.0)
    target_modules: str | list[str] = "all-linear"


class VllmSpec(_Spec):
    mode: Literal["off", "colocate", "server"] = "off"
    """`colocate`: the student's vLLM engine shares the training GPU; `server`: a separate
    `trl vllm-serve` process (at `server_base_url`)."""
    gpu_memory_utilization: float = Field(0.3, gt=0.0, le=1.0)
    server_base_url: str | None = None
    max_model_length: int | None = Field(None, ge=1)
    """The student engine's context (prompt + generation). Episodes are kept within it: one
    whose next turn could outgrow it ends there, unsolved (counted as `episodes_cut`)."""
    sleep: bool = False
    """Release vLLM memory between generations (colocate); costs a weight sync per turn."""
    eval_gpu_memory_utilization: float = Field(0.5, gt=0.0, le=1.0)
    """GPU share of the student's `vllm serve` that the exported `vllm/` commands start
    (`-M gpu_memory_utilization`): it must fit beside the teacher's server, where vLLM's own
    default (0.9) would not start. scripts/train-gpu.sh gives the teacher 0.35."""


class EvalSpec(_Spec):
    every: int = Field(10, ge=0)
    """Evaluate the held-out problems every this many steps (0: only before and after)."""
    n: int = Field(16, ge=0)
    """Held-out problems (0: no evaluation)."""
    turns: int = Field(EVAL_TURNS, ge=1)
    """Turns of the evaluation episodes; not the training turns by default (see EVAL_TURNS)."""
    at_start: bool = True
    """Also evaluate the untrained model at step 0 (`rl2f-eval repro` evaluates the shared base
    once instead)."""
    during: int | None = Field(None, ge=1)
    """Problems of the evaluations during training: the first `during` of the `n` held out
    (default: all). Cheaper curves; `rl2f-eval repro` scores every arm on all n afterwards."""
    suite_args: dict[str, Any] = Field(default_factory=dict)
    """Suite arguments for the held-out problems (merged over `suite.args`); without them the
    held-out problems are the last `n` of the training suite's problems."""


class TrainConfig(_Spec):
    model: str = EMBEDDED
    """A Hugging Face checkpoint (directory or hub id), or `embedded/smollm2`."""
    output_dir: Path
    suite: SuiteSpec
    turns: int = Field(3, ge=1)
    teacher: TeacherSpec = Field(default_factory=TeacherSpec)
    reward: Literal["final", "shaped"] = "final"
    discount: float = Field(0.5, gt=0.0, le=1.0)
    steps: int = Field(100, ge=1)
    batch: int = Field(4, ge=1)
    """Problems per optimiser step (each rolled out `generations` times)."""
    generations: int = Field(4, ge=2)
    """Rollouts per problem: the GRPO group whose rewards are compared."""
    grad_accum: int = Field(1, ge=1)
    """Micro-batches the loss of one step is computed in (memory); must divide
    batch x generations. It does not change how many episodes a step uses."""
    lr: float = Field(1e-5, gt=0.0)
    beta: float = Field(0.0, ge=0.0)
    """KL penalty towards the initial model (0: no reference model and no kl metric)."""
    max_tokens: int = Field(256, ge=1)
    """Per student turn."""
    temperature: float = Field(1.0, gt=0.0)
    seed: int = 0
    lora: LoraSpec | None = Field(default_factory=LoraSpec)
    """LoRA adapter settings; `null` for full fine-tuning."""
    critique: float = Field(0.0, ge=0.0)
    """Weight of the critique-prediction loss (0: off)."""
    critique_chunk: int = Field(4096, ge=1)
    """Tokens (examples x padded length) per micro-batch of the critique pass, which is
    recomputed in the backward pass one micro-batch at a time: bounds its memory."""
    vllm: VllmSpec = Field(default_factory=VllmSpec)
    eval: EvalSpec = Field(default_factory=EvalSpec)
    save_every: int = Field(0, ge=0)
    """Save a resumable checkpoint every this many steps (0: only the final export)."""
    export: Literal["merged", "adapter", "both"] = "both"
    dtype: Literal["auto", "float32", "bfloat16"] = "auto"
    """`auto`: bfloat16 on a GPU that supports it, else float32."""
    gradient_checkpointing: bool = False
    grpo: dict[str, Any] = Field(default_factory=dict)
    """Further `trl.GRPOConfig` fields, passed through (e.g. loss_type, top_p)."""

    @model_validator(mode="after")
    def _micro_batches(self) -> TrainConfig:
        if (self.batch * self.generations) % self.grad_accum:
            raise ValueError(
                f"grad_accum={self.grad_accum} must divide batch x generations "
                f"({self.batch} x {self.generations})"
            )
        limit = self.vllm.max_model_length
        if self.vllm.mode != "off" and limit is not None and limit <= self.max_tokens:
            raise ValueError(
                f"vllm.max_model_length={limit} leaves no room for a prompt before "
                f"max_tokens={self.max_tokens} generated tokens"
            )
        return self

    def context_limit(self) -> int | None:
        """The longest context a student turn may start from (the episode-length guard), or
        None without a limit: vLLM's max_model_length less one turn's max_tokens."""
        limit = self.vllm.max_model_length
        if self.vllm.mode == "off" or limit is None:
            return None
        return limit - self.max_tokens

    def model_path(self) -> str:
        if self.model == EMBEDDED:
            from rl2f_eval.models.embedded import checkpoint_dir

            return str(checkpoint_dir())
        return self.model


def load_config(path: str | Path, **overrides: Any) -> TrainConfig:
    """Read and validate a YAML config; `overrides` replace top-level fields."""
    path = Path(path)
    try:
        data = yaml.safe_load(path.read_text())
    except FileNotFoundError:
        raise TrainConfigError(f"config file not found: {path}") from None
    except yaml.YAMLError as error:
        raise TrainConfigError(f"{path}: not valid YAML ({error})") from None
    if not isinstance(data, dict):
        raise TrainConfigError(f"{path}: expected a mapping of settings")
    data.update({k: v for k, v in overrides.items() if v is not None})
    try:
        return TrainConfig.model_validate(data)
    except ValidationError as error:
        first = error.errors()[0]
        where = ".".join(str(part) for part in first["loc"]) or "config"
        more = f" (and {error.error_count() - 1} more)" if error.error_count() > 1 else ""
        raise TrainConfigError(f"{path}: {where}: {first['msg']}{more}") from None


def build_suite(name: str, args: dict[str, Any]) -> Suite:
    """A registered suite by its short name (`rl2f_eval.suites.registry`), or a user's suite
    as `package.module:Class`, built with `args`."""
    try:
        return registry.build_suite(name, args, field="suite.name")
    except TaskArgError as error:
        raise TrainConfigError(str(error)) from None


def split_problems(config: TrainConfig) -> tuple[Suite, list[Problem], Suite, list[Problem]]:
    """(training suite, training problems, held-out suite, held-out problems). No held-out
    problem text occurs among the training problems: seeded generators can repeat a small
    problem under another seed."""
    suite = build_suite(config.suite.name, config.suite.args)
    pool = _distinct(suite)
    held_out_suite, held_out = suite, []
    if config.eval.n and not config.eval.suite_args:
        if config.eval.n >= len(pool):
            raise TrainConfigError(
                f"eval.n={config.eval.n} leaves no training problems: the suite gives "
                f"{len(pool)} distinct problems (raise suite.args.n or lower eval.n)"
            )
        held_out, train = pool[-config.eval.n :], pool[: -config.eval.n]
    else:
        train = pool
        if config.eval.n:
            args = {**config.suite.args, **config.eval.suite_args}
            held_out_suite = build_suite(config.suite.name, args)
            seen = {p.input for p in train}
            held_out = [p for p in _distinct(held_out_suite) if p.input not in seen]
            held_out = held_out[: config.eval.n]
            if not held_out:
                raise TrainConfigError("eval.suite_args gives no problem outside the training set")
    if len(train) < config.batch:
        raise TrainConfigError(
            f"batch={config.batch} problems per step, but only {len(train)} training problems"
        )
    return suite, train, held_out_suite, held_out


def _distinct(suite: Suite) -> list[Problem]:
    problems: dict[str, Problem] = {}
    for sample in suite.samples():
        problems.setdefault(str(sample.input), Problem.from_sample(sample))
    return list(problems.values())

"""The one module that touches TRL's experimental and private entry points (trl pinned to 1.16.0).

What we rely on, checked against the installed trl 1.16.0 sources:
- `GRPOTrainer(rollout_func=f)` (experimental): `f(prompts, trainer)` receives the batch's
  prompts, each already repeated `num_generations` times by TRL's sampler, and returns
  `prompt_ids`, `completion_ids`, `logprobs` (None without vLLM), `env_mask` (TRL multiplies it
  into the loss mask) and extra per-completion keys, which reach the reward functions.
- `trainer._generate_single_turn(prompt_ids, images, multimodal_fields, num_generations)`
  (private): generation with the active backend (vLLM colocate/server, or transformers), weights
  synced to vLLM when the step changed. Called with `num_generations=1`: every context differs.
- Greedy decoding for evaluation: `trainer.vllm_generation.temperature`, or
  `trainer.generation_config` and `trainer.generation_kwargs` on the transformers path.
- The critique loss is added in `compute_loss`, reading `trainer._step` (which slice of the
  generation batch this is), `trainer._metrics` and `current_gradient_accumulation_steps`.
- `trainer._load_from_checkpoint(path)` (transformers, private): the weights of a checkpoint
  that already holds every step (resuming from it would train one step too many).
A new trl release may change any of these: upgrade deliberately, re-checking this list.
"""

from __future__ import annotations

import contextlib
import copy
import importlib.util
from collections.abc import Callable, Iterator, Sequence
from typing import Any

import torch
import trl
from trl import GRPOConfig, GRPOTrainer

from rl2f_eval.suites.base import Problem
from rl2f_eval.train.config import TrainConfig, TrainConfigError
from rl2f_eval.train.critique import (
    CritiqueExample,
    critique_batches,
    critique_examples,
    critique_nll,
)
from rl2f_eval.train.rollout import EpisodeRunner, Generate

TRL_VERSION = "1.16.0"
if trl.__version__ != TRL_VERSION:
    raise ImportError(
        f"rl2f_eval.train is written against trl=={TRL_VERSION} (experimental and private APIs, "
        f"see rl2f_eval/train/trl_adapter.py); found trl {trl.__version__}. "
        "Install the pinned version: pip install -e '.[train]'"
    )


def require_vllm(mode: str) -> None:
    """A clear error instead of a deep traceback when vLLM cannot run here."""
    if mode == "off":
        return
    if importlib.util.find_spec("vllm") is None:
        raise TrainConfigError(
            f"vllm.mode={mode} needs vLLM: pip install -e '.[vllm]' (a CUDA build; it does not run "
            "on CPU). Use vllm.mode=off to generate with transformers."
        )
    if not torch.cuda.is_available():
        raise TrainConfigError(f"vllm.mode={mode} needs a CUDA GPU; none is visible here")


def training_dtype(config: TrainConfig) -> torch.dtype:
    if config.dtype == "float32":
        return torch.float32
    if config.dtype == "bfloat16":
        return torch.bfloat16
    cuda_bf16 = torch.cuda.is_available() and torch.cuda.is_bf16_supported()
    return torch.bfloat16 if cuda_bf16 else torch.float32


GRPO_DEFAULTS: dict[str, Any] = {
    # TRL's default ("dapo") divides the summed token losses by the batch's token count, so an
    # episode weighs as much as it has student tokens. In multi-turn RL the long episodes are
    # the failed ones (every turn used), and their negative advantages would outweigh the short
    # solved ones; a single-turn baseline has no such imbalance, so the two arms would not train
    # on the same objective. "grpo" averages each episode's token losses first: one
    # conversation, one binary reward, one unit of weight, in every arm. (TRL notes its
    # length bias: per token, a long episode's tokens move less.)
    "loss_type": "grpo",
    # vLLM path: TRL's default ("sequence_mask", cap 3.0) sums the log-ratio between the vLLM
    # sampler and the trainer over every student token of an episode and drops the episode
    # when the ratio leaves the cap; small per-token numerical differences over thousands of
    # tokens of a long multi-turn episode add up, so long episodes would be silently dropped.
    # Per-token truncation keeps every episode and bounds each token's weight at the cap.
    "vllm_importance_sampling_mode": "token_truncate",
    "vllm_importance_sampling_clip_max": 3.0,
}
"""Our choice of the TRL settings whose defaults fit long multi-turn episodes badly (README:
Training); a config's `grpo:` section overrides them."""


def grpo_config(config: TrainConfig) -> GRPOConfig:
    cpu = not torch.cuda.is_available()
    settings: dict[str, Any] = dict(
        output_dir=str(config.output_dir / "checkpoints"),
        use_cpu=cpu,
        bf16=training_dtype(config) == torch.bfloat16,
        fp16=False,
        max_steps=config.steps,
        # one generation batch of batch x generations episodes per optimiser step, its loss
        # computed in grad_accum micro-batches (TRL's steps_per_generation defaults to grad_accum)
        per_device_train_batch_size=config.batch * config.generations // config.grad_accum,
        num_generations=config.generations,
        gradient_accumulation_steps=config.grad_accum,
        learning_rate=config.lr,
        beta=config.beta,
        max_completion_length=config.max_tokens,
        temperature=config.temperature,
        seed=config.seed,
        gradient_checkpointing=config.gradient_checkpointing,
        logging_steps=1,
        report_to="none",
        save_strategy="steps" if config.save_every else "no",
        save_steps=config.save_every or 500,
        remove_unused_columns=False,
        use_vllm=config.vllm.mode != "off",
    )
    if config.vllm.mode != "off":
        settings.update(
            vllm_mode=config.vllm.mode,
            vllm_gpu_memory_utilization=config.vllm.gpu_memory_utilization,
            vllm_max_model_length=config.vllm.max_model_length,
            vllm_enable_sleep_mode=config.vllm.sleep,
        )
        if config.vllm.server_base_url:
            settings["vllm_server_base_url"] = config.vllm.server_base_url
    clash = set(config.grpo) & set(settings)
    if clash:
        raise TrainConfigError(
            f"grpo: {', '.join(sorted(clash))} come from top-level fields; set them there"
        )
    try:
        return GRPOConfig(**settings, **{**GRPO_DEFAULTS, **config.grpo})
    except TypeError as error:
        raise TrainConfigError(f"grpo: {error}") from None


class DidacticGRPOTrainer(GRPOTrainer):
    """GRPO plus the optional critique-prediction loss (see `critique.py`)."""

    def __init__(
        self,
        *args: Any,
        critique_weight: float = 0.0,
        critique_chunk: int = 4096,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.critique_weight, self.critique_chunk = critique_weight, critique_chunk
        self._critique_slices: list[list[CritiqueExample]] = []

    def stash_critique(self, examples: Sequence[CritiqueExample]) -> None:
        """Examples of the generation batch just rolled out, split like TRL splits the batch
        over its `steps_per_generation` optimisation slices."""
        parts = self.args.steps_per_generation
        self._critique_slices = [list(examples[i::parts]) for i in range(parts)]

    def compute_loss(
        self,
        model: torch.nn.Module,
        inputs: dict[str, Any],
        return_outputs: bool = False,
        num_items_in_batch: Any = None,
    ) -> torch.Tensor:
        loss = super().compute_loss(model, inputs, return_outputs, num_items_in_batch)
        if not (self.critique_weight and self.model.training and self._critique_slices):
            return loss
        examples = self._critique_slices[self._step % self.args.steps_per_generation]
        if not examples:
            return loss
        pad, device = self.processing_class.pad_token_id, self.accelerator.device
        batches = (
            {k: v.to(device) for k, v in batch.items()}
            for batch in critique_batches(examples, pad, self.critique_chunk)
        )
        nll = critique_nll(model, batches)
        self._metrics["train"]["critique_nll"].append(nll.item())
        return loss + self.critique_weight * nll / self.current_gradient_accumulation_steps


def backend_generate(trainer: GRPOTrainer) -> Generate:
    """The trainer's active generation backend as a token-level `Generate`."""

    def generate(contexts: list[list[int]]) -> tuple[list[list[int]], list[list[float]] | None]:
        completions, logprobs = trainer._generate_single_turn(contexts, None, {}, 1)
        return [list(c) for c in completions], logprobs

    return generate


@contextlib.contextmanager
def greedy(trainer: GRPOTrainer) -> Iterator[None]:
    """Greedy decoding with the trainer's backend, in eval mode (no dropout), for evaluation."""
    was_training = trainer.model.training
    trainer.model.eval()
    if trainer.use_vllm:
        temperature = trainer.vllm_generation.temperature
        trainer.vllm_generation.temperature = 0.0
    else:
        config, kwargs = trainer.generation_config, trainer.generation_kwargs
        trainer.generation_config = copy.deepcopy(config)
        trainer.generation_kwargs = {**kwargs, "do_sample": False}
        trainer.generation_config.do_sample = False
        for name in ("temperature", "top_p", "top_k", "min_p"):  # unused when greedy
            setattr(trainer.generation_config, name, None)
            trainer.generation_kwargs.pop(name, None)
    try:
        yield
    finally:
        if trainer.use_vllm:
            trainer.vllm_generation.temperature = temperature
        else:
            trainer.generation_config, trainer.generation_kwargs = config, kwargs
        trainer.model.train(was_training)


def load_checkpoint(trainer: GRPOTrainer, path: str) -> None:
    """Load a saved checkpoint's weights (the LoRA adapter or the full model) into `trainer`."""
    trainer._load_from_checkpoint(path)


def end_ids(trainer: GRPOTrainer) -> list[int]:
    return list(trainer.eos_token_ids)


def rollout_func(
    runner: Callable[[], EpisodeRunner],
    problems: dict[str, Problem],
    critique: bool,
) -> Callable[[list[str], GRPOTrainer], dict[str, Any]]:
    """TRL's `rollout_func` over didactic episodes. `problems` maps each dataset prompt (the
    student's first message) to its problem; `runner` returns the episode runner, which needs
    the trainer's tokenizer and end ids and so is bound once the trainer exists."""

    def rollout(prompts: list[str], trainer: GRPOTrainer) -> dict[str, Any]:
        episode_runner = runner()
        missing = [p for p in prompts if p not in problems]
        if missing:
            raise RuntimeError(
                f"rollout_func got a prompt that is no training problem: {missing[0]!r}"
            )
        episodes = episode_runner.run([problems[p] for p in prompts], backend_generate(trainer))
        if critique and isinstance(trainer, DidacticGRPOTrainer):
            trainer.stash_critique(critique_examples(episodes, episode_runner.chat))
        return {
            "prompt_ids": [e.prompt_ids for e in episodes],
            "completion_ids": [e.completion_ids for e in episodes],
            "logprobs": [e.logprobs for e in episodes] if trainer.use_vllm else None,
            "env_mask": [e.env_mask for e in episodes],
            "solved_turn": [e.solved_turn or 0 for e in episodes],
            "max_turns": [episode_runner.turns] * len(episodes),
        }

    return rollout

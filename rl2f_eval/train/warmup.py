"""A supervised format warm-up: the base checkpoint of a repro whose student cannot yet state an
answer in the suite's format.

SmolLM2-135M on number guessing never names a number ("I'm ready to help. What number would
you like to guess?"), so no episode earns a reward and RL cannot start. The warm-up fine-tunes it
for a few steps on first turns answered with the suite's oracle reply (`Suite.answer_text`):
it learns the reply format, and, where the first attempt cannot know the answer (number
guessing: the hidden number is drawn uniformly from the stated range), nothing more than the
range. It uses its own problems (`suite_args`, e.g. another seed) minus every training and
held-out problem text, so the base has seen none of the problems the arms train or are scored
on, and it never sees feedback: using feedback is left for RL to learn. The result is one merged
checkpoint that every arm starts from and the base rows evaluate.
"""

from __future__ import annotations

import json
import random
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from rl2f_eval.train.config import TrainConfig, TrainConfigError, build_suite, split_problems


class WarmupSpec(BaseModel):
    model_config = ConfigDict(extra="forbid")

    steps: int = Field(20, ge=1)
    batch: int = Field(16, ge=1)
    """Examples per optimiser step."""
    lr: float = Field(1e-3, gt=0.0)
    suite_args: dict[str, Any] = Field(default_factory=dict)
    """Arguments of the warm-up's problems (merged over the training suite's), e.g. `{seed: 1}`;
    problems whose text the arms train or are scored on are left out."""


def warmup_problems(config: TrainConfig, spec: WarmupSpec) -> list[Any]:
    from rl2f_eval.suites.base import Problem

    _, train, _, held_out = split_problems(config)
    suite = build_suite(config.suite.name, {**config.suite.args, **spec.suite_args})
    seen = {p.input for p in train} | {p.input for p in held_out}
    problems: dict[str, Problem] = {}
    for sample in suite.samples():
        if str(sample.input) not in seen:
            problems.setdefault(str(sample.input), Problem.from_sample(sample))
    if not problems:
        raise TrainConfigError(
            "warmup.suite_args gives no problem outside the training and held-out problems "
            "(choose another seed)"
        )
    return list(problems.values())


def warm_up(
    config: TrainConfig,
    spec: WarmupSpec,
    out_dir: Path,
    say: Callable[[str], None] = print,
) -> Path:
    """Fine-tune `config.model` on the warm-up examples (LoRA as `config.lora`, folded in, or
    full fine-tuning) and save the merged checkpoint with its tokenizer to `out_dir`."""
    import torch
    from peft import get_peft_model
    from transformers import AutoModelForCausalLM, AutoTokenizer, GenerationConfig

    from rl2f_eval.train.chat import ChatTokens
    from rl2f_eval.train.critique import CritiqueExample, critique_batches, critique_nll
    from rl2f_eval.train.rollout import first_message
    from rl2f_eval.train.run import lora_config
    from rl2f_eval.train.trl_adapter import training_dtype

    started = time.perf_counter()
    torch.manual_seed(config.seed)
    problems = warmup_problems(config, spec)
    suite = build_suite(config.suite.name, {**config.suite.args, **spec.suite_args})
    path = config.model_path()
    tokenizer = AutoTokenizer.from_pretrained(path)
    model = AutoModelForCausalLM.from_pretrained(path, dtype=training_dtype(config))
    ends = GenerationConfig.from_pretrained(path).eos_token_id
    ends = ends if isinstance(ends, list) else [ends]
    chat = ChatTokens(tokenizer, [tokenizer.eos_token_id, *(e for e in ends if e is not None)])
    examples = []
    for problem in problems:
        message = [{"role": "user", "content": first_message(suite, problem)}]
        prompt, reply = chat.reply(message, suite.answer_text(problem))
        examples.append(CritiqueExample(prompt, reply))
    if config.lora is not None:
        model = get_peft_model(model, lora_config(config.lora))
    model.train()
    trained = [p for p in model.parameters() if p.requires_grad]
    optimiser = torch.optim.AdamW(trained, lr=spec.lr)
    rng = random.Random(config.seed)
    losses = []
    for step in range(1, spec.steps + 1):
        batch = rng.sample(examples, min(spec.batch, len(examples)))
        loss = critique_nll(model, critique_batches(batch, tokenizer.pad_token_id, 1 << 20))
        loss.backward()
        optimiser.step()
        optimiser.zero_grad()
        losses.append(round(loss.item(), 4))
        say(f"warmup step {step}/{spec.steps}: loss {losses[-1]:.3f}")
    if config.lora is not None:
        model = model.merge_and_unload()
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    model.save_pretrained(out_dir)
    tokenizer.save_pretrained(out_dir)
    record = {
        "from": path,
        "problems": len(examples),
        "spec": spec.model_dump(),
        "losses": losses,
        "seconds": round(time.perf_counter() - started, 1),
    }
    (out_dir / "warmup.json").write_text(json.dumps(record, indent=2) + "\n")
    return out_dir

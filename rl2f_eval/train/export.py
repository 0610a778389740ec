"""Checkpoints that the evaluation harness loads as they are.

- `merged/`: a plain Hugging Face checkpoint (LoRA folded into the weights) with its tokenizer:
  `inspect eval rl2f_eval/maze --model hf/local -M model_path=DIR/merged -M do_sample=false` on
  CPU, or `--model vllm/DIR/merged --temperature 0` on a GPU.
- `adapter/`: the LoRA adapter alone (small), served on the base model:
  `--model vllm/BASE:DIR/adapter --temperature 0`.
`export.json` records what was written, the base model and the commands above, with the task
arguments, teacher binding and `--max-tokens` of the training-time evaluation (greedy, as it is).
"""

from __future__ import annotations

import json
import shlex
from pathlib import Path
from typing import Any

import torch
from peft import PeftModel

FORMATS = ("merged", "adapter", "both")


def eval_commands(
    paths: dict[str, Path],
    base: str,
    task: str | None = "rl2f_eval/maze",
    sample_ids: list[str] | None = None,
    vllm_server: dict[str, Any] | None = None,
) -> list[str]:
    """`inspect eval` of each exported checkpoint, decoding greedily as the training-time
    evaluation does. `task`: the task, its -T arguments and any other options
    (`rl2f_eval.train.run.task_spec`; None: no task runs the suite, no commands);
    `sample_ids`: restrict to these samples; `vllm_server`: `vllm serve` arguments of the
    `vllm/` commands (e.g. gpu_memory_utilization, so that the student's server starts beside a
    running teacher server)."""
    if task is None:
        return []
    if sample_ids:
        task = f"{task} --sample-id {shlex.quote(','.join(map(str, sample_ids)))}"
    server = "".join(f" -M {shlex.quote(f'{k}={v}')}" for k, v in (vllm_server or {}).items())
    commands = []
    if "merged" in paths:
        merged = shlex.quote(f"model_path={paths['merged']}")
        commands.append(f"inspect eval {task} --model hf/local -M {merged} -M do_sample=false")
        vllm = shlex.quote(f"vllm/{paths['merged']}")
        commands.append(f"inspect eval {task} --model {vllm}{server} --temperature 0")
    if "adapter" in paths:
        adapter = shlex.quote(f"vllm/{base}:{paths['adapter']}")
        commands.append(f"inspect eval {task} --model {adapter}{server} --temperature 0")
    return commands


def export_model(
    model: torch.nn.Module,
    tokenizer: Any,
    out_dir: Path,
    fmt: str = "both",
    base: str = "",
    task: str | None = "rl2f_eval/maze",
    held_out_ids: list[str] | None = None,
    notes: list[str] | None = None,
    vllm_server: dict[str, Any] | None = None,
) -> dict[str, Path]:
    """Write `model` (a PeftModel or a plain model) under `out_dir` in `fmt`, and export.json
    with the commands that evaluate it (on the held-out samples when their ids are given) and
    `notes` on reproducing the training-time evaluation with them.
    Merging folds the adapter into `model`'s base weights in place: call this after training."""
    if fmt not in FORMATS:
        raise ValueError(f"export must be one of {', '.join(FORMATS)}; got {fmt!r}")
    out_dir = Path(out_dir)
    paths: dict[str, Path] = {}
    lora = isinstance(model, PeftModel)
    if fmt == "adapter" and not lora:
        raise ValueError("export=adapter needs LoRA training (full fine-tuning has no adapter)")
    if lora and fmt in ("adapter", "both"):
        paths["adapter"] = out_dir / "adapter"
        model.save_pretrained(paths["adapter"])
        tokenizer.save_pretrained(paths["adapter"])
    if fmt in ("merged", "both") or not lora:
        merged = model.merge_and_unload() if lora else model
        paths["merged"] = out_dir / "merged"
        merged.save_pretrained(paths["merged"])
        tokenizer.save_pretrained(paths["merged"])
    record = {
        "base_model": base,
        "paths": {k: str(v) for k, v in paths.items()},
        "evaluate_with": eval_commands(paths, base, task, vllm_server=vllm_server),
        "held_out_sample_ids": held_out_ids or [],
        "evaluate_held_out_with": eval_commands(paths, base, task, held_out_ids, vllm_server)
        if held_out_ids
        else [],
        "notes": notes or [],
    }
    (out_dir / "export.json").write_text(json.dumps(record, indent=2) + "\n")
    return paths


def merge_checkpoint(checkpoint: Path, out_dir: Path) -> Path:
    """Fold a saved LoRA checkpoint (e.g. `checkpoints/checkpoint-50`) into a full checkpoint
    under `out_dir`, loading the base model its adapter config names."""
    from peft import AutoPeftModelForCausalLM
    from transformers import AutoTokenizer

    checkpoint = Path(checkpoint)
    if not (checkpoint / "adapter_config.json").exists():
        raise FileNotFoundError(
            f"{checkpoint} holds no LoRA adapter (adapter_config.json); a full fine-tuning "
            "checkpoint loads as it is"
        )
    model = AutoPeftModelForCausalLM.from_pretrained(checkpoint, dtype="auto")
    merged = model.merge_and_unload()
    out_dir = Path(out_dir)
    merged.save_pretrained(out_dir)
    AutoTokenizer.from_pretrained(checkpoint).save_pretrained(out_dir)
    return out_dir

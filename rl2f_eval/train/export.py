"""Checkpoints that the evaluation harness loads as they are.

- `merged/`: a plain Hugging Face checkpoint (LoRA folded into the weights) with its tokenizer:
  `inspect eval tasks/maze.py --model hf/local -M model_path=DIR/merged` on CPU, or
  `--model vllm/DIR/merged` on a GPU.
- `adapter/`: the LoRA adapter alone (small), served on the base model:
  `--model vllm/BASE:DIR/adapter`.
`export.json` records what was written, the base model and the commands above.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import torch
from peft import PeftModel

FORMATS = ("merged", "adapter", "both")


def eval_commands(paths: dict[str, Path], base: str, task: str = "tasks/maze.py") -> list[str]:
    commands = []
    if "merged" in paths:
        commands.append(f"inspect eval {task} --model hf/local -M model_path={paths['merged']}")
        commands.append(f"inspect eval {task} --model vllm/{paths['merged']}")
    if "adapter" in paths:
        commands.append(f"inspect eval {task} --model vllm/{base}:{paths['adapter']}")
    return commands


def export_model(
    model: torch.nn.Module,
    tokenizer: Any,
    out_dir: Path,
    fmt: str = "both",
    base: str = "",
    task: str = "tasks/maze.py",
) -> dict[str, Path]:
    """Write `model` (a PeftModel or a plain model) under `out_dir` in `fmt`. Merging folds the
    adapter into `model`'s base weights in place, so call this when training is over."""
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
        "evaluate_with": eval_commands(paths, base, task),
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

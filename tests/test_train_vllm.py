"""The vLLM path (student in colocate mode): needs a CUDA GPU and the `vllm` extra, else skipped.

Same run as test_train_grpo.py, but generation goes through vLLM, which also reports the sampled
tokens' logprobs (TRL's importance-sampling correction uses them on student tokens only).
"""

from __future__ import annotations

import importlib.util

import pytest
import torch

pytest.importorskip("trl", reason="training needs the train extra: pip install -e '.[train]'")

from rl2f_eval.train.config import TrainConfig
from rl2f_eval.train.run import build

pytestmark = pytest.mark.skipif(
    importlib.util.find_spec("vllm") is None or not torch.cuda.is_available(),
    reason="needs vLLM and a CUDA GPU",
)


def test_colocated_vllm_rollouts_train_and_evaluate(tmp_path):
    config = TrainConfig.model_validate(
        {
            "output_dir": tmp_path / "run",
            "suite": {"name": "arithmetic", "args": {"n": 81}},
            "turns": 2,
            "teacher": {"name": "verifier"},
            "steps": 2,
            "batch": 2,
            "generations": 4,
            "max_tokens": 16,
            "lr": 1e-4,
            "vllm": {"mode": "colocate", "gpu_memory_utilization": 0.2, "max_model_length": 1024},
            "eval": {"every": 0, "n": 4},
        }
    )
    run = build(config)
    outputs = []

    def keep(prompts, trainer, _rollout=run.trainer.rollout_func):
        outputs.append(_rollout(prompts, trainer))
        return outputs[-1]

    run.trainer.rollout_func = keep
    run.trainer.train()
    assert len(outputs) == 2
    for output in outputs:
        for ids, mask, logprobs in zip(
            output["completion_ids"], output["env_mask"], output["logprobs"], strict=True
        ):
            assert len(ids) == len(mask) == len(logprobs)
            student = [lp for lp, m in zip(logprobs, mask, strict=True) if m]
            assert all(lp <= 0.0 for lp in student) and any(lp < 0.0 for lp in student)
            assert all(lp == 0.0 for lp, m in zip(logprobs, mask, strict=True) if not m)
    assert [e["step"] for e in run.monitor.evaluations] == [0, 2]
    exported = run.export()
    assert (exported["merged"] / "config.json").exists()
    assert (exported["adapter"] / "adapter_config.json").exists()

"""The critique pass in micro-batches: the same loss and gradients as one example at a time."""

from __future__ import annotations

import random

import pytest
import torch
from transformers import LlamaConfig, LlamaForCausalLM

pytest.importorskip("trl", reason="training needs the train extra: pip install -e '.[train]'")

from rl2f_eval.train.critique import CritiqueExample, critique_batches, critique_nll


def reference_nll(model, examples):
    """Each example alone, unpadded: summed target-token NLL over the whole slice."""
    total, count = 0.0, 0
    for example in examples:
        ids = torch.tensor([example.prompt_ids + example.target_ids])
        logits = model(input_ids=ids).logits[0, len(example.prompt_ids) - 1 : -1]
        target = torch.tensor(example.target_ids)
        total = total + torch.nn.functional.cross_entropy(logits, target, reduction="sum")
        count += len(example.target_ids)
    return total / count


@pytest.mark.parametrize("chunk_tokens", [1, 40, 10_000])
def test_chunked_critique_loss_matches_one_example_at_a_time(chunk_tokens):
    torch.manual_seed(0)
    config = LlamaConfig(
        vocab_size=64,
        hidden_size=32,
        intermediate_size=64,
        num_hidden_layers=2,
        num_attention_heads=4,
        num_key_value_heads=2,
        max_position_embeddings=64,
    )
    model = LlamaForCausalLM(config)
    rng = random.Random(0)
    examples = [
        CritiqueExample(
            [rng.randrange(1, 64) for _ in range(rng.randint(2, 12))],
            [rng.randrange(1, 64) for _ in range(rng.randint(1, 6))],
        )
        for _ in range(7)
    ]
    batches = list(critique_batches(examples, pad_id=0, chunk_tokens=chunk_tokens))
    assert sum(len(b["labels"]) for b in batches) == len(examples)
    if chunk_tokens == 1:
        assert len(batches) == len(examples)  # one example per micro-batch at least
    for batch in batches:
        assert batch["input_ids"].numel() <= max(chunk_tokens, batch["input_ids"].size(1))

    expected = reference_nll(model, examples)
    (grad_expected,) = torch.autograd.grad(expected, model.lm_head.weight)
    chunked = critique_nll(model, batches)
    (grad_chunked,) = torch.autograd.grad(chunked, model.lm_head.weight)
    assert torch.allclose(chunked, expected, atol=1e-5)
    assert torch.allclose(grad_chunked, grad_expected, atol=1e-5)

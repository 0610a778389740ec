"""Critique prediction: train the student to write the teacher's feedback itself.

For every teacher feedback of a rollout, one supervised example: the input is exactly what the
`self` teacher shows the model at evaluation time (`SelfTeacher.messages`: the problem, the
earlier attempts and feedback, the latest wrong attempt; no reference, no verifier report), the
target is the feedback the student was actually shown. So `-T teacher=self` on the trained
checkpoint uses the critic this loss trained. Format reminders are not critiques and leaked
feedback is never a target (the critic must not learn to state answers).
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from functools import partial

import torch
from torch.utils.checkpoint import checkpoint
from trl.trainer.utils import selective_log_softmax

from rl2f_eval.didactic.store import FORMAT_TEACHER
from rl2f_eval.teachers.strategies import SelfTeacher
from rl2f_eval.train.chat import ChatTokens
from rl2f_eval.train.rollout import Episode

IGNORE = -100


@dataclass(frozen=True)
class CritiqueExample:
    prompt_ids: list[int]
    target_ids: list[int]


def critique_examples(episodes: Sequence[Episode], chat: ChatTokens) -> list[CritiqueExample]:
    critic = SelfTeacher()
    examples = []
    for episode in episodes:
        for turn in episode.turns:
            if turn.request is None or turn.teacher in (None, FORMAT_TEACHER) or turn.leak:
                continue
            messages = [
                {"role": message.role, "content": message.text}
                for message in critic.messages(turn.request)
            ]
            prompt, reply = chat.reply(messages, turn.feedback or "")
            examples.append(CritiqueExample(prompt, reply))
    return examples


def critique_batches(
    examples: Sequence[CritiqueExample], pad_id: int, chunk_tokens: int
) -> Iterator[dict[str, torch.Tensor]]:
    """Micro-batches of at most `chunk_tokens` tokens (examples x padded length; one example at
    least), laid out as TRL lays out a generation batch: prompts padded on the left, targets on
    the right, so every target sits in the last positions and only those need logits."""
    batch: list[CritiqueExample] = []
    for example in examples:
        candidate = [*batch, example]
        prompt = max(len(e.prompt_ids) for e in candidate)
        width = prompt + max(len(e.target_ids) for e in candidate)
        if batch and len(candidate) * width > chunk_tokens:
            yield _layout(batch, pad_id)
            candidate = [example]
        batch = candidate
    if batch:
        yield _layout(batch, pad_id)


def _layout(examples: Sequence[CritiqueExample], pad_id: int) -> dict[str, torch.Tensor]:
    prompt = max(len(e.prompt_ids) for e in examples)
    target = max(len(e.target_ids) for e in examples)
    input_ids = torch.full((len(examples), prompt + target), pad_id, dtype=torch.long)
    attention = torch.zeros_like(input_ids)
    labels = torch.full((len(examples), target), IGNORE, dtype=torch.long)
    for i, example in enumerate(examples):
        start, end = prompt - len(example.prompt_ids), prompt + len(example.target_ids)
        input_ids[i, start:end] = torch.tensor(example.prompt_ids + example.target_ids)
        attention[i, start:end] = 1
        labels[i, : len(example.target_ids)] = torch.tensor(example.target_ids)
    # positions count real tokens only, as if the left padding were not there
    positions = (attention.cumsum(-1) - 1).clamp(min=0)
    return {
        "input_ids": input_ids,
        "attention_mask": attention,
        "position_ids": positions,
        "labels": labels,
    }


def _nll_sum(
    model: torch.nn.Module,
    input_ids: torch.Tensor,
    attention_mask: torch.Tensor,
    position_ids: torch.Tensor,
    labels: torch.Tensor,
) -> torch.Tensor:
    # logits of the last T + 1 positions only: position t predicts token t + 1
    logits = model(
        input_ids=input_ids,
        attention_mask=attention_mask,
        position_ids=position_ids,
        logits_to_keep=labels.size(1) + 1,
    ).logits[:, :-1]
    logps = selective_log_softmax(logits, labels.clamp(min=0))
    return -(logps * (labels != IGNORE)).sum()


def critique_nll(
    model: torch.nn.Module, batches: Iterable[dict[str, torch.Tensor]]
) -> torch.Tensor:
    """Mean negative log-likelihood of the target tokens (teacher feedback) under `model`.

    Each micro-batch's forward pass is checkpointed: the backward pass recomputes it, so only
    one micro-batch's activations and logits are alive at a time, never the fp32 logits of
    the whole slice."""
    total: torch.Tensor | None = None
    count = 0
    for batch in batches:
        part = checkpoint(
            partial(_nll_sum, model),
            batch["input_ids"],
            batch["attention_mask"],
            batch["position_ids"],
            batch["labels"],
            use_reentrant=False,
        )
        total = part if total is None else total + part
        count += int((batch["labels"] != IGNORE).sum())
    if total is None or count == 0:
        raise ValueError("critique_nll needs at least one target token")
    return total / count

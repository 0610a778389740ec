"""Critique prediction: train the student to write the teacher's feedback itself.

For every teacher feedback of a rollout, one supervised example: the input is exactly what the
`self` teacher shows the model at evaluation time (`SelfTeacher.messages`: the problem, the
earlier attempts and feedback, the latest wrong attempt; no reference, no verifier report), the
target is the feedback the student was actually shown. So `-T teacher=self` on the trained
checkpoint uses the critic this loss trained. Format reminders are not critiques and leaked
feedback is never a target (the critic must not learn to state answers).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import torch

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


def critique_batch(examples: Sequence[CritiqueExample], pad_id: int) -> dict[str, torch.Tensor]:
    """Right-padded input ids, attention mask and labels (-100 outside the targets)."""
    rows = [e.prompt_ids + e.target_ids for e in examples]
    width = max(len(r) for r in rows)
    input_ids = torch.full((len(rows), width), pad_id, dtype=torch.long)
    attention = torch.zeros((len(rows), width), dtype=torch.long)
    labels = torch.full((len(rows), width), IGNORE, dtype=torch.long)
    for i, (example, row) in enumerate(zip(examples, rows, strict=True)):
        input_ids[i, : len(row)] = torch.tensor(row)
        attention[i, : len(row)] = 1
        labels[i, len(example.prompt_ids) : len(row)] = torch.tensor(example.target_ids)
    return {"input_ids": input_ids, "attention_mask": attention, "labels": labels}


def critique_nll(model: torch.nn.Module, batch: dict[str, torch.Tensor]) -> torch.Tensor:
    """Mean negative log-likelihood of the target tokens (teacher feedback) under `model`."""
    logits = model(input_ids=batch["input_ids"], attention_mask=batch["attention_mask"]).logits
    # position t predicts token t + 1
    return torch.nn.functional.cross_entropy(
        logits[:, :-1].float().reshape(-1, logits.size(-1)),
        batch["labels"][:, 1:].reshape(-1),
        ignore_index=IGNORE,
    )

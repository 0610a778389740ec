"""A deterministic, offline model for tests and benchmarks: replies are scripted per turn.

    --model scripted/student -M script=wrong,wrong,right -M answers=answers.json

As a student it answers turn k with the k-th script entry (the last one repeats):
  right    the problem's correct completion (from `answers`)
  wrong    a well-formed wrong completion (from `answers`; without one, an unparsable reply)
  garbled  a reply with no answer in it
  empty    an empty reply
  error    raise an error (as a failing API would)
`answers` is a JSON file (or list) of {"problem", "right", "wrong", "answer"} records, matched to
the conversation by the problem text. As a teacher (or self-critic) it replies `feedback`
(or `critique`), where "{answer}" is replaced by the problem's reference answer: a deliberate leak.
`latency` (seconds) sleeps per call, to measure the harness under realistic concurrency.
"""

from __future__ import annotations

import json
from collections import defaultdict
from pathlib import Path
from typing import Any

import anyio
from inspect_ai.dataset import Sample
from inspect_ai.model import (
    ChatMessage,
    ChatMessageAssistant,
    ChatMessageSystem,
    ChatMessageUser,
    GenerateConfig,
    ModelAPI,
    ModelOutput,
    ModelUsage,
)
from inspect_ai.tool import ToolChoice, ToolInfo

from rl2f_eval.didactic import prompts
from rl2f_eval.suites.base import Problem, Suite

SCRIPT_STEPS = ("right", "wrong", "garbled", "empty", "error")
DEFAULT_FEEDBACK = "Check each step of your answer against the problem statement."
DEFAULT_CRITIQUE = "I should re-check my reasoning step by step."
GARBLED = "Hmm, let me think about something else entirely."
NO_ANSWER = "I am not sure."


class ScriptedModelError(RuntimeError):
    """The failure the `error` script step raises (stands in for a failing API call)."""


class ScriptedModel(ModelAPI):
    def __init__(
        self,
        model_name: str,
        base_url: str | None = None,
        api_key: str | None = None,
        config: GenerateConfig = GenerateConfig(),
        script: str | list[str] = "wrong,wrong,right",
        answers: str | list[dict[str, str]] | None = None,
        feedback: str = DEFAULT_FEEDBACK,
        critique: str = DEFAULT_CRITIQUE,
        latency: float = 0.0,
        **model_args: Any,
    ) -> None:
        super().__init__(model_name, base_url, api_key, [], config)
        if model_args:
            raise ValueError(f"scripted model: unknown model args {sorted(model_args)}")
        steps = script.split(",") if isinstance(script, str) else list(script)
        steps = [step.strip() for step in steps]
        if not steps or any(step not in SCRIPT_STEPS for step in steps):
            raise ValueError(
                f"script entries must be among {', '.join(SCRIPT_STEPS)}; got {script!r}"
            )
        self.script, self.feedback, self.critique = steps, feedback, critique
        self.latency = float(latency)
        records = json.loads(Path(answers).read_text()) if isinstance(answers, str) else answers
        # problems of one suite often share a length (same-size mazes): look up by length, then text
        self.answers: dict[int, dict[str, dict[str, str]]] = defaultdict(dict)
        for record in records or []:
            self.answers[len(record["problem"])][record["problem"]] = record

    def _record(self, input: list[ChatMessage]) -> dict[str, str]:
        text = next((m.text for m in input if isinstance(m, ChatMessageUser)), "")
        for length, records in self.answers.items():
            if (found := records.get(text[:length])) is not None:
                return found
        for records in self.answers.values():  # a teacher prompt quotes the problem later on
            for problem, record in records.items():
                if problem in text:
                    return record
        return {}

    def _reply(self, input: list[ChatMessage]) -> str:
        system = next((m.text for m in input if isinstance(m, ChatMessageSystem)), "")
        if system in (prompts.TEACHER_SYSTEM, prompts.TEACHER_SYSTEM_UNPRIVILEGED):
            return self.feedback.replace("{answer}", self._record(input).get("answer", ""))
        if system == prompts.SELF_CRITIQUE_SYSTEM:
            return self.critique.replace("{answer}", self._record(input).get("answer", ""))
        turn = sum(isinstance(m, ChatMessageAssistant) for m in input)
        step = self.script[min(turn, len(self.script) - 1)]
        if step == "error":
            raise ScriptedModelError(f"scripted failure at turn {turn + 1}")
        if step == "empty":
            return ""
        if step == "garbled":
            return GARBLED
        record = self._record(input)
        if step == "right":
            if "right" not in record:
                raise ScriptedModelError("script says 'right' but no answer matches this problem")
            return record["right"]
        return record.get("wrong", NO_ANSWER)

    async def generate(
        self,
        input: list[ChatMessage],
        tools: list[ToolInfo],
        tool_choice: ToolChoice,
        config: GenerateConfig,
    ) -> ModelOutput:
        if self.latency:
            await anyio.sleep(self.latency)
        reply = self._reply(input)
        prompt_tokens = sum(len(m.text.split()) for m in input)
        output = ModelOutput.from_content(self.model_name, reply)
        output.usage = ModelUsage(
            input_tokens=prompt_tokens,
            output_tokens=len(reply.split()),
            total_tokens=prompt_tokens + len(reply.split()),
        )
        return output

    async def count_text_tokens(self, text: str) -> int:
        return len(text.split())  # offline: no tokenizer download

    def max_connections(self) -> int:
        return 64


def answer_records(suite: Suite, samples: list[Sample]) -> list[dict[str, str]]:
    """The `answers` records for `samples` of `suite`, built with the suite's oracle texts."""
    records = []
    for sample in samples:
        problem = Problem.from_sample(sample)
        records.append(
            {
                "problem": problem.input,
                "right": suite.answer_text(problem),
                "wrong": suite.wrong_answer_text(problem),
                "answer": problem.target,
            }
        )
    return records

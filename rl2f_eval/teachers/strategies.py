"""The four feedback strategies: model, verifier, binary, self."""

from __future__ import annotations

from abc import abstractmethod

from inspect_ai.model import (
    CachePolicy,
    ChatMessage,
    ChatMessageAssistant,
    ChatMessageSystem,
    ChatMessageUser,
    Model,
    get_model,
)

from rl2f_eval.teachers import prompts, wording
from rl2f_eval.teachers.base import Feedback, FeedbackRequest, Teacher, TeacherError


class VerifierTeacher(Teacher):
    """Programmatic feedback from the suite's verifier (failing test, illegal move, ...)."""

    name = "verifier"

    async def feedback(self, request: FeedbackRequest) -> Feedback:
        return Feedback(request.verdict.feedback)


class BinaryTeacher(Teacher):
    """Only 'incorrect, try again': the control that separates feedback use from retrying."""

    name = "binary"

    async def feedback(self, request: FeedbackRequest) -> Feedback:
        return Feedback(prompts.BINARY_FEEDBACK)


class _LLMTeacher(Teacher):
    """Shared mechanics of teachers that ask a model: resolve it at run time; an empty reply is
    asked again, and so is one the student could not read as it stands (`wording.unusable`),
    with the reason, up to `retries` times. Feedback the leak guard rejected
    (`FeedbackRequest.rejected`) is answered in the same conversation: the teacher is told
    what gave the answer away."""

    def __init__(
        self,
        model: str | Model | None = None,
        retries: int = 2,
        cache: bool | CachePolicy = False,
    ) -> None:
        self._model, self.retries, self.cache = model, retries, cache

    @abstractmethod
    def model(self) -> Model: ...

    def author(self) -> Model:
        return self.model()

    @abstractmethod
    def messages(self, request: FeedbackRequest) -> list[ChatMessageSystem | ChatMessageUser]: ...

    async def feedback(self, request: FeedbackRequest) -> Feedback:
        model, tokens = self.model(), 0
        messages: list[ChatMessage] = list(self.messages(request))
        for leaked, why in request.rejected:
            messages += [
                ChatMessageAssistant(content=leaked),
                ChatMessageUser(content=prompts.LEAKED.format(why=why)),
            ]
        last: tuple[str, str] | None = None  # (tidied, raw) of the last non-empty reply
        for _ in range(self.retries + 1):
            output = await model.generate(messages, cache=self.cache)
            tokens += output.usage.output_tokens if output.usage else 0
            raw = output.completion.strip()
            text = wording.tidy(raw)
            if not text:
                continue
            last = text, raw
            problem = wording.unusable(text)
            if problem is None:
                break
            rewrite = prompts.REWRITE.format(problem=problem)
            messages += [ChatMessageAssistant(content=raw), ChatMessageUser(content=rewrite)]
        if last is None:
            raise TeacherError(
                f"{self.name} teacher ({model}) returned empty feedback {self.retries + 1} times"
            )
        # after the rewrites, never pass on a verdict of "correct": the verifier decides that
        text = wording.drop_false_praise(last[0]) or prompts.BINARY_FEEDBACK
        return Feedback(text, tokens, original=last[1] if last[1] != text else None)


class ModelTeacher(_LLMTeacher):
    """An LLM teacher bound to the Inspect model role `teacher` (unbound: the student model),
    given the reference solution and the verifier's report unless `privileged=False`."""

    name = "model"
    introduction = prompts.TEACHER_INTRODUCTION

    def __init__(
        self,
        model: str | Model | None = None,
        privileged: bool = True,
        retries: int = 2,
        cache: bool | CachePolicy = False,
    ) -> None:
        super().__init__(model, retries, cache)
        self.privileged = privileged

    def model(self) -> Model:
        return get_model(self._model, role="teacher")

    def messages(self, request: FeedbackRequest) -> list[ChatMessageSystem | ChatMessageUser]:
        history = prompts.history_block(request.history)
        if not self.privileged:
            return [
                ChatMessageSystem(content=prompts.TEACHER_SYSTEM_UNPRIVILEGED),
                ChatMessageUser(
                    content=prompts.UNPRIVILEGED_PROMPT.format(
                        problem=request.problem.input, history=history, attempt=request.attempt
                    )
                ),
            ]
        report = request.verdict.report or request.verdict.feedback
        return [
            ChatMessageSystem(content=prompts.TEACHER_SYSTEM),
            ChatMessageUser(
                content=prompts.TEACHER_PROMPT.format(
                    problem=request.problem.input,
                    reference=request.suite.reference(request.problem),
                    report=report,
                    history=history,
                    attempt=request.attempt,
                )
            ),
        ]


class SelfTeacher(_LLMTeacher):
    """The student critiques its own attempt with no privileged information (teacher-free)."""

    name = "self"
    introduction = prompts.SELF_INTRODUCTION

    def model(self) -> Model:
        return get_model(self._model)

    def messages(self, request: FeedbackRequest) -> list[ChatMessageSystem | ChatMessageUser]:
        return [
            ChatMessageSystem(content=prompts.SELF_CRITIQUE_SYSTEM),
            ChatMessageUser(
                content=prompts.UNPRIVILEGED_PROMPT.format(
                    problem=request.problem.input,
                    history=prompts.history_block(request.history),
                    attempt=request.attempt,
                )
            ),
        ]


TEACHERS = ("model", "verifier", "binary", "self")


def make_teacher(
    name: str,
    privileged: bool = True,
    model: str | Model | None = None,
    retries: int = 2,
    cache: bool | CachePolicy = False,
) -> Teacher:
    """`cache`: Inspect's model-output cache for the LLM teachers' calls (and the leak judge's
    about their feedback)."""
    if name == "model":
        return ModelTeacher(model, privileged=privileged, retries=retries, cache=cache)
    if name == "self":
        return SelfTeacher(model, retries=retries, cache=cache)
    if name == "verifier":
        return VerifierTeacher()
    if name == "binary":
        return BinaryTeacher()
    raise ValueError(f"teacher must be one of {', '.join(TEACHERS)}; got {name!r}")

"""The four feedback strategies: model, verifier, binary, self."""

from __future__ import annotations

import logging
from abc import abstractmethod

from inspect_ai.model import (
    CachePolicy,
    ChatMessage,
    ChatMessageAssistant,
    ChatMessageSystem,
    ChatMessageUser,
    Model,
    get_model,
    model_roles,
)

from rl2f_eval.errors import TaskArgError
from rl2f_eval.teachers import prompts, wording
from rl2f_eval.teachers.base import Feedback, FeedbackRequest, Teacher, TeacherError

TEACHER_CACHE_EXPIRY = "1Y"
"""How long cached teacher feedback is kept with `teacher_cache=true` (explicit: a log records
Inspect's default as None)."""


def teacher_cache_policy(setting: bool | str | CachePolicy | None) -> CachePolicy | bool | None:
    """Inspect's model-output cache policy for teacher calls from the `teacher_cache` task
    argument (or a policy, as it is): None leaves it to Inspect's settings (a `cache:` in the
    teacher's role, or `--cache`, which also caches the student); false never caches; true or an
    expiry (`30D`, `1Y`) caches with that expiry. The policy is shared by every epoch
    (`per_epoch=False`): the same attempt in the same conversation gets the same feedback,
    whatever the epoch, the rerun or the student that wrote it."""
    if setting is None or setting is False or isinstance(setting, CachePolicy):
        return setting
    expiry = TEACHER_CACHE_EXPIRY if setting is True else str(setting)
    return CachePolicy(expiry=expiry, per_epoch=False)


def bound_teacher_models() -> list[str]:
    """The models bound to the `teacher` role of the running evaluation (Inspect initialises the
    roles before it builds tasks): one name, none (unbound), or several (a list-valued role)."""
    bound = model_roles().get("teacher")
    if bound is None:
        return []
    return [str(m) for m in bound] if isinstance(bound, list) else [str(bound)]


logger = logging.getLogger(__name__)

STUDENT_ONLY_SETTINGS = (
    "max_tokens",
    "temperature",
    "top_p",
    "seed",
    "reasoning_effort",
    "reasoning_tokens",
)
"""Generation settings Inspect gives the evaluated model only: `--max-tokens 4096` on the command
line never reaches a teacher bound with --model-role (its role carries its own)."""


def student_only_settings() -> dict[str, object]:
    """The command line's generation settings that the bound teacher does not get, while a task
    is built (Inspect sets the active model, its settings and the roles before it builds tasks;
    the two accessors are not exported, hence the guarded private import)."""
    try:
        from inspect_ai.model._generate_config import active_generate_config
        from inspect_ai.model._model import active_model
    except ImportError:  # a later Inspect: no warning rather than no run
        return {}
    bound = model_roles().get("teacher")
    if bound is None or isinstance(bound, list) or active_model() is None:
        return {}
    active = active_generate_config()
    return {
        name: value
        for name in STUDENT_ONLY_SETTINGS
        if (value := getattr(active, name, None)) is not None
        and getattr(bound.config, name, None) is None
    }


def warn_student_only_settings() -> None:
    """Say once per task when `--max-tokens` and the like do not reach the bound teacher."""
    settings = student_only_settings()
    if settings:
        flags = ", ".join(f"--{k.replace('_', '-')} {v}" for k, v in settings.items())
        given = ", ".join(f"{k}: {v}" for k, v in settings.items())
        teacher = bound_teacher_models()[0]
        logger.warning(
            f"{flags}: Inspect applies these to the student only; the teacher ({teacher}) keeps "
            f"its own settings. To give it the same: --model-role 'teacher={{model: {teacher}, "
            f"{given}}}'"
        )


def refuse_several_teachers() -> None:
    """One line, before anything runs, for `--model-role teacher=a,b`: Inspect would quietly use
    the first model, and a log's teacher would then say less than what was asked for."""
    models = bound_teacher_models()
    if len(models) > 1:
        raise TaskArgError(
            f"the teacher role names {len(models)} models ({', '.join(models)}); a run has one "
            "teacher: run one evaluation per teacher, or compare them with "
            f"`rl2f-eval grid --teachers {','.join(models)}`"
        )


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
        cache: bool | str | CachePolicy | None = None,
    ) -> None:
        self._model, self.retries = model, retries
        self.cache = teacher_cache_policy(cache)

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
            output = await (
                model.generate(messages)
                if self.cache is None
                else model.generate(messages, cache=self.cache)
            )
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
        cache: bool | str | CachePolicy | None = None,
    ) -> None:
        super().__init__(model, retries, cache)
        self.privileged = privileged
        if model is None:
            refuse_several_teachers()
            warn_student_only_settings()

    def model(self) -> Model:
        if len(bound_teacher_models()) > 1:  # roles bound after the task was built
            raise TeacherError("the teacher role names several models; a run has one teacher")
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
    cache: bool | str | CachePolicy | None = None,
) -> Teacher:
    """`cache`: the `teacher_cache` task argument (see `teacher_cache_policy`): Inspect's
    model-output cache for the LLM teachers' calls (and the leak judge's about their feedback)."""
    if name == "model":
        return ModelTeacher(model, privileged=privileged, retries=retries, cache=cache)
    if name == "self":
        return SelfTeacher(model, retries=retries, cache=cache)
    if name == "verifier":
        return VerifierTeacher()
    if name == "binary":
        return BinaryTeacher()
    raise ValueError(f"teacher must be one of {', '.join(TEACHERS)}; got {name!r}")

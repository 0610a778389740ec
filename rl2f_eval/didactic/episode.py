"""One didactic episode: its arguments, and the step every turn takes.

`EpisodeArgs` is the one declaration of the seven episode arguments (`turns`, `teacher`,
`privileged`, `leak`, `leak_judge`, `oracle_turn`, `teacher_cache`): their defaults, checks and
documentation.
The tasks (`rl2f_eval.tasks`) add them to every suite's own arguments; the solver reads them
from here.

`DidacticEpisode.step` is the one turn of the interaction, whoever the student is: attempt ->
extract -> check -> feedback (the teacher behind the leak guard, or the format reminder) -> the
next user message -> the turn record. The Inspect solver (`didactic.solver`) feeds it the
student's completions; training (`rl2f_eval.train.rollout`) feeds it decoded token ids and
appends the messages it returns as token ids. So a trained student sees exactly what it will see
in evaluation.
"""

from __future__ import annotations

from dataclasses import dataclass, fields
from typing import Any

import anyio

from rl2f_eval.didactic import prompts
from rl2f_eval.didactic.store import FORMAT_TEACHER, TurnRecord
from rl2f_eval.errors import TaskArgError, check_bool, check_cache, check_choice, check_int
from rl2f_eval.suites.base import Problem, Suite, Verdict
from rl2f_eval.teachers import (
    LEAK_MODES,
    TEACHERS,
    FeedbackRequest,
    GuardedFeedback,
    LeakJudge,
    Teacher,
    guarded_feedback,
)

MAX_TURNS = 100
"""More attempts than any study uses (the paper's episodes have up to 10): a typo such as
`turns=1000000000` gets one line instead of an episode that never ends."""


@dataclass(frozen=True)
class EpisodeArgs:
    """How a didactic episode runs (`-T name=value`, the same for every task).

    Args:
        turns: maximum student attempts; the episode stops early on success.
        teacher: who writes the feedback after a wrong attempt: model (an LLM teacher holding the
            reference and the verifier's report, bound with --model-role teacher=...; unbound:
            the student model itself), verifier (the suite's programmatic feedback), binary (only
            "incorrect, try again": the control for mere retrying) or self (the student critiques
            its own attempt, with no privileged information).
        privileged: false withholds the reference and the verifier's report from the model
            teacher (the control that shows what privileged information buys).
        leak: what the leak guard does with feedback that gives the answer away: flag (record
            it), redact (also replace the leaking text) or regenerate (ask the teacher again,
            then redact).
        leak_judge: also ask an LLM judge whether feedback that passed the string guard gives
            the answer away, given the reference (string match plus an LLM judge, as the
            paper): the Inspect model role judge, bound with --model-role judge=...; unbound:
            the teacher's model. Its verdict and reason are recorded per turn; only
            model-written feedback (the model and self teachers) is judged.
        oracle_turn: oracle check mode: an oracle replaces the student, answering wrongly before
            this turn and with the reference from it on (no student model calls); acc@k must be
            0 before it and 1 from it on.
        teacher_cache: Inspect's model-output cache for the model and self teachers' calls:
            true (kept a year) or an expiry such as 30D caches them, so a rerun, or another
            student, that makes the same attempt in the same conversation gets the same feedback
            without a new call (whatever the epoch); false never caches; unset leaves it to
            Inspect (a cache: setting in the teacher's role, or --cache, which caches the
            student too).
    """

    turns: int = 5
    teacher: str = "model"
    privileged: bool = True
    leak: str = "flag"
    leak_judge: bool = False
    oracle_turn: int | None = None
    teacher_cache: bool | str | None = None

    def __post_init__(self) -> None:
        check_int("turns", self.turns, 1, MAX_TURNS)
        check_choice("teacher", self.teacher, TEACHERS)
        check_bool("privileged", self.privileged)
        check_choice("leak", self.leak, LEAK_MODES)
        check_bool("leak_judge", self.leak_judge)
        oracle = self.oracle_turn
        if oracle is not None and (
            not isinstance(oracle, int) or isinstance(oracle, bool) or not 1 <= oracle <= self.turns
        ):
            raise TaskArgError(
                f"oracle_turn must be between 1 and turns={self.turns}; got {oracle!r}"
            )
        check_cache("teacher_cache", self.teacher_cache)

    @classmethod
    def of(cls, args: dict[str, Any]) -> EpisodeArgs:
        """From keyword arguments, with a one-line error for one it does not take."""
        unknown = sorted(set(args) - set(EPISODE_ARGS))
        if unknown:
            raise TaskArgError(
                f"unknown episode argument {unknown[0]!r}; they are {', '.join(EPISODE_ARGS)}"
            )
        return cls(**args)


EPISODE_ARGS = tuple(f.name for f in fields(EpisodeArgs))


def first_message(suite: Suite, problem: Problem) -> str:
    """The student's opening message: the problem and the answer format."""
    return prompts.STUDENT_PROMPT.format(problem=problem.input, answer_format=suite.answer_format)


async def check(suite: Suite, answer: str | None, problem: Problem) -> Verdict:
    if answer is None:
        return Verdict(False, prompts.FORMAT_FEEDBACK, report="The answer could not be extracted.")
    if not suite.slow_verify:
        return suite.verify(answer, problem)
    # verifiers may be CPU-bound (sympy, sandboxed tests): keep the event loop free
    return await anyio.to_thread.run_sync(suite.verify, answer, problem)


async def turn_feedback(
    teacher: Teacher, request: FeedbackRequest, leak: str, judge: LeakJudge | None = None
) -> tuple[GuardedFeedback, str]:
    """What the student is told after a wrong turn, and who wrote it. An unparsable answer gets
    the format reminder without asking the teacher."""
    if request.answer is None:
        return GuardedFeedback(prompts.FORMAT_FEEDBACK), FORMAT_TEACHER
    return await guarded_feedback(teacher, request, leak, judge=judge), teacher.name


def retry_message(teacher: Teacher, source: str, feedback: str, answer_format: str) -> str:
    """The user message after a wrong turn: the feedback, introduced as its teacher's (the
    format reminder stands alone: there is no answer to call incorrect), then the format."""
    text = feedback if source == FORMAT_TEACHER else teacher.introduction.format(feedback=feedback)
    return prompts.RETRY_PROMPT.format(feedback=text, answer_format=answer_format)


@dataclass(frozen=True)
class Step:
    """One turn of an episode."""

    record: TurnRecord
    """What the log's sample store keeps (attempt, answer, verdict, feedback, leak, tokens)."""
    verdict: Verdict
    request: FeedbackRequest | None = None
    """What the teacher was asked (None: no teacher was asked)."""
    message: str | None = None
    """The student's next user message; None when the episode is over (solved, or no turns
    left: no feedback after the last attempt, nobody would read it)."""

    # the record's fields that readers of a step use most
    @property
    def attempt(self) -> str:
        return self.record.attempt

    @property
    def answer(self) -> str | None:
        return self.record.answer

    @property
    def feedback(self) -> str | None:
        return self.record.feedback

    @property
    def teacher(self) -> str | None:
        return self.record.teacher

    @property
    def leak(self) -> bool:
        return self.record.leak


class DidacticEpisode:
    """One problem's episode, turn by turn (see the module docstring). `judge`: the leak judge
    behind the string guard (None: strings only)."""

    def __init__(
        self,
        suite: Suite,
        problem: Problem,
        teacher: Teacher,
        turns: int,
        leak: str = "flag",
        judge: LeakJudge | None = None,
    ) -> None:
        self.suite, self.problem, self.teacher = suite, problem, teacher
        self.max_turns, self.leak, self.judge = turns, leak, judge
        self.steps: list[Step] = []
        self.solved_turn: int | None = None

    def first_message(self) -> str:
        return first_message(self.suite, self.problem)

    @property
    def done(self) -> bool:
        return self.solved_turn is not None or len(self.steps) >= self.max_turns

    @property
    def records(self) -> list[TurnRecord]:
        return [step.record for step in self.steps]

    @property
    def clean(self) -> bool:
        """No feedback the student read was flagged by the leak guard: a solve is a clean one
        (`rl2f_eval.didactic.metrics.turn_scores`)."""
        return not any(step.record.leak_shown for step in self.steps)

    async def step(
        self, attempt: str, student_tokens: int = 0, stop_reason: str | None = None
    ) -> Step:
        """Judge the student's `attempt` at the next turn and say what it is told next
        (`stop_reason`: why the reply ended, recorded for the truncated-reply count)."""
        if self.done:
            raise RuntimeError(f"the episode of {self.problem.id} is over")
        turn = len(self.steps) + 1
        answer = self.suite.extract(attempt)
        verdict = await check(self.suite, answer, self.problem)
        record = TurnRecord(
            turn=turn,
            attempt=attempt,
            answer=answer,
            correct=verdict.correct,
            score=verdict.score,
            verifier_feedback=verdict.feedback,
            verifier_report=verdict.report,
            student_tokens=student_tokens,
            stop_reason=stop_reason,
        )
        if verdict.correct:
            self.solved_turn = turn
            step = Step(record, verdict)
        elif turn == self.max_turns:
            step = Step(record, verdict)
        else:
            step = await self._feedback(record, verdict)
        self.steps.append(step)
        return step

    async def _feedback(self, record: TurnRecord, verdict: Verdict) -> Step:
        history = [(s.record.attempt, s.record.feedback or "") for s in self.steps]
        request = FeedbackRequest(
            self.suite, self.problem, record.attempt, record.answer, verdict, history
        )
        guarded, source = await turn_feedback(self.teacher, request, self.leak, self.judge)
        judge = guarded.judge
        record = record.model_copy(
            update=dict(
                feedback=guarded.text,
                teacher=source,
                leak=guarded.leak,
                leaked=guarded.leaked,
                judge=judge.verdict if judge else None,
                judge_reason=judge.reason if judge else None,
                leak_shown=guarded.shown_flagged,
                regenerations=guarded.regenerations,
                original_feedback=guarded.original,
                teacher_tokens=guarded.tokens,
                judge_tokens=guarded.judge_tokens,
            )
        )
        message = retry_message(self.teacher, source, guarded.text, self.suite.answer_format)
        return Step(record, verdict, request, message)

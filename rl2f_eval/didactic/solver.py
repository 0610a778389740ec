"""The didactic episode: student -> verifier -> teacher -> student, for up to `turns` turns."""

from __future__ import annotations

from typing import Any

import anyio
from inspect_ai.model import ChatMessageAssistant, ChatMessageUser, ModelOutput
from inspect_ai.solver import Generate, Solver, TaskState, solver
from inspect_ai.util import span

from rl2f_eval.didactic import prompts
from rl2f_eval.didactic.episode import EpisodeArgs
from rl2f_eval.didactic.store import FORMAT_TEACHER, DidacticStore, TurnRecord
from rl2f_eval.suites.base import Problem, Suite, Verdict
from rl2f_eval.teachers import (
    FeedbackRequest,
    GuardedFeedback,
    Teacher,
    guarded_feedback,
    make_teacher,
)

ORACLE = "oracle"


def problem_of(state: TaskState) -> Problem:
    return Problem(
        id=state.sample_id,
        input=state.input_text,
        target=state.target.text,
        metadata=dict(state.metadata),
    )


async def check(suite: Suite, answer: str | None, problem: Problem) -> Verdict:
    if answer is None:
        return Verdict(False, prompts.FORMAT_FEEDBACK, report="The answer could not be extracted.")
    if not suite.slow_verify:
        return suite.verify(answer, problem)
    # verifiers may be CPU-bound (sympy, sandboxed tests): keep the event loop free
    return await anyio.to_thread.run_sync(suite.verify, answer, problem)


async def turn_feedback(
    teacher: Teacher, request: FeedbackRequest, leak: str
) -> tuple[GuardedFeedback, str]:
    """What the student is told after a wrong turn, and who wrote it. An unparsable answer gets
    the format reminder without asking the teacher. Shared with training (rl2f_eval.train), so
    that a trained student sees exactly the feedback it will see in evaluation."""
    if request.answer is None:
        return GuardedFeedback(prompts.FORMAT_FEEDBACK), FORMAT_TEACHER
    return await guarded_feedback(teacher, request, leak), teacher.name


@solver
def didactic_loop(suite: Suite, teacher_retries: int = 2, **episode: Any) -> Solver:
    """Run a didactic episode per sample and record every turn in the sample store.

    `episode`: the `EpisodeArgs` (turns, teacher, privileged, leak, oracle_turn). The student
    sees only the problem, its own attempts and the feedback; the verifier alone decides
    correctness; the teacher only writes feedback, which passes the leak guard. With
    `oracle_turn=K` an oracle replaces the student: wrong before turn K, the reference from K on.
    """
    args = EpisodeArgs.of(episode)
    turns, leak, oracle_turn = args.turns, args.leak, args.oracle_turn
    feedback_teacher = make_teacher(
        args.teacher, privileged=args.privileged, retries=teacher_retries
    )

    async def solve(state: TaskState, generate: Generate) -> TaskState:
        problem, store = problem_of(state), state.store_as(DidacticStore)
        store.max_turns = turns
        state.messages = [
            ChatMessageUser(
                content=prompts.STUDENT_PROMPT.format(
                    problem=problem.input, answer_format=suite.answer_format
                )
            )
        ]
        history: list[tuple[str, str]] = []
        records: list[TurnRecord] = []  # kept here: reading store.turns re-validates it each time
        for turn in range(1, turns + 1):
            async with span(f"turn_{turn}"):
                if oracle_turn is not None:
                    right = turn >= oracle_turn
                    attempt = (suite.answer_text if right else suite.wrong_answer_text)(problem)
                    state.output = ModelOutput.from_content(ORACLE, attempt)
                    state.messages.append(ChatMessageAssistant(content=attempt, model=ORACLE))
                    student_tokens = 0
                else:
                    state = await generate(state)
                    attempt = state.output.completion
                    usage = state.output.usage
                    student_tokens = usage.output_tokens if usage else 0
                answer = suite.extract(attempt)
                verdict = await check(suite, answer, problem)
                record = TurnRecord(
                    turn=turn,
                    attempt=attempt,
                    answer=answer,
                    correct=verdict.correct,
                    score=verdict.score,
                    verifier_feedback=verdict.feedback,
                    verifier_report=verdict.report,
                    student_tokens=student_tokens,
                )
                if verdict.correct:
                    store.solved_turn = turn
                elif turn < turns:  # no feedback after the last attempt: nobody would read it
                    request = FeedbackRequest(suite, problem, attempt, answer, verdict, history)
                    guarded, source = await turn_feedback(feedback_teacher, request, leak)
                    record = record.model_copy(
                        update=dict(
                            feedback=guarded.text,
                            teacher=source,
                            leak=guarded.leak,
                            leaked=guarded.leaked,
                            original_feedback=guarded.original,
                            teacher_tokens=guarded.tokens,
                        )
                    )
                    history.append((attempt, guarded.text))
                    state.messages.append(
                        ChatMessageUser(
                            content=prompts.RETRY_PROMPT.format(
                                feedback=guarded.text, answer_format=suite.answer_format
                            )
                        )
                    )
                records.append(record)
                # reassign: the store only sees attribute writes, not in-place list edits
                store.turns = list(records)
                if verdict.correct:
                    break
        return state

    return solve

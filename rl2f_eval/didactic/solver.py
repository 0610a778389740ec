"""The didactic episode as an Inspect solver: student -> verifier -> teacher -> student, for up to
`turns` turns, each turn one `DidacticEpisode.step`."""

from __future__ import annotations

from typing import Any

from inspect_ai.model import ChatMessageAssistant, ChatMessageUser, ModelOutput
from inspect_ai.solver import Generate, Solver, TaskState, solver
from inspect_ai.util import span

from rl2f_eval.didactic.episode import DidacticEpisode, EpisodeArgs
from rl2f_eval.didactic.store import DidacticStore
from rl2f_eval.suites.base import Problem, Suite
from rl2f_eval.teachers import LeakJudge, make_teacher

ORACLE = "oracle"


def problem_of(state: TaskState) -> Problem:
    return Problem(
        id=state.sample_id,
        input=state.input_text,
        target=state.target.text,
        metadata=dict(state.metadata),
    )


def oracle_attempt(suite: Suite, problem: Problem, turn: int, right_from: int) -> ModelOutput:
    """Oracle mode: a well-formed wrong answer before turn `right_from`, the reference from it."""
    right = turn >= right_from
    return ModelOutput.from_content(
        ORACLE, (suite.answer_text if right else suite.wrong_answer_text)(problem)
    )


@solver
def didactic_loop(suite: Suite, teacher_retries: int = 2, **episode: Any) -> Solver:
    """Run a didactic episode per sample and record every turn in the sample store.

    `episode`: the `EpisodeArgs` (turns, teacher, privileged, leak, leak_judge, oracle_turn).
    The student sees only the problem, its own attempts and the feedback; the verifier alone
    decides correctness; the teacher only writes feedback, which passes the leak guard. With
    `oracle_turn=K` an oracle replaces the student: wrong before turn K, the reference from K on.
    """
    args = EpisodeArgs.of(episode)
    teacher = make_teacher(
        args.teacher,
        privileged=args.privileged,
        retries=teacher_retries,
        cache=args.teacher_cache,
    )
    judge = LeakJudge(retries=teacher_retries) if args.leak_judge else None

    async def solve(state: TaskState, generate: Generate) -> TaskState:
        episode = DidacticEpisode(suite, problem_of(state), teacher, args.turns, args.leak, judge)
        store = state.store_as(DidacticStore)
        store.max_turns = args.turns
        state.messages = [ChatMessageUser(content=episode.first_message())]
        while not episode.done:
            turn = len(episode.steps) + 1
            async with span(f"turn_{turn}"):
                if args.oracle_turn is not None:
                    state.output = oracle_attempt(suite, episode.problem, turn, args.oracle_turn)
                    state.messages.append(
                        ChatMessageAssistant(content=state.output.completion, model=ORACLE)
                    )
                else:
                    state = await generate(state)
                usage = state.output.usage
                step = await episode.step(
                    state.output.completion,
                    usage.output_tokens if usage else 0,
                    state.output.stop_reason,
                )
                if step.message is not None:
                    state.messages.append(ChatMessageUser(content=step.message))
                # assign whole values: the store sees attribute writes, not in-place list edits
                store.turns = episode.records
                store.solved_turn = episode.solved_turn
        return state

    return solve

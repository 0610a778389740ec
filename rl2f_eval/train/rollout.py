"""Multi-turn didactic rollouts at the token level: the episode loop of `rl2f_eval.didactic`, with
the student generating token ids through whatever backend the trainer runs.

Per turn, every unsolved episode of the batch generates at once; the suite's verifier judges each
attempt (`didactic.solver.check`), and the same feedback path as evaluation (`turn_feedback`: the
teacher behind the leak guard, or the format reminder) writes the next user turn. Student ids are
marked 1 in `env_mask` (trained); template and teacher ids 0 (masked out of the loss).
Nothing here imports TRL: the trainer binding lives in `trl_adapter`.
"""

from __future__ import annotations

import asyncio
import threading
import time
from collections.abc import Callable, Coroutine, Sequence
from dataclasses import dataclass, field
from typing import Any, TypeVar

from rl2f_eval.didactic import prompts
from rl2f_eval.didactic.solver import check, turn_feedback
from rl2f_eval.suites.base import Problem, Suite, Verdict
from rl2f_eval.teachers import FeedbackRequest, Teacher
from rl2f_eval.train.chat import ChatTokens

Generate = Callable[[list[list[int]]], tuple[list[list[int]], list[list[float]] | None]]
"""Token-level generation: one completion per prompt, and the sampled tokens' logprobs (or None
when the backend does not report them)."""

T = TypeVar("T")


@dataclass
class Turn:
    attempt: str
    answer: str | None
    verdict: Verdict
    feedback: str | None = None
    teacher: str | None = None
    """Who wrote the feedback: a teacher's name, or "format"."""
    leak: bool = False
    request: FeedbackRequest | None = None
    """What the teacher was asked (kept for critique prediction)."""


@dataclass
class Episode:
    problem: Problem
    prompt_ids: list[int]
    completion_ids: list[int] = field(default_factory=list)
    env_mask: list[int] = field(default_factory=list)
    logprobs: list[float] = field(default_factory=list)
    turns: list[Turn] = field(default_factory=list)
    solved_turn: int | None = None
    student_tokens: int = 0
    cut: bool = False
    """Ended by the episode-length guard before its turns ran out (unsolved)."""

    def context(self) -> list[int]:
        return self.prompt_ids + self.completion_ids

    def add_student(self, ids: Sequence[int], logprobs: Sequence[float] | None) -> None:
        self.completion_ids += ids
        self.env_mask += [1] * len(ids)
        self.logprobs += list(logprobs) if logprobs is not None else [0.0] * len(ids)
        self.student_tokens += len(ids)

    def add_template(self, ids: Sequence[int]) -> None:
        self.completion_ids += ids
        self.env_mask += [0] * len(ids)
        self.logprobs += [0.0] * len(ids)  # never used: these positions are masked out


@dataclass
class RolloutStats:
    """Counters since the last `drain`: what the metrics log reports as tokens/s and episodes."""

    student_tokens: int = 0
    generation_seconds: float = 0.0
    episodes: int = 0
    attempts: int = 0
    cut: int = 0

    def drain(self) -> dict[str, float]:
        out: dict[str, float] = {
            "episodes": float(self.episodes),
            "attempts": float(self.attempts),
            "student_tokens": float(self.student_tokens),
            "episodes_cut": float(self.cut),
        }
        if self.generation_seconds > 0:
            out["tokens_per_s"] = self.student_tokens / self.generation_seconds
        self.student_tokens, self.generation_seconds, self.episodes = 0, 0.0, 0
        self.attempts = self.cut = 0
        return out


def first_message(suite: Suite, problem: Problem) -> str:
    """The student's opening message, exactly as the didactic solver writes it."""
    return prompts.STUDENT_PROMPT.format(problem=problem.input, answer_format=suite.answer_format)


class BackgroundLoop:
    """One event loop on a daemon thread for the async parts (verifiers in worker threads,
    teachers' model calls): Inspect models keep clients bound to the loop that first used them,
    so every call of a training run goes through the same loop."""

    def __init__(self) -> None:
        self._loop: asyncio.AbstractEventLoop | None = None
        self._lock = threading.Lock()

    def run(self, coroutine: Coroutine[Any, Any, T]) -> T:
        with self._lock:
            if self._loop is None:
                self._loop = asyncio.new_event_loop()
                threading.Thread(target=self._loop.run_forever, daemon=True).start()
        return asyncio.run_coroutine_threadsafe(coroutine, self._loop).result()


class EpisodeRunner:
    """Runs didactic episodes for a batch of problems (see the module docstring)."""

    def __init__(
        self,
        suite: Suite,
        chat: ChatTokens,
        teacher: Teacher,
        turns: int,
        leak: str = "flag",
        loop: BackgroundLoop | None = None,
        context_limit: int | None = None,
    ) -> None:
        """`context_limit`: the longest context a turn may start from (None: no limit)."""
        self.suite, self.chat, self.teacher, self.turns, self.leak = (
            suite,
            chat,
            teacher,
            turns,
            leak,
        )
        self.loop = loop or BackgroundLoop()
        self.stats = RolloutStats()
        self.context_limit = context_limit

    def _within_limit(self, active: list[Episode]) -> list[Episode]:
        """The episode-length guard: an episode whose next turn could outgrow the context limit
        (vLLM's max_model_length less max_tokens) ends here, unsolved, instead of the backend
        rejecting the prompt and the run dying."""
        if self.context_limit is None:
            return active
        fits = []
        for episode in active:
            if len(episode.prompt_ids) + len(episode.completion_ids) <= self.context_limit:
                fits.append(episode)
            else:
                episode.cut = True
        self.stats.cut += len(active) - len(fits)
        return fits

    def run(self, problems: Sequence[Problem], generate: Generate) -> list[Episode]:
        episodes = [
            Episode(
                p, self.chat.prompt([{"role": "user", "content": first_message(self.suite, p)}])
            )
            for p in problems
        ]
        active = list(episodes)
        for turn in range(1, self.turns + 1):
            active = self._within_limit(active)
            if not active:
                break
            started = time.perf_counter()
            completions, logprobs = generate([e.context() for e in active])
            self.stats.generation_seconds += time.perf_counter() - started
            self.stats.student_tokens += sum(len(c) for c in completions)
            self.stats.attempts += len(completions)
            attempts = self.chat.tokenizer.batch_decode(completions, skip_special_tokens=True)
            for i, (episode, ids) in enumerate(zip(active, completions, strict=True)):
                episode.add_student(ids, logprobs[i] if logprobs is not None else None)
            turns = self.loop.run(self._judge(active, attempts, last=turn == self.turns))
            still = []
            for episode, record in zip(active, turns, strict=True):
                episode.turns.append(record)
                if record.verdict.correct:
                    episode.solved_turn = turn
                elif turn < self.turns:
                    episode.add_template(self.chat.closing(episode.completion_ids))
                    retry = prompts.RETRY_PROMPT.format(
                        feedback=record.feedback, answer_format=self.suite.answer_format
                    )
                    episode.add_template(self.chat.user_turn(retry))
                    still.append(episode)
            active = still
            if not active:
                break
        self.stats.episodes += len(episodes)
        return episodes

    async def _judge(self, episodes: list[Episode], attempts: list[str], last: bool) -> list[Turn]:
        return list(
            await asyncio.gather(
                *(self._judge_one(e, a, last) for e, a in zip(episodes, attempts, strict=True))
            )
        )

    async def _judge_one(self, episode: Episode, attempt: str, last: bool) -> Turn:
        answer = self.suite.extract(attempt)
        verdict = await check(self.suite, answer, episode.problem)
        if verdict.correct or last:  # no feedback after the last attempt: nobody would read it
            return Turn(attempt, answer, verdict)
        history = [(t.attempt, t.feedback or "") for t in episode.turns]
        request = FeedbackRequest(self.suite, episode.problem, attempt, answer, verdict, history)
        guarded, source = await turn_feedback(self.teacher, request, self.leak)
        return Turn(attempt, answer, verdict, guarded.text, source, guarded.leak, request)

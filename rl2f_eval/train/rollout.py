"""Multi-turn didactic rollouts at the token level: the episode step of `rl2f_eval.didactic`
(`DidacticEpisode.step`, the same as `inspect eval` runs), with the student generating token ids
through whatever backend the trainer runs.

Per turn, every unfinished episode of the batch generates at once; each decoded attempt goes
through the episode step (extract, verify, feedback behind the leak guard, the next user
message), and the message it returns is appended as token ids. Student ids are marked 1 in
`env_mask` (trained); template and teacher ids 0 (masked out of the loss).
Nothing here imports TRL: the trainer binding lives in `trl_adapter`.
"""

from __future__ import annotations

import asyncio
import threading
import time
from collections.abc import Callable, Coroutine, Sequence
from dataclasses import dataclass, field
from typing import Any, TypeVar

from rl2f_eval.didactic.episode import DidacticEpisode, Step, first_message
from rl2f_eval.suites.base import Problem, Suite
from rl2f_eval.teachers import LeakJudge, Teacher
from rl2f_eval.train.chat import ChatTokens

__all__ = ["BackgroundLoop", "Episode", "EpisodeRunner", "Generate", "Step", "first_message"]

Generate = Callable[[list[list[int]]], tuple[list[list[int]], list[list[float]] | None]]
"""Token-level generation: one completion per prompt, and the sampled tokens' logprobs (or None
when the backend does not report them)."""

T = TypeVar("T")


@dataclass
class Episode:
    """One episode as token ids; its turns are the `DidacticEpisode`'s steps."""

    dialogue: DidacticEpisode
    prompt_ids: list[int]
    completion_ids: list[int] = field(default_factory=list)
    env_mask: list[int] = field(default_factory=list)
    logprobs: list[float] = field(default_factory=list)
    student_tokens: int = 0
    cut: bool = False
    """Ended by the episode-length guard before its turns ran out (unsolved)."""

    @property
    def problem(self) -> Problem:
        return self.dialogue.problem

    @property
    def turns(self) -> list[Step]:
        return self.dialogue.steps

    @property
    def solved_turn(self) -> int | None:
        return self.dialogue.solved_turn

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
        judge: LeakJudge | None = None,
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
        self.judge = judge  # the leak judge behind the string guard (None: strings only)
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
        episodes = [self._start(problem) for problem in problems]
        active = list(episodes)
        while active := self._within_limit(active):
            started = time.perf_counter()
            completions, logprobs = generate([e.context() for e in active])
            self.stats.generation_seconds += time.perf_counter() - started
            self.stats.student_tokens += sum(len(c) for c in completions)
            self.stats.attempts += len(completions)
            attempts = self.chat.tokenizer.batch_decode(completions, skip_special_tokens=True)
            for i, (episode, ids) in enumerate(zip(active, completions, strict=True)):
                episode.add_student(ids, logprobs[i] if logprobs is not None else None)
            steps = self.loop.run(self._steps(active, attempts, completions))
            for episode, step in zip(active, steps, strict=True):
                if step.message is not None:
                    episode.add_template(self.chat.closing(episode.completion_ids))
                    episode.add_template(self.chat.user_turn(step.message))
            active = [e for e in active if not e.dialogue.done]
        self.stats.episodes += len(episodes)
        return episodes

    def _start(self, problem: Problem) -> Episode:
        dialogue = DidacticEpisode(
            self.suite, problem, self.teacher, self.turns, self.leak, self.judge
        )
        prompt = self.chat.prompt([{"role": "user", "content": dialogue.first_message()}])
        return Episode(dialogue, prompt)

    async def _steps(
        self, episodes: list[Episode], attempts: list[str], completions: list[list[int]]
    ) -> list[Step]:
        return list(
            await asyncio.gather(
                *(
                    e.dialogue.step(attempt, len(ids))
                    for e, attempt, ids in zip(episodes, attempts, completions, strict=True)
                )
            )
        )

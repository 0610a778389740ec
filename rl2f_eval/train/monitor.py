"""Progress, periodic held-out evaluation and the metrics log of a training run.

`metrics.jsonl` in the output directory gets one line per optimiser step (`"kind": "train"`: the
rollouts' reward, acc_at_1, acc_at_n, kl when beta > 0, tokens_per_s, loss, ...) and one line per
evaluation (`"kind": "eval"`: acc_at_1..acc_at_N, clean_acc_at_1..N, gain, aulc on the held-out
problems, greedy decoding, the same episode loop and scoring as `inspect eval`). Lines are
flushed as written: a crash loses nothing logged so far. Evaluation transcripts go to
`eval/step-NNNNNN.jsonl`.
"""

from __future__ import annotations

import json
import statistics
import sys
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from transformers import TrainerCallback

from rl2f_eval.didactic.metrics import turn_scores
from rl2f_eval.train.rollout import Episode, RolloutStats


def evaluation_metrics(episodes: Sequence[Episode], turns: int) -> dict[str, float]:
    """Means of the per-sample didactic scores (`rl2f_eval.didactic.metrics.turn_scores`)."""
    scores = [turn_scores(e.solved_turn, turns, clean=e.dialogue.clean) for e in episodes]
    keys = [k for k in scores[0] if k != "solved_turn"]
    return {k: statistics.fmean(s[k] for s in scores) for k in keys}


def transcript(episode: Episode) -> dict[str, Any]:
    return {
        "id": episode.problem.id,
        "solved_turn": episode.solved_turn,
        "cut": episode.cut,
        "turns": [
            {
                "attempt": t.attempt,
                "answer": t.answer,
                "correct": t.verdict.correct,
                "feedback": t.feedback,
                "teacher": t.teacher,
                "leak": t.leak,
            }
            for t in episode.turns
        ],
    }


class TrainingMonitor(TrainerCallback):
    def __init__(
        self,
        output_dir: Path,
        every: int,
        say: Callable[[str], None] | None = None,
    ) -> None:
        self.output_dir, self.every = Path(output_dir), every
        self.say = say or (lambda line: print(line, file=sys.stderr, flush=True))
        self.output_dir.mkdir(parents=True, exist_ok=True)
        self.log_path = self.output_dir / "metrics.jsonl"
        self.evaluations: list[dict[str, Any]] = []
        self._evaluated_at: int | None = None
        self._evaluate: Callable[[], list[Episode]] | None = None
        self._turns = 0
        self._stats: RolloutStats | None = None
        self._at_start = True

    def bind(
        self,
        evaluate: Callable[[], list[Episode]] | None,
        turns: int,
        stats: RolloutStats,
        at_start: bool = True,
    ) -> None:
        """`evaluate` runs the held-out episodes with the current weights (None: no
        evaluation); `at_start`: also before the first step."""
        self._evaluate, self._turns, self._stats = evaluate, turns, stats
        self._at_start = at_start

    def logged_evaluations(self) -> set[int]:
        """The steps with an evaluation in the metrics log (of this run and earlier ones)."""
        if not self.log_path.exists():
            return set()
        steps = set()
        for line in self.log_path.read_text().splitlines():
            try:
                record = json.loads(line)
            except json.JSONDecodeError:  # a line cut by a crash
                continue
            if record.get("kind") == "eval":
                steps.add(int(record["step"]))
        return steps

    def _write(self, record: dict[str, Any]) -> None:
        with self.log_path.open("a") as log:
            log.write(json.dumps(record) + "\n")

    def evaluate(self, step: int) -> dict[str, Any] | None:
        if self._evaluate is None or self._evaluated_at == step:
            return None
        started = time.perf_counter()
        episodes = self._evaluate()
        metrics = evaluation_metrics(episodes, self._turns)
        record = {"kind": "eval", "step": step, "n": len(episodes), **metrics}
        record["seconds"] = round(time.perf_counter() - started, 2)
        self._write(record)
        folder = self.output_dir / "eval"
        folder.mkdir(exist_ok=True)
        with (folder / f"step-{step:06d}.jsonl").open("w") as out:
            out.writelines(json.dumps(transcript(e)) + "\n" for e in episodes)
        self.evaluations.append(record)
        self._evaluated_at = step
        curve = " ".join(f"acc@{k}={metrics[f'acc_at_{k}']:.3f}" for k in range(1, self._turns + 1))
        self.say(f"[eval] step {step}: {curve} on {len(episodes)} held-out problems")
        return record

    def on_train_begin(self, args: Any, state: Any, control: Any, **kwargs: Any) -> None:
        step = state.global_step
        if step == 0 and not self._at_start:
            return
        if step > 0 and step in self.logged_evaluations():  # resumed where it evaluated
            return
        self.evaluate(step)

    def on_step_end(self, args: Any, state: Any, control: Any, **kwargs: Any) -> None:
        if self.every and state.global_step % self.every == 0:
            self.evaluate(state.global_step)

    def on_train_end(self, args: Any, state: Any, control: Any, **kwargs: Any) -> None:
        self.evaluate(state.global_step)

    def on_log(
        self, args: Any, state: Any, control: Any, logs: dict[str, Any] | None = None, **kwargs: Any
    ) -> None:
        if not logs or "train_runtime" in logs:  # the end-of-training summary is not a step
            return
        record: dict[str, Any] = {"kind": "train", "step": state.global_step}
        record.update({k: v for k, v in logs.items() if isinstance(v, int | float)})
        if self._stats is not None:
            record.update(self._stats.drain())
        self._write(record)

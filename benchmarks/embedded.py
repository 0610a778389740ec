"""The embedded model (SmolLM2-135M on CPU): tokens/s and episodes/minute, unbatched vs batched.

Inspect's Hugging Face provider, underneath the embedded model, batches requests that arrive
together, up to max_connections of them; so max_connections 1 generates one reply at a time and
8 lets up to 8 samples share a forward pass. Tokens are counted by re-tokenising the replies:
the provider's own count includes the padding of a batch's shorter replies.
"""

from __future__ import annotations

import tempfile
import time
from dataclasses import dataclass

from inspect_ai import eval
from inspect_ai.model import ChatMessageAssistant, get_model

from rl2f_eval.didactic.task import didactic_task
from rl2f_eval.suites.maze import MazeSuite


@dataclass
class EmbeddedRun:
    connections: int
    samples: int
    turns: int
    tokens: int  # generated tokens, re-tokenised
    reported_tokens: int  # the provider's output token count (batch padding included)
    wall: float
    load: float  # model load time (first run only)
    threads: int  # torch intra-op threads

    @property
    def tokens_per_second(self) -> float:
        return self.tokens / self.wall

    @property
    def episodes_per_minute(self) -> float:
        return 60 * self.samples / self.wall


def embedded(
    connections: list[int], n: int = 8, turns: int = 2, max_tokens: int = 64
) -> list[EmbeddedRun]:
    start = time.perf_counter()
    model = get_model("embedded/smollm2")
    load = time.perf_counter() - start
    tokenizer = model.api.tokenizer  # type: ignore[attr-defined]
    import torch  # here, not at the top: the other benchmarks need no torch

    threads = torch.get_num_threads()
    task = didactic_task(MazeSuite(size=2, n=n, seed=0), turns=turns, teacher="verifier")
    runs = []
    for c in connections:
        with tempfile.TemporaryDirectory(prefix="rl2f-bench-") as log_dir:
            start = time.perf_counter()
            [log] = eval(
                task,
                model=model,
                max_tokens=max_tokens,
                max_connections=c,
                log_dir=log_dir,
                display="none",
            )
            wall = time.perf_counter() - start
            if log.status != "success":
                raise RuntimeError(f"embedded benchmark run failed: {log.error}")
            replies = [
                m.text
                for s in log.samples or []
                for m in s.messages
                if isinstance(m, ChatMessageAssistant)
            ]
            samples = len(log.samples or [])
        usage = log.stats.model_usage.get("embedded/smollm2")
        run = EmbeddedRun(
            connections=c,
            samples=samples,
            turns=len(replies),
            tokens=sum(len(tokenizer(text)["input_ids"]) for text in replies),
            reported_tokens=usage.output_tokens if usage else 0,
            wall=wall,
            load=load if not runs else 0.0,
            threads=threads,
        )
        runs.append(run)
        print(
            f"  embedded max_connections={c}: {run.wall:6.1f} s, {run.tokens} tokens "
            f"({run.tokens_per_second:5.1f} tokens/s), {run.episodes_per_minute:5.1f} episodes/min",
            flush=True,
        )
    return runs

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
from inspect_ai.model import ChatMessageAssistant

from rl2f_eval.didactic.task import didactic_task
from rl2f_eval.models.embedded import checkpoint_dir
from rl2f_eval.suites.registry import build_suite

MODEL = "embedded/smollm2"


@dataclass
class EmbeddedRun:
    connections: int
    samples: int
    turns: int
    tokens: int  # generated tokens, re-tokenised
    reported_tokens: (
        int  # the provider's count (embedded: each reply's own; hf/: the batch's longest)
    )
    wall: float
    load: float  # model load and a one-reply warm-up eval (not in `wall`)
    threads: int  # torch intra-op threads

    @property
    def tokens_per_second(self) -> float:
        return self.tokens / self.wall

    @property
    def episodes_per_minute(self) -> float:
        return 60 * self.samples / self.wall


def embedded(
    connections: list[int], n: int = 8, turns: int = 2, max_tokens: int = 64, threads: int = 0
) -> list[EmbeddedRun]:
    """`threads`: torch intra-op threads (0 = torch's default, one per core). On a machine
    whose cores other processes keep busy, fewer threads can be much faster."""
    import torch  # here, not at the top: the other benchmarks need no torch
    from transformers import AutoTokenizer

    if threads:
        torch.set_num_threads(threads)

    def run_eval(samples: int, turns: int, log_dir: str, **args):
        task = didactic_task(
            build_suite("maze", {"size": 2, "n": samples, "seed": 0}),
            turns=turns,
            teacher="verifier",
        )
        [log] = eval(
            task, model=MODEL, max_tokens=max_tokens, log_dir=log_dir, display="none", **args
        )
        return log

    tokenizer = AutoTokenizer.from_pretrained(checkpoint_dir())
    threads = torch.get_num_threads()
    runs = []
    for c in connections:
        with tempfile.TemporaryDirectory(prefix="rl2f-bench-") as log_dir:
            # Inspect keeps one model instance per generate config, max_connections included:
            # a one-reply eval with this setting loads it, outside the timed run
            start = time.perf_counter()
            run_eval(1, 1, log_dir, max_connections=c)
            load = time.perf_counter() - start
            start = time.perf_counter()
            log = run_eval(n, turns, log_dir, max_connections=c)
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
        usage = log.stats.model_usage.get(MODEL)
        run = EmbeddedRun(
            connections=c,
            samples=samples,
            turns=len(replies),
            tokens=sum(len(tokenizer(text)["input_ids"]) for text in replies),
            reported_tokens=usage.output_tokens if usage else 0,
            wall=wall,
            load=load,
            threads=threads,
        )
        runs.append(run)
        print(
            f"  embedded max_connections={c}: {run.wall:6.1f} s, {run.tokens} tokens "
            f"({run.tokens_per_second:5.1f} tokens/s), {run.episodes_per_minute:5.1f} episodes/min",
            flush=True,
        )
    return runs

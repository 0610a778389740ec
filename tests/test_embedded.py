"""The real embedded model (SmolLM2-135M on CPU) through the whole loop: slow but included."""

from __future__ import annotations

import pytest
from inspect_ai import eval

from rl2f_eval.didactic.task import didactic_task
from rl2f_eval.suites.maze import MazeSuite


@pytest.mark.slow
def test_two_maze_samples_two_turns_on_the_embedded_model(log_dir):
    task = didactic_task(MazeSuite(size=2, n=2, seed=0), turns=2, teacher="model")
    run = dict(model="embedded/smollm2", max_tokens=48, log_dir=str(log_dir), display="none")
    [log] = eval(task, **run)
    assert log.status == "success", log.error
    assert len(log.samples) == 2
    usage = log.stats.model_usage["embedded/smollm2"]
    assert usage.output_tokens > 0
    for sample in log.samples:
        turns = sample.store["DidacticStore:turns"]
        assert 1 <= len(turns) <= 2
        assert all(t["attempt"] for t in turns)
        assert all(t["student_tokens"] > 0 for t in turns)
        if not turns[0]["correct"]:  # the model teacher (the student model itself) wrote feedback
            assert turns[0]["feedback"] and turns[0]["teacher"] in {"model", "format"}
    # greedy by default: a second run reproduces the first exactly
    [again] = eval(task, **run)
    replies = [s.output.completion for s in log.samples]
    assert [s.output.completion for s in again.samples] == replies

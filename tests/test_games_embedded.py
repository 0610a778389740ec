"""The real embedded model (SmolLM2-135M on CPU) plays every game end to end: slow but included."""

from __future__ import annotations

import pytest
from inspect_ai import eval

from rl2f_eval.didactic.task import didactic_task
from rl2f_eval.suites.games import GAMES, GameSuite


@pytest.mark.slow
def test_the_embedded_model_plays_every_game(log_dir):
    every_game = didactic_task(GameSuite(n=1, seed=0), turns=2, teacher="verifier")
    # alone, number guessing reads a reply without `ANSWER:` as its last number
    number = didactic_task(GameSuite(games="number", n=1, seed=0), turns=2, teacher="verifier")
    logs = eval(
        [every_game, number],
        model="embedded/smollm2",
        max_tokens=16,
        log_dir=str(log_dir),
        display="none",
    )
    for log in logs:
        assert log.status == "success", log.error
        for sample in log.samples:
            turns = sample.store["DidacticStore:turns"]
            assert 1 <= len(turns) <= 2 and all(t["student_tokens"] > 0 for t in turns)
            if not turns[0]["correct"]:  # the game answered the first move
                assert turns[0]["teacher"] in {"verifier", "format"} and turns[0]["feedback"]
                assert not turns[0]["leak"]
    assert {s.metadata["game"] for s in logs[0].samples} == set(GAMES)
    # the number game's prompt gets guesses out of a 135M model (the toy training relies on it)
    for sample in logs[1].samples:
        first = sample.store["DidacticStore:turns"][0]
        assert first.get("answer") is not None, first
        assert first["correct"] or first["teacher"] == "verifier", first

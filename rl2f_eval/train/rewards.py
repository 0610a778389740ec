"""Episode rewards: from the verifier's verdicts only (the rollout's `solved_turn`), never from
the text.

- `final`: 1 when the episode was solved within its turns, else 0: the paper's binary
  per-conversation reward. With `turns: 1` it is the single-turn RL baseline.
- `shaped`: `discount ** (k - 1)` when solved at turn k, else 0: solving earlier scores more.

The reward function follows TRL's calling convention (keyword arguments, one float per
completion); it also logs the rollouts' acc@1 and acc@N through TRL's `log_metric` hook.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

REWARDS = ("final", "shaped")


def episode_reward(solved_turn: int, kind: str = "final", discount: float = 0.5) -> float:
    """`solved_turn`: the turn of the first correct attempt, 0 when unsolved."""
    if solved_turn <= 0:
        return 0.0
    if kind == "final":
        return 1.0
    if kind == "shaped":
        return discount ** (solved_turn - 1)
    raise ValueError(f"reward must be one of {', '.join(REWARDS)}; got {kind!r}")


def reward_function(kind: str = "final", discount: float = 0.5) -> Callable[..., list[float]]:
    if kind not in REWARDS:
        raise ValueError(f"reward must be one of {', '.join(REWARDS)}; got {kind!r}")

    def didactic_reward(
        solved_turn: Sequence[int], max_turns: Sequence[int], **kwargs: Any
    ) -> list[float]:
        log_metric = kwargs.get("log_metric")
        if log_metric is not None and solved_turn:
            n = len(solved_turn)
            log_metric("acc_at_1", sum(s == 1 for s in solved_turn) / n)
            log_metric("acc_at_n", sum(s > 0 for s in solved_turn) / n)
            solved = [s for s in solved_turn if s > 0]
            if solved and max(max_turns) > 1:
                log_metric("turns_to_solve", sum(solved) / len(solved))
        return [episode_reward(s, kind, discount) for s in solved_turn]

    didactic_reward.__name__ = f"didactic_{kind}"
    return didactic_reward

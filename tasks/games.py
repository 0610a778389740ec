"""Multi-turn agent games: the game's rules answer each move (with teacher=verifier).

inspect eval tasks/games.py --model M -T games=number,wordle -T difficulty=easy -T n=10 \
    -T turns=6 -T teacher=verifier
"""

from inspect_ai import Task, task

from rl2f_eval.didactic.task import didactic_task
from rl2f_eval.suites.games import ALL, GameSuite


@task
def games(
    games: str | list[str] = ALL,
    n: int = 10,
    difficulty: str = "easy",
    size: int | None = None,
    seed: int = 0,
    turns: int = 5,
    teacher: str = "verifier",
    privileged: bool = True,
    leak: str = "flag",
    oracle_turn: int | None = None,
) -> Task:
    """Agent games where each attempt is a move and the game answers it.

    Args:
        games: `all` (default) or a comma list of: number, wordle, mastermind, circuit,
            word_chain, poker.
        n: games of each kind.
        difficulty: easy, medium or hard (see the README's games table).
        size: overrides each chosen game's size where it has one (number: how many numbers the
            range holds; mastermind: code length; circuit: inputs; word_chain: words to add;
            poker: cards dealt).
        seed: the same arguments give the same games and sample ids.
        turns: moves allowed; the episode ends at the first win.
        teacher: verifier (the game's own answer, the default), model, binary or self.
        privileged: give the model teacher the hidden answer and the winning line of play.
        leak: flag, redact or regenerate feedback that gives the answer away.
        oracle_turn: check mode: a losing move before turn K, the winning one from K on.
    """
    return didactic_task(
        GameSuite(games=games, n=n, difficulty=difficulty, size=size, seed=seed),
        turns=turns,
        teacher=teacher,
        privileged=privileged,
        leak=leak,
        oracle_turn=oracle_turn,
    )

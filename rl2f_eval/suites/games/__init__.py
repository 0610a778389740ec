"""Multi-turn agent games: the environment, not a teacher, answers each move.

With `teacher=verifier` the didactic loop is an agent game: each attempt is a move, the game's
rules check it, and their answer ("too large", Wordle's colours, Mastermind's pegs, the input a
circuit gets wrong, the broken link of a word chain) is the feedback; success is winning within
`turns` moves. One suite serves every game; each problem's metadata names its game.
"""

from __future__ import annotations

from collections.abc import Iterable

from inspect_ai.dataset import Sample

from rl2f_eval.errors import TaskArgError, check_choice
from rl2f_eval.suites.base import Problem, Suite, Verdict
from rl2f_eval.suites.games.chain import WordChain
from rl2f_eval.suites.games.circuit import Circuit
from rl2f_eval.suites.games.common import DIFFICULTIES, Game, answer_line
from rl2f_eval.suites.games.mastermind import Mastermind
from rl2f_eval.suites.games.number import NumberGuessing, last_number
from rl2f_eval.suites.games.poker import PokerHand
from rl2f_eval.suites.games.wordle import Wordle

GAMES: dict[str, Game] = {
    game.name: game
    for game in (NumberGuessing(), Wordle(), Mastermind(), Circuit(), WordChain(), PokerHand())
}
ALL = "all"
MAX_N = 100_000  # problems per game: generation is cheap, but a typo should not hang a run

__all__ = ["ALL", "DIFFICULTIES", "GAMES", "GameSuite"]


def parse_games(games: str | Iterable[str]) -> list[str]:
    """'all', one name, a comma-separated string or a list (-T games=a,b arrives as a list)."""
    if not isinstance(games, str | list | tuple):
        raise TaskArgError(f"games must be {ALL} or names from {', '.join(GAMES)}; got {games!r}")
    names = games.split(",") if isinstance(games, str) else list(games)
    names = [str(name).strip() for name in names if str(name).strip()]
    if names == [ALL] or not names:
        return list(GAMES)
    for name in names:
        check_choice("games", name, (ALL, *GAMES))
    if ALL in names:
        raise TaskArgError("games: 'all' already means every game; list names or use it alone")
    return list(dict.fromkeys(names))


class GameSuite(Suite):
    name = "games"
    slow_verify = False  # rules on a word, a number or a small truth table: microseconds

    def __init__(
        self,
        games: str | Iterable[str] = ALL,
        n: int = 10,
        difficulty: str = "easy",
        size: int | None = None,
        seed: int = 0,
    ) -> None:
        self.games = [GAMES[name] for name in parse_games(games)]
        check_choice("difficulty", difficulty, DIFFICULTIES)
        if not isinstance(seed, int) or isinstance(seed, bool) or seed < 0:
            raise TaskArgError(f"seed must be a whole number of at least 0; got {seed!r}")
        if size is not None:
            self._check_size(size)
        if not isinstance(n, int) or isinstance(n, bool) or not 1 <= n <= MAX_N:
            raise TaskArgError(f"n (games of each kind) must be from 1 to {MAX_N}; got {n!r}")
        for game in self.games:
            most = game.capacity(difficulty, size)
            if n > most:
                raise TaskArgError(
                    f"n={n} is more than {game.name} has different problems at these settings "
                    f"({most}); lower n"
                )
        self.n, self.difficulty, self.size, self.seed = n, difficulty, size, seed
        moves = {game.move for game in self.games}
        self.answer_format = (
            f"End your reply with a final line of the form `ANSWER: {moves.pop()}`."
            if len(moves) == 1
            else "End your reply with a final line `ANSWER: <guess>` in the form the game asks."
        )
        # a weak model that never learned the format still plays number guessing (as in the
        # arithmetic suite); with any other game a reply without `ANSWER:` states no move
        self.lenient = all(isinstance(game, NumberGuessing) for game in self.games)

    def _check_size(self, size: object) -> None:
        sized = [game for game in self.games if game.sizes is not None]
        if not sized:
            names = ", ".join(game.name for game in self.games)
            raise TaskArgError(f"size does not apply to {names}; leave it out")
        for game in sized:
            assert game.sizes is not None
            if not isinstance(size, int) or isinstance(size, bool) or size not in game.sizes:
                raise TaskArgError(
                    f"size for {game.name} ({game.size_meaning}) must be from "
                    f"{game.sizes.start} to {game.sizes.stop - 1}; got {size!r}"
                )

    def samples(self) -> list[Sample]:
        return [
            sample
            for game in self.games
            for sample in game.samples(self.n, self.seed, self.difficulty, self.size)
        ]

    @staticmethod
    def game(problem: Problem) -> Game:
        return GAMES[problem.metadata["game"]]

    def extract(self, completion: str) -> str | None:
        move = answer_line(completion)
        if move is None and self.lenient:
            return last_number(completion)
        return move

    def verify(self, answer: str, problem: Problem) -> Verdict:
        return self.game(problem).check(answer, problem)

    def reference(self, problem: Problem) -> str:
        return self.game(problem).solution_text(problem)

    def answer_text(self, problem: Problem) -> str:
        return f"Using everything the game has told me so far.\nANSWER: {problem.target}"

    def wrong_answer_text(self, problem: Problem) -> str:
        move = self.game(problem).wrong_answer(problem)
        return f"Using everything the game has told me so far.\nANSWER: {move}"

    def leaked(self, feedback: str, problem: Problem) -> list[str]:
        return self.game(problem).leaked(feedback, problem)

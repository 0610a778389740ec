"""The maze verifier against known-good and known-bad paths on generated mazes."""

from __future__ import annotations

import pytest

from rl2f_eval.errors import TaskArgError
from rl2f_eval.suites.base import Problem
from rl2f_eval.suites.maze import MOVES, Maze, MazeSuite, parse_moves, walk

# A hand-drawn maze with two routes from S to G: over the top (RRRRDDD) and
# through the middle (DDRRRRD), 7 moves each, plus a dead end at row 5, column 4.
GRID = (
    "#######",
    "#S....#",
    "#.###.#",
    "#.....#",
    "###.#G#",
    "#######",
)


def hand_problem(shortest_length: int = 7) -> Problem:
    return Problem(
        id="hand",
        input="",
        target="RRRRDDD",
        metadata={"grid": list(GRID), "shortest_length": shortest_length},
    )


@pytest.fixture(scope="module")
def problems() -> list[Problem]:
    return [Problem.from_sample(s) for s in MazeSuite(size=5, n=30, seed=7).samples()]


def test_generator_is_seeded_and_ids_stable():
    first = MazeSuite(size=4, n=5, seed=3).samples()
    again = MazeSuite(size=4, n=5, seed=3).samples()
    other = MazeSuite(size=4, n=5, seed=4).samples()
    assert [s.input for s in first] == [s.input for s in again]
    assert [s.id for s in first] == [s.id for s in again]
    assert len({s.id for s in first}) == 5
    assert [s.input for s in first] != [s.input for s in other]


def test_reference_paths_verify(problems):
    suite = MazeSuite(size=5)
    for problem in problems:
        assert suite.verify(problem.target, problem).correct, problem.id


def test_paths_that_are_not_the_generators_are_accepted(problems):
    suite = MazeSuite(size=5)
    accepted_detours = 0
    for problem in problems:
        maze = Maze(tuple(problem.metadata["grid"]))
        # step into an open neighbour of the start and back, then follow the reference
        for move, back in (("U", "D"), ("D", "U"), ("L", "R"), ("R", "L")):
            if walk(maze, move).error is None:
                detour = move + back + problem.target
                verdict = suite.verify(detour, problem)
                assert verdict.correct, (problem.id, detour, verdict)
                accepted_detours += 1
                break
    assert accepted_detours == len(problems)


def test_second_route_in_hand_maze_is_accepted():
    suite = MazeSuite()
    assert suite.verify("RRRRDDD", hand_problem()).correct
    assert suite.verify("DDRRRRD", hand_problem()).correct  # the middle route, not the target
    assert not suite.verify("DDRRRR", hand_problem()).correct  # one short


def test_wall_is_rejected_with_the_move_and_place():
    verdict = MazeSuite().verify("RRRRRD", hand_problem())
    assert not verdict.correct
    assert verdict.feedback == "Move 5 (R) from row 2, column 6 runs into a wall."


def test_leaving_the_grid_is_rejected():
    grid = ("S.", "#G")
    problem = Problem("edge", "", "RD", {"grid": list(grid), "shortest_length": 2})
    verdict = MazeSuite().verify("U", problem)
    assert not verdict.correct
    assert verdict.feedback == "Move 1 (U) from row 1, column 1 leaves the grid."


def test_short_path_reports_distance_to_goal():
    verdict = MazeSuite().verify("RRRR", hand_problem())
    assert not verdict.correct
    assert verdict.feedback == (
        "Every move is legal, but the path ends at row 2, column 6, 3 squares from the goal "
        "(counting only up/down/left/right steps)."
    )
    assert "7 moves" in verdict.report  # privileged detail for the model teacher only
    assert "7 moves" not in verdict.feedback


def test_overshooting_the_goal_is_rejected():
    verdict = MazeSuite().verify("RRRRDDDU", hand_problem())
    assert not verdict.correct
    assert "reaches the goal at move 7 but keeps going" in verdict.feedback


def test_shortest_option_rejects_longer_legal_paths():
    long_way = "DDRRLLUURRRRDDD"
    assert MazeSuite().verify(long_way, hand_problem()).correct
    verdict = MazeSuite(shortest=True).verify(long_way, hand_problem())
    assert not verdict.correct
    assert verdict.feedback == "Your path reaches the goal in 15 moves, but a shorter path exists."
    assert MazeSuite(shortest=True).verify("DDRRRRD", hand_problem()).correct


def test_extraction_follows_the_stated_format():
    suite = MazeSuite()
    assert suite.extract("I go right twice.\nANSWER: RRDD") == "RRDD"
    assert suite.extract("ANSWER: R, R, D\nsecond thoughts\nanswer: `LLU`") == "LLU"
    assert suite.extract("ANSWER: right, right, down") == "RRD"
    assert suite.extract("I think RRDD") is None
    assert suite.extract("ANSWER: go to the goal") is None
    assert parse_moves("R R X") is None


def test_oracle_texts_are_right_and_wrong(problems):
    suite = MazeSuite(size=5)
    for problem in problems:
        right = suite.extract(suite.answer_text(problem))
        wrong = suite.extract(suite.wrong_answer_text(problem))
        assert right is not None and suite.verify(right, problem).correct
        assert wrong is not None and not suite.verify(wrong, problem).correct


def test_leak_guard_flags_any_complete_path_but_not_hints():
    suite, problem = MazeSuite(), hand_problem()
    assert suite.leaked("The answer is RRRRDDD.", problem) == ["RRRRDDD"]
    assert suite.leaked("Try D, D, R, R, R, R, D.", problem) == ["D, D, R, R, R, R, D"]
    assert suite.leaked("go down then down then right and right, right, right, down", problem)
    assert suite.leaked("Your first move hits a wall; try going down first.", problem) == []
    assert suite.leaked("Check RRRR again: it stops short.", problem) == []
    assert suite.leaked("That was a dull attempt.", problem) == []


def test_bad_arguments_fail_fast():
    with pytest.raises(TaskArgError, match="size"):
        MazeSuite(size=1)
    with pytest.raises(TaskArgError, match="loops"):
        MazeSuite(loops=2.0)


def test_every_move_letter_is_a_unit_step():
    assert sorted(MOVES) == ["D", "L", "R", "U"]
    assert all(abs(dr) + abs(dc) == 1 for dr, dc in MOVES.values())

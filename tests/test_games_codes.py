"""Mastermind and circuit decoding: verifiers against hand-worked answers, players that use only
the game's feedback, and the leak guard."""

from __future__ import annotations

import random
import re
from itertools import product

import pytest

from rl2f_eval.suites.base import Problem
from rl2f_eval.suites.games import GameSuite
from rl2f_eval.suites.games.circuit import Circuit, FormulaError, inputs, parse, row_text, table
from rl2f_eval.suites.games.mastermind import Mastermind, parse_code, score_guess


@pytest.mark.parametrize(
    "guess, code, pegs",
    [
        ("1234", "1234", (4, 0)),
        ("1122", "1212", (2, 2)),
        ("1111", "1234", (1, 0)),  # one 1 in the code: the other three match nothing
        ("2211", "1122", (0, 4)),
        ("1223", "2231", (1, 3)),  # the 2 in place counts once, as exact; 1, 2, 3 moved
        ("5566", "1234", (0, 0)),
    ],
)
def test_mastermind_pegs(guess, code, pegs):
    assert score_guess(guess, code) == pegs


def mastermind_problem(code: str = "3616", colours: int = 6) -> Problem:
    return Problem("hand", "", code, {"game": "mastermind", "colours": colours, "opening": "5544"})


def test_mastermind_verifier():
    game, p = Mastermind(), mastermind_problem()
    assert game.check("3616", p).correct and game.check("3 6 1 6", p).correct
    assert game.check("[3, 6, 1, 6]", p).correct
    verdict = game.check("1234", p)
    assert verdict.feedback == (
        "1234: 0 digits right and in the right place, 2 more right but in the wrong place."
    )
    assert "3616" in verdict.report and verdict.score == 0
    assert game.check("3611", p).score == 0.75
    assert game.check("12345", p).feedback == "A guess is 4 digits, each from 1 to 6; 12345 has 5."
    assert game.check("1237", p).feedback == (
        "A guess is 4 digits, each from 1 to 6; 1237 uses another digit."
    )
    assert not game.check("one two", p).correct
    assert parse_code("1-2-3-4") == "1234" and parse_code("12a4") is None


def test_a_consistent_mastermind_player_wins_on_feedback_alone():
    """Guessing any code consistent with every answer so far wins every easy game quickly."""
    suite = GameSuite(games="mastermind", n=15, difficulty="easy", seed=4)
    for sample in suite.samples():
        p = Problem.from_sample(sample)
        candidates = ["".join(c) for c in product("1234", repeat=3)]
        history = [(p.metadata["opening"], score_guess(p.metadata["opening"], p.target))]
        for _ in range(8):
            candidates = [c for c in candidates if all(score_guess(g, c) == s for g, s in history)]
            verdict = suite.verify(candidates[0], p)
            if verdict.correct:
                break
            exact, moved = (
                int(part.split()[0]) for part in verdict.feedback.split(": ")[1].split(", ")
            )
            history.append((candidates[0], (exact, moved)))
        assert verdict.correct, p.id


def test_mastermind_leak_guard():
    game, p = Mastermind(), mastermind_problem()
    leaks = (
        "The code is 3616.",
        "Try 3 6 1 6",
        "3-6-1-6!",
        "Position 1 is 3, position 2 is 6, position 3 is 1 and position 4 is 6.",
        "Three, six, one and six.",
    )
    for text in leaks:
        assert game.leaked(text, p), text
    for text in ("Your guess 1234 had two right digits.", "Try 36163.", "The first digit is 3.",
                 "Position 1 is 3, position 2 is 6, position 3 is 1."):  # fmt: skip
        assert game.leaked(text, p) == [], text
    draw = random.Random(2)
    for sample in GameSuite(games="mastermind", n=30, difficulty="medium", size=2).samples():
        q = Problem.from_sample(sample)
        for _ in range(10):
            guess = "".join(draw.choice("1234567") for _ in range(draw.choice((1, 2, 3))))
            verdict = game.check(guess, q)
            if not verdict.correct:
                assert game.leaked(verdict.feedback, q) == [], (q.target, verdict.feedback)


# --- circuit ------------------------------------------------------------------------------------


def test_formulas_parse_with_the_stated_precedence():
    assert table(parse("x1 xor x2 and x3", 3), 3) == "00011110"  # x1 XOR (x2 AND x3)
    assert table(parse("x1 or x2 xor x3", 3), 3) == "01101111"  # x1 OR (x2 XOR x3)
    assert table(parse("NOT x1 AND x2", 2), 2) == "0100"  # (NOT x1) AND x2
    same = ("x1 & !x2", "x1 ∧ ¬x2", "x1 && ~x2", "(x1) AND (NOT x2)", "x1 and not x2 or 0")
    assert {table(parse(text, 2), 2) for text in same} == {"0010"}
    for bad, message in (
        ("x3", "x3 is not an input"),
        ("x1 AND", "ends too early"),
        ("(x1", "not closed"),
        ("x1 x2", "'x2' cannot stand here"),
        ("y OR x1", "'y' is not part of a formula"),
        ("x1 & | x2", "'|' cannot stand here"),
    ):
        with pytest.raises(FormulaError, match=message):
            parse(bad, 2)


def circuit_problem(
    formula: str = "(x1 XOR x2) AND NOT x3", shown=((0, 0, 1), (1, 0, 0))
) -> Problem:
    metadata = {
        "game": "circuit",
        "inputs": 3,
        "shown": [list(row) for row in shown],
        "table": table(parse(formula, 3), 3),
    }
    return Problem("hand", "", formula, metadata)


def test_circuit_verifier_accepts_equivalent_circuits_and_gives_a_counterexample():
    game, p = Circuit(), circuit_problem()
    for same in ("(x1 XOR x2) AND NOT x3", "((x1 AND NOT x2) OR (NOT x1 AND x2)) AND NOT x3",
                 "NOT (x3 OR NOT (x1 ^ x2))"):  # fmt: skip
        assert game.check(same, p).correct, same
    # x1 AND NOT x3 is right on the two shown inputs: the first wrong input in binary order
    verdict = game.check("x1 AND NOT x3", p)
    assert verdict.feedback == (
        "On input x1=0, x2=1, x3=0 your circuit outputs 0, but the hidden circuit outputs 1."
    )
    assert verdict.score == 6 / 8 and "(x1 XOR x2) AND NOT x3" in verdict.report
    # a circuit that gets a shown pair wrong is told about that pair first
    assert game.check("x3", p).feedback.startswith("On input x1=0, x2=0, x3=1 your circuit")
    assert game.check("x4", p).feedback == (
        "Your circuit cannot be read: x4 is not an input (the inputs are x1, x2, x3)."
    )


def test_learning_from_counterexamples_always_wins():
    """A player that writes the OR of the rows known to give 1 (each counterexample adds a row)
    wins every game within the number of hidden rows, on every difficulty."""
    for difficulty in ("easy", "medium", "hard"):
        suite = GameSuite(games="circuit", n=10, difficulty=difficulty, seed=6)
        for sample in suite.samples():
            p = Problem.from_sample(sample)
            k = p.metadata["inputs"]
            known = {tuple(r): int(p.metadata["table"][inputs(k).index(tuple(r))])
                     for r in p.metadata["shown"]}  # fmt: skip
            for _ in range(2**k):
                terms = [
                    " AND ".join(f"x{i}" if v else f"NOT x{i}" for i, v in enumerate(row, 1))
                    for row, out in known.items()
                    if out
                ]
                verdict = suite.verify(" OR ".join(f"({t})" for t in terms) or "0", p)
                if verdict.correct:
                    break
                values = verdict.feedback.split("input ")[1].split(" your")[0]
                row = tuple(int(v.split("=")[1]) for v in values.split(", "))
                known[row] = int(verdict.feedback[-2])
            assert verdict.correct, p.id


def test_generated_circuits_use_every_input_and_the_example_never_wins():
    for size in (2, 3, 4, 5, 6):
        for sample in GameSuite(games="circuit", n=30, size=size).samples():
            p = Problem.from_sample(sample)
            expr = parse(p.target, size)
            for i in range(size):  # flipping any input changes the output somewhere
                assert any(
                    expr(row) != expr((*row[:i], 1 - row[i], *row[i + 1 :])) for row in inputs(size)
                ), p.id
            example = re.search(r"for example `([^`]+)`", p.input).group(1)
            assert not Circuit().check(example, p).correct  # copying the example never wins
            assert len(p.metadata["shown"]) <= 2**size - 2  # at least two rows left to learn


def test_circuit_leak_guard():
    game, p = Circuit(), circuit_problem()
    hidden = p.metadata["table"]
    every_row = "; ".join(
        f"{row_text(row)} -> {bit}" for row, bit in zip(inputs(3), hidden, strict=True)
    )
    leaks = (
        "The circuit is (x1 XOR x2) AND NOT x3.",
        "Think of it as NOT x3 AND (x1 ^ x2)",
        f"Its truth table reads {hidden}.",
        every_row,
        " ".join(
            f"For {row_text(row)} the output should be {bit}."
            for row, bit in zip(inputs(3), hidden, strict=True)
            if list(row) not in p.metadata["shown"]
        ),
    )
    for text in leaks:
        assert game.leaked(text, p), text
    safe = (
        "The output never depends on x2 alone; try combining x1 and x2 with XOR.",
        "For x1=0, x2=1, x3=0 the output should be 1.",
        "x1 XOR x2 is part of it.",
        f"Its truth table reads {hidden[:-1]}.",
    )
    for text in safe:
        assert game.leaked(text, p) == [], text
    for sample in GameSuite(games="circuit", n=20, difficulty="hard").samples():
        q = Problem.from_sample(sample)
        for guess in ("x1", "NOT x2 OR x3", "x1 XOR x4", "0", "1", "x9"):
            verdict = game.check(guess, q)
            if not verdict.correct:
                assert game.leaked(verdict.feedback, q) == [], (q.target, verdict.feedback)

"""tasks/games.py end to end: oracle mode for every game through `inspect eval`, stable samples,
task arguments, and the verifier's feedback against the leak guard for every game."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from inspect_ai import eval
from inspect_ai.log import list_eval_logs, read_eval_log
from inspect_ai.model import get_model

from rl2f_eval.didactic.task import didactic_task
from rl2f_eval.errors import TaskArgError
from rl2f_eval.models.scripted import answer_records
from rl2f_eval.suites.base import Problem
from rl2f_eval.suites.games import GAMES, GameSuite

ROOT = Path(__file__).parent.parent
INSPECT = str(Path(sys.executable).parent / "inspect")


def assert_oracle_exact(log, suite: GameSuite) -> None:
    """acc@1 = acc@2 = 0 and acc@3 = acc@4 = 1 on every sample of every game; the losing moves
    got the game's answer (not a format complaint), which the leak guard passed; no model call."""
    assert log.status == "success", log.error
    assert {s.id: s.input for s in log.samples} == {s.id: s.input for s in suite.samples()}
    assert {s.metadata["game"] for s in log.samples} == set(GAMES)
    for sample in log.samples:
        value = sample.scores["didactic_scorer"].value
        curve = [value[f"acc_at_{k}"] for k in range(1, 5)]
        assert curve == [0, 0, 1, 1], (sample.id, curve)
        turns = sample.store["DidacticStore:turns"]
        assert len(turns) == 3 and turns[-1]["correct"]
        for turn in turns[:2]:
            assert turn["answer"] is not None and turn["teacher"] == "verifier", sample.id
            assert turn["feedback"] and not turn["leak"], (sample.id, turn["feedback"])
    assert not [e for s in log.samples for e in s.events if e.event == "model"]


def test_oracle_mode_is_exact_for_every_game_through_inspect_eval(tmp_path):
    """`inspect eval tasks/games.py -T oracle_turn=3 -T teacher=verifier`, as a user runs it, in
    a process with another string-hash seed (the samples it builds are the ones built here)."""
    result = subprocess.run(
        [
            *(INSPECT, "eval", "tasks/games.py", "--model", "none"),
            *("--log-dir", str(tmp_path), "--display", "none"),
            *("-T", "n=3", "-T", "difficulty=easy", "-T", "seed=5"),
            *("-T", "turns=4", "-T", "oracle_turn=3", "-T", "teacher=verifier"),
        ],
        cwd=ROOT,
        env={**os.environ, "PYTHONHASHSEED": "4321"},
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    [info] = list_eval_logs(str(tmp_path))
    assert_oracle_exact(read_eval_log(info), GameSuite(n=3, difficulty="easy", seed=5))


@pytest.mark.parametrize("difficulty", ["medium", "hard"])
def test_oracle_mode_is_exact_at_every_difficulty(tmp_path, difficulty):
    suite = GameSuite(n=3, difficulty=difficulty, seed=5)
    task = didactic_task(suite, turns=4, teacher="verifier", oracle_turn=3)
    [log] = eval(task, model="none", log_dir=str(tmp_path), display="none")
    assert_oracle_exact(log, suite)


def test_same_arguments_give_the_same_games_and_ids():
    first = GameSuite(n=3, difficulty="medium", seed=3).samples()
    again = GameSuite(n=3, difficulty="medium", seed=3).samples()
    other = GameSuite(n=3, difficulty="medium", seed=4).samples()
    assert [(s.id, s.input, s.target) for s in first] == [(s.id, s.input, s.target) for s in again]
    assert [s.id for s in first] == [f"{g}-medium-s3-{i}" for g in GAMES for i in range(3)]
    assert [s.target for s in first] != [s.target for s in other]


def test_games_may_be_chosen_by_name_or_list():
    suite = GameSuite(games=["number"], n=1)
    assert [s.metadata["game"] for s in suite.samples()] == ["number"]
    assert len(GameSuite(games="all", n=1).samples()) == len(GAMES)


@pytest.mark.parametrize(
    "args, match",
    [
        (
            {"games": "chess"},
            "games must be one of all, number, wordle, mastermind, circuit, word_chain, poker; got",
        ),
        ({"games": "all,number"}, "'all' already means every game"),
        ({"games": 5}, "games must be all or names from number, wordle"),
        ({"difficulty": "extreme"}, "difficulty must be one of easy, medium, hard"),
        ({"n": 0}, "n \\(games of each kind\\) must be from 1 to 100000; got 0"),
        ({"n": True}, "n \\(games of each kind\\) must be from 1"),
        ({"n": "5"}, "n \\(games of each kind\\) must be from 1"),
        ({"games": "number", "n": 1000}, "n=1000 is more than number has different problems"),
        ({"seed": -1}, "seed must be a whole number of at least 0"),
        ({"games": "number", "size": 1}, "size for number \\(how many numbers the range holds"),
        ({"games": "number", "size": 2.5}, "size for number"),
    ],
)
def test_bad_arguments_fail_with_one_clear_line(args, match):
    with pytest.raises(TaskArgError, match=match) as error:
        GameSuite(**args)
    assert "\n" not in str(error.value)


def test_oracle_texts_are_right_and_wrong_for_every_game():
    suite = GameSuite(n=20, difficulty="medium", seed=1)
    for sample in suite.samples():
        p = Problem.from_sample(sample)
        right, wrong = (
            suite.extract(suite.answer_text(p)),
            suite.extract(suite.wrong_answer_text(p)),
        )
        assert right is not None and suite.verify(right, p).correct, p.id
        assert wrong is not None and not suite.verify(wrong, p).correct, p.id
        feedback = suite.verify(wrong, p).feedback
        assert feedback and suite.leaked(feedback, p) == [], (p.id, feedback)
        assert suite.leaked(f"The answer is {p.target}.", p), p.id
        assert p.target not in suite.verify(wrong, p).feedback.split()


JUNK = (
    "", " ", "ANSWER", "🙂", "x" * 5000, "1" * 300, "(" * 500, "NOT " * 3000 + "x1",
    "x1 OR " * 400 + "x1", "-5", "1e9", "\x00\ud800", "word, " * 200, "a, b", "99999999999999",
)  # fmt: skip


def test_no_answer_or_feedback_crashes_any_game():
    """Junk moves get a wrong verdict with feedback, and junk feedback passes through the leak
    guard, for every game: nothing a model writes can crash a sample."""
    suite = GameSuite(n=2, difficulty="hard", seed=7)
    for sample in suite.samples():
        p = Problem.from_sample(sample)
        for junk in JUNK:
            verdict = suite.verify(junk, p)
            assert not verdict.correct and verdict.feedback, (p.id, junk[:20])
            assert isinstance(suite.leaked(junk, p), list)


def test_a_small_game_space_runs_out_with_one_clear_line():
    """Two-input circuits: 10 functions that use both inputs, 4 choices of the shown pair."""
    assert len(GameSuite(games="circuit", size=2, n=40).samples()) == 40
    with pytest.raises(TaskArgError, match=r"^n=41 is more than circuit has different problems "
                       r"at these settings \(found 40\); lower n$"):  # fmt: skip
        GameSuite(games="circuit", size=2, n=41).samples()


def test_model_teacher_gets_more_than_the_answer_and_its_leaks_are_caught(tmp_path):
    """The model teacher's prompt holds the game's material (the hidden answer and how to win);
    a teacher that states the answer is flagged for every game, and with `leak=redact` the
    student never sees it."""
    suite = GameSuite(n=1, difficulty="medium", seed=2)
    records = answer_records(suite, suite.samples())
    teacher = get_model("scripted/teacher", answers=records, feedback="The answer is {answer}.")
    task = didactic_task(suite, turns=2, teacher="model", leak="redact")
    [log] = eval(
        task,
        model="scripted/student",
        model_args={"script": "wrong", "answers": records},
        model_roles={"teacher": teacher},
        log_dir=str(tmp_path),
        display="none",
    )
    assert log.status == "success", log.error
    for sample in log.samples:
        problem = Problem.from_sample(next(s for s in suite.samples() if s.id == sample.id))
        material = suite.reference(problem)
        assert problem.target.lower() in material.lower()
        assert len(material) > len(problem.target) + 100  # how to win, not only the answer
        [first, _] = sample.store["DidacticStore:turns"]
        assert first["teacher"] == "model" and first["leak"], sample.id
        assert problem.target.lower() not in first["feedback"].lower(), sample.id  # redacted
        calls = [e for e in sample.events if e.event == "model" and e.role == "teacher"]
        prompt = calls[0].input[-1].text
        if prompt.startswith("attachment://"):  # the log stores long texts once, by hash
            prompt = sample.attachments[prompt.removeprefix("attachment://")]
        assert material in prompt, sample.id

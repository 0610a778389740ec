"""tasks/puzzles.py end to end: oracle mode for every family, stable samples, task arguments,
a scripted run through the real `inspect eval` CLI, and the model teacher's privileged view."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from inspect_ai import eval
from inspect_ai.log import EvalLog, list_eval_logs, read_eval_log
from inspect_ai.model import get_model

from rl2f_eval.didactic.task import didactic_task
from rl2f_eval.errors import TaskArgError
from rl2f_eval.models.scripted import answer_records
from rl2f_eval.suites.base import Problem
from rl2f_eval.suites.puzzles.suite import FAMILIES, PuzzleSuite

ROOT = Path(__file__).parent.parent
INSPECT = str(Path(sys.executable).parent / "inspect")


def per_sample(log: EvalLog) -> dict[str, dict[str, float]]:
    assert log.status == "success", log.error
    return {str(s.id): s.scores["didactic_scorer"].value for s in log.samples}


def turns(log: EvalLog, sample_id: str) -> list[dict]:
    sample = next(s for s in log.samples if s.id == sample_id)
    return sample.store["DidacticStore:turns"]


def turns_family(log: EvalLog, sample_id: str) -> str:
    return next(s for s in log.samples if s.id == sample_id).metadata["family"]


def test_oracle_mode_every_family(tmp_path):
    suite = PuzzleSuite(families=list(FAMILIES), n=2, difficulty="easy", seed=3)
    task = didactic_task(suite, turns=3, teacher="verifier", oracle_turn=2)
    [log] = eval(task, model="none", log_dir=str(tmp_path), display="none")
    scores = per_sample(log)
    assert {turns_family(log, sid) for sid in scores} == set(FAMILIES)
    for sid, value in scores.items():
        assert (value["acc_at_1"], value["acc_at_2"], value["acc_at_3"]) == (0, 1, 1), sid
        first = turns(log, sid)[0]
        # the oracle's wrong answer got constraint feedback, not a format complaint
        assert first["answer"] is not None and first["teacher"] == "verifier"
        assert first["feedback"] and not first["leak"], (sid, first["feedback"])
        assert 0 <= first["score"] < 1
    assert not [e for s in log.samples for e in s.events if e.event == "model"]


def test_seeds_difficulties_and_sizes_change_the_puzzles():
    base = PuzzleSuite(families="sudoku,countdown", n=3, difficulty="easy", seed=0).samples()
    ids = [s.id for s in base]
    assert ids == [f"{f}-easy-s0-{i}" for f in ("sudoku", "countdown") for i in range(3)]
    other = PuzzleSuite(families="sudoku,countdown", n=3, difficulty="easy", seed=1).samples()
    assert not {s.input for s in base} & {s.input for s in other}
    harder = PuzzleSuite(families="sudoku", n=3, difficulty="hard").samples()
    assert sum(s.input.count("_") for s in harder) > sum(s.input.count("_") for s in base[:3])
    sized = PuzzleSuite(families="n_queens,countdown", n=2, size=7, difficulty="easy").samples()
    assert sized[0].id == "n_queens-easy-size7-s0-0"
    assert all(s.metadata["n"] == 7 for s in sized if s.metadata["family"] == "n_queens")
    assert all(len(s.metadata["numbers"]) == 7 for s in sized[2:])


@pytest.mark.parametrize(
    "args, match",
    [
        ({"families": "chess"}, "families must be one of mixed, knights_knaves, zebra"),
        ({"families": "mixed,sudoku"}, "'mixed' already means every generated family"),
        ({"difficulty": "extreme"}, "difficulty must be one of easy, medium, hard"),
        ({"n": 0}, "n \\(puzzles per family\\) must be between 1"),
        ({"families": "sudoku", "size": 6}, "size does not apply to sudoku"),
        ({"families": "n_queens", "size": 20}, "size for n_queens \\(board side\\) must be"),
        ({"seed": -1}, "seed must be"),
        ({"families": 5}, "families must be mixed or names from knights_knaves"),
        ({"n": True}, "n \\(puzzles per family\\) must be between 1"),
    ],
)
def test_bad_arguments_fail_with_one_clear_line(args, match):
    with pytest.raises(TaskArgError, match=match):
        PuzzleSuite(**args)


def test_families_may_be_a_list():
    suite = PuzzleSuite(families=["zebra", "puzzle24"], n=1, difficulty="easy")
    assert [s.metadata["family"] for s in suite.samples()] == ["zebra", "puzzle24"]


def test_cli_scripted_run(tmp_path):
    """`inspect eval tasks/puzzles.py` as a user runs it, on the scripted student, in a process
    with another string-hash seed: the samples it builds are the ones built here, every family
    is solved at turn 3 and its wrong answers got constraint feedback."""
    families = ",".join(FAMILIES)
    suite = PuzzleSuite(families=families, n=1, difficulty="easy", seed=4)
    answers = tmp_path / "answers.json"
    answers.write_text(json.dumps(answer_records(suite, suite.samples())))
    result = subprocess.run(
        [
            *(INSPECT, "eval", "tasks/puzzles.py", "--log-dir", str(tmp_path / "logs")),
            *("--model", "scripted/student", "-M", f"answers={answers}"),
            *("-M", "script=wrong,wrong,right", "-T", f"families={families}", "-T", "n=1"),
            *("-T", "difficulty=easy", "-T", "seed=4", "-T", "turns=4", "-T", "teacher=verifier"),
        ],
        cwd=ROOT,
        env={**os.environ, "PYTHONHASHSEED": "12345"},
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 0, result.stderr
    [info] = list_eval_logs(str(tmp_path / "logs"))
    log = read_eval_log(info)
    assert log.eval.task_args["families"] == list(FAMILIES)  # -T a,b,c arrives as a list
    built_here = {s.id: (s.input, s.target) for s in suite.samples()}
    assert {s.id: (s.input, s.target) for s in log.samples} == built_here
    for sid, value in per_sample(log).items():
        assert [value[f"acc_at_{k}"] for k in range(1, 5)] == [0, 0, 1, 1], sid
        first = turns(log, sid)[0]
        assert first["teacher"] == "verifier" and not first["leak"], sid
    kk = turns(log, "knights_knaves-easy-s4-0")
    assert "contradicts" in kk[0]["feedback"]
    queens = turns(log, "n_queens-easy-s4-0")
    assert "two queens" in queens[0]["feedback"] or "diagonal" in queens[0]["feedback"]


def test_model_teacher_sees_the_solution_and_leaks_are_flagged(tmp_path):
    """The model teacher's prompt holds the full solution (privileged); a teacher that repeats
    it is flagged by the leak guard for every family."""
    suite = PuzzleSuite(n=1, difficulty="easy", seed=2)
    records = answer_records(suite, suite.samples())
    teacher = get_model("scripted/teacher", answers=records, feedback="The solution:\n{answer}")
    task = didactic_task(suite, turns=2, teacher="model")
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
        [first, _] = sample.store["DidacticStore:turns"]
        assert first["teacher"] == "model" and first["leak"], sample.id
        calls = [e for e in sample.events if e.event == "model" and e.role == "teacher"]
        prompt = calls[0].input[-1].text
        if prompt.startswith("attachment://"):  # the log stores long texts once, by hash
            prompt = sample.attachments[prompt.removeprefix("attachment://")]
        assert suite.reference(problem) in prompt, sample.id
    assert log.results.scores[0].metrics["leak_rate"].value == 1.0

"""Bad input gets one line: bounds on every suite's sizes, malformed data files, and a demo that
stops when an evaluation fails (`inspect eval` itself exits 0 then)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from rl2f_eval import tasks
from rl2f_eval.errors import TaskArgError

ROOT = Path(__file__).parent.parent


@pytest.mark.parametrize(
    ("task", "args", "message"),
    [
        ("maze", {"n": 10**9}, "n must be a whole number from 1 to 100000; got 1000000000"),
        ("maze", {"size": 10**4}, "size must be a whole number from 2 to 50; got 10000"),
        ("arithmetic", {"max_value": 10**6}, "max_value must be a whole number from 1 to 1000"),
        ("arithmetic", {"n": 82}, "n must be a whole number from 1 to 81; got 82"),
        (
            "arithmetic",
            {"max_value": 1000, "n": 10**6},
            "n must be a whole number from 1 to 100000",
        ),
        (
            "puzzles",
            {"n": 100_000},
            "n (puzzles per family) must be between 1 and 1000; got 100000",
        ),
        ("puzzles", {"turns": 10**9}, "turns must be a whole number from 1 to 100; got 1000000000"),
    ],
)
def test_sizes_have_upper_bounds(task, args, message):
    with pytest.raises(TaskArgError) as raised:
        tasks.TASKS[task](**args)
    assert message in str(raised.value) and "\n" not in str(raised.value)


MATH_FILE = {"dataset": "hf", "problem_field": "question", "answer_field": "answer"}


@pytest.mark.parametrize(
    ("name", "content", "reason"),
    [
        ("truncated.jsonl", '{"question": "1+1", "answer": "2"}\n{"question": "2+', "JSON parse"),
        ("empty.jsonl", "", "no records (an empty file?)"),
        ("bad.yaml", 'problems:\n  - prompt: "x\n    solution: [\n', "ScannerError"),
    ],
)
def test_malformed_data_files_are_one_line(tmp_path, name, content, reason):
    path = tmp_path / name
    path.write_text(content)
    if name.endswith(".yaml"):  # a HARDMath2 folder with a broken file
        args = {"dataset": "hardmath2", "data_path": str(tmp_path)}
    else:
        args = {**MATH_FILE, "hf_path": str(path)}
    with pytest.raises(TaskArgError) as raised:
        tasks.TASKS["hard_math"](**args, teacher="verifier")
    text = str(raised.value)
    assert text.startswith("hard_math: the data could not be read (") and str(tmp_path) in text
    assert reason in text and "\n" not in text


def test_make_demo_stops_when_an_evaluation_fails(tmp_path):
    """The demo target on a student whose every call fails: the run ends in status error,
    `inspect eval` exits 0, and the demo stops there instead of tabulating nothing."""
    venv = Path(sys.executable).parent.parent
    make = ["make", "-o", "install", "demo", f"VENV={venv}", "DEMO_MODEL=scripted/student"]
    result = subprocess.run(
        [*make, "DEMO_ARGS=-M script=error -T n=1", f"LOGS={tmp_path}", f"RESULTS={tmp_path}"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=300,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
    )
    assert result.returncode != 0
    assert "error: the evaluation ended in status error; its log: " in result.stderr
    assert "teacher=binary" not in result.stdout  # stopped after the first evaluation
    assert not (tmp_path / "demo" / "leaderboard.md").exists()

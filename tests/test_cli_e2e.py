"""`inspect eval tasks/maze.py` through the real CLI, as a user runs it."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from inspect_ai.log import list_eval_logs, read_eval_log

from rl2f_eval.models.scripted import answer_records
from rl2f_eval.suites.maze import MazeSuite
from tests.conftest import TASKS, metrics

INSPECT = str(Path(sys.executable).parent / "inspect")


def inspect_eval(*args: str, log_dir: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [INSPECT, "eval", "tasks/maze.py", "--log-dir", str(log_dir), *args],
        cwd=TASKS.parent,  # as a user runs it, from the repository root
        capture_output=True,
        text=True,
        timeout=300,
    )


def test_cli_run_on_the_scripted_model(tmp_path):
    suite = MazeSuite(size=3, n=3, seed=5)
    answers = tmp_path / "answers.json"
    answers.write_text(json.dumps(answer_records(suite, suite.samples())))
    result = inspect_eval(
        *("--model", "scripted/student", "-M", f"answers={answers}", "-M", "script=wrong,right"),
        *("-T", "size=3", "-T", "n=3", "-T", "seed=5", "-T", "turns=3", "-T", "teacher=verifier"),
        log_dir=tmp_path / "logs",
    )
    assert result.returncode == 0, result.stderr
    [info] = list_eval_logs(str(tmp_path / "logs"))
    log = read_eval_log(info)
    assert log.status == "success" and len(log.samples) == 3
    assert log.eval.task_args["teacher"] == "verifier"
    m = metrics(log)
    assert (m["acc_at_1"], m["acc_at_2"], m["acc_at_3"]) == (0, 1, 1)


def test_cli_bad_argument_is_one_clear_line(tmp_path):
    result = inspect_eval("--model", "none", "-T", "teacher=nobody", log_dir=tmp_path / "logs")
    assert result.returncode != 0
    output = result.stdout + result.stderr
    assert "teacher must be one of model, verifier, binary, self; got 'nobody'" in output
    assert "Traceback" not in output

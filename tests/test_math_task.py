"""tasks/hard_math.py end to end: oracle mode on a slice of every dataset, a scripted student
through the `inspect eval` CLI, and one-line errors for bad arguments."""

import json
import subprocess
import sys
from pathlib import Path

import pytest
from inspect_ai import eval as inspect_eval
from inspect_ai.log import read_eval_log

from rl2f_eval.models.scripted import answer_records
from rl2f_eval.suites.math import MathSuite

ROOT = Path(__file__).parent.parent
TASK = "tasks/hard_math.py"  # relative to ROOT: Inspect resolves task files from the cwd
FIXTURE = str(Path(__file__).parent / "fixtures" / "hardmath2")


def hf_fixture(tmp_path: Path) -> str:
    path = tmp_path / "tiny.jsonl"
    rows = [
        {"problem": "What is 1+1?", "answer": "2"},
        {"problem": "Half of one?", "answer": r"\frac{1}{2}"},
        {"problem": "Roots of x^2=1?", "answer": r"\{-1, 1\}"},
    ]
    path.write_text("".join(json.dumps(r) + "\n" for r in rows))
    return str(path)


def metrics(log) -> dict[str, float]:
    """acc_at_k and friends by name (their mean), plus the summary metrics."""
    values = {}
    for score in log.results.scores:
        for name, metric in score.metrics.items():
            values[score.name if name == "mean" else name] = metric.value
    return values


@pytest.mark.parametrize(
    "args",
    [
        {"dataset": "champ"},
        {"dataset": "aime"},
        {"dataset": "math500"},
        {"dataset": "hardmath2", "data_path": FIXTURE},
        {"dataset": "hf"},
    ],
    ids=["champ", "aime", "math500", "hardmath2", "hf"],
)
def test_oracle_mode_on_every_dataset(args, tmp_path, monkeypatch):
    monkeypatch.chdir(ROOT)
    if args["dataset"] == "hf":
        args = {**args, "hf_path": hf_fixture(tmp_path)}
    [log] = inspect_eval(
        TASK,
        task_args={**args, "oracle_turn": 2, "teacher": "verifier", "turns": 3},
        model="mockllm/model",  # never called: the oracle answers and the verifier teaches
        limit=4,
        log_dir=str(tmp_path / "logs"),
        display="none",
    )
    assert log.status == "success", log.error
    values = metrics(log)
    assert (values["acc_at_1"], values["acc_at_2"], values["acc_at_3"]) == (0.0, 1.0, 1.0)
    for sample in log.samples:  # the wrong first answer got programmatic feedback
        turns = sample.store["DidacticStore:turns"]
        assert turns[0]["teacher"] == "verifier" and turns[0]["feedback"]
        assert sample.target not in turns[0]["feedback"]


def test_scripted_student_through_the_cli(tmp_path):
    suite = MathSuite("aime")
    samples = suite.samples()[:3]
    answers = tmp_path / "answers.json"
    answers.write_text(json.dumps(answer_records(suite, samples)))
    log_dir = tmp_path / "logs"
    result = subprocess.run(
        [sys.executable, "-m", "inspect_ai", "eval", TASK, "--model", "scripted/student",
         "-M", "script=wrong,garbled,right", "-M", f"answers={answers}",
         "-T", "dataset=aime", "-T", "teacher=verifier", "-T", "turns=3",
         "--limit", "3", "--log-dir", str(log_dir), "--display", "none"],
        capture_output=True, text=True, cwd=ROOT, timeout=600,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr[-3000:]
    [log_file] = list(log_dir.glob("*.eval"))
    log = read_eval_log(str(log_file))
    assert log.status == "success"
    values = metrics(log)
    assert (values["acc_at_1"], values["acc_at_2"], values["acc_at_3"]) == (0.0, 0.0, 1.0)
    turns = log.samples[0].store["DidacticStore:turns"]
    assert "not equivalent to the correct answer" in turns[0]["verifier_feedback"]
    assert turns[1].get("answer") is None and turns[1]["teacher"] == "format"
    assert turns[2]["correct"]


def test_bad_arguments_are_one_line_errors(tmp_path):
    result = subprocess.run(
        [sys.executable, "-m", "inspect_ai", "eval", TASK, "-T", "dataset=gsm8k",
         "--log-dir", str(tmp_path)],
        capture_output=True, text=True, cwd=ROOT, timeout=300,
    )  # fmt: skip
    assert result.returncode != 0
    assert "dataset must be one of champ, aime, math500, mmath, hardmath2, hf; got 'gsm8k'" in (
        result.stdout + result.stderr
    )
    assert "Traceback" not in result.stdout + result.stderr

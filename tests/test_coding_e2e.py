"""End to end through Inspect: `tasks/coding.py` with the scripted student and in oracle mode."""

from __future__ import annotations

import importlib.util
import json
import os
from pathlib import Path

import pytest
from inspect_ai import eval as inspect_eval
from inspect_ai.log import EvalLog

from rl2f_eval.didactic.store import DidacticStore
from rl2f_eval.errors import TaskArgError
from rl2f_eval.models.scripted import answer_records
from rl2f_eval.suites.coding import CodingSuite, fenced

# Inspect resolves task files relative to the working directory (pytest runs from the root)
TASK = os.path.relpath(Path(__file__).parent.parent / "tasks" / "coding.py")


def metrics(log: EvalLog) -> dict[str, float]:
    assert log.status == "success", log.error
    assert log.results is not None
    values = {}  # acc_at_k / gain / aulc: their mean; the summary metrics by name
    for score in log.results.scores:
        if "mean" in score.metrics:
            values[score.name] = score.metrics["mean"].value
        else:
            values.update({name: metric.value for name, metric in score.metrics.items()})
    return values


def test_scripted_student_with_verifier_feedback(tmp_path: Path) -> None:
    samples = CodingSuite(n=3).samples()
    records = answer_records(CodingSuite(), samples)
    # a realistic wrong first attempt for HumanEval/0 instead of the oracle's placeholder
    records[0]["wrong"] = fenced("def has_close_elements(numbers, threshold):\n    return False")
    answers = tmp_path / "answers.json"
    answers.write_text(json.dumps(records))
    (log,) = inspect_eval(
        TASK,
        task_args={"n": 3, "turns": 3, "teacher": "verifier"},
        model="scripted/student",
        model_args={"script": "wrong,right", "answers": str(answers)},
        log_dir=str(tmp_path / "logs"),
        display="none",
    )
    values = metrics(log)
    assert values["acc_at_1"] == 0.0
    assert values["acc_at_2"] == values["acc_at_3"] == 1.0
    assert log.eval.metadata and "layers" in log.eval.metadata["sandbox"]
    assert log.samples is not None
    first = next(s for s in log.samples if s.id == "HumanEval/0")
    turns = DidacticStore.model_validate(
        {k.split(":", 1)[1]: v for k, v in first.store.items() if k.startswith("DidacticStore:")}
    ).turns
    assert turns[0].feedback == (
        "On test 1 of 7, has_close_elements([1.0, 2.0, 3.9, 4.0, 5.0, 2.2], 0.3) gave a wrong "
        "result (the test's assertion failed). It passes 3 of 7 tests."
    )
    assert "returned False, which is wrong. Expected: True." in turns[0].verifier_report
    assert turns[1].correct
    # the student saw the feedback in its conversation
    assert any("gave a wrong result" in m.text for m in first.messages)


def test_oracle_mode(tmp_path: Path) -> None:
    (log,) = inspect_eval(
        TASK,
        task_args={"n": 4, "seed": 7, "turns": 3, "oracle_turn": 2, "teacher": "verifier"},
        log_dir=str(tmp_path / "logs"),
        display="none",
    )
    values = metrics(log)
    assert values["acc_at_1"] == 0.0
    assert values["acc_at_2"] == values["acc_at_3"] == 1.0


def test_oracle_mode_needs_references() -> None:
    spec = importlib.util.spec_from_file_location("coding_task", TASK)
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    fixture = Path(__file__).parent / "fixtures" / "coding" / "livecodebench.jsonl"
    with pytest.raises(TaskArgError, match="LiveCodeBench ships none"):
        module.coding(dataset="livecodebench", path=str(fixture), oracle_turn=2)
    task = module.coding(dataset="livecodebench", path=str(fixture), teacher="verifier")
    assert len(task.dataset) == 2


def test_the_judge_through_inspects_sandbox(tmp_path: Path) -> None:
    """`-T sandbox=inspect` runs the same judge through Inspect's sandbox() (here its `local`
    provider): a right answer passes, a forged verdict does not."""
    from tests.test_sandbox_hostile import forged

    suite = CodingSuite()
    ids = ["HumanEval/0", "HumanEval/2"]
    samples = [s for s in suite.samples() if s.id in ids]
    records = answer_records(suite, samples)
    records[0]["right"] = fenced(forged("has_close_elements"))  # HumanEval/0: the forgery
    answers = tmp_path / "answers.json"
    answers.write_text(json.dumps(records))
    (log,) = inspect_eval(
        TASK,
        task_args={"turns": 1, "teacher": "verifier", "sandbox": "inspect"},
        sample_id=ids,
        sandbox="local",
        model="scripted/student",
        model_args={"script": "right", "answers": str(answers)},
        log_dir=str(tmp_path / "logs"),
        display="none",
    )
    assert metrics(log)["acc_at_1"] == 0.5
    assert log.eval.metadata and log.eval.metadata["sandbox"]["launcher"] == "inspect sandbox()"
    assert log.samples is not None
    (forgery,) = [s for s in log.samples if s.id == "HumanEval/0"]
    # the raw store (StoreModel.model_validate would read the ambient store of an earlier run)
    (turn,) = forgery.store["DidacticStore:turns"]
    assert not turn["correct"] and "It passes 0 of 7 tests." in turn["verifier_report"]

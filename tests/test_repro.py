"""`rl2f-eval repro` end to end on a tiny budget: three arms of one GRPO step of two episodes on
the arithmetic toy, five Inspect evaluations of two held-out problems, the report; then a rerun
that keeps everything, and one that redoes only what was removed, in worker processes."""

from __future__ import annotations

import json
import re
import shlex
import shutil
from pathlib import Path

import pytest
import torch
import typer
import yaml
from inspect_ai.log import read_eval_log
from typer.testing import CliRunner

pytest.importorskip("trl", reason="training needs the train extra: pip install -e '.[train]'")

from rl2f_eval.cli import app as cli_app
from rl2f_eval.repro.config import load_repro_config
from rl2f_eval.repro.pipeline import (
    ReproError,
    evaluation_spec,
    finished_log,
    load_plan,
    prepare,
)
from rl2f_eval.train.config import TrainConfigError, split_problems
from rl2f_eval.train.warmup import warmup_problems

pytestmark = pytest.mark.slow
CONFIGS = Path(__file__).parent.parent / "configs" / "repro"


def tiny(tmp_path: Path, **settings) -> Path:
    config = {
        "turns": 2,
        "parallel": 1,
        "runs_dir": str(tmp_path / "runs"),
        "results_dir": str(tmp_path / "results"),
        "train": {
            "suite": {"name": "arithmetic", "args": {"n": 40}},
            "teacher": {"name": "verifier"},
            "steps": 1,
            "batch": 1,
            "generations": 2,
            "max_tokens": 6,
            "lr": 1.0e-3,
            "eval": {"every": 0, "n": 2},
            "export": "merged",
        },
        "arms": {"rl2f": {}, "single_turn": {}, "critique": {}},
        # the base: one supervised step on problems of another seed (none trained or held out)
        "warmup": {"steps": 1, "batch": 2, "suite_args": {"seed": 1, "n": 81}},
        **settings,
    }
    path = tmp_path / "tiny.yaml"
    path.write_text(yaml.safe_dump(config))
    return path


def app() -> typer.Typer:
    return cli_app


def repro(*args: str) -> str:
    result = CliRunner().invoke(app(), ["repro", *args])
    assert result.exit_code == 0, result.output
    return result.output


@pytest.fixture(scope="module")
def done(tmp_path_factory):
    """One whole tiny repro, shared by the tests of this module."""
    threads = torch.get_num_threads()
    torch.set_num_threads(1)
    tmp_path = tmp_path_factory.mktemp("repro")
    path = tiny(tmp_path)
    output = repro(str(path))
    torch.set_num_threads(threads)
    config = load_repro_config(path)
    summary = json.loads((config.out_dir / "summary.json").read_text())
    return {"path": path, "config": config, "output": output, "summary": summary}


def test_every_arm_is_evaluated_on_the_same_problems_and_turns(done):
    summary, config = done["summary"], done["config"]
    assert set(summary["arms"]) == {"base", "rl2f", "single_turn", "base_self", "critique_self"}
    _, _, _, held_out = split_problems(config.arm_config("rl2f"))
    ids = sorted(str(p.id) for p in held_out)
    plan = load_plan(config.run_dir)
    for name, arm in summary["arms"].items():
        assert arm["n"] == 2
        for key in ("acc_at_1", "acc_at_2", "gain", "aulc"):
            assert set(arm[key]) == {"value", "low", "high"}
            assert arm[key]["low"] <= arm[key]["value"] <= arm[key]["high"]
        log = read_eval_log(arm["log"])
        assert sorted(str(s.id) for s in log.samples) == ids  # the same held-out problems
        assert log.eval.task_args["turns"] == 2  # the same N, single-turn arm included
        assert log.eval.model_generate_config.max_tokens == 6
        teacher = "self" if name.endswith("_self") else "verifier"
        assert log.eval.task_args["teacher"] == arm["teacher"] == teacher
        model_args = log.eval.model_args
        assert model_args["do_sample"] is False  # greedy student
        assert model_args["model_path"] == evaluation_spec(plan, name)["checkpoint"]
        assert arm["reproduce"].startswith("inspect eval rl2f_eval/arithmetic")
        assert "--sample-id" in shlex.split(arm["reproduce"])
    # each arm's own checkpoint: the base for the base rows, the arm's export otherwise
    assert summary["arms"]["base"]["checkpoint"] == summary["arms"]["base_self"]["checkpoint"]
    for name in ("rl2f", "single_turn"):
        assert summary["arms"][name]["checkpoint"].endswith(f"{name}/final/merged")
    assert summary["arms"]["critique_self"]["checkpoint"].endswith("critique/final/merged")


def test_the_base_is_a_warm_up_on_problems_no_arm_trains_or_is_scored_on(done):
    summary, config = done["summary"], done["config"]
    base = summary["base"]
    assert base["checkpoint"] == str(config.warm_base) == summary["arms"]["base"]["checkpoint"]
    assert base["warmup"]["from"] != base["checkpoint"] and len(base["warmup"]["losses"]) == 1
    assert all(arm.model == str(config.warm_base) for arm in config.arm_configs().values())
    _, train, _, held_out = split_problems(config.arm_config("rl2f"))
    warm = warmup_problems(config.base_config(), config.warmup)
    assert len(warm) == base["warmup"]["problems"] == 81 - 40
    assert not {p.input for p in warm} & {p.input for p in [*train, *held_out]}


def test_comparisons_budget_and_figure_are_written(done):
    summary, config = done["summary"], done["config"]
    out = config.out_dir
    assert set(summary["comparisons"]) == {
        "rl2f_vs_base",
        "single_turn_vs_base",
        "rl2f_vs_single_turn",
        "critique_self_vs_base_self",
    }
    for key, comparison in summary["comparisons"].items():
        markdown = Path(comparison["file"])
        assert markdown.parent == out / "compare" and markdown.name == f"{key}.md"
        assert "# Paired comparison" in markdown.read_text()
        assert markdown.with_suffix(".csv").exists()
        assert comparison["n"] == 2 and {"acc_at_1", "acc_at_2", "gain"} <= set(comparison["diff"])
        b, a = key.split("_vs_")
        gain = comparison["diff"]["gain"]
        expected = summary["arms"][b]["gain"]["value"] - summary["arms"][a]["gain"]["value"]
        assert gain["value"] == pytest.approx(expected)
    budget = summary["budget"]
    assert budget["unit"] == ["steps", "episodes"] and {"steps", "episodes"} <= set(budget["equal"])
    arms = budget["arms"]
    assert {arm["episodes"] for arm in arms.values()} == {2}
    assert arms["single_turn"]["attempts"] == 2 and arms["single_turn"]["turns"] == 1
    assert arms["rl2f"]["turns"] == arms["critique"]["turns"] == 2
    assert all(arm["student_tokens"] > 0 for arm in arms.values())
    assert {Path(p).suffix for p in summary["figure"]} == {".png", ".svg"}
    assert all(Path(p).stat().st_size > 1000 for p in summary["figure"])
    assert summary["command"] == f"rl2f-eval repro {done['path']}"
    table = (out / "summary.md").read_text()
    assert "| RL2F | verifier | 2 |" in table and table in done["output"]  # printed too


def test_a_rerun_keeps_finished_jobs_and_redoes_only_what_is_gone(done):
    config = done["config"]
    kept = repro(str(done["path"]))
    assert len(re.findall(r"done earlier, kept", kept)) == 9 and "started" not in kept
    # an interrupted training (checkpoint kept, export gone) and a lost evaluation, rerun in
    # worker processes side by side
    run_dir = config.run_dir
    export = run_dir / "single_turn" / "final"
    checkpoints = sorted((run_dir / "single_turn" / "checkpoints").glob("checkpoint-*"))
    assert checkpoints, "the repro saves resumable checkpoints"
    before = (run_dir / "single_turn" / "metrics.jsonl").read_text()
    for path in (export, run_dir / "logs" / "base"):
        shutil.rmtree(path)
    output = repro(str(done["path"]), "--parallel", "2")
    assert "train single_turn: started" in output and "eval base: started" in output
    assert "train rl2f: done earlier, kept" in output and "eval rl2f: done earlier" in output
    assert (export / "export.json").exists() and finished_log(run_dir / "logs" / "base")
    # resumed at its last checkpoint (step 1 of 1): its log was kept, no step trained again
    after = (run_dir / "single_turn" / "metrics.jsonl").read_text()
    assert after.startswith(before) and after.count('"train"') == before.count('"train"')
    assert "resuming from" in (run_dir / "jobs" / "train-single_turn.log").read_text()


def test_a_run_directory_of_another_config_or_other_problems_is_refused(done, tmp_path):
    config = load_repro_config(done["path"], turns=3)
    with pytest.raises(ReproError, match=r"holds a repro of another config .*turns"):
        prepare(config)
    # the same config whose suite now writes other problems (its code changed): refused too
    stored = done["config"].run_dir / "repro.yaml"
    settings = yaml.safe_load(stored.read_text())
    copy = tmp_path / "repro.yaml"
    copy.write_text(stored.read_text())
    stored.write_text(yaml.safe_dump({**settings, "problems": "0" * 16}))
    try:
        with pytest.raises(ReproError, match=r"differs in problems"):
            prepare(done["config"])
    finally:
        stored.write_text(copy.read_text())


@pytest.mark.parametrize(
    ("settings", "message"),
    [
        ({"arms": {"rl2f": {}}}, "arms must include rl2f and single_turn"),
        ({"arms": {"rl2f": {}, "single_turn": {"suite": {}}}}, "arms.single_turn.suite"),
        ({"arms": {"rl2f": {"turns": 3}, "single_turn": {}}}, "arms.rl2f.turns"),
        ({"arms": {"rl2f": {"critique": 1.0}, "single_turn": {}}}, "belongs to the critique"),
        ({"arms": {"rl2f": {}, "single_turn": {}, "critique": {"critique": 0}}}, "above 0"),
        ({"arms": {"rl2f": {}, "single_turn": {"lr": -1}}}, "arms.single_turn (train.lr)"),
        ({"turns": 1}, "turns: Input should be greater than or equal to 2"),
        ({"arms": {"rl2f": {}, "single_turn": {}, "judge": {}}}, "arms.judge"),
    ],
)
def test_bad_repro_configs_fail_in_one_line(tmp_path, settings, message):
    with pytest.raises(TrainConfigError, match=re.escape(message)):
        load_repro_config(tiny(tmp_path, **settings))
    result = CliRunner().invoke(app(), ["repro", str(tiny(tmp_path, **settings)), "--check"])
    assert result.exit_code == 2 and "Traceback" not in result.output


def test_train_eval_turns_must_be_the_repro_turns(tmp_path):
    path = tiny(tmp_path)
    config = yaml.safe_load(path.read_text())
    config["train"]["eval"]["turns"] = 3
    path.write_text(yaml.safe_dump(config))
    with pytest.raises(TrainConfigError, match="every arm is evaluated with turns=2"):
        load_repro_config(path)


@pytest.mark.parametrize("name", sorted(p.name for p in CONFIGS.glob("*.yaml")))
def test_shipped_repro_configs_are_valid(name):
    config = load_repro_config(CONFIGS / name)
    arms = config.arm_configs()
    _, train, _, held_out = split_problems(arms["rl2f"])
    assert len(held_out) >= 100 and train
    assert arms["single_turn"].turns == 1 and arms["rl2f"].turns == config.turns
    budgets = {(a.steps, a.batch * a.generations) for a in arms.values()}
    assert len(budgets) == 1  # the same steps and episodes in every arm
    assert {a.eval.turns for a in arms.values()} == {config.turns}

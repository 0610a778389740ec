"""Training configs: validation with one-line errors, the held-out split, the CLI's --check."""

from __future__ import annotations

import importlib.util
import re
from pathlib import Path

import pytest
import torch
import typer
import yaml
from typer.testing import CliRunner

from rl2f_eval.train.cli import register
from rl2f_eval.train.config import TrainConfigError, load_config, split_problems

CONFIGS = Path(__file__).parent.parent / "configs" / "train"


def write(tmp_path, **settings):
    config = {"output_dir": str(tmp_path / "run"), "suite": {"name": "arithmetic"}, **settings}
    path = tmp_path / "train.yaml"
    path.write_text(yaml.safe_dump(config))
    return path


@pytest.mark.parametrize("name", sorted(p.name for p in CONFIGS.glob("*.yaml")))
def test_shipped_configs_are_valid(name):
    config = load_config(CONFIGS / name)
    _, train, _, held_out = split_problems(config)
    assert train and len(held_out) == config.eval.n


@pytest.mark.parametrize(
    ("settings", "message"),
    [
        ({"turns": 0}, "turns: Input should be greater than or equal to 1"),
        ({"tunrs": 3}, "tunrs: Extra inputs are not permitted"),
        ({"teacher": {"name": "model"}}, "teacher: Value error, the model teacher needs `model:`"),
        ({"teacher": {"name": "oracle"}}, "teacher.name: Input should be"),
        ({"suite": {"name": "chess"}}, "suite.name must be one of maze, arithmetic"),
        ({"suite": {"name": "arithmetic", "args": {"size": 3}}}, "unexpected keyword argument"),
        ({"suite": {"name": "arithmetic", "args": {"n": 500}}}, "n must be between 1 and 81"),
        ({"suite": {"name": "arithmetic", "args": {"n": 10}}, "eval": {"n": 10}}, "eval.n=10"),
        ({"batch": 20, "suite": {"name": "arithmetic", "args": {"n": 20}}}, "batch=20"),
    ],
)
def test_bad_configs_fail_with_the_field_named(tmp_path, settings, message):
    with pytest.raises(TrainConfigError, match=re.escape(message)):
        split_problems(load_config(write(tmp_path, **settings)))


def test_held_out_problems_never_occur_in_training(tmp_path):
    split = split_problems(load_config(write(tmp_path, eval={"n": 6})))
    train, held_out = split[1], split[3]
    assert len(held_out) == 6 and not {p.input for p in train} & {p.input for p in held_out}
    # another seed of a small maze repeats problems: they are dropped from the held-out set
    maze = {"name": "maze", "args": {"size": 2, "n": 30}}
    other = load_config(write(tmp_path, suite=maze, eval={"n": 30, "suite_args": {"seed": 7}}))
    _, train, _, held_out = split_problems(other)
    assert len(train) < 30  # 30 seeded 2x2 mazes hold repeats: each is trained on once
    assert held_out and not {p.input for p in train} & {p.input for p in held_out}


def test_grpo_passthrough_and_vllm_errors(tmp_path):
    pytest.importorskip("trl", reason="needs the train extra")
    from rl2f_eval.train.trl_adapter import grpo_config, require_vllm

    config = load_config(write(tmp_path, grpo={"loss_type": "grpo", "top_p": 0.9}))
    args = grpo_config(config)
    assert (args.loss_type, args.top_p, args.num_generations) == ("grpo", 0.9, 4)
    assert args.per_device_train_batch_size == config.batch * config.generations
    if not torch.cuda.is_available():
        assert (args.use_cpu, args.bf16) == (True, False)
    with pytest.raises(TrainConfigError, match=r"grpo: learning_rate .*top-level"):
        grpo_config(load_config(write(tmp_path, grpo={"learning_rate": 1.0})))
    with pytest.raises(TrainConfigError, match=r"grpo: .*unexpected keyword"):
        grpo_config(load_config(write(tmp_path, grpo={"no_such_setting": 1})))
    require_vllm("off")
    if importlib.util.find_spec("vllm") is None or not torch.cuda.is_available():
        with pytest.raises(TrainConfigError, match=r"vllm\.mode=colocate needs"):
            require_vllm("colocate")


def test_cli_check_reports_the_split_without_loading_a_model(tmp_path):
    app = typer.Typer()
    register(app)
    path = write(tmp_path, eval={"n": 5}, turns=2)
    result = CliRunner().invoke(app, ["train", "--config", str(path), "--check", "--steps", "3"])
    assert result.exit_code == 0, result.output
    assert "arithmetic: 15 training problems, 5 held out; 2 turns" in result.output
    assert "3 steps of 4x4 episodes" in result.output
    bad = CliRunner().invoke(app, ["train", "--config", str(tmp_path / "missing.yaml")])
    assert bad.exit_code == 2 and "config file not found" in bad.output
    assert "Traceback" not in bad.output

"""Training configs: validation with one-line errors, the held-out split, the CLI's --check."""

from __future__ import annotations

import importlib.util
import itertools
import json
import re
import shlex
from pathlib import Path

import click.testing
import pytest
import torch
import typer
import yaml
from inspect_ai._cli.main import inspect as inspect_cli
from inspect_ai._cli.util import parse_cli_config
from inspect_ai.log import list_eval_logs, read_eval_log
from typer.testing import CliRunner

from rl2f_eval.models.scripted import answer_records
from rl2f_eval.results.load import run_identity
from rl2f_eval.train.cli import register
from rl2f_eval.train.config import TrainConfig, TrainConfigError, load_config, split_problems
from rl2f_eval.train.export import eval_commands
from rl2f_eval.train.run import eval_notes, task_spec, vllm_server

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
        (
            {"suite": {"name": "chess"}},
            "suite.name must be one of arithmetic, coding, games, hard_math, maze, puzzles",
        ),
        ({"suite": {"name": "arithmetic", "args": {"size": 3}}}, "unexpected keyword argument"),
        (
            {"suite": {"name": "arithmetic", "args": {"n": 500}}},
            "n must be a whole number from 1 to 81",
        ),
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

    config = load_config(write(tmp_path, grpo={"loss_type": "dapo", "top_p": 0.9}))
    args = grpo_config(config)
    assert (args.loss_type, args.top_p, args.num_generations) == ("dapo", 0.9, 4)
    # our defaults for long multi-turn episodes (README: Training), not TRL's
    ours = grpo_config(load_config(write(tmp_path)))
    assert (ours.loss_type, ours.vllm_importance_sampling_mode) == ("grpo", "token_truncate")
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


def _commands(config: TrainConfig) -> list[list[str]]:
    _, _, _, held_out = split_problems(config)
    paths = {"merged": Path("runs/x/final/merged"), "adapter": Path("runs/x/final/adapter")}
    ids = [str(p.id) for p in held_out]
    spec, server = task_spec(config), vllm_server(config)
    return [shlex.split(c) for c in eval_commands(paths, "BASE", spec, ids, server)]


def _options(tokens: list[str], flag: str) -> list[str]:
    return [value for name, value in itertools.pairwise(tokens) if name == flag]


@pytest.mark.parametrize("name", sorted(p.name for p in CONFIGS.glob("*.yaml")))
def test_export_commands_evaluate_as_training_did(name):
    """export.json's commands hold what the held-out evaluation used: task args (leak and
    privileged too), the teacher with its base URL and settings, max_tokens, greedy decoding."""
    config = load_config(CONFIGS / name)
    teacher = config.teacher
    expected = {**config.suite.args, **config.eval.suite_args}
    expected |= {"turns": config.eval.turns, "teacher": teacher.name}
    if teacher.leak != "flag":
        expected["leak"] = teacher.leak
    if teacher.name == "model" and not teacher.privileged:
        expected["privileged"] = False
    hf, vllm, adapter = _commands(config)
    for tokens in (hf, vllm, adapter):
        assert tokens[:3] == ["inspect", "eval", f"rl2f_eval/{config.suite.name}"]
        assert parse_cli_config(tuple(_options(tokens, "-T")), None) == expected
        assert _options(tokens, "--max-tokens") == [str(config.max_tokens)]
        roles = _options(tokens, "--model-role")
        if teacher.name != "model":
            assert roles == []
            continue
        [role] = roles
        assert role.startswith("teacher=")
        bound = yaml.safe_load(role.removeprefix("teacher="))
        assert bound["model"] == teacher.model and bound["max_tokens"] == teacher.max_tokens
        assert bound.get("temperature") == teacher.temperature
        assert bound.get("model_args", {}).get("base_url") == teacher.base_url
        assert bound["cache"] == {"expiry": "1Y", "per_epoch": False}  # same feedback each time
    assert _options(hf, "-M")[-1] == "do_sample=false" and "--temperature" not in hf
    assert _options(vllm, "--temperature") == _options(adapter, "--temperature") == ["0"]
    # the student's vllm server starts beside the teacher's: it takes only its share
    share = f"gpu_memory_utilization={config.vllm.eval_gpu_memory_utilization}"
    assert share in _options(vllm, "-M") and share in _options(adapter, "-M")
    if config.vllm.max_model_length:
        assert f"max_model_len={config.vllm.max_model_length}" in _options(vllm, "-M")
    if name == "maze-h100.yaml":
        assert expected["leak"] == "regenerate" and teacher.base_url


def test_export_command_runs_in_inspect_as_written(tmp_path, monkeypatch):
    """The command for a model teacher with a base URL, model args, its own generation
    settings, unprivileged, leak=redact and `ops=*` runs in Inspect's CLI; the log records
    all of it (scripted models stand in for the export and for the teacher's server)."""
    monkeypatch.setenv("INSPECT_CACHE_DIR", str(tmp_path / "cache"))  # the teacher's cache
    teacher = {
        "name": "model",
        "model": "scripted/teacher",
        "base_url": "http://127.0.0.1:8001/v1",
        "model_args": {"feedback": "Check the operation."},
        "max_tokens": 64,
        "temperature": 0.3,
        "privileged": False,
        "leak": "redact",
    }
    suite = {"name": "arithmetic", "args": {"n": 20, "ops": "*"}}
    config = load_config(
        write(
            tmp_path,
            suite=suite,
            teacher=teacher,
            turns=2,
            max_tokens=24,
            eval={"n": 2, "turns": 2},
        )
    )
    hf = _commands(config)[0]
    student = hf.index("--model")
    merged = ["-M", "model_path=runs/x/final/merged"]
    assert hf[student + 1 :] == ["hf/local", *merged, "-M", "do_sample=false"]
    # the command as written, up to its student model: a scripted student stands in
    built = split_problems(config)[0]
    answers = tmp_path / "answers.json"
    answers.write_text(json.dumps(answer_records(built, built.samples())))
    scripted = ["scripted/s", "-M", "script=wrong", "-M", f"answers={answers}"]
    args = [*hf[1:student], "--model", *scripted, "--log-dir", str(tmp_path / "logs")]
    result = click.testing.CliRunner().invoke(inspect_cli, [*args, "--display", "none"])
    assert result.exit_code == 0, result.output
    [location] = list_eval_logs(str(tmp_path / "logs"))
    log = read_eval_log(location)
    assert log.status == "success" and len(log.samples or []) == 2
    feedback = [m.text for m in log.samples[0].messages if m.role == "user"][1]
    assert "Check the operation." in feedback  # the teacher bound with its model args
    spec = log.eval
    assert spec.task_args["ops"] == "*" and spec.task_args["privileged"] is False
    assert (spec.task_args["leak"], spec.task_args["turns"]) == ("redact", 2)
    assert spec.model_generate_config.max_tokens == 24
    role = spec.model_roles["teacher"]
    assert (role.model, role.base_url, role.args) == (
        "scripted/teacher",
        "http://127.0.0.1:8001/v1",
        {"feedback": "Check the operation."},
    )
    assert (role.config.max_tokens, role.config.temperature) == (64, 0.3)
    assert (role.config.cache.expiry, role.config.cache.per_epoch) == ("1Y", False)
    assert run_identity(log)["teacher"] == "model: scripted/teacher, unprivileged, leak=redact"


def test_export_notes_say_what_the_commands_cannot_bind(tmp_path):
    notes = " ".join(eval_notes(load_config(CONFIGS / "maze-h100.yaml")))
    assert "greedily" in notes and "http://127.0.0.1:8001/v1" in notes
    critic = {"name": "self", "model": "vllm/Qwen/Qwen2.5-7B-Instruct"}
    self_notes = " ".join(eval_notes(load_config(write(tmp_path, teacher=critic))))
    assert "the self teacher is the evaluated model" in self_notes

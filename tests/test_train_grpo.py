"""Real GRPO steps on SmolLM2-135M (CPU): multi-turn rollouts with the verifier teacher on the
arithmetic toy, critique prediction on; the exported checkpoint then runs through `inspect eval`.

One short run (2 steps of 2 episodes) is shared by the tests of this module (about a minute of
CPU). The full fine-tuning test is heavier and runs only with RL2F_HEAVY_TESTS=1.
"""

from __future__ import annotations

import json
import os

import pytest
import torch
import typer
from inspect_ai import eval
from transformers import AutoModelForCausalLM, AutoTokenizer
from typer.testing import CliRunner

pytest.importorskip("trl", reason="training needs the train extra: pip install -e '.[train]'")


from rl2f_eval.tasks import arithmetic
from rl2f_eval.train.cli import register
from rl2f_eval.train.config import TrainConfig
from rl2f_eval.train.run import build

pytestmark = pytest.mark.slow


TASK = "rl2f_eval/arithmetic"


def config(output_dir, **settings):
    return TrainConfig.model_validate(
        {
            "output_dir": output_dir,
            "suite": {"name": "arithmetic", "args": {"n": 81}},
            "turns": 2,
            "teacher": {"name": "verifier"},
            "steps": 2,
            "batch": 1,
            "generations": 2,
            "max_tokens": 10,
            "lr": 1e-3,
            "critique": 1.0,
            "eval": {"every": 0, "n": 1, "turns": 2},
            "seed": 0,
            **settings,
        }
    )


@pytest.fixture(scope="module", autouse=True)
def one_thread():
    """Two torch threads on a shared two-core machine mostly spin-wait (about 5x the CPU time
    of one thread here); one thread is what this test budget assumes."""
    threads = torch.get_num_threads()
    torch.set_num_threads(1)
    yield
    torch.set_num_threads(threads)


@pytest.fixture(scope="module")
def trained(tmp_path_factory, one_thread):
    run = build(config(tmp_path_factory.mktemp("grpo") / "run"))
    trainer, runner = run.trainer, run.runners["train"]
    record = {"episodes": [], "outputs": [], "rewards": []}

    def keep_episodes(problems, generate, _run=runner.run):
        record["episodes"].append(_run(problems, generate))
        return record["episodes"][-1]

    def keep_output(prompts_, trainer_, _rollout=trainer.rollout_func):
        record["outputs"].append(_rollout(prompts_, trainer_))
        return record["outputs"][-1]

    def keep_rewards(_reward=trainer.reward_funcs[0], **kwargs):
        record["rewards"].append(_reward(**kwargs))
        return record["rewards"][-1]

    runner.run, trainer.rollout_func, trainer.reward_funcs[0] = (
        keep_episodes,
        keep_output,
        keep_rewards,
    )
    before = {n: p.detach().clone() for n, p in trainer.model.named_parameters() if p.requires_grad}
    trainer.train()
    after = {n: p.detach().clone() for n, p in trainer.model.named_parameters() if p.requires_grad}
    record.update(run=run, before=before, after=after, exported=run.export())
    return record


def test_rollouts_mask_teacher_and_template_tokens(trained):
    chat = trained["run"].runners["train"].chat
    assert len(trained["outputs"]) == 2  # one generation batch per step
    for output, episodes in zip(trained["outputs"], trained["episodes"], strict=True):
        assert output["env_mask"] == [e.env_mask for e in episodes]
        assert output["logprobs"] is None  # transformers backend: TRL recomputes them
        for episode, completion, mask in zip(
            episodes, output["completion_ids"], output["env_mask"], strict=True
        ):
            assert len(mask) == len(completion) and mask[0] == 1
            position, student_spans = 0, []
            for k, turn in enumerate(episode.turns):
                end = position
                while end < len(mask) and mask[end] == 1:
                    end += 1
                student_spans.append(completion[position:end])
                text = chat.tokenizer.decode(completion[position:end], skip_special_tokens=True)
                assert text == turn.attempt
                if k + 1 < len(episode.turns):  # a masked feedback turn follows
                    assert turn.feedback in turn.message  # the next user turn, as the step wrote it
                    masked = chat.closing(student_spans[-1]) + chat.user_turn(turn.message)
                    assert completion[end : end + len(masked)] == masked
                    assert set(mask[end : end + len(masked)]) == {0}
                    position = end + len(masked)
            assert position + len(student_spans[-1]) == len(completion)


def test_rewards_are_the_verifiers_verdicts(trained):
    suite = trained["run"].runners["train"].suite
    assert len(trained["rewards"]) == 2
    for rewards, episodes in zip(trained["rewards"], trained["episodes"], strict=True):
        expected = []
        for episode in episodes:
            verdicts = [
                suite.verify(a, episode.problem).correct
                if (a := suite.extract(t.attempt))
                else False
                for t in episode.turns
            ]
            assert verdicts == [t.verdict.correct for t in episode.turns]
            assert episode.solved_turn == (verdicts.index(True) + 1 if True in verdicts else None)
            expected.append(float(any(verdicts)))
        assert rewards == expected


def test_training_changes_the_weights_and_logs_metrics(trained):
    changed = [
        n for n in trained["before"] if not torch.equal(trained["before"][n], trained["after"][n])
    ]
    assert changed and all("lora" in n for n in trained["before"])  # LoRA: only adapters train
    log = trained["run"].monitor.log_path
    records = [json.loads(line) for line in log.read_text().splitlines()]
    train = [r for r in records if r["kind"] == "train"]
    evals = [r for r in records if r["kind"] == "eval"]
    assert [r["step"] for r in train] == [1, 2] and [r["step"] for r in evals] == [0, 2]
    for r in train:
        assert {"reward", "acc_at_1", "acc_at_n", "tokens_per_s", "loss", "step_time"} <= set(r)
    feedback = any(t.feedback for eps in trained["episodes"] for e in eps for t in e.turns)
    assert feedback == any("critique_nll" in r for r in train)
    for r in evals:
        assert {"acc_at_1", "acc_at_2", "gain", "aulc"} <= set(r) and r["n"] == 1
        assert r["acc_at_1"] <= r["acc_at_2"]


def test_exported_checkpoints_agree_and_evaluate_through_inspect(trained, tmp_path):
    from peft import PeftModel

    exported = trained["exported"]
    merged_dir, adapter_dir = exported["merged"], exported["adapter"]
    tokenizer = AutoTokenizer.from_pretrained(merged_dir)
    ids = tokenizer("What is 2 + 3?", return_tensors="pt").input_ids
    merged = AutoModelForCausalLM.from_pretrained(merged_dir, dtype=torch.float32)
    base = AutoModelForCausalLM.from_pretrained(trained["run"].base_model, dtype=torch.float32)
    with torch.no_grad():
        untrained = base(ids).logits
        adapted = PeftModel.from_pretrained(base, adapter_dir)(ids).logits
        folded = merged(ids).logits
    assert torch.allclose(adapted, folded, atol=1e-4)
    assert not torch.allclose(untrained, folded, atol=1e-4)
    # `rl2f-eval merge-adapter` folds a saved adapter into the same model
    app = typer.Typer()
    register(app)
    result = CliRunner().invoke(app, ["merge-adapter", str(adapter_dir), str(tmp_path / "m")])
    assert result.exit_code == 0, result.output
    remerged = AutoModelForCausalLM.from_pretrained(tmp_path / "m", dtype=torch.float32)
    with torch.no_grad():
        assert torch.allclose(remerged(ids).logits, folded, atol=1e-4)
    del remerged, merged, base
    # the held-out evaluation during training and `inspect eval` on the export agree exactly
    record = json.loads((merged_dir.parent / "export.json").read_text())
    held_out = [str(p.id) for p in trained["run"].held_out]
    assert record["held_out_sample_ids"] == held_out
    command = (
        f"inspect eval {TASK} -T n=81 -T turns=2 -T teacher=verifier --max-tokens 10 "
        f"--sample-id {held_out[0]}"
    )
    assert (
        f"{command} --model hf/local -M model_path={merged_dir} -M do_sample=false"
        in record["evaluate_held_out_with"]
    )
    [log] = eval(
        arithmetic(n=81, turns=2, teacher="verifier"),  # what rl2f_eval/arithmetic builds
        model="hf/local",
        model_args={"model_path": str(merged_dir), "device": "cpu", "do_sample": False},
        sample_id=held_out,
        max_tokens=10,  # the training config's max_tokens
        log_dir=str(tmp_path),
        display="none",
    )
    assert log.status == "success", log.error
    [sample] = log.samples
    final = trained["run"].monitor.log_path.parent / "eval" / "step-000002.jsonl"
    [episode] = [json.loads(line) for line in final.read_text().splitlines()]
    attempts = [m.text for m in sample.messages if m.role == "assistant"]
    assert attempts == [turn["attempt"] for turn in episode["turns"]]


@pytest.mark.skipif(not os.environ.get("RL2F_HEAVY_TESTS"), reason="set RL2F_HEAVY_TESTS=1")
def test_full_fine_tuning_step(tmp_path):
    run = build(config(tmp_path / "full", lora=None, steps=1, eval={"n": 0}, export="merged"))
    before = {n: p.detach().clone() for n, p in run.trainer.model.named_parameters()}
    run.trainer.train()
    changed = [n for n, p in run.trainer.model.named_parameters() if not torch.equal(before[n], p)]
    assert len(changed) > len(before) // 2  # every layer trains, no adapter
    exported = run.export()
    assert set(exported) == {"merged"}
    reloaded = AutoModelForCausalLM.from_pretrained(exported["merged"], dtype=torch.float32)
    name = changed[0]
    assert torch.equal(
        dict(reloaded.named_parameters())[name], dict(run.trainer.model.named_parameters())[name]
    )

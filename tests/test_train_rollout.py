"""Didactic rollouts at the token level, with a deterministic generator standing in for the
student (the real model runs in test_train_grpo.py): loss masks, verdicts, feedback, rewards and
critique-prediction examples."""

from __future__ import annotations

import re

import pytest
from inspect_ai.model import get_model
from transformers import AutoTokenizer, GenerationConfig

from rl2f_eval.didactic import prompts
from rl2f_eval.models.embedded import checkpoint_dir
from rl2f_eval.models.scripted import answer_records
from rl2f_eval.suites.arithmetic import ArithmeticSuite
from rl2f_eval.suites.base import Problem
from rl2f_eval.teachers import make_teacher
from rl2f_eval.teachers import prompts as teacher_prompts
from rl2f_eval.train.chat import ChatTokens
from rl2f_eval.train.critique import critique_batches, critique_examples
from rl2f_eval.train.rewards import episode_reward, reward_function
from rl2f_eval.train.rollout import EpisodeRunner, first_message

SUITE = ArithmeticSuite(n=81)


@pytest.fixture(scope="module")
def chat():
    tokenizer = AutoTokenizer.from_pretrained(checkpoint_dir())
    ends = GenerationConfig.from_pretrained(checkpoint_dir()).eos_token_id
    return ChatTokens(tokenizer, [tokenizer.eos_token_id, ends])


def student(chat, plan):
    """A generator whose reply to `What is a + b?` at turn k is `plan[k]`: "right", "wrong"
    (one too many), "cut" (no end-of-turn id) or "none" (no number)."""
    calls = []

    def generate(contexts):
        replies = []
        for ids in contexts:
            text = chat.tokenizer.decode(ids)
            a, b = map(int, re.search(r"What is (\d+) \+ (\d+)\?", text).groups())
            step = plan[text.count("<|im_start|>assistant") - 1]
            reply = {"right": a + b, "wrong": a + b + 1, "cut": a + b + 1}.get(step)
            reply_text = f"{a} + {b} = {reply}" if reply is not None else "Let me think."
            ids = chat.tokenizer.encode(reply_text, add_special_tokens=False)
            replies.append(ids if step == "cut" else [*ids, chat.end_of_turn])
        calls.append(len(contexts))
        return replies, None

    generate.calls = calls
    return generate


def problems(k=3):
    return [Problem.from_sample(s) for s in SUITE.samples()[:k]]


def spans(episode):
    """The completion as (mask, ids) runs."""
    runs = []
    for token, mask in zip(episode.completion_ids, episode.env_mask, strict=True):
        if runs and runs[-1][0] == mask:
            runs[-1][1].append(token)
        else:
            runs.append((mask, [token]))
    return runs


def test_student_tokens_are_trained_and_feedback_tokens_masked(chat):
    runner = EpisodeRunner(SUITE, chat, make_teacher("verifier"), turns=3)
    generate = student(chat, ["wrong", "cut", "right"])
    [episode] = runner.run(problems(1), generate)
    a, b = map(int, re.findall(r"\d+", episode.problem.input))
    assert episode.solved_turn == 3 and generate.calls == [1, 1, 1]
    assert [t.verdict.correct for t in episode.turns] == [False, False, True]
    runs = spans(episode)
    assert [mask for mask, _ in runs] == [1, 0, 1, 0, 1]
    decode = chat.tokenizer.decode
    assert [decode(ids, skip_special_tokens=True) for mask, ids in runs if mask] == [
        f"{a} + {b} = {a + b + 1}",
        f"{a} + {b} = {a + b + 1}",
        f"{a} + {b} = {a + b}",
    ]
    # the masked runs are exactly the template and the verifier's feedback, as rendered
    for (_, ids), turn, previous in zip(runs[1::2], episode.turns, runs[0::2], strict=False):
        retry = f"Your answer is incorrect. {turn.feedback}\n\n{SUITE.answer_format}"
        assert turn.message == retry
        assert ids == chat.closing(previous[1]) + chat.user_turn(retry)
        assert (
            turn.feedback == f"Your answer {a + b + 1} is too large." and turn.teacher == "verifier"
        )
    # the cut-off second reply was closed by a masked end-of-turn token
    assert runs[3][1][0] == chat.end_of_turn
    assert episode.context()[: len(episode.prompt_ids)] == chat.prompt(
        [{"role": "user", "content": first_message(SUITE, episode.problem)}]
    )
    assert episode.student_tokens == sum(len(ids) for mask, ids in runs if mask)


def test_episodes_that_would_outgrow_the_context_limit_end_unsolved(chat):
    """The episode-length guard (vllm.max_model_length): no turn starts from a context longer
    than the limit; such an episode ends there, unsolved, and is counted."""
    free = EpisodeRunner(SUITE, chat, make_teacher("verifier"), turns=3)
    [full] = free.run(problems(1), student(chat, ["wrong", "wrong", "right"]))
    after_one_turn = len(full.prompt_ids) + full.env_mask.index(0)  # first attempt only
    limit = after_one_turn + 5  # room for the first turn, not the second
    runner = EpisodeRunner(SUITE, chat, make_teacher("verifier"), turns=3, context_limit=limit)
    seen = []

    def generate(contexts, _inner=student(chat, ["wrong", "wrong", "right"])):
        seen.extend(len(c) for c in contexts)
        return _inner(contexts)

    episodes = runner.run(problems(2), generate)
    assert max(seen) <= limit and len(seen) == 2  # only the first turn was generated
    assert all(e.cut and e.solved_turn is None and len(e.turns) == 1 for e in episodes)
    assert runner.stats.drain()["episodes_cut"] == 2 and not full.cut


def test_solved_episodes_stop_and_rewards_follow_verdicts(chat):
    runner = EpisodeRunner(SUITE, chat, make_teacher("binary"), turns=2)
    generate = student(chat, ["right", "right"])
    solved = runner.run(problems(2), generate)
    assert [e.solved_turn for e in solved] == [1, 1] and generate.calls == [2]
    assert all(e.env_mask == [1] * len(e.completion_ids) for e in solved)
    unsolved = runner.run(problems(2), student(chat, ["none", "wrong"]))
    assert [e.solved_turn for e in unsolved] == [None, None]
    assert [t.teacher for t in unsolved[0].turns] == ["format", None]  # no feedback after the last
    assert unsolved[0].turns[0].feedback == prompts.FORMAT_FEEDBACK
    late = runner.run(problems(1), student(chat, ["wrong", "right"]))

    episodes = solved + unsolved + late
    solved_turn = [e.solved_turn or 0 for e in episodes]
    logged = {}
    final = reward_function("final")(
        solved_turn=solved_turn,
        max_turns=[2] * len(episodes),
        log_metric=lambda name, value: logged.setdefault(name, value),
    )
    assert final == [1.0, 1.0, 0.0, 0.0, 1.0]
    assert reward_function("shaped", discount=0.5)(solved_turn, [2] * 5) == [1, 1, 0, 0, 0.5]
    assert logged == {"acc_at_1": 0.4, "acc_at_n": 0.6, "turns_to_solve": 4 / 3}
    with pytest.raises(ValueError, match="reward must be one of"):
        episode_reward(1, "partial")


def test_model_teacher_feedback_is_guarded_and_becomes_critique_targets(chat):
    teacher_model = get_model("scripted/teacher", feedback="Count on from the larger number.")
    runner = EpisodeRunner(SUITE, chat, make_teacher("model", model=teacher_model), turns=3)
    episodes = runner.run(problems(2), student(chat, ["wrong", "wrong", "right"]))
    assert all(e.solved_turn == 3 for e in episodes)
    assert {t.feedback for e in episodes for t in e.turns[:2]} == {
        "Count on from the larger number."
    }
    examples = critique_examples(episodes, chat)
    assert len(examples) == 4  # two feedbacks per episode
    for example in examples:
        prompt = chat.tokenizer.decode(example.prompt_ids)
        assert teacher_prompts.SELF_CRITIQUE_SYSTEM in prompt  # what the `self` teacher is shown
        assert "Reference solution" not in prompt and "Final answer" not in prompt
        assert chat.tokenizer.decode(example.target_ids, skip_special_tokens=True) == (
            "Count on from the larger number."
        )
    [batch] = critique_batches(examples, pad_id=0, chunk_tokens=10_000)
    for ids, row, example in zip(batch["input_ids"], batch["labels"], examples, strict=True):
        kept = row[row != -100].tolist()
        assert kept == example.target_ids
        # prompts padded on the left, targets on the right: the prompt ends where targets start
        width = batch["input_ids"].size(1) - batch["labels"].size(1)
        assert ids[width - len(example.prompt_ids) : width].tolist() == example.prompt_ids


def test_leaking_feedback_is_redacted_and_never_a_critique_target(chat):
    records = answer_records(SUITE, SUITE.samples())  # the scripted teacher quotes the target
    leaky = get_model("scripted/teacher", feedback="The result is {answer}.", answers=records)
    runner = EpisodeRunner(SUITE, chat, make_teacher("model", model=leaky), turns=2, leak="redact")
    [episode] = runner.run(problems(1), student(chat, ["wrong", "right"]))
    turn = episode.turns[0]
    assert turn.leak and turn.feedback == "The result is [redacted]."
    shown = chat.tokenizer.decode(
        [t for t, m in zip(episode.completion_ids, episode.env_mask, strict=True) if not m]
    )
    assert episode.problem.target not in re.findall(r"\d+", shown)
    assert critique_examples([episode], chat) == []

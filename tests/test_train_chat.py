"""Turn-by-turn token ids agree with the chat template's rendering of the whole conversation."""

from __future__ import annotations

import copy

import pytest
from transformers import AutoTokenizer, GenerationConfig

from rl2f_eval.models.embedded import checkpoint_dir
from rl2f_eval.train.chat import ChatTemplateError, ChatTokens


@pytest.fixture(scope="module")
def tokenizer():
    return AutoTokenizer.from_pretrained(checkpoint_dir())


@pytest.fixture(scope="module")
def chat(tokenizer):
    # the trainer's end ids: the tokenizer's EOS and the generation config's (see trl_adapter)
    ends = GenerationConfig.from_pretrained(checkpoint_dir()).eos_token_id
    return ChatTokens(
        tokenizer, [tokenizer.eos_token_id, *([ends] if isinstance(ends, int) else ends)]
    )


def user(text):
    return {"role": "user", "content": text}


def test_appended_turns_equal_the_rendered_conversation(chat, tokenizer):
    attempt, retry = "7 + 5 = 13", "Your answer is incorrect. Your answer 13 is too large."
    completion = [*tokenizer.encode(attempt, add_special_tokens=False), chat.end_of_turn]
    ids = chat.prompt([user("What is 7 + 5?")]) + completion
    ids += chat.closing(completion) + chat.user_turn(retry)
    whole = [user("What is 7 + 5?"), {"role": "assistant", "content": attempt}, user(retry)]
    assert chat.closing(completion) == []  # the student closed its turn itself
    assert ids == chat.prompt(whole)
    assert tokenizer.convert_ids_to_tokens(chat.end_of_turn) == "<|im_end|>"


def test_a_cut_off_reply_is_closed_by_a_template_token(chat, tokenizer):
    cut = tokenizer.encode("7 + 5 =", add_special_tokens=False)
    assert chat.closing(cut) == [chat.end_of_turn]
    ids = chat.prompt([user("Q")]) + cut + chat.closing(cut) + chat.user_turn("Try again.")
    full = [user("Q"), {"role": "assistant", "content": "7 + 5 ="}, user("Try again.")]
    assert ids == chat.prompt(full)


def test_reply_ids_are_the_assistant_turn_as_rendered(chat):
    messages = [{"role": "system", "content": "Critique."}, user("Attempt: 13")]
    prompt, reply = chat.reply(messages, "Add the ones digits again.")
    full = chat._render(
        [*messages, {"role": "assistant", "content": "Add the ones digits again."}], False
    )
    assert prompt == chat.prompt(messages)
    assert full[: len(prompt) + len(reply)] == prompt + reply
    assert reply[-1] == chat.end_of_turn
    assert chat.tokenizer.decode(reply, skip_special_tokens=True) == "Add the ones digits again."


def test_templates_that_cannot_grow_turn_by_turn_are_refused(tokenizer):
    reversed_order = copy.deepcopy(tokenizer)
    reversed_order.chat_template = (
        "{% for m in messages|reverse %}<|im_start|>{{ m.role }}\n{{ m.content }}<|im_end|>\n"
        "{% endfor %}{% if add_generation_prompt %}<|im_start|>assistant\n{% endif %}"
    )
    with pytest.raises(ChatTemplateError, match="prefix-stable"):
        ChatTokens(reversed_order, [2]).user_turn("Try again.")
    with pytest.raises(ChatTemplateError, match="end-of-generation"):
        ChatTokens(tokenizer, [0])  # <|endoftext|> never closes a turn in this template

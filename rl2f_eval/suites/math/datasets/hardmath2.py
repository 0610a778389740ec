"""HARDMath2 (the RL2F paper's headline math benchmark), in its released format: the
`data_src/*.yaml` files of the GitHub repository JamesRoggeveen/hardmath2_data.

Each file holds `type` and `problems`, a list of {prompt, solution, parameters}: `solution` is the
final answer in `\\boxed{}` (often `y(x) \\sim ...`; several solutions separated by `;`),
`parameters` the variables it depends on (`$x; \\epsilon$`). Read from a local directory
(`-T data_path=DIR`) or downloaded once into the cache when the network allows.
"""

from __future__ import annotations

import logging
import os
import re
import shutil
import tempfile
import urllib.request
from pathlib import Path

import yaml
from inspect_ai.dataset import Sample

from rl2f_eval.errors import TaskArgError
from rl2f_eval.suites.math.datasets.common import Loaded, local_path
from rl2f_eval.suites.math.latex import last_boxed

logger = logging.getLogger(__name__)

REPOSITORY = "JamesRoggeveen/hardmath2_data"
BASE_URL = f"https://raw.githubusercontent.com/{REPOSITORY}/main/data_src"
# the file names as released (the repository spells one "asympytotic")
FILES = (
    "asympytotic_series",
    "boundary_layers",
    "integrals",
    "nonlinear_ode",
    "nonlinear_pde",
    "other",
    "wkb",
)
_PARAMETER = re.compile(r"\\?[A-Za-z]+(?:_\{?[A-Za-z0-9]+\}?)?")


def cache_dir() -> Path:
    # the same cache root as the embedded model ($RL2F_EVAL_CACHE, else ~/.cache/rl2f-eval)
    if root := os.environ.get("RL2F_EVAL_CACHE"):
        return Path(root) / "hardmath2"
    base = Path(os.environ.get("XDG_CACHE_HOME", Path.home() / ".cache"))
    return base / "rl2f-eval" / "hardmath2"


def download(target: Path, base_url: str = BASE_URL, timeout: float = 30.0) -> Path:
    """Fetch every data file into `target`: all or nothing (files land in a staging directory
    that is renamed into place only when complete, so a failed download leaves no cache)."""
    target.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(dir=target.parent, prefix=".hardmath2-"))
    try:
        for name in FILES:
            url = f"{base_url}/{name}.yaml"
            try:
                with urllib.request.urlopen(url, timeout=timeout) as response:
                    (staging / f"{name}.yaml").write_bytes(response.read())
            except OSError as error:  # URLError, HTTPError and timeouts are all OSErrors
                raise TaskArgError(
                    f"could not download HARDMath2 ({url}: {error}). Without network access, "
                    f"copy data_src/*.yaml of github.com/{REPOSITORY} to a directory and pass "
                    "-T data_path=DIR"
                ) from error
        if not target.exists():  # a concurrent first use may have finished first
            staging.rename(target)
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    logger.warning("HARDMath2 downloaded to %s", target)
    return target


def data_files(data_path: str | None) -> list[Path]:
    if data_path is None:
        directory = cache_dir()
        if not directory.exists():
            download(directory)
        return sorted(directory.glob("*.yaml"))
    path = local_path(data_path)
    if path.is_file():
        return [path]
    files = sorted(path.glob("*.yaml")) if path.is_dir() else []
    if not files:
        raise TaskArgError(
            f"data_path must be a HARDMath2 .yaml file or a directory of them: {path} "
            f"(not found from {os.getcwd()} nor from {os.environ.get('PWD', 'where it was run')})"
        )
    return files


def parse_parameters(text: object) -> list[str] | None:
    """`$x; \\epsilon;$` -> ["x", "\\epsilon"]; None when the field is not a list of variables
    (the released data has one such entry, a grading note pasted into the field)."""
    if not isinstance(text, str):
        return None
    names = [p.strip() for p in text.strip().strip("$").split(";") if p.strip()]
    if not names or not all(_PARAMETER.fullmatch(n) for n in names):
        return None
    return names


def load(data_path: str | None = None) -> Loaded:
    samples, excluded = [], {}
    for file in data_files(data_path):
        content = yaml.safe_load(file.read_text())
        if not isinstance(content, dict) or not isinstance(content.get("problems"), list):
            raise TaskArgError(f"{file} is not in the HARDMath2 format (no 'problems' list)")
        kind = str(content.get("type") or file.stem)
        for index, problem in enumerate(content["problems"], start=1):
            sample_id = f"hardmath2-{kind}-{index:03d}"
            answer = last_boxed(str(problem.get("solution", "")))
            parameters = parse_parameters(problem.get("parameters"))
            if not problem.get("prompt") or answer is None:
                excluded[sample_id] = "no prompt, or no \\boxed{} answer in the solution"
            elif parameters is None:
                excluded[sample_id] = f"unusable parameters field: {problem.get('parameters')!r}"
            else:
                samples.append(
                    Sample(
                        id=sample_id,
                        input=str(problem["prompt"]).strip(),
                        target=answer,
                        metadata={"dataset": "hardmath2", "type": kind, "parameters": parameters},
                    )
                )
    return Loaded(samples, excluded)

"""The hard_math suite: datasets (`datasets/`), answer checking (`checking.py`, run in bounded
worker processes by `bounded.py`), LaTeX string handling (`latex.py`) and the suite (`suite.py`)."""

from rl2f_eval.suites.math.datasets import DATASETS
from rl2f_eval.suites.math.suite import MathSuite

__all__ = ["DATASETS", "MathSuite"]

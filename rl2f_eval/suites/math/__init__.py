"""The hard_math suite: datasets (`datasets/`), answer checking (`checking.py`, run in bounded
worker processes by `bounded.py`), LaTeX string handling (`latex.py`) and the suite (`suite.py`).

`MathSuite` is imported lazily: the checker's worker processes import this package too, and
must not pay for Inspect's import.
"""

from typing import Any

__all__ = ["MathSuite"]


def __getattr__(name: str) -> Any:
    if name == "MathSuite":
        from rl2f_eval.suites.math.suite import MathSuite

        return MathSuite
    raise AttributeError(name)

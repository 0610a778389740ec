"""The coding suite: the student writes a Python function (or program); hidden tests run in the
sandbox, judged apart from the student's code.

- `suite.py`: `CodingSuite` (problem selection, answer extraction, verify, oracle texts, leak guard)
- `datasets/`: HumanEval, MBPP and LiveCodeBench loaders, one module each
- `specs.py`: the tests of a problem as steps (`TestSpec`), split from test code with `ast`
- `judge.py`: runs inside the sandbox; runs the tests, the candidate in a process of its own
- `runner.py`: starts the judge (our sandbox, or Inspect's `sandbox()`) and reads its verdict
- `feedback.py`: what the student is told (`reveal`) and the teacher's full report
"""

from rl2f_eval.suites.coding.suite import CodingSuite, extract_code, fenced

__all__ = ["CodingSuite", "extract_code", "fenced"]

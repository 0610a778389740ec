"""CHAMP (PyPI `champ-dataset`, MIT): 270 competition problems with answers, step-by-step solutions
and hints, in `champ_dataset/dataset_files/v0.json`.

CHAMP states answers in words and ASCII math ("0 is the only possible value", "C(10, 5), or
equivalently 252", "x=6, y=5"). This module turns each into one LaTeX answer a checker can compare,
by rules plus a short table for answers listing several solutions. Answers that cannot be checked
honestly are excluded, each with its reason (see `excluded()`):
- yes/no questions: after one wrong answer the verdict alone gives the other one away, so a
  multi-turn score on them measures nothing;
- prose answers ("The limit does not exist", "No integer solutions");
- factorisations: an equivalence check cannot tell a factorisation from the expanded polynomial;
- one answer that contradicts the dataset's own worked solution.
"""

from __future__ import annotations

import functools
import importlib.util
import json
import re
from pathlib import Path

from inspect_ai.dataset import Sample

from rl2f_eval.suites.math.datasets.common import Loaded

# answers that list several solutions, written as the set or tuple they denote
STRUCTURED = {
    "P_Number-Theory_4": r"(6, 5)",  # x=6, y=5
    "P_Number-Theory_31": r"(2, 1)",  # x=2, y=1
    "P_Number-Theory_39": r"\{(0, 2), (9, 11)\}",  # x=0, y=2 and x=9, y=11
    "P_Number-Theory_44": r"(0, 0)",  # x=y=0
    "P_Number-Theory_65": r"\{(3, 2), (5, 3)\}",  # p=3, q=2 and p=5, q=3
    "P_Number-Theory_70": r"\{(1, 1), (3, 2)\}",  # x=1, y=1 and x=3, y=2
    "P_Polynomial_2": (  # a(1±sqrt(2)), a(1±sqrt(5))/2
        r"\{a(1+\sqrt{2}), a(1-\sqrt{2}), \frac{a(1+\sqrt{5})}{2}, \frac{a(1-\sqrt{5})}{2}\}"
    ),
    "P_Polynomial_5": r"\{(8, 2), (2, 8)\}",  # (x=8, y=2), (x=2, y=8)
    "P_Polynomial_6": r"\{(1, 2), (2, 1)\}",  # (x=1, y=2) and (x=2, y=1)
    "P_Polynomial_13": r"(3, -4)",  # a=3, b=-4
    "P_Polynomial_15": r"\{0, 1\}",  # f(x)=0 or f(x)=1
    "P_Polynomial_20": r"0",  # f(x)=0
    "P_Polynomial_21": r"(3, -7, 4)",  # a=3, b=-7, c=4
    "P_Polynomial_22": r"\{-1, 1\}",  # x=±1
    "P_Polynomial_37": r"\{16, 81\}",  # x=16 and x=81
    "P_Polynomial_38": r"\{-2, -1, -\frac{1}{2}, \frac{1}{2}, 1, 2\}",  # x=±1, ±2, ±1/2
}

FACTORISATION = (
    "asks for a factorisation: an equivalence check also accepts the expanded polynomial"
)
EXCLUDED = {
    "P_Polynomial_14": FACTORISATION,
    "P_Polynomial_18": FACTORISATION,
    "P_Polynomial_19": FACTORISATION,
    "P_Polynomial_29": FACTORISATION,
    "P_Polynomial_46": "the answer is a product written with an ellipsis",
    "P_Sequence_30": "the answer (a+3b)/2 contradicts the dataset's own solution, (a+2b)/3",
    "P_Sequence_43": "a yes/no question whose answer also names a sequence",
    "P_Sequence_48": "a two-part prose answer (periodic, with period 8)",
}
YES_NO = "a yes/no question: a wrong verdict alone reveals the answer"
PROSE = "the answer is a statement in words, not a mathematical object"

_NUMBER_PHRASES = [
    r"(-?\d+)",
    r"(-?\d+) \((?:i\.e\., )?[^()]*\)",  # 100 (i.e., all values), 0 (none of the values)
    r"(-?\d+) is the only possible value",
    r"(-?\d+) (?:inequalities|values|roots|pairs)",
    r"At (?:least|most) (\d+) [\w\- ]+(?: \([^()]*\))?",  # At most 0 integer-valued zeros (...)
]
_EXPRESSION_PHRASES = [
    r"The limit exists and is equal to (.+)",
    r"The only possible value for the limit is (.+)",
    r"(.+?), or (?:equivalently|approximately|an equivalent form such as) (.+)",
    r"(.+?) \(i\.e\., .+\)",
    r"(\S+) times",
]


def data_file() -> Path:
    spec = importlib.util.find_spec("champ_dataset")
    if spec is None or spec.origin is None:
        raise FileNotFoundError("the PyPI package champ-dataset is not installed")
    return Path(spec.origin).parent / "dataset_files" / "v0.json"


def ascii_to_latex(text: str) -> str | None:
    """CHAMP's ASCII math (`2^floor(n/2)*floor(n/2)!`, `C(n, 4)`, `sum_(k=1)^n 1/k`) as LaTeX,
    through SymPy's expression parser; None if it is not plain math."""
    from sympy import latex
    from sympy.parsing.sympy_parser import (
        convert_xor,
        implicit_multiplication,
        parse_expr,
        standard_transformations,
    )

    text = re.sub(r"\bC\(", "binomial(", text)
    text = re.sub(r"sum_\((\w)=(\w+)\)\^(\w+) (.+)", r"Sum(\4, (\1, \2, \3))", text)
    if re.search(r"[A-Za-z]{2,}", re.sub(r"\b(?:floor|sqrt|Sum|binomial)\(", "", text)):
        return None  # words
    transformations = (*standard_transformations, implicit_multiplication, convert_xor)
    try:
        return latex(parse_expr(text, transformations=transformations))
    except Exception:  # SymPy's parser raises anything from SyntaxError to TypeError
        return None


def answer_latex(identifier: str, raw: str) -> tuple[str | None, str | None]:
    """(LaTeX answer, None) or (None, reason for excluding the problem)."""
    answer = raw.replace("@@", "").strip()
    if identifier in EXCLUDED:
        return None, EXCLUDED[identifier]
    if identifier in STRUCTURED:
        return STRUCTURED[identifier], None
    if answer in ("Yes", "No"):
        return None, YES_NO
    for phrase in _NUMBER_PHRASES:
        if m := re.fullmatch(phrase, answer):
            return m.group(1), None
    if re.fullmatch(r"Exactly one(?: sequence)?", answer):
        return "1", None
    if m := re.fullmatch(r"(\d+(?:, \d+)*) and (\d+)", answer):  # 376 and 625; 1, 4 and 9
        return "\\{" + f"{m.group(1)}, {m.group(2)}" + "\\}", None
    for phrase in _EXPRESSION_PHRASES:
        if m := re.fullmatch(phrase, answer):
            # of "A, or equivalently B" prefer the closed form when A is a sum
            parts = [p for p in m.groups() if p]
            answer = parts[-1] if "sum_" in parts[0] and len(parts) > 1 else parts[0]
            break
    if (converted := ascii_to_latex(answer)) is not None:
        return converted, None
    return None, PROSE


@functools.cache
def _read() -> dict:
    return json.loads(data_file().read_text())


def load() -> Loaded:
    data = _read()
    hints, concepts = data["hints"], data["concepts"]
    samples, excluded = [], {}
    for identifier, problem in data["problems"].items():
        target, reason = answer_latex(identifier, problem["_raw_answer"])
        if target is None:
            excluded[f"champ-{identifier}"] = reason
            continue
        steps = [step["_text"] for step in problem["solution"]["steps"]]
        samples.append(
            Sample(
                id=f"champ-{identifier}",
                input=problem["_text"],
                target=target,
                metadata={
                    "dataset": "champ",
                    "category": problem["category"],
                    "solution": "\n".join(f"{i}. {s}" for i, s in enumerate(steps, start=1)),
                    "hints": [hints[h]["_text"] for h in problem["ch_list"] if h in hints],
                    "concepts": [concepts[c]["_text"] for c in problem["ch_list"] if c in concepts],
                    "source_answer": problem["_answer"],
                },
            )
        )
    return Loaded(samples, excluded)

"""Offline English word lists, from the data files that reasoning-gym 0.1.25 ships.

Read straight from the installed package's data folder: importing reasoning_gym itself costs
about 0.8 s (it registers every generator), and only its files are needed here.
"""

from __future__ import annotations

import ast
import csv
import importlib.util
from functools import cache
from pathlib import Path


@cache
def _data() -> Path:
    spec = importlib.util.find_spec("reasoning_gym")
    if spec is None or not spec.submodule_search_locations:
        raise RuntimeError("the word games need reasoning-gym: pip install reasoning-gym==0.1.25")
    return Path(next(iter(spec.submodule_search_locations))) / "data"


@cache
def wordle_answers() -> tuple[str, ...]:
    """Wordle's 2,315 answer words (lower case, five letters), in the list's own order."""
    text = (_data() / "wordle_words.py").read_text(encoding="utf-8")
    words = ast.literal_eval(text.split("=", 1)[1].strip())
    return tuple(words)


@cache
def dictionary() -> frozenset[str]:
    """Every lower-case English word the games accept (about 135,000): `words3to10.txt`
    without proper nouns (capitalised entries), the word-ladder list `words.csv` and
    Wordle's answers (the large list lacks some of them, such as "using" and "fewer")."""
    words = {
        line.strip()
        for line in (_data() / "words3to10.txt").read_text(encoding="utf-8").splitlines()
        if line.strip().isalpha() and line.strip().islower()
    }
    with (_data() / "words.csv").open(encoding="utf-8") as file:
        words.update(cell.lower() for row in csv.reader(file) for cell in row if cell.isalpha())
    words.discard("")
    words.update(wordle_answers())
    return frozenset(words)


@cache
def words_of_length(length: int) -> frozenset[str]:
    return frozenset(word for word in dictionary() if len(word) == length)

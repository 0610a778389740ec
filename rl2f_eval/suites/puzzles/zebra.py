"""Zebra (Einstein) puzzles: fill in which house has which name and characteristics.

reasoning-gym asks for one cell (the name in house 1), which leaves nothing to explain when it is
wrong. Here the student fills in the whole table and every clue is checked against it: feedback
names the clue that fails and where the table puts the people it mentions. reasoning-gym reduces
the clues to a set with exactly one solution, so a table that satisfies them all is the solution.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from random import Random
from typing import Any

from reasoning_gym.logic.contrib.logic_puzzle.generate import generate_puzzle

from rl2f_eval.suites.base import Problem, Verdict
from rl2f_eval.suites.puzzles.common import Generated, partial_credit, summarise

HOUSES = {"easy": 3, "medium": 4, "hard": 5}
CHARACTERISTICS = {"easy": 3, "medium": 3, "hard": 4}

_HOUSE_ROW = re.compile(
    r"^\W*house\s*#?\s*(\d+)\s*(?:[:|=\-–—)]|\*\*)+\s*(.*)$"  # House 1: a, b
    r"|^\s*\|?\s*(\d+)\s*(?:\||[.)]\s)\s*(.*)$",  # | 1 | a | b | (Markdown), 1. a - b - c
    re.IGNORECASE,
)
_VALUE_SEPARATOR = re.compile(r"[,|;]|\s+[-–—/]\s+")


def _norm(value: str) -> str:
    """Case, spacing, underscores, Markdown and a leading "the" do not matter."""
    value = re.sub(r"[\s_\-]+", " ", value.strip().strip(".*`'\"").lower()).strip()
    return value.removeprefix("the ")


def _label(category: str) -> str:
    """A column name for the student: PhoneModel -> Phone model, Children -> Child."""
    if category == "Children":
        return "Child"
    return re.sub(r"(?<=[a-z])([A-Z])", r" \1", category).capitalize()


def _listing(words: list[str]) -> str:
    return words[0] if len(words) == 1 else f"{', '.join(words[:-1])} and {words[-1]}"


def house_rows(text: str) -> list[tuple[int, list[str], str]]:
    """(house number, values, line) for every `House k: a, b, c` line."""
    rows = []
    for line in text.splitlines():
        if m := _HOUSE_ROW.match(line.strip()):
            house, rest = (m[1], m[2]) if m[1] else (m[3], m[4])
            values = [v for v in _VALUE_SEPARATOR.split(rest) if v.strip()]
            rows.append((int(house), [_norm(v) for v in values], line.strip()))
    return rows


_ORDINALS = ("first", "second", "third", "fourth", "fifth", "sixth", "seventh")
_HOUSE_REF = re.compile(
    r"\bhouse\s*(?:number\s*|no\.?\s*|#\s*)?(\d+)"
    rf"|\b({'|'.join(_ORDINALS)})\s+house"
    rf"|\bin\s+the\s+({'|'.join(_ORDINALS)})\b(?!\s+(?:clue|row|column|place|position|line))",
    re.IGNORECASE,
)


def _house(match: re.Match[str]) -> int:
    if match.group(1):
        return int(match.group(1))
    return _ORDINALS.index((match.group(2) or match.group(3)).lower()) + 1


def _pieces(sentence: str) -> list[str]:
    """A sentence cut at the commas, semicolons and "and"s outside brackets."""
    pieces, depth, start = [], 0, 0
    for i, ch in enumerate(sentence):
        depth += (ch in "([") - (ch in ")]")
        if depth == 0 and (ch in ",;" or sentence.startswith(" and ", i)):
            pieces.append(sentence[start:i])
            start = i + 1
    return [*pieces, sentence[start:]]


def house_clauses(text: str, options: list[list[str]]) -> list[tuple[int, list[str], str]]:
    """(house, values named, clause) for every stretch of prose about one house: a sentence
    that names one house, or a piece of a sentence that names several ("house 1 is Arnold
    (Pixel 6, Timothy), house 2 is Bob ..."); a piece that names none belongs to the house
    before it ("In the first house lives Bob, who loves daffodils")."""
    found: dict[int, tuple[list[str], str]] = {}
    house = None
    for sentence in re.split(r"(?<=[.!?;])\s+|\n", text):
        refs = list(_HOUSE_REF.finditer(sentence))
        pieces = _pieces(sentence) if len(refs) > 1 else [sentence]
        for piece in pieces:
            named = [_house(m) for m in _HOUSE_REF.finditer(piece)]
            if len(named) > 1:
                continue
            if named:
                house = named[0]
            if house is None:
                continue
            names = _named_values(piece, options)
            before = found.get(house, ([], ""))
            found[house] = (before[0] + names, (before[1] + " " + piece).strip())
    return [(h, names, span) for h, (names, span) in found.items()]


def _named_values(text: str, options: list[list[str]]) -> list[str]:
    """The option values `text` names, each as often as it is named (at most once per
    category that has it: "alice" can be a name and a child)."""
    lowered = " ".join(re.findall(r"[a-z0-9]+", text.lower()))
    names = []
    for value in {v for column in options for v in column}:
        times = len(re.findall(rf"\b{re.escape(value)}\b", lowered))
        names += [value] * min(times, sum(value in column for column in options))
    return names


def ordered_rows(text: str, options: list[list[str]], solution: list[list[str]]) -> list[str]:
    """Every house's values listed in house order, one group after another, with no house
    numbers ("Bob/daffodils/Billy, Alice/carnations/Alice, Arnold/iris/Timothy")."""
    for sentence in re.split(r"(?<=[.!?])\s+|\n\s*\n", text):
        groups = [g for g in re.split(r"[,;\n]", sentence) if _named_values(g, options)]
        for i in range(len(groups) - len(solution) + 1):
            window = groups[i : i + len(solution)]
            if all(
                sorted(_named_values(g, options)) == sorted(row)
                for g, row in zip(window, solution, strict=True)
            ):
                return [g.strip() for g in window]
    return []


def category_lines(
    text: str, options: list[list[str]], houses: int
) -> dict[int, tuple[list[str], str]]:
    """Lines that give one category for every house in order ("Name: Bob, Alice, Arnold",
    "| Flower | daffodils | carnations | iris |"): {category: (values, line)}."""
    found = {}
    for line in text.splitlines():
        cells = [c for c in re.split(r"\s*\|\s*", line.strip()) if c]
        if len(cells) <= 1 and ":" in line:
            cells = [line.split(":", 1)[0], *re.split(r"[,;]", line.split(":", 1)[1])]
        values = [_norm(v) for v in cells[1:] if v.strip()]
        for c, column in enumerate(options):
            if len(values) == houses and all(v in column for v in values):
                found.setdefault(c, (values, line.strip()))
    return found


def _literal(value: Any, categories: list[str]) -> list[Any]:
    """A clue's literal as [column, display value, description]."""
    return [categories.index(type(value).__name__), value.name.replace("_", " "), value.value]


def _holds(kind: str, a: int, b: int | None, house: int | None) -> bool:
    """Whether a clue holds when its literals are in houses a and b (reasoning-gym's semantics)."""
    if kind == "found_at":
        return a == house
    if kind == "not_at":
        return a != house
    assert b is not None
    return {
        "same_house": a == b,
        "consecutive": a + 1 == b,  # "a is directly left of b"
        "beside": abs(a - b) == 1,
        "left_of": a < b,
        "right_of": a > b,
        "one_between": abs(a - b) == 2,
        "two_between": abs(a - b) == 3,
    }[kind]


class Zebra(Generated):
    name = "zebra"
    rg_name = "zebra_puzzles"
    size_meaning = "number of houses"
    sizes = range(2, 8)

    def config(self, difficulty: str, size: int | None) -> dict[str, Any]:
        return {
            "num_people": size or HOUSES[difficulty],
            "num_characteristics": CHARACTERISTICS[difficulty],
        }

    def entry(self, dataset: Any, index: int) -> dict[str, Any]:
        # ZebraDataset.__getitem__ keeps the puzzle's clue objects to itself: generate the same
        # puzzle the same way (same seed, same calls) to have them
        rng = Random(dataset.seed + index)
        config = dataset.config
        instance, puzzle = generate_puzzle(rng, config.num_people, config.num_characteristics)
        return {"text": str(puzzle), "instance": instance, "puzzle": puzzle}

    def build(self, entry: dict[str, Any]) -> tuple[str, str, dict[str, Any]]:
        text, instance, puzzle = entry["text"], entry["instance"], entry["puzzle"]
        header = instance["solution"]["table_header"][1:]  # drop "House"
        solution = [[str(v) for v in row[1:]] for row in instance["solution"]["table_rows"]]
        by_text = {str(clue): clue for clue in puzzle.clues}
        clues = []
        for m in re.finditer(r"^(\d+)\. (.+)$", text, flags=re.MULTILINE):
            clue = by_text[m[2]]
            fields = vars(clue)
            clues.append(
                {
                    "number": int(m[1]),
                    "kind": type(clue).__name__,
                    "text": m[2],
                    "a": _literal(fields.get("value", fields.get("value1")), header),
                    "b": _literal(fields["value2"], header) if "value2" in fields else None,
                    "house": fields.get("house"),
                }
            )
        options = [sorted({row[c] for row in solution}) for c in range(len(header))]
        labels = [_label(c) for c in header]
        example = "\n".join(
            f"House {h}: " + ", ".join(f"<{label}>" for label in labels)
            for h in range(1, len(solution) + 1)
        )
        statement = (
            f"{text}\nFill in the whole table: for every house, who lives there and their "
            f"{_listing([label.lower() for label in labels[1:]])}.\n\n"
            f"Answer format: after `ANSWER:`, one line per house, values in the order "
            f"{', '.join(labels)}, separated by commas:\nANSWER:\n{example}"
        )
        target = "\n".join(
            f"House {h}: {', '.join(row)}" for h, row in enumerate(solution, start=1)
        )
        metadata = {
            "categories": labels,
            "options": options,
            "solution": solution,
            "clues": clues,
            "question_answer": str(instance["questions"][0]["answer"]),
        }
        return statement, target, metadata

    def shape(self, block: str) -> Any | None:
        return house_rows(block) or None

    def _table(self, block: str, problem: Problem) -> tuple[list[list[str]] | None, list[str]]:
        """The student's table as rows of values (house 1 first), or None and what is wrong."""
        meta = problem.metadata
        labels, options = meta["categories"], meta["options"]
        k, m = len(meta["solution"]), len(labels)
        rows = house_rows(block)
        if not rows:
            return None, [f"Write one line per house, like `House 1: {', '.join(labels)}`."]
        issues: list[str] = []
        table: dict[int, list[str]] = {}
        for house, values, _ in rows:
            if not 1 <= house <= k:
                issues.append(f"There is no house {house}; the houses are numbered 1 to {k}.")
            elif house in table:
                issues.append(f"Your table has two lines for house {house}.")
            elif len(values) != m:
                issues.append(
                    f"House {house} lists {len(values)} values; give one for each of "
                    f"{', '.join(labels)}, in that order."
                )
            else:
                table[house] = values
        issues += [
            f"Your table has no line for house {h}."
            for h in range(1, k + 1)
            if h not in {house for house, _, _ in rows}
        ]
        for house, values in sorted(table.items()):
            for c, value in enumerate(values):
                if value not in {_norm(o) for o in options[c]}:
                    issues.append(
                        f"'{value}' in house {house} is not one of the {labels[c]} options "
                        f"({', '.join(options[c])})."
                    )
        for c, label in enumerate(labels):
            seen: dict[str, list[int]] = {}
            for house, values in sorted(table.items()):
                seen.setdefault(values[c], []).append(house)
            for value, houses in seen.items():
                if len(houses) > 1 and value in {_norm(o) for o in options[c]}:
                    issues.append(
                        f"{label} '{value}' is given to houses "
                        f"{', '.join(map(str, houses[:-1]))} and {houses[-1]}; every house has a "
                        "different one."
                    )
        if issues:
            return None, issues
        return [table[h] for h in range(1, k + 1)], []

    def check(self, block: str, problem: Problem) -> Verdict:
        meta = problem.metadata
        solution = [[_norm(v) for v in row] for row in meta["solution"]]
        table, issues = self._table(block, problem)
        if table is None:
            return Verdict(False, summarise(issues), report=" ".join(issues))
        cells = [
            v == s
            for row, srow in zip(table, solution, strict=True)
            for v, s in zip(row, srow, strict=True)
        ]
        score = sum(cells) / len(cells)

        def where(literal: list[Any]) -> int:
            column, value = literal[0], _norm(literal[1])
            return next(h for h, row in enumerate(table, start=1) if row[column] == value)

        failed = []
        for clue in meta["clues"]:
            a = where(clue["a"])
            b = where(clue["b"]) if clue["b"] else None
            if _holds(clue["kind"], a, b, clue["house"]):
                continue
            placed = f"{clue['a'][2]} is in house {a}"
            if b is not None:
                placed += f" and {clue['b'][2]} is in house {b}"
            failed.append(
                f'Clue {clue["number"]} ("{clue["text"]}") does not hold in your table: {placed}.'
            )
        if not failed:
            return Verdict(True, "Your table satisfies every clue.", score=1.0)
        wrong = [
            f"house {h} {meta['categories'][c]}"
            for h, (row, srow) in enumerate(zip(table, solution, strict=True), start=1)
            for c, (v, s) in enumerate(zip(row, srow, strict=True))
            if v != s
        ]
        report = " ".join(failed) + f" Wrong cells: {', '.join(wrong)}."
        return Verdict(False, summarise(failed), report=report, score=partial_credit(score, False))

    def solution_text(self, problem: Problem) -> str:
        return f"The solved table:\n{problem.target}"

    def wrong_answers(self, problem: Problem) -> Iterable[str]:
        solution = problem.metadata["solution"]
        for c in range(len(solution[0]) - 1, -1, -1):  # swap two houses' values in one column
            rows = [list(row) for row in solution]
            rows[0][c], rows[1][c] = rows[1][c], rows[0][c]
            yield "\n".join(f"House {h}: {', '.join(r)}" for h, r in enumerate(rows, start=1))

    def leaked(self, feedback: str, problem: Problem) -> list[str]:
        """The solved table: the right values of all houses but at most one (the last follows),
        however it is written: `House k:` lines, a Markdown table or numbered lines ("1. Arnold
        - Pixel 6 - Timothy"), sentences ("Arnold lives in house 1 with the Google Pixel 6 and
        his child Timothy"), or one line per category ("Name: Bob, Alice, Arnold")."""
        meta = problem.metadata
        solution = [[_norm(v) for v in row] for row in meta["solution"]]
        options = [[_norm(v) for v in column] for column in meta["options"]]
        right: dict[int, str] = {}
        for house, values, line in house_rows(feedback):
            if 1 <= house <= len(solution) and values == solution[house - 1]:
                right[house] = line
        for house, found, span in house_clauses(feedback, options):
            if 1 <= house <= len(solution) and sorted(found) == sorted(solution[house - 1]):
                right.setdefault(house, span)
        if len(right) >= len(solution) - 1:
            return list(right.values())
        spans = ordered_rows(feedback, options, solution)
        if spans:
            return spans
        columns = category_lines(feedback, options, len(solution))
        if len(columns) == len(options) and all(
            values == [row[c] for row in solution] for c, (values, _) in columns.items()
        ):
            return [line for _, line in columns.values()]
        return []
